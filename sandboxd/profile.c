/* The service profile parser (profiles(5)): one table of directives, one
 * small parser per directive, parameters expanded from the VM config, and
 * everything validated before profile_load returns, so that a bad profile
 * is a FILE:LINE message and never a half-confined service. */
#include "profile.h"
#include "log.h"
#include "profile_const.h"
#include "textfile.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 256
#define MAX_WORD (TEXTFILE_MAX_LINE + 4096)	/* one word after parameter expansion */

/* Where a directive was first seen, for "first on line N"; 0: not yet. */
struct seen {
	unsigned cap[64];
	unsigned secbit[32];
	unsigned rlimit[RLIM_NLIMITS];
	unsigned tmp, shm, scope_signal, scope_unix;
};

/* What an inactive branch of an `if` is rolled back to at its end: it is
 * parsed and checked like any other line, then forgotten. */
struct mark {
	struct profile p;
	struct seen seen;
};

struct loader {
	const struct profile_params *params;
	const struct config *cfg;	/* params->cfg, or NULL */
	struct profile *p;
	const char *file;
	unsigned line;
	const struct directive *d;	/* the directive being parsed */
	const char *sub;		/* the word after its name, if it takes one */
	int sub_value;			/* that word's value in d->subs */
	struct seen seen;
	unsigned if_line, else_line;	/* of the open block; 0: none */
	bool active;			/* the branch being read applies */
	/* The state before the `if`, and after its branch when that one is
	 * active and the `else` is not: the else branch is checked against
	 * `pre`, with what the if branch added (up to `back`) hidden. */
	struct mark pre, back;
	bool hiding;
	char memory[24];		/* ${memory}, in bytes */
};

#define fail(l, ...) textfile_fail((l)->file, (l)->line, __VA_ARGS__)

static int grow(const struct loader *l, void *array, size_t n, size_t size)
{
	void **a = array;
	void *bigger;

	if (n & (n - 1))	/* full at 0, 1, 2, 4, 8...: double */
		return 0;
	bigger = realloc(*a, (n ? 2 * n : 1) * size);
	if (!bigger)
		return fail(l, "out of memory");
	*a = bigger;
	return 0;
}

/* --- parameters ----------------------------------------------------------- */

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

static size_t param_shares(const struct loader *l, const struct param *pm, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; l->cfg && i < l->cfg->nshares; i++)
		if (l->cfg->shares[i].readonly == pm->ro)
			out[n++] = l->cfg->shares[i].path;
	return n;
}

#define PARAM_MAX_VALUES (CONFIG_MAX_DISKS > CONFIG_MAX_SHARES ? CONFIG_MAX_DISKS : CONFIG_MAX_SHARES)
#define CFG(f) param_config, offsetof(struct config, f)
#define PARAMS(f) param_params, offsetof(struct profile_params, f)

static const struct param params[] = {
	{ "kernel",      CFG(kernel),             false, false },
	{ "initrd",      CFG(initrd),             false, false },
	{ "runtime_dir", CFG(runtime_dir),        false, false },
	{ "binary",      PARAMS(binary),          false, false },
	{ "memory",      param_memory,  0,        false, false },
	{ "disks_ro",    param_disks,   0,        true,  true },
	{ "disks_rw",    param_disks,   0,        true,  false },
	{ "shares_ro",   param_shares,  0,        true,  true },
	{ "shares_rw",   param_shares,  0,        true,  false },
	{ "share_ro",    param_share,   0,        true,  true },
	{ "share_rw",    param_share,   0,        true,  false },
};

static void set_memory(struct loader *l)
{
	if (l->cfg)
		snprintf(l->memory, sizeof l->memory, "%llu",
			 (unsigned long long)l->cfg->memory_mib << 20);
}

