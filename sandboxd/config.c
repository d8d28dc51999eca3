/* The VM config parser (sandboxd.conf(5)): one table of keys, one small
 * parser per key, every value and every named path validated before
 * config_load returns, so that a bad config changes nothing on the host. */
#include "config.h"
#include "landlock.h"
#include "log.h"
#include "paths.h"
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SANDBOXD_PROFILE_DIR
#define SANDBOXD_PROFILE_DIR "/usr/local/share/sandboxd/profiles"
#endif

/* Service ids run up to base + CONFIG_ID_SPAN - 1; that must stay below
 * (uid_t)-1, which means "no change" to setresuid and chown. */
#define MAX_ID_BASE ((uint64_t)UINT32_MAX - CONFIG_ID_SPAN)
_Static_assert(sizeof(uid_t) == 4 && sizeof(gid_t) == 4, "32-bit uid_t and gid_t");
/* Sockets live in the runtime dir: their paths must fit in sun_path (108). */
#define RUNTIME_DIR_MAX 64
#define STR_(x) #x
#define STR(x) STR_(x)

#include "config_parser.h"

int config_expected(const struct parser *p, const char *what, const char *value)
{
	return fail(p, "%s: expected %s, got '%s'", p->key, what, value);
}

int config_store(const struct parser *p, char **field, const char *value)
{
	*field = strdup(value);
	return *field ? 0 : fail(p, "out of memory");
}

void *config_field(const struct parser *p, const struct key *k)
{
	return (char *)p->cfg + k->offset;
}

/* The 32-bit integer fields: vcpus, uid_base, gid_base, landlock_min_abi,
 * landlock_max_abi, shutdown_timeout_ms (asserted after the table). */
static int parse_u32(struct parser *p, const struct key *k, const char *value)
{
	const char *end;
	char what[80];
	uint64_t v;
	uint32_t v32;

	if (!textfile_scan_u64(value, 10, &v, &end) || *end || v < k->min || v > k->max) {
		snprintf(what, sizeof what, "an integer %llu..%llu",
			 (unsigned long long)k->min, (unsigned long long)k->max);
		return config_expected(p, what, value);
	}
	v32 = (uint32_t)v;
	memcpy(config_field(p, k), &v32, sizeof v32);
	return 0;
}

/* A uint64_t count of MiB: "256M", "1G" or a bare number of MiB. */
static int parse_size(struct parser *p, const struct key *k, const char *value)
{
	const char *end;
	char what[100], lo[24], hi[24];
	uint64_t v;

	if (textfile_scan_u64(value, 10, &v, &end)) {
		if ((*end == 'G' || *end == 'g') && v <= UINT64_MAX / 1024)
			v *= 1024, end++;
		else if (*end == 'M' || *end == 'm')
			end++;
		if (!*end && v >= k->min && v <= k->max) {
			memcpy(config_field(p, k), &v, sizeof v);
			return 0;
		}
	}
	snprintf(what, sizeof what, "a size %s..%s (256M, 1G; a bare number is MiB)",
		 textfile_mib_text(lo, k->min), textfile_mib_text(hi, k->max));
	return config_expected(p, what, value);
}

/* An enum whose values index k->choices. */
int config_parse_choice(struct parser *p, const struct key *k, const char *value)
{
	for (int i = 0; k->choices[i]; i++)
		if (!strcmp(value, k->choices[i])) {
			memcpy(config_field(p, k), &i, sizeof i);
			return 0;
		}
	return config_expected(p, k->what, value);
}


/* Relative paths are relative to the config file's directory; the result is
 * canonical (realpath), so later Landlock rules and mounts see one name. */
static int resolve(const struct parser *p, const char *value, char **out)
{
	char *joined = NULL;
	int saved;

	if (!*value)
		return config_expected(p, "a path", value);
	if (*value != '/' && asprintf(&joined, "%s/%s", p->dir, value) < 0)
		return fail(p, "out of memory");
	*out = realpath(joined ? joined : value, NULL);
	saved = errno;
	free(joined);
	if (!*out)
		return fail(p, "%s: cannot access '%s': %s", p->key, value, strerror(saved));
	return 0;
}

