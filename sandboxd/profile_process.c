/* What the service's process itself gets: capabilities, securebits,
 * rlimits, the sizes of its private tmpfs mounts, its environment. */
#include "profile_loader.h"

#include "cgroup.h"

#include <cap-ng.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int directive_capability(struct loader *l, char **w, size_t n)
{
	char name[64];
	int cap;

	for (size_t k = 0; k < n; k++) {
		cap = capng_name_to_capability(loader_bare_name(w[k], "CAP_", name));
		if (cap < 0 || cap > 63)
			return fail(l, "unknown capability '%s'", w[k]);
		if (loader_set_once(l, &l->seen.cap[cap], "capability", w[k]) < 0)
			return -1;
		l->p->caps |= UINT64_C(1) << cap;
	}
	return 0;
}

int directive_securebits(struct loader *l, char **w, size_t n)
{
	const struct name_value *bit;
	char name[64];

	for (size_t k = 0; k < n; k++) {
		if (!(bit = name_lookup(securebit_names, loader_bare_name(w[k], "SECBIT_", name))))
			return fail(l, "unknown securebit '%s'", w[k]);
		if (loader_set_once(l, &l->seen.secbit[bit->value], "securebit", w[k]) < 0)
			return -1;
		l->p->securebits |= 1u << bit->value;
	}
	return 0;
}

static int parse_limit(const struct loader *l, const char *w, rlim_t *out)
{
	uint64_t v;

	if (!strcmp(w, "unlimited")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (!loader_scan_size(w, &v) || v >= RLIM_INFINITY)
		return fail(l, "rlimit: expected a number (K, M, G, T suffixes) or unlimited, got '%s'", w);
	*out = v;
	return 0;
}

int directive_rlimit(struct loader *l, char **w, size_t n)
{
	struct rlimit_rule *r = &l->p->rlimits[l->p->nrlimits];
	const struct name_value *limit;
	const char *name = w[0];

	if (n < 2 || n > 3)
		return fail(l, "rlimit: expected %s", l->d->usage);
	if (!strncmp(name, "RLIMIT_", 7))
		name += 7;
	if (!(limit = name_lookup(rlimit_names, name)))
		return fail(l, "unknown rlimit '%s'", w[0]);
	if (loader_set_once(l, &l->seen.rlimit[limit->value], "rlimit", limit->name) < 0)
		return -1;
	if (parse_limit(l, w[1], &r->lim.rlim_cur) < 0 || parse_limit(l, w[n - 1], &r->lim.rlim_max) < 0)
		return -1;
	if (r->lim.rlim_cur > r->lim.rlim_max)
		return fail(l, "rlimit %s: soft limit %s above hard limit %s", limit->name, w[1], w[2]);
	r->resource = limit->value;
	l->p->nrlimits++;
	return 0;
}

#define TMPFS_MAX_MIB 65536

int directive_tmpfs(struct loader *l, char **w, size_t n)
{
	bool shm = !strcmp(w[0], "/dev/shm");
	uint64_t bytes;

	if (n != 2)
		return fail(l, "tmpfs: expected %s", l->d->usage);
	if (!shm && strcmp(w[0], "/tmp"))
		return fail(l, "tmpfs: expected /tmp or /dev/shm, got '%s'", w[0]);
	if (!loader_scan_size(w[1], &bytes) || bytes % (1u << 20) || !bytes
	    || bytes / (1u << 20) > TMPFS_MAX_MIB)
		return fail(l, "tmpfs %s: expected a whole number of MiB, 1M..64G (64M, 1G), got '%s'",
			    w[0], w[1]);
	if (loader_set_once(l, shm ? &l->seen.shm : &l->seen.tmp, "tmpfs", w[0]) < 0)
		return -1;
	*(shm ? &l->p->shm_mib : &l->p->tmp_mib) = bytes >> 20;
	return 0;
}

/* `env NAME...`: variables a service gets from sandboxd's environment; it
 * starts with a fixed one otherwise (service.c). */
int directive_env(struct loader *l, char **w, size_t n)
{
	struct profile *p = l->p;

	for (size_t k = 0; k < n; k++) {
		size_t len = strspn(w[k], "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
		if (!len || w[k][len] || isdigit((unsigned char)w[k][0]) || len >= PROFILE_ENV_NAME)
			return fail(l, "env: '%s' is not a variable name (A-Z, 0-9, _)", w[k]);
		for (unsigned i = 0; i < p->nenv; i++)
			if (!strcmp(p->env[i], w[k]))
				return fail(l, "env: '%s' is listed twice", w[k]);
		if (p->nenv == PROFILE_MAX_ENV)
			return fail(l, "env: more than %d variables", PROFILE_MAX_ENV);
		memcpy(p->env[p->nenv++], w[k], len + 1);
	}
	return 0;
}

/* `cgroup KEY VALUE`: the service's cgroup limit (cgroup_limits.c, the
 * config's table); cpu_max takes QUOTA [PERIOD]. */
int directive_cgroup(struct loader *l, char **w, size_t n)
{
	int key = cgroup_key_lookup(w[0]);
	char value[64], why[160];

	if (key < 0)
		return fail(l, "cgroup: unknown key '%s' (memory_max, pids_max, cpu_weight, cpu_max)",
			    w[0]);
	if ((n == 3 && key != CGK_CPU_MAX) || strlen(w[1]) + (n == 3 ? strlen(w[2]) : 0) > 60)
		return fail(l, "cgroup %s: expected one value", w[0]);
	snprintf(value, sizeof value, "%s%s%s", w[1], n == 3 ? " " : "", n == 3 ? w[2] : "");
	if (loader_set_once(l, &l->seen.cgroup[key], "cgroup", w[0]) < 0)
		return -1;
	if (cgroup_limit_parse(&l->p->cgroup, (enum cgroup_key)key, value, why, sizeof why) < 0)
		return fail(l, "cgroup %s: expected %s, got '%s'", w[0], why, value);
	l->p->cgroup_lines[key] = l->line;
	return 0;
}
