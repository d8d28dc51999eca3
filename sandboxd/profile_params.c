/* Profile parameters (profiles(5)): ${kernel}, ${disks_ro}... expanded
 * from the VM config, a list parameter into one word per element. */
#include "profile_loader.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parameter's values: none (an unset scalar, an empty list), one, or one
 * per list element. Scalars are strings at `offset` in the config or in the
 * params; lists are the config's disks or shares with readonly == ro. */
struct param;
typedef size_t param_fn(const struct loader *l, const struct param *pm, const char **out);

struct param {
	const char *name;
	param_fn *values;
	size_t offset;
	bool list, ro;
};

static size_t one(const char **out, const char *v)
{
	out[0] = v;
	return v != NULL;
}

static size_t param_config(const struct loader *l, const struct param *pm, const char **out)
{
	return one(out, l->cfg ? *(char *const *)((const char *)l->cfg + pm->offset) : NULL);
}

static size_t param_params(const struct loader *l, const struct param *pm, const char **out)
{
	return one(out, *(const char *const *)((const char *)l->params + pm->offset));
}

static size_t param_memory(const struct loader *l, const struct param *pm, const char **out)
{
	(void)pm;
	return one(out, l->cfg ? l->memory : NULL);
}

static size_t param_disks(const struct loader *l, const struct param *pm, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; l->cfg && i < l->cfg->ndisks; i++)
		if (l->cfg->disks[i].readonly == pm->ro)
			out[n++] = l->cfg->disks[i].path;
	return n;
}

static size_t param_share(const struct loader *l, const struct param *pm, const char **out)
{
	const struct share *sh = l->params->share;

	return one(out, sh && sh->readonly == pm->ro ? sh->path : NULL);
}

/* The share's path when it has the `devices` option (which config_load
 * allows on a read-write share only). */
static size_t param_share_devices(const struct loader *l, const struct param *pm, const char **out)
{
	const struct share *sh = l->params->share;

	(void)pm;
	return one(out, sh && sh->devices ? sh->path : NULL);
}

static size_t param_shares(const struct loader *l, const struct param *pm, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; l->cfg && i < l->cfg->nshares; i++)
		if (l->cfg->shares[i].readonly == pm->ro)
			out[n++] = l->cfg->shares[i].path;
	return n;
}

/* network = user: the host ports passt listens on for the guest. */
static size_t param_forward_ports(const struct loader *l, const struct param *pm, const char **out)
{
	size_t n = 0;

	(void)pm;
	for (size_t i = 0; l->cfg && i < l->cfg->net.nforwards; i++)
		out[n++] = l->cfg->net.forwards[i].host_port_text;
	return n;
}

#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define PARAM_MAX_VALUES MAX2(MAX2(CONFIG_MAX_DISKS, CONFIG_MAX_SHARES), CONFIG_MAX_FORWARDS)
#define CFG(f) param_config, offsetof(struct config, f)
#define PARAMS(f) param_params, offsetof(struct profile_params, f)

static const struct param params[] = {
	{ "kernel",        CFG(kernel),              false, false },
	{ "initrd",        CFG(initrd),              false, false },
	{ "runtime_dir",   CFG(runtime_dir),         false, false },
	{ "binary",        PARAMS(binary),           false, false },
	{ "memory",        param_memory,         0,  false, false },
	{ "disks_ro",      param_disks,          0,  true,  true },
	{ "disks_rw",      param_disks,          0,  true,  false },
	{ "shares_ro",     param_shares,         0,  true,  true },
	{ "shares_rw",     param_shares,         0,  true,  false },
	{ "share_ro",      param_share,          0,  true,  true },
	{ "share_rw",      param_share,          0,  true,  false },
	{ "share_devices", param_share_devices,  0,  true,  false },
	{ "forward_ports", param_forward_ports,  0,  true,  false },
};

void loader_set_memory(struct loader *l)
{
	if (l->cfg)
		snprintf(l->memory, sizeof l->memory, "%llu",
			 (unsigned long long)l->cfg->memory_mib << 20);
}

void profile_params_each(const struct profile_params *pp, profile_param_fn *fn, void *arg)
{
	struct loader l = { .params = pp, .cfg = pp->cfg };
	const char *vals[PARAM_MAX_VALUES];

	loader_set_memory(&l);
	for (size_t i = 0; i < sizeof params / sizeof *params; i++)
		fn(params[i].name, vals, params[i].values(&l, &params[i], vals), arg);
}

/* The parameter at s ("${name}..."); *len is the length of "${name}". */
static const struct param *param_at(const struct loader *l, const char *s, size_t *len)
{
	const char *close = strchr(s, '}');

	if (s[1] != '{' || !close)
		return fail(l, "'$' starts a parameter ${name}: '%s'", s), NULL;
	*len = (size_t)(close - s) + 1;
	for (size_t i = 0; i < sizeof params / sizeof *params; i++)
		if (strlen(params[i].name) == *len - 3 && !strncmp(s + 2, params[i].name, *len - 3))
			return &params[i];
	return fail(l, "unknown parameter '%.*s'", (int)*len, s), NULL;
}

/* WORD into buf, with element `pick` of its list parameter (if any). */
static int substitute(const struct loader *l, const char *word, size_t pick, char *buf)
{
	const char *vals[PARAM_MAX_VALUES];
	size_t n = 0, len, vlen;
	const char *v;

	for (const char *s = word; *s; s += len) {
		if (*s == '$') {
			const struct param *pm = param_at(l, s, &len);

			if (!pm)
				return -1;
			pm->values(l, pm, vals);
			v = vals[pm->list ? pick : 0];
			vlen = strlen(v);
		} else {
			v = s;
			vlen = len = strcspn(s, "$");
		}
		if (n + vlen >= MAX_WORD)
			return fail(l, "word too long after parameter expansion");
		memcpy(buf + n, v, vlen);
		n += vlen;
	}
	buf[n] = '\0';
	return 0;
}

/* How many words WORD expands to: 0 if a parameter in it has no value, the
 * length of its list parameter, else 1. -1 on a bad parameter. */
static long expansions(const struct loader *l, const char *word)
{
	const char *vals[PARAM_MAX_VALUES];
	const struct param *list = NULL;
	long count = 1;
	size_t len, n;

	for (const char *s = strchr(word, '$'); s; s = strchr(s + len, '$')) {
		const struct param *pm = param_at(l, s, &len);

		if (!pm)
			return -1;
		if (pm->list && list && list != pm)
			return fail(l, "'%s': at most one list parameter in a word", word);
		if (pm->list)
			list = pm;
		n = pm->values(l, pm, vals);
		if (n == 0)
			count = 0;
		else if (pm->list && count)
			count = (long)n;
	}
	return count;
}

void loader_words_free(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	ws->n = 0;
}

int loader_expand(const struct loader *l, char *const *raw, size_t nraw, struct words *out)
{
	char buf[MAX_WORD];
	long count;

	for (size_t i = 0; i < nraw; i++) {
		if ((count = expansions(l, raw[i])) < 0)
			return -1;
		for (long k = 0; k < count; k++) {
			if (out->n == MAX_WORDS)
				return fail(l, "too many words (at most %d)", MAX_WORDS);
			if (substitute(l, raw[i], (size_t)k, buf) < 0)
				return -1;
			if (!(out->w[out->n] = strdup(buf)))
				return fail(l, "out of memory");
			out->n++;
		}
	}
	return 0;
}