void profile_params_each(const struct profile_params *pp, profile_param_fn *fn, void *arg)
{
	struct loader l = { .params = pp, .cfg = pp->cfg };
	const char *vals[PARAM_MAX_VALUES];

	set_memory(&l);
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

struct words {
	char *w[MAX_WORDS];
	size_t n;
};

static void words_free(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	ws->n = 0;
}

static int expand(const struct loader *l, char *const *raw, size_t nraw, struct words *out)
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

/* --- values --------------------------------------------------------------- */

/* Decimal, or hexadecimal after 0x; no sign, no spaces. */
static bool scan_number(const char *s, uint64_t *out, const char **end)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	return textfile_scan_u64(s + (hex ? 2 : 0), hex ? 16 : 10, out, end);
}

/* NUMBER or CONSTANT, or several joined with | (CLONE_VM|CLONE_FS). */
static int parse_value(const struct loader *l, const char *word, uint64_t *out)
{
	char buf[MAX_WORD], *part, *save;
	const char *end;
	uint64_t v;

	snprintf(buf, sizeof buf, "%s", word);
	*out = 0;
	if (!*word || *word == '|' || word[strlen(word) - 1] == '|' || strstr(word, "||"))
		return fail(l, "expected a number or constants joined by |, got '%s'", word);
	for (part = strtok_r(buf, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
		if (isdigit((unsigned char)*part) || *part == '-') {
			if (!scan_number(part, &v, &end) || *end)
				return fail(l, "bad number '%s' (decimal or 0x hex, at most 64 bits)", part);
		} else if (!profile_const_value(part, &v)) {
			return fail(l, "unknown constant '%s'", part);
		}
		*out |= v;
	}
	return 0;
}

/* A size in bytes with an optional K, M, G or T suffix (powers of 1024). */
static bool scan_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *end, *suffix;
	uint64_t v;

	if (!isdigit((unsigned char)*s) || !scan_number(s, &v, &end))
		return false;
	if (*end && (suffix = strchr(suffixes, toupper((unsigned char)*end))) && !end[1]) {
		for (const char *c = suffixes; c <= suffix; c++) {
			if (v > UINT64_MAX / 1024)
				return false;
			v *= 1024;
		}
		end++;
	}
	*out = v;
	return !*end;
}

/* "CAP_SYS_ADMIN", "sys_admin", "SECBIT_NOROOT": the lower-case name
 * without PREFIX, into buf. */
static const char *bare_name(const char *word, const char *prefix, char buf[64])
{
	size_t n = strlen(prefix), i;

	if (!strncasecmp(word, prefix, n))
		word += n;
	for (i = 0; word[i] && i < 63; i++)
		buf[i] = (char)tolower((unsigned char)word[i]);
	buf[i] = '\0';
	return buf;
}

/* --- the directives ------------------------------------------------------- */

struct directive;
typedef int directive_fn(struct loader *l, char **w, size_t n);

struct directive {
	const char *name, *sub;		/* "landlock" "scope" */
	const struct name_value *subs;	/* or any of these after the name: "landlock" "read" */
	directive_fn *parse;
	size_t min, max;		/* words after the name, before expansion; max 0: any */
	const char *usage;
};

#define HIDDEN(l, i, count) \
	((l)->hiding && (i) >= (l)->pre.p.count && (i) < (l)->back.p.count)

/* --- syscall -------------------------------------------------------------- */

static int parse_arg(const struct loader *l, const char *w, unsigned *arg)
{
	if (strlen(w) != 4 || strncmp(w, "arg", 3) || w[3] < '0' || w[3] > '5')
		return fail(l, "expected an argument arg0..arg5, got '%s'", w);
	*arg = (unsigned)(w[3] - '0');
	return 0;
}

