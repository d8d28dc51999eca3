/* Landlock the way samples/landlock/sandboxer.c does it: probe the ABI,
 * handle every right the kernel knows (so that all a profile does not grant
 * is denied), mask the rights it does not know, O_PATH fds for the rules
 * and file-only rights on files. */
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

/* What Debian 12's <linux/landlock.h> (ABI 2) lacks, from the kernel's uapi
 * header. ABI 7 adds only audit-logging flags, which sandboxd leaves at
 * the kernel's defaults. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)	/* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)	/* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)	/* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#define RULE_NET_PORT 2	/* enum landlock_rule_type, ABI 4 */

/* The ABI 6 ruleset attribute and the ABI 4 port rule; the header's
 * landlock_ruleset_attr has the first field only. */
struct ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;	/* ABI 4 */
	__u64 scoped;			/* ABI 6 */
};

struct net_port_attr {
	__u64 allowed_access;
	__u64 port;
};

#define FS(x) LANDLOCK_ACCESS_FS_##x
#define FS_ABI1 (FS(EXECUTE) | FS(WRITE_FILE) | FS(READ_FILE) | FS(READ_DIR) | FS(REMOVE_DIR) | \
		 FS(REMOVE_FILE) | FS(MAKE_CHAR) | FS(MAKE_DIR) | FS(MAKE_REG) | FS(MAKE_SOCK) | \
		 FS(MAKE_FIFO) | FS(MAKE_BLOCK) | FS(MAKE_SYM))
/* The rights that mean something on a file that is not a directory. */
#define FS_FILE (FS(EXECUTE) | FS(WRITE_FILE) | FS(READ_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))
#define NET_TCP (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
#define SCOPES (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL)

/* What each ABI adds: the rights handled from that ABI on, and what a
 * kernel below it does not enforce. */
static const struct feature {
	int abi;
	__u64 fs, net, scoped;
	size_t attr_size;	/* of struct ruleset_attr from this ABI on */
	const char *what;
} features[] = {
	{ 1, FS_ABI1, 0, 0, offsetof(struct ruleset_attr, handled_access_net), "filesystem rules" },
	{ 2, FS(REFER), 0, 0, 0, "cross-directory rename and link" },
	{ 3, FS(TRUNCATE), 0, 0, 0, "truncate" },
	{ 4, 0, NET_TCP, 0, offsetof(struct ruleset_attr, scoped), "TCP bind and connect" },
	{ 5, FS(IOCTL_DEV), 0, 0, 0, "device ioctl" },
	{ 6, 0, 0, SCOPES, sizeof(struct ruleset_attr), "signal and abstract unix socket scopes" },
};
#define NFEATURES (sizeof features / sizeof *features)

/* The rights of each profile access class, before masking by the ABI. */
static const __u64 class_rights[] = {
	[LL_READ] = FS(READ_FILE) | FS(READ_DIR),
	[LL_READ_EXEC] = FS(READ_FILE) | FS(READ_DIR) | FS(EXECUTE),
	[LL_READ_WRITE] = FS(READ_FILE) | FS(READ_DIR) | FS(WRITE_FILE) | FS(REMOVE_DIR) |
			  FS(REMOVE_FILE) | FS(MAKE_DIR) | FS(MAKE_REG) | FS(MAKE_SOCK) |
			  FS(MAKE_FIFO) | FS(MAKE_SYM) | FS(REFER) | FS(TRUNCATE),
	[LL_DEVICE] = FS(READ_FILE) | FS(WRITE_FILE) | FS(IOCTL_DEV),
	/* Directory rights only: making nodes, not opening them (the view
	 * mounts every writable path nodev). */
	[LL_MAKE_DEVICE] = FS(MAKE_CHAR) | FS(MAKE_BLOCK),
	[LL_VIEW] = 0,
};

/* What ABI takes, all masks and the attribute's size included. */
static struct ruleset_attr handled(int abi, size_t *size)
{
	struct ruleset_attr a = { 0 };

	*size = 0;
	for (size_t i = 0; i < NFEATURES && features[i].abi <= abi; i++) {
		a.handled_access_fs |= features[i].fs;
		a.handled_access_net |= features[i].net;
		a.scoped |= features[i].scoped;
		if (features[i].attr_size)
			*size = features[i].attr_size;
	}
	return a;
}

static void log_not_enforced(int abi, const char *why)
{
	char list[512];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < NFEATURES; i++)
		if (features[i].abi > abi && n < sizeof list)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s (ABI %d)",
					      n ? ", " : "", features[i].what, features[i].abi);
	if (n)
		log_warn(NULL, "landlock: ABI %d (%s): not enforced for any service: %s", abi, why,
			 list);
	else
		log_info(NULL, "landlock: ABI %d (%s)", abi, why);
}

int landlock_probe(const struct config *cfg)
{
	long kernel = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	char why[128];
	int abi;

	if (kernel < 0) {
		snprintf(why, sizeof why, "Landlock unavailable: %s", strerror(errno));
		kernel = 0;
	} else
		snprintf(why, sizeof why, "kernel ABI %ld", kernel);
	if (kernel < cfg->landlock_min_abi)
		die(EXIT_PERMANENT, NULL, "landlock: %s, but the config demands landlock_min_abi = %d",
		    why, cfg->landlock_min_abi);
	abi = kernel < LANDLOCK_ABI_KNOWN ? (int)kernel : LANDLOCK_ABI_KNOWN;
	if (abi > cfg->landlock_max_abi) {
		abi = cfg->landlock_max_abi;
		snprintf(why + strlen(why), sizeof why - strlen(why),
			 ", capped by landlock_max_abi = %d", abi);
	}
	log_not_enforced(abi, why);
	return abi;
}

