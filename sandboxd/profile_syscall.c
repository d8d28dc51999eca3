/* The syscall directive: names resolved by libseccomp for the native
 * arch, argument conditions, and the errno a syscall may fail with. */
#include "profile_loader.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>

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
		if (loader_value(l, w[2], &c->mask) < 0 || loader_value(l, w[4], &c->value) < 0)
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
	return loader_value(l, w[2], &c->value);
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
	if (loader_grow(l, &p->syscalls, p->nsyscalls, sizeof *p->syscalls) < 0)
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

int directive_syscall(struct loader *l, char **w, size_t n)
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