/* argN OP VALUE | argN & MASK == VALUE; *used: the words it took. */
static int parse_cond(const struct loader *l, char **w, size_t n, struct sc_cond *c, size_t *used)
{
	const struct name_value *op;

	if (parse_arg(l, w[0], &c->arg) < 0)
		return -1;
	if (n >= 2 && !strcmp(w[1], "&")) {
		if (n < 5)
			return fail(l, "incomplete condition: expected %s & MASK == VALUE", w[0]);
		if (strcmp(w[3], "=="))
			return fail(l, "%s & MASK: the comparison is ==, got '%s'", w[0], w[3]);
		if (parse_value(l, w[2], &c->mask) < 0 || parse_value(l, w[4], &c->value) < 0)
			return -1;
		if (!c->mask)
			return fail(l, "%s & 0: a mask of 0 compares nothing", w[0]);
		if (c->value & ~c->mask)
			return fail(l, "%s & 0x%llx == 0x%llx never holds (value outside the mask)",
				    w[0], (unsigned long long)c->mask, (unsigned long long)c->value);
		c->op = SC_MASKED_EQ;
		*used = 5;
		return 0;
	}
	if (n < 3)
		return fail(l, "incomplete condition: expected %s OP VALUE", w[0]);
	if (!(op = name_lookup(sc_op_names, w[1])))
		return fail(l, "unknown operator '%s' (==, !=, <, <=, >, >=, & MASK ==)", w[1]);
	c->op = (enum sc_op)op->value;
	*used = 3;
	return parse_value(l, w[2], &c->value);
}

/* COND [and COND]...: every one must hold. */
static int parse_conds(const struct loader *l, char **w, size_t n, struct sc_rule *r)
{
	size_t i = 0, used = 0;

	if (n == 0)
		return fail(l, "'if' without a condition");
	while (i < n) {
		if (r->nconds && strcmp(w[i++], "and"))
			return fail(l, "expected 'and' between conditions, got '%s'", w[i - 1]);
		if (i == n)
			return fail(l, "'and' without a condition");
		if (r->nconds == PROFILE_MAX_CONDS)
			return fail(l, "too many conditions (at most %d)", PROFILE_MAX_CONDS);
		if (parse_cond(l, w + i, n - i, &r->conds[r->nconds], &used) < 0)
			return -1;
		for (unsigned k = 0; k < r->nconds; k++)
			if (r->conds[k].arg == r->conds[r->nconds].arg)
				return fail(l, "arg%u is compared twice: libseccomp takes one "
					    "comparison per argument (use two lines)",
					    r->conds[k].arg);
		r->nconds++;
		i += used;
	}
	return 0;
}

static bool same_conds(const struct sc_rule *a, const struct sc_rule *b)
{
	if (a->nconds != b->nconds)
		return false;
	for (unsigned i = 0; i < a->nconds; i++)
		if (a->conds[i].arg != b->conds[i].arg || a->conds[i].op != b->conds[i].op
		    || a->conds[i].value != b->conds[i].value || a->conds[i].mask != b->conds[i].mask)
			return false;
	return true;
}

/* One line for a syscall with conditions, or none; one without, never both. */
static int add_rule(struct loader *l, const struct sc_rule *r)
{
	struct profile *p = l->p;

	for (size_t i = 0; i < p->nsyscalls; i++) {
		const struct sc_rule *o = &p->syscalls[i];

		if (o->nr != r->nr || HIDDEN(l, i, nsyscalls))
			continue;
		if (same_conds(o, r))
			return fail(l, "syscall '%s' is already allowed %son line %u", r->name,
				    r->nconds ? "with these conditions " : "", o->line);
		if (!o->nconds || !r->nconds)
			return fail(l, "syscall '%s' is allowed %s conditions on line %u: "
				    "with or without, not both", r->name,
				    o->nconds ? "with" : "without", o->line);
	}
	if (grow(l, &p->syscalls, p->nsyscalls, sizeof *p->syscalls) < 0)
		return -1;
	p->syscalls[p->nsyscalls++] = *r;
	return 0;
}