static int parse_name(struct parser *p, const struct key *k, const char *v)
{
	/* "." and ".." would escape /run/sandboxd/ in the default runtime_dir. */
	if (!textfile_is_word(v, ALNUM "_.-", 32) || !strcmp(v, ".") || !strcmp(v, ".."))
		return config_expected(p, "1..32 characters of [A-Za-z0-9_.-], not '.' or '..'", v);
	return config_store(p, config_field(p, k), v);
}

static int parse_cmdline(struct parser *p, const struct key *k, const char *v)
{
	return *v ? config_store(p, config_field(p, k), v) : 0;
}

/* Seconds with up to three decimals ("30", "2.5"): no strtod, whose
 * locale, hex and "inf" forms have no place here. */
static int parse_seconds_ms(struct parser *p, const struct key *k, const char *v)
{
	static const char what[] = "seconds 0.1..3600, at most 3 decimals (30, 2.5)";
	uint64_t secs, ms = 0;
	const char *end;
	int digits = 0;

	if (!textfile_scan_u64(v, 10, &secs, &end) || secs > 3600)
		return config_expected(p, what, v);
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9' && digits < 3; end++, digits++)
			ms = ms * 10 + (uint64_t)(*end - '0');
		if (!digits)
			return config_expected(p, what, v);
		for (; digits < 3; digits++)
			ms *= 10;
	}
	ms += secs * 1000;
	if (*end || ms < k->min || ms > k->max)
		return config_expected(p, what, v);
	memcpy(config_field(p, k), &(uint32_t){ (uint32_t)ms }, sizeof(uint32_t));
	return 0;
}

/* The runtime dir is created and later removed: demand a plain absolute
 * path, so that no spelling of it can name / or climb out of its parent. */
static int parse_runtime_dir(struct parser *p, const struct key *k, const char *v)
{
	size_t n;

	if (*v != '/' || !v[1] || strlen(v) > RUNTIME_DIR_MAX)
		goto bad;
	for (const char *c = v + 1; *c; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (!n || (c[n] == '/' && !c[n + 1]) || !strncmp(c, ".", n) || !strncmp(c, "..", n))
			goto bad;
	}
	p->cfg->runtime_dir_line = p->line;
	return config_store(p, config_field(p, k), v);
bad:
	return config_expected(p, "an absolute path other than / of at most " STR(RUNTIME_DIR_MAX)
			" bytes, without '.', '..', empty components or a trailing /", v);
}

static int parse_profile_dir(struct parser *p, const struct key *k, const char *v)
{
	char **path = config_field(p, k);
	struct stat st;

	if (resolve(p, v, path) < 0)
		return -1;
	if (stat(*path, &st) < 0 || !S_ISDIR(st.st_mode))
		return fail(p, "%s: '%s' is not a directory", p->key, v);
	return 0;
}

static const char *const vmm_names[] = {
	[VMM_AUTO] = "auto", [VMM_QEMU] = "qemu", [VMM_BUILTIN] = "builtin", NULL };
static const char *const accel_names[] = {
	[ACCEL_AUTO] = "auto", [ACCEL_KVM] = "kvm", [ACCEL_TCG] = "tcg", NULL };
static const char *const readiness_names[] = {
	[READINESS_GUEST] = "guest", [READINESS_VMM] = "vmm", NULL };
static const char *const cgroups_names[] = {
	[CGROUPS_REQUIRED] = "required", [CGROUPS_BEST_EFFORT] = "best-effort", [CGROUPS_OFF] = "off",
	NULL };
static const char *const cgroup_version_names[] = {
	[CGROUP_VERSION_AUTO] = "auto", [CGROUP_VERSION_1] = "1", [CGROUP_VERSION_2] = "2", NULL };

