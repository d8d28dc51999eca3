/* if FLAG ... [else ...] end: a branch that does not apply is parsed and
 * checked like any other, then rolled back, so that no mode hides an error. */
#include "profile_loader.h"

#include <stdlib.h>
#include <string.h>

/* network: any; tap: tap or bridge:NAME; user: passt. */
static const char *const flag_names[] = { "kvm", "tcg", "shares", "disks", "network", "tap", "user",
					  "asan" };
#define NFLAGS (sizeof flag_names / sizeof *flag_names)

static bool flag_holds(const struct loader *l, size_t i)
{
	const bool values[] = {
		l->params->kvm, !l->params->kvm,
		l->cfg && l->cfg->nshares, l->cfg && l->cfg->ndisks,
		l->cfg && l->cfg->net.kind != NET_NONE,
		l->cfg && (l->cfg->net.kind == NET_TAP || l->cfg->net.kind == NET_BRIDGE),
		l->cfg && l->cfg->net.kind == NET_USER, l->params->asan,
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

/* if FLAG [FLAG...]: the block applies when any of them holds. */
int directive_if(struct loader *l, char **w, size_t n)
{
	bool active = false;

	if (l->if_line)
		return fail(l, "'if' inside the 'if' of line %u: blocks do not nest", l->if_line);
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < NFLAGS && strcmp(w[k], flag_names[i]); i++)
			;
		if (i == NFLAGS)
			return fail(l, "if: expected kvm, tcg, shares, disks, network, tap, user or "
				    "asan, got '%s'", w[k]);
		active = active || flag_holds(l, i);
	}
	l->if_line = l->line;
	l->active = active;
	snapshot(l, &l->pre);
	return 0;
}

int directive_else(struct loader *l, char **w, size_t n)
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

int directive_end(struct loader *l, char **w, size_t n)
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