static int resolve_syscall(const struct loader *l, const char *name, struct sc_rule *r)
{
	memset(r, 0, sizeof *r);
	r->line = l->line;
	if (strlen(name) >= sizeof r->name)
		return fail(l, "unknown syscall '%.*s...'", (int)sizeof r->name, name);
	/* Negative (libseccomp's pseudo numbers): a syscall of other arches,
	 * which libseccomp leaves out of this arch's filter. */
	r->nr = seccomp_syscall_resolve_name(name);
	if (r->nr == __NR_SCMP_ERROR)
		return fail(l, "unknown syscall '%s'", name);
	strcpy(r->name, name);
	return 0;
}

/* The errnos a syscall may be made to fail with. */
static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "ENOSYS", ENOSYS }, { "EPERM", EPERM }, { "EACCES", EACCES },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

/* errno ERRNO */
static int parse_errno(const struct loader *l, char **w, size_t n, int *value)
{
	if (n != 2)
		return fail(l, "expected 'errno ERRNO' after the syscall names");
	for (size_t i = 0; i < sizeof errnos / sizeof *errnos; i++)
		if (!strcmp(w[1], errnos[i].name)) {
			*value = errnos[i].value;
			return 0;
		}
	return fail(l, "unknown errno '%s' (ENOSYS, EPERM, EACCES, EOPNOTSUPP)", w[1]);
}

const char *profile_errno_name(int value)
{
	for (size_t i = 0; i < sizeof errnos / sizeof *errnos; i++)
		if (errnos[i].value == value)
			return errnos[i].name;
	return "?";
}

static int parse_syscall(struct loader *l, char **w, size_t n)
{
	struct sc_rule r;
	size_t names = 0;
	int errno_value = 0;

	while (names < n && strcmp(w[names], "if") && strcmp(w[names], "errno"))
		names++;
	if (names < n && !strcmp(w[names], "errno")) {
		if (parse_errno(l, w + names, n - names, &errno_value) < 0)
			return -1;
		n = names;
	}
	if (names < n && names != 1)
		return fail(l, "conditions apply to one syscall: syscall NAME if COND [and COND]...");
	if (names == 0)
		return fail(l, "expected syscall names");
	for (size_t i = 0; i < names; i++) {
		if (resolve_syscall(l, w[i], &r) < 0)
			return -1;
		r.errno_value = errno_value;
		if (names < n && parse_conds(l, w + 2, n - 2, &r) < 0)
			return -1;
		if (add_rule(l, &r) < 0)
			return -1;
	}
	return 0;
}

/* --- landlock ------------------------------------------------------------- */

static int parse_ll_paths(struct loader *l, char **w, size_t n)
{
	const enum ll_class class = (enum ll_class)l->sub_value;
	struct profile *p = l->p;

	for (size_t k = 0; k < n; k++) {
		if (w[k][0] != '/')
			return fail(l, "landlock %s: '%s' is not an absolute path",
				    l->sub, w[k]);
		if (strlen(w[k]) >= 4096)
			return fail(l, "landlock %s: path too long", l->sub);
		for (size_t i = 0; i < p->npaths; i++)
			if (p->paths[i].class == class && !strcmp(p->paths[i].path, w[k])
			    && !HIDDEN(l, i, npaths))
				return fail(l, "landlock %s: '%s' is already listed on line %u",
					    l->sub, w[k], p->paths[i].line);
		if (grow(l, &p->paths, p->npaths, sizeof *p->paths) < 0)
			return -1;
		p->paths[p->npaths] = (struct ll_path){ class, strdup(w[k]), l->line };
		if (!p->paths[p->npaths].path)
			return fail(l, "out of memory");
		p->npaths++;
	}
	return 0;
}

static int set_once(const struct loader *l, unsigned *seen, const char *what, const char *name)
{
	if (*seen)
		return fail(l, "%s '%s' is already on line %u", what, name, *seen);
	*seen = l->line;
	return 0;
}

