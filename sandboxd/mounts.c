#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"

#define STEP "mount namespace"

static void must_mount(const char *src, const char *dst, const char *type,
		       unsigned long flags, const char *data)
{
	const char *what = type ? type : src ? "bind" : "propagation";

	if (mount(src, dst, type, flags, data) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": mount %s on %s", what, dst);
}

/* Replaces whatever the host has at DST with a fresh filesystem. */
static void remount_fresh(const char *dst, const char *type, unsigned long flags,
			  const char *data)
{
	if (umount2(dst, MNT_DETACH) < 0 && errno != EINVAL)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": unmount host %s", dst);
	must_mount(type, dst, type, flags, data);
}

static void make_readonly_tree(void)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	};

	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": make host rootfs read-only");
}

/* A bind mount of PATH onto itself, writable again (still nosuid, nodev). */
static void make_writable(const char *path)
{
	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };

	must_mount(path, path, NULL, MS_BIND, NULL);
	if (mount_setattr(AT_FDCWD, path, 0, &attr, sizeof attr) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": make %s writable", path);
}

struct dev_node {
	const char *path;
	dev_t rdev;
	uid_t owner;
	mode_t mode;
};

static const char *const basic_devs[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static void mknod_dev(const struct dev_node *d)
{
	char dir[64];
	const char *slash = strrchr(d->path, '/');

	/* /dev/net/tun and the like need their directory first. */
	if (slash > d->path + 4) {
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - d->path), d->path);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": mkdir %s", dir);
	}
	if (mknod(d->path, S_IFCHR | d->mode, d->rdev) < 0 ||
	    chown(d->path, d->owner, 0) < 0 || chmod(d->path, d->mode) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": create %s", d->path);
}

static dev_t host_rdev(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		die_errno(EXIT_TEMPORARY, NULL, STEP ": host device %s", path);
	return st.st_rdev;
}

/* A tmpfs /dev holding only the basic nodes and the granted devices, each
 * of those owned by the one service that needs it, mode 0600. */
static void build_dev(const struct dev_grant *grants, size_t ngrants)
{
	enum { NBASIC = sizeof basic_devs / sizeof basic_devs[0] };
	struct dev_node nodes[NBASIC + 8];
	size_t n = 0;

	if (ngrants > 8)
		die(EXIT_PERMANENT, NULL, STEP ": too many device grants");
	/* Read the host's device numbers before covering its /dev. */
	for (size_t i = 0; i < NBASIC; i++)
		nodes[n++] = (struct dev_node){ basic_devs[i], host_rdev(basic_devs[i]), 0, 0666 };
	for (size_t i = 0; i < ngrants; i++)
		nodes[n++] = (struct dev_node){ grants[i].path, host_rdev(grants[i].path),
						grants[i].owner, 0600 };

	remount_fresh("/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m");
	for (size_t i = 0; i < n; i++)
		mknod_dev(&nodes[i]);
	if (symlink("/proc/self/fd", "/dev/fd") < 0 || mkdir("/dev/shm", 01777) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": populate /dev");
}

void mounts_build_sandbox(const struct config *cfg,
			  const char *const *writable, size_t nwritable,
			  const struct dev_grant *grants, size_t ngrants)
{
	char opts[64];

	/* Nothing we mount may propagate back to the host. */
	must_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	make_readonly_tree();
	for (size_t i = 0; i < nwritable; i++)
		make_writable(writable[i]);

	remount_fresh("/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	remount_fresh("/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	build_dev(grants, ngrants);

	/* Sockets live here and vanish with the namespace. */
	snprintf(opts, sizeof opts, "mode=0711,size=1m");
	must_mount("tmpfs", cfg->runtime_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts);
}

/* What each service gets a private tmpfs on. */
static const char *const private_dirs[] = { "/tmp", "/dev/shm" };

/* mkdir -p PATH's directories (root's, 0755: the service only passes
 * through them). */
static int make_dirs(const char *path)
{
	char buf[4096];

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		if (!(*p = c))
			return 0;
	}
}

int mounts_private_tmp(uint64_t tmp_mib, uint64_t shm_mib, uid_t uid, gid_t gid,
		       const char *keep)
{
	const uint64_t mib[] = { tmp_mib, shm_mib };
	char opts[96];
	int tree = -1;

	/* A copy of KEEP's mount tree, detached, taken before the tmpfs
	 * covers it. */
	if (keep && mounts_in_private_tmp(keep)) {
		tree = open_tree(AT_FDCWD, keep, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (tree < 0)
			return -1;
	}

	_Static_assert(sizeof mib / sizeof *mib == sizeof private_dirs / sizeof *private_dirs,
		       "a size for each private dir");
	for (size_t i = 0; i < sizeof private_dirs / sizeof *private_dirs; i++) {
		snprintf(opts, sizeof opts, "mode=0700,size=%llum,uid=%u,gid=%u",
			 (unsigned long long)mib[i], (unsigned)uid, (unsigned)gid);
		if (mount("tmpfs", private_dirs[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  opts) < 0)
			return -1;
	}
	if (tree < 0)
		return 0;
	int r = make_dirs(keep) < 0 ? -1 : move_mount(tree, "", AT_FDCWD, keep, MOVE_MOUNT_F_EMPTY_PATH);
	close(tree);
	return r;
}

bool mounts_in_private_tmp(const char *path)
{
	for (size_t i = 0; i < sizeof private_dirs / sizeof *private_dirs; i++) {
		size_t n = strlen(private_dirs[i]);
		if (!strncmp(path, private_dirs[i], n) && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}