#define AT(f) .offset = offsetof(struct config, f)
static const struct key keys[] = {
	{ "name",             parse_name,        AT(name), .required = true },
	{ "vmm",              config_parse_choice, AT(vmm), .choices = vmm_names,
	  .what = "qemu, builtin or auto" },
	{ "accel",            config_parse_choice, AT(accel), .choices = accel_names,
	  .what = "kvm, tcg or auto" },
	{ "kernel",           config_parse_boot_file,   AT(kernel), .required = true },
	{ "initrd",           config_parse_boot_file,   AT(initrd) },
	{ "cmdline",          parse_cmdline,     AT(cmdline) },
	{ "memory",           parse_size,        AT(memory_mib), 16, 65536 },
	{ "vcpus",            parse_u32,         AT(vcpus), 1, 64 },
	{ "disk",             config_parse_disk,        .repeatable = true },
	{ "share",            config_parse_share,       .repeatable = true },
	{ "uid_base",         parse_u32,         AT(uid_base), 1, MAX_ID_BASE },
	{ "gid_base",         parse_u32,         AT(gid_base), 1, MAX_ID_BASE },
	{ "shutdown_timeout", parse_seconds_ms,  AT(shutdown_timeout_ms), 100, 3600000 },
	{ "readiness",        config_parse_choice, AT(readiness), .choices = readiness_names,
	  .what = "guest or vmm" },
	{ "ready_late",       parse_seconds_ms,  AT(ready_late_ms), 100, 3600000 },
	{ "runtime_dir",      parse_runtime_dir, AT(runtime_dir) },
	{ "profile_dir",      parse_profile_dir, AT(profile_dir) },
	{ "landlock_min_abi", parse_u32,         AT(landlock_min_abi), 0, LANDLOCK_ABI_KNOWN },
	{ "landlock_max_abi", parse_u32,         AT(landlock_max_abi), 0, LANDLOCK_ABI_KNOWN },
	{ "tmpfs_size",       parse_size,        AT(tmpfs_mib), 1, 4096 },
	{ "memory_max",       config_parse_cgroup_limit, AT(vm_limits) },
	{ "pids_max",         config_parse_cgroup_limit, AT(vm_limits) },
	{ "cpu_weight",       config_parse_cgroup_limit, AT(vm_limits) },
	{ "cpu_max",          config_parse_cgroup_limit, AT(vm_limits) },
	{ "cgroups",          config_parse_choice, AT(cgroups), .choices = cgroups_names,
	  .what = "required, best-effort or off" },
	{ "cgroup_parent",    config_parse_cgroup_parent, AT(cgroup_parent) },
	{ "cgroup_version",   config_parse_cgroup_version, AT(cgroup_version),
	  .choices = cgroup_version_names, .what = "auto, 1 or 2" },
	{ "network",          config_parse_network,     AT(net) },
	{ "mac",              config_parse_mac,         AT(net) },
	{ "host_address",     config_parse_host_address, AT(net) },
	{ "forward",          config_parse_forward,     AT(net), .repeatable = true },
};
/* What the generic parsers write through `offset`. */
#define FIELD_SIZE(f) sizeof(((struct config *)0)->f)
_Static_assert(FIELD_SIZE(vcpus) == 4 && FIELD_SIZE(uid_base) == 4 && FIELD_SIZE(gid_base) == 4
	       && FIELD_SIZE(landlock_min_abi) == 4 && FIELD_SIZE(landlock_max_abi) == 4
	       && FIELD_SIZE(shutdown_timeout_ms) == 4 && FIELD_SIZE(ready_late_ms) == 4,
	       "parse_u32 and parse_seconds_ms fields are 32-bit");
_Static_assert(FIELD_SIZE(memory_mib) == 8 && FIELD_SIZE(tmpfs_mib) == 8,
	       "parse_size fields are 64-bit");
_Static_assert(FIELD_SIZE(vmm) == sizeof(int) && FIELD_SIZE(accel) == sizeof(int)
	       && FIELD_SIZE(cgroups) == sizeof(int) && FIELD_SIZE(readiness) == sizeof(int)
	       && FIELD_SIZE(cgroup_version) == sizeof(int),
	       "parse_choice fields are int-sized enums");
#define NKEYS (sizeof keys / sizeof *keys)