static int parse_ll_scope(struct loader *l, char **w, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(w[k], "signal")) {
			if (set_once(l, &l->seen.scope_signal, "landlock scope", w[k]) < 0)
				return -1;
			l->p->scope_signal = true;
		} else if (!strcmp(w[k], "abstract-unix-socket")) {
			if (set_once(l, &l->seen.scope_unix, "landlock scope", w[k]) < 0)
				return -1;
			l->p->scope_abstract_unix = true;
		} else {
			return fail(l, "landlock scope: expected signal or abstract-unix-socket, got '%s'",
				    w[k]);
		}
	}
	return 0;
}

static int parse_ll_net(struct loader *l, char **w, size_t n)
{
	struct profile *p = l->p;
	const char *end;
	uint64_t port;
	bool connect = !strcmp(w[0], "connect");

	if (!connect && strcmp(w[0], "bind"))
		return fail(l, "landlock net: expected bind or connect, got '%s'", w[0]);
	if (n < 2)
		return fail(l, "landlock net %s: expected a port", w[0]);
	for (size_t k = 1; k < n; k++) {
		if (!isdigit((unsigned char)w[k][0]) || !scan_number(w[k], &port, &end) || *end
		    || port > 65535)
			return fail(l, "landlock net %s: expected a port 0..65535, got '%s'", w[0], w[k]);
		for (size_t i = 0; i < p->nports; i++)
			if (p->ports[i].connect == connect && p->ports[i].port == port
			    && !HIDDEN(l, i, nports))
				return fail(l, "landlock net %s %s is already on line %u", w[0], w[k],
					    p->ports[i].line);
		if (grow(l, &p->ports, p->nports, sizeof *p->ports) < 0)
			return -1;
		p->ports[p->nports++] = (struct ll_port){ connect, (uint16_t)port, l->line };
	}
	return 0;
}

/* --- capabilities, securebits, rlimits, tmpfs ----------------------------- */