/* One rule on the open file FD (consumed): the class's rights, file-only
 * ones on a non-directory. A class with none there (make-device on a
 * file) adds no rule: Landlock refuses an empty one, and it would grant
 * nothing. */
static int add_fd_rule(int ruleset, int fd, enum ll_class class, __u64 handled_fs)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = class_rights[class], .parent_fd = fd,
	};
	struct stat st;
	int rc = -1;

	if (fstat(fd, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			attr.allowed_access &= FS_FILE;
		attr.allowed_access &= handled_fs;
		rc = attr.allowed_access ? (int)syscall(SYS_landlock_add_rule, ruleset,
							LANDLOCK_RULE_PATH_BENEATH, &attr, 0)
					 : 0;
	}
	close(fd);
	return rc;
}

/* A path that does not exist grants nothing (the service's view has only
 * what exists), so its rule is left out, logged, rather than failing the
 * service. */
static int add_path_rule(int ruleset, const struct ll_path *r, __u64 handled_fs,
			 const char *service)
{
	int fd = open(r->path, O_PATH | O_CLOEXEC);

	if (fd >= 0)
		return add_fd_rule(ruleset, fd, r->class, handled_fs);
	if (errno != ENOENT && errno != EACCES)
		return -1;
	log_info(service, "landlock: %s: %s: rule left out", r->path, strerror(errno));
	return 0;
}

static int add_port_rule(int ruleset, const struct ll_port *r)
{
	struct net_port_attr attr = {
		.allowed_access = r->connect ? LANDLOCK_ACCESS_NET_CONNECT_TCP
					     : LANDLOCK_ACCESS_NET_BIND_TCP,
		.port = r->port,
	};

	return (int)syscall(SYS_landlock_add_rule, ruleset, RULE_NET_PORT, &attr, 0);
}

static void add_rules(int ruleset, const struct profile *p, const struct ruleset_attr *h,
		      const char *service)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (class_rights[p->paths[i].class] &&
		    add_path_rule(ruleset, &p->paths[i], h->handled_access_fs, service) < 0)
			die_errno(EXIT_TEMPORARY, service, "landlock: rule for %s (%s:%u)",
				  p->paths[i].path, p->file, p->paths[i].line);
	for (size_t i = 0; h->handled_access_net && i < p->nports; i++)
		if (add_port_rule(ruleset, &p->ports[i]) < 0)
			die_errno(EXIT_TEMPORARY, service, "landlock: rule for TCP port %u (%s:%u)",
				  (unsigned)p->ports[i].port, p->file, p->ports[i].line);
}

void landlock_restrict_service(const struct profile *p, int abi, const char *service)
{
	size_t size;
	struct ruleset_attr h = handled(abi, &size);
	int ruleset;

	if (!abi)
		return;
	h.scoped &= (p->scope_signal ? LANDLOCK_SCOPE_SIGNAL : 0) |
		    (p->scope_abstract_unix ? LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET : 0);
	if (p->unhandled_fs)
		h.handled_access_fs = 0;
	if (p->unhandled_connect)
		h.handled_access_net &= ~(__u64)LANDLOCK_ACCESS_NET_CONNECT_TCP;
	/* Nothing left to handle below ABI 4 (a profile leaving the
	 * filesystem alone): Landlock refuses an empty ruleset. */
	if (!h.handled_access_fs && !h.handled_access_net && !h.scoped) {
		log_info(service, "landlock: ABI %d: nothing this profile handles is enforced", abi);
		return;
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &h, size, 0);
	if (ruleset < 0)
		die_errno(EXIT_TEMPORARY, service, "landlock: create ruleset");
	add_rules(ruleset, p, &h, service);
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		die_errno(EXIT_TEMPORARY, service, "landlock: restrict self");
	close(ruleset);
}

/* sandboxd's own domain: every right of the ABI handled and none granted
 * but REMOVE_DIR beneath REMOVE_DIR_FD (when >= 0); abstract unix sockets
 * scoped, signals not (the processes sandboxd signals were started before
 * its domain, so they are outside it). The ASan build may also read
 * everything: its runtime reads /proc/self/maps and the binaries to
 * symbolise a report. */
void landlock_confine_self(int abi, const int *dirs, size_t n, const char *removes, char *what,
			   size_t len)
{
	size_t size;
	struct ruleset_attr h = handled(abi, &size);
	int ruleset;

	snprintf(what, len, "Landlock off");
	if (!abi)
		return;
	h.scoped &= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &h, size, 0);
	if (ruleset < 0)
		die_errno(EXIT_TEMPORARY, NULL, "landlock: create sandboxd's own ruleset");
	for (size_t i = 0; i < n; i++) {
		struct landlock_path_beneath_attr remove = {
			.allowed_access = FS(REMOVE_DIR), .parent_fd = dirs[i],
		};
		if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &remove, 0) < 0)
			die_errno(EXIT_TEMPORARY, NULL, "landlock: rule to remove %s", removes);
	}
#ifdef __SANITIZE_ADDRESS__
	if (add_fd_rule(ruleset, open("/", O_PATH | O_CLOEXEC), LL_READ, h.handled_access_fs) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "landlock: read rule for the sanitizer");
#endif
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "landlock: restrict sandboxd");
	close(ruleset);
	snprintf(what, len, "Landlock ABI %d (no file access%s%s%s%s)", abi, n ? " but removing " : "",
		 n ? removes : "", h.handled_access_net ? ", no TCP" : "",
		 h.scoped ? ", abstract unix sockets scoped" : "");
}
