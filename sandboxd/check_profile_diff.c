/* sandboxd check-profile --diff: what profile P allows that O does not. */
#include "check_profile_print.h"
#include "profile_const.h"

#include <stdio.h>
#include <string.h>

/* Whether O's rules allow what P's rule r does: O allows the syscall
 * unconditionally, or has a rule with exactly r's conditions. */
static bool rule_covered(const struct profile *o, const struct sc_rule *r)
{
	for (size_t i = 0; i < o->nsyscalls; i++) {
		const struct sc_rule *x = &o->syscalls[i];

		if (x->nr != r->nr)
			continue;
		if (x->errno_value != r->errno_value)
			continue;
		if (!x->nconds || (x->nconds == r->nconds
				   && !memcmp(x->conds, r->conds, r->nconds * sizeof *r->conds)))
			return true;
	}
	return false;
}

/* Class o grants at least what class c does: read-write and read-exec
 * hold read; device (file read, write, ioctl) holds no directory right;
 * make-device (make char and block devices) is neither held by read-write
 * nor holds anything else. */
static bool class_covers(enum ll_class o, enum ll_class c)
{
	return o == c || (c == LL_READ && (o == LL_READ_EXEC || o == LL_READ_WRITE));
}

/* O grants the path, or a directory above it, at least as much. */
static bool path_covered(const struct profile *o, const struct ll_path *p)
{
	for (size_t i = 0; i < o->npaths; i++) {
		const char *dir = o->paths[i].path;
		size_t n = strlen(dir);

		if (class_covers(o->paths[i].class, p->class)
		    && (!strcmp(dir, p->path) || !strcmp(dir, "/")
			|| (!strncmp(dir, p->path, n) && p->path[n] == '/')))
			return true;
	}
	return false;
}

static const struct rlimit *find_rlimit(const struct profile *p, int resource)
{
	for (size_t i = 0; i < p->nrlimits; i++)
		if (p->rlimits[i].resource == resource)
			return &p->rlimits[i].lim;
	return NULL;
}

static size_t diff_rlimits(const struct profile *p, const struct profile *o)
{
	size_t n = 0;

	for (const struct name_value *r = rlimit_names; r->name; r++) {
		const struct rlimit *a = find_rlimit(p, r->value);
		const struct rlimit *b = find_rlimit(o, r->value);

		if (!b || (a && a->rlim_cur <= b->rlim_cur && a->rlim_max <= b->rlim_max))
			continue;
		printf("+ rlimit %s ", r->name);
		if (a) {
			check_print_limit(a->rlim_cur);
			printf(" ");
			check_print_limit(a->rlim_max);
		} else {
			printf("not set");
		}
		printf(" (other: ");
		check_print_limit(b->rlim_cur);
		printf(" ");
		check_print_limit(b->rlim_max);
		printf(")\n");
		n++;
	}
	return n;
}

static size_t diff_tmpfs(const char *mount, uint64_t a, uint64_t b, uint64_t dflt)
{
	a = a ? a : dflt;
	b = b ? b : dflt;
	if (a <= b)
		return 0;
	printf("+ tmpfs %s ", mount);
	check_print_limit(a << 20);
	printf(" (other: ");
	check_print_limit(b << 20);
	printf(")\n");
	return 1;
}

void check_print_diff(struct profile *p, const struct profile *o, const struct config *cfg)
{
	size_t n = 0;

	check_sort_rules(p);
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr >= 0 && !rule_covered(o, &p->syscalls[i]))
			check_print_rule("+ ", &p->syscalls[i]), n++;
	for (size_t i = 0; i < p->npaths; i++)
		if (!path_covered(o, &p->paths[i]))
			printf("+ %s%s %s\n", p->paths[i].class == LL_VIEW ? "" : "landlock ",
			       ll_class_word(p->paths[i].class), p->paths[i].path), n++;
	for (size_t i = 0; i < p->nports; i++) {
		bool found = false;

		for (size_t k = 0; k < o->nports; k++)
			found |= o->ports[k].connect == p->ports[i].connect
				 && o->ports[k].port == p->ports[i].port;
		if (!found)
			printf("+ landlock net %s %u\n", p->ports[i].connect ? "connect" : "bind",
			       p->ports[i].port), n++;
	}
	if (o->scope_signal && !p->scope_signal)
		printf("+ no landlock scope signal (other has it)\n"), n++;
	if (o->scope_abstract_unix && !p->scope_abstract_unix)
		printf("+ no landlock scope abstract-unix-socket (other has it)\n"), n++;
	for (unsigned c = 0; c < 64; c++)
		if ((p->caps & ~o->caps) >> c & 1)
			check_print_cap("+ capability ", c), printf("\n"), n++;
	for (const struct name_value *b = securebit_names; b->name; b++)
		if ((o->securebits & ~p->securebits) >> b->value & 1)
			printf("+ no securebit %s (other has it)\n", b->name), n++;
	n += diff_rlimits(p, o);
	n += diff_tmpfs("/tmp", p->tmp_mib, o->tmp_mib, cfg->tmpfs_mib);
	n += diff_tmpfs("/dev/shm", p->shm_mib, o->shm_mib, cfg->tmpfs_mib);
	printf("%zu thing%s allowed by %s and not by %s\n", n, n == 1 ? "" : "s", p->file, o->file);
}