static int parse_capability(struct loader *l, char **w, size_t n)
{
	char name[64];
	int cap;

	for (size_t k = 0; k < n; k++) {
		cap = capng_name_to_capability(bare_name(w[k], "CAP_", name));
		if (cap < 0 || cap > 63)
			return fail(l, "unknown capability '%s'", w[k]);
		if (set_once(l, &l->seen.cap[cap], "capability", w[k]) < 0)
			return -1;
		l->p->caps |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_securebits(struct loader *l, char **w, size_t n)
{
	const struct name_value *bit;
	char name[64];

	for (size_t k = 0; k < n; k++) {
		if (!(bit = name_lookup(securebit_names, bare_name(w[k], "SECBIT_", name))))
			return fail(l, "unknown securebit '%s'", w[k]);
		if (set_once(l, &l->seen.secbit[bit->value], "securebit", w[k]) < 0)
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
	if (!scan_size(w, &v) || v >= RLIM_INFINITY)
		return fail(l, "rlimit: expected a number (K, M, G, T suffixes) or unlimited, got '%s'", w);
	*out = v;
	return 0;
}

static int parse_rlimit(struct loader *l, char **w, size_t n)
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
	if (set_once(l, &l->seen.rlimit[limit->value], "rlimit", limit->name) < 0)
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

static int parse_tmpfs(struct loader *l, char **w, size_t n)
{
	bool shm = !strcmp(w[0], "/dev/shm");
	uint64_t bytes;

	if (n != 2)
		return fail(l, "tmpfs: expected %s", l->d->usage);
	if (!shm && strcmp(w[0], "/tmp"))
		return fail(l, "tmpfs: expected /tmp or /dev/shm, got '%s'", w[0]);
	if (!scan_size(w[1], &bytes) || bytes % (1u << 20) || !bytes
	    || bytes / (1u << 20) > TMPFS_MAX_MIB)
		return fail(l, "tmpfs %s: expected a whole number of MiB, 1M..64G (64M, 1G), got '%s'",
			    w[0], w[1]);
	if (set_once(l, shm ? &l->seen.shm : &l->seen.tmp, "tmpfs", w[0]) < 0)
		return -1;
	*(shm ? &l->p->shm_mib : &l->p->tmp_mib) = bytes >> 20;
	return 0;
}

/* --- if FLAG ... [else ...] end ------------------------------------------- */

static const char *const flag_names[] = { "kvm", "tcg", "shares", "disks", "asan" };
#define NFLAGS (sizeof flag_names / sizeof *flag_names)

static bool flag_holds(const struct loader *l, size_t i)
{
	const bool values[] = {
		l->params->kvm, !l->params->kvm,
		l->cfg && l->cfg->nshares, l->cfg && l->cfg->ndisks, l->params->asan,
	};
	_Static_assert(sizeof values / sizeof *values == NFLAGS, "one value per flag");
	return values[i];
}

static void snapshot(const struct loader *l, struct mark *m)
{
	m->p = *l->p;
	m->seen = l->seen;
}

/* Back to the scalars and first-seen lines of *m; with `truncate`, the
 * arrays back to its lengths too. */
static void restore(struct loader *l, const struct mark *m, bool truncate)
{
	struct profile now = *l->p;

	if (truncate)
		for (size_t i = m->p.npaths; i < now.npaths; i++)
			free(now.paths[i].path);
	*l->p = m->p;
	l->seen = m->seen;
	l->p->file = now.file;
	l->p->syscalls = now.syscalls;
	l->p->paths = now.paths;
	l->p->ports = now.ports;
	if (!truncate) {
		l->p->nsyscalls = now.nsyscalls;
		l->p->npaths = now.npaths;
		l->p->nports = now.nports;
	}
}

static int parse_if(struct loader *l, char **w, size_t n)
{
	size_t i;

	(void)n;
	if (l->if_line)
		return fail(l, "'if' inside the 'if' of line %u: blocks do not nest", l->if_line);
	for (i = 0; i < NFLAGS && strcmp(w[0], flag_names[i]); i++)
		;
	if (i == NFLAGS)
		return fail(l, "if: expected kvm, tcg, shares or disks, got '%s'", w[0]);
	l->if_line = l->line;
	l->active = flag_holds(l, i);
	snapshot(l, &l->pre);
	return 0;
}

static int parse_else(struct loader *l, char **w, size_t n)
{
	(void)w, (void)n;
	if (!l->if_line)
		return fail(l, "'else' without 'if'");
	if (l->else_line)
		return fail(l, "second 'else' for the 'if' of line %u", l->if_line);
	l->else_line = l->line;
	if (l->active) {
		snapshot(l, &l->back);
		restore(l, &l->pre, false);
		l->hiding = true;
	} else {
		restore(l, &l->pre, true);
	}
	l->active = !l->active;
	return 0;
}

static int parse_end(struct loader *l, char **w, size_t n)
{
	(void)w, (void)n;
	if (!l->if_line)
		return fail(l, "'end' without 'if'");
	if (!l->active)
		restore(l, l->else_line ? &l->back : &l->pre, true);
	l->if_line = l->else_line = 0;
	l->hiding = false;
	return 0;
}

/* --- lines ---------------------------------------------------------------- */

static const struct directive directives[] = {
	{ "syscall",    NULL,    NULL,           parse_syscall,    1, 0, "NAME... or NAME if COND [and COND]..." },
	{ "landlock",   NULL,    ll_class_names, parse_ll_paths,   1, 0, "PATH..." },
	{ "landlock",   "scope", NULL,           parse_ll_scope,   1, 0, "signal|abstract-unix-socket..." },
	{ "landlock",   "net",   NULL,           parse_ll_net,     2, 0, "bind|connect PORT..." },
	{ "capability", NULL,    NULL,           parse_capability, 1, 0, "CAP_NAME..." },
	{ "securebits", NULL,    NULL,           parse_securebits, 1, 0, "NAME..." },
	{ "rlimit",     NULL,    NULL,           parse_rlimit,     2, 3, "NAME SOFT [HARD]" },
	{ "tmpfs",      NULL,    NULL,           parse_tmpfs,      2, 2, "/tmp|/dev/shm SIZE" },
	{ "if",         NULL,    NULL,           parse_if,         1, 1, "kvm|tcg|shares|disks" },
	{ "else",       NULL,    NULL,           parse_else,       0, 0, "nothing after it" },
	{ "end",        NULL,    NULL,           parse_end,        0, 0, "nothing after it" },
};
#define NDIRECTIVES (sizeof directives / sizeof *directives)

/* The directive of the line W, and the word after its name (l->sub) where
 * it takes one. */
static const struct directive *find_directive(struct loader *l, char **w, size_t n)
{
	bool name_known = false;

	for (size_t i = 0; i < NDIRECTIVES; i++) {
		const struct directive *d = &directives[i];
		const struct name_value *sub = d->subs && n > 1 ? name_lookup(d->subs, w[1]) : NULL;

		if (strcmp(w[0], d->name))
			continue;
		if (sub || (!d->subs && (!d->sub || (n > 1 && !strcmp(w[1], d->sub))))) {
			l->sub = sub ? sub->name : d->sub;
			l->sub_value = sub ? sub->value : 0;
			return d;
		}
		name_known = true;
	}
	if (name_known && n == 1)
		return fail(l, "%s: expected read, read-exec, read-write, device, scope or net", w[0]), NULL;
	if (name_known)
		return fail(l, "%s: expected read, read-exec, read-write, device, scope or net, got '%s'",
			    w[0], w[1]), NULL;
	return fail(l, "unknown directive '%s'", w[0]), NULL;
}

/* Splits LINE into words at blanks; a word that starts with # starts a comment. */
static int split(const struct loader *l, char *line, char **w, size_t *n)
{
	char *save, *word;

	*n = 0;
	for (word = strtok_r(line, " \t", &save); word && *word != '#';
	     word = strtok_r(NULL, " \t", &save)) {
		if (*n == MAX_WORDS)
			return fail(l, "too many words (at most %d)", MAX_WORDS);
		w[(*n)++] = word;
	}
	return 0;
}

static int parse_line(char *line, unsigned number, void *arg)
{
	struct loader *l = arg;
	char *raw[MAX_WORDS];
	struct words ws = { .n = 0 };
	size_t nraw, nargs;
	int r;

	l->line = number;
	if (split(l, line, raw, &nraw) < 0)
		return -1;
	if (nraw == 0)
		return 0;
	if (!(l->d = find_directive(l, raw, nraw)))
		return -1;
	nargs = nraw - (l->sub ? 2 : 1);
	if (nargs < l->d->min || (l->d->max && nargs > l->d->max) || (!l->d->max && !l->d->min && nargs))
		return fail(l, "%s%s%s: expected %s", l->d->name, l->sub ? " " : "",
			    l->sub ? l->sub : "", l->d->usage);
	r = expand(l, raw + nraw - nargs, nargs, &ws);
	if (r == 0)
		r = l->d->parse(l, ws.w, ws.n);
	words_free(&ws);
	return r;
}

int profile_load(const char *file, const struct profile_params *params, struct profile *out)
{
	struct loader l = { .params = params, .cfg = params->cfg, .p = out, .file = file };
	int r;

	memset(out, 0, sizeof *out);
	set_memory(&l);
	if (!(out->file = strdup(file)))
		return fail(&l, "out of memory");
	r = textfile_each_line(file, "profile", parse_line, &l);
	if (r == TEXTFILE_READ_ERROR)
		r = fail(&l, "cannot read profile: %s", strerror(errno));
	if (r == 0 && l.if_line) {
		l.line = l.if_line;
		r = fail(&l, "'if' without 'end'");
	}
	if (r < 0)
		profile_free(out);
	return r;
}

void profile_free(struct profile *p)
{
	free(p->file);
	free(p->syscalls);
	for (size_t i = 0; i < p->npaths; i++)
		free(p->paths[i].path);
	free(p->paths);
	free(p->ports);
	memset(p, 0, sizeof *p);
}