/* One line: blank, a whole-line comment, or "key = value". */
static int parse_line(char *line, unsigned number, void *arg)
{
	struct parser *p = arg;
	unsigned *seen = p->seen;
	char *key, *eq, *value;

	p->line = number;
	key = textfile_trim(line);
	if (!*key || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (!eq)
		return fail(p, "expected 'key = value', got '%s'", key);
	*eq = '\0';
	key = textfile_trim(key);
	value = textfile_trim(eq + 1);
	if (!*key)
		return fail(p, "expected 'key = value', got no key before '='");
	for (size_t k = 0; k < NKEYS; k++) {
		if (strcmp(key, keys[k].name))
			continue;
		if (seen[k] && !keys[k].repeatable)
			return fail(p, "duplicate key '%s' (first on line %u)", key, seen[k]);
		if (!seen[k])
			seen[k] = p->line;
		p->key = keys[k].name;
		return keys[k].parse(p, &keys[k], value);
	}
	return fail(p, "unknown key '%s'", key);
}

static int set_defaults(struct parser *p, const char *file)
{
	const char *slash = strrchr(file, '/');
	struct config *cfg = p->cfg;

	cfg->file = file;
	cfg->kernel_fd = cfg->initrd_fd = -1;
	cfg->vmm = VMM_AUTO;
	cfg->accel = ACCEL_AUTO;
	cfg->memory_mib = 256;
	cfg->vcpus = 1;
	cfg->shutdown_timeout_ms = 30000;
	/* The shipped guest image announces itself (vmm/guest-image/init). */
	cfg->readiness = READINESS_GUEST;
	cfg->ready_late_ms = 60000;
	cfg->landlock_min_abi = 0;
	cfg->landlock_max_abi = LANDLOCK_ABI_KNOWN;
	cfg->tmpfs_mib = 64;
	if (!slash)
		p->dir = strdup(".");
	else
		p->dir = strndup(file, slash == file ? 1 : (size_t)(slash - file));
	return p->dir ? 0 : fail_at(p, 0, "out of memory");
}

/* Defaults that depend on other keys, and the required keys (LINE 0). */
static int finish(struct parser *p, const unsigned seen[NKEYS])
{
	struct config *cfg = p->cfg;

	for (size_t k = 0; k < NKEYS; k++)
		if (keys[k].required && !seen[k])
			return fail_at(p, 0, "missing required key '%s'", keys[k].name);
	if (cfg->landlock_min_abi > cfg->landlock_max_abi)
		return fail_at(p, 0, "landlock_min_abi = %d is above landlock_max_abi = %d",
			       cfg->landlock_min_abi, cfg->landlock_max_abi);
	if (!cfg->runtime_dir && asprintf(&cfg->runtime_dir, "/run/sandboxd/%s", cfg->name) < 0) {
		cfg->runtime_dir = NULL;
		return fail_at(p, 0, "out of memory");
	}
	if (!cfg->profile_dir && !(cfg->profile_dir = strdup(SANDBOXD_PROFILE_DIR)))
		return fail_at(p, 0, "out of memory");
	return config_net_finish(p);
}

int config_load(const char *file, struct config *cfg)
{
	unsigned seen[NKEYS] = { 0 };
	struct parser p = { .cfg = cfg, .file = file, .seen = seen };
	int r;

	memset(cfg, 0, sizeof *cfg);
	if (set_defaults(&p, file) < 0)
		return -1;
	r = textfile_each_line(file, "config", parse_line, &p);
	if (r == TEXTFILE_READ_ERROR)
		r = fail(&p, "cannot read: %s", strerror(errno));
	if (r == 0)
		r = finish(&p, seen);
	free(p.dir);
	if (r < 0)
		config_free(cfg);
	return r;
}

void config_free(struct config *cfg)
{
	free(cfg->name);
	free(cfg->kernel);
	free(cfg->initrd);
	free(cfg->cmdline);
	for (size_t i = 0; i < cfg->ndisks; i++) {
		free(cfg->disks[i].path);
		close(cfg->disks[i].fd);
	}
	for (size_t i = 0; i < cfg->nshares; i++) {
		free(cfg->shares[i].tag);
		free(cfg->shares[i].path);
		free(cfg->shares[i].cache);
		close(cfg->shares[i].fd);
	}
	if (cfg->kernel_fd >= 0)
		close(cfg->kernel_fd);
	if (cfg->initrd_fd >= 0)
		close(cfg->initrd_fd);
	free(cfg->runtime_dir);
	free(cfg->profile_dir);
	free(cfg->cgroup_parent);
	free(cfg->net.bridge);
	memset(cfg, 0, sizeof *cfg);
}
