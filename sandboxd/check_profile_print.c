/* sandboxd check-profile: what a profile allows, printed as an auditor
 * reads it: constants by name, sizes with suffixes, capabilities as in
 * capabilities(7). */
#include "check_profile_print.h"

#include "cgroup.h"
#include "profile_const.h"
#include "seccomp_build.h"

#include <cap-ng.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which family of constants an argument takes, to print names. */
static const struct {
	const char *syscall;
	unsigned arg;
	const char *prefix;
	bool flags;
} families[] = {
	{ "ioctl", 1, "", false },	/* requests are unique numbers */
	{ "socket", 0, "AF_", false }, { "socketpair", 0, "AF_", false },
	{ "socket", 1, "SOCK_", true }, { "mmap", 2, "PROT_", true },
	{ "mprotect", 2, "PROT_", true }, { "pkey_mprotect", 2, "PROT_", true },
	{ "mmap", 3, "MAP_", true }, { "madvise", 2, "MADV_", false },
	{ "clone", 0, "CLONE_", true }, { "unshare", 0, "CLONE_", true },
	{ "open", 1, "O_", true }, { "openat", 2, "O_", true }, { "fcntl", 1, "F_", false },
	{ "futex", 1, "FUTEX_", false }, { "prctl", 0, "PR_", false },
	{ "kill", 1, "SIG", false }, { "tgkill", 2, "SIG", false }, { "tkill", 1, "SIG", false },
	{ "rt_sigprocmask", 0, "SIG_", false }, { "prlimit64", 1, "RLIMIT_", false },
	{ "clock_gettime", 0, "CLOCK_", false }, { "clock_nanosleep", 0, "CLOCK_", false },
	{ "eventfd2", 1, "EFD_", true }, { "memfd_create", 1, "MFD_", true },
	{ "getrandom", 2, "GRND_", true }, { "epoll_create1", 0, "EPOLL_", true },
};

/* A constant's name where the syscall's argument takes a family of them,
 * else the number. */
static void print_value(const struct sc_rule *r, unsigned arg, uint64_t v)
{
	const char *prefix = NULL, *name;
	bool flags = false;
	char buf[256];

	for (size_t i = 0; i < sizeof families / sizeof *families; i++)
		if (families[i].arg == arg && !strcmp(families[i].syscall, r->name))
			prefix = families[i].prefix, flags = families[i].flags;
	name = prefix ? profile_const_describe(v, prefix, flags, buf, sizeof buf) : NULL;
	if (name)
		printf("%s", name);
	else
		printf(v >= 4096 ? "%#llx" : "%llu", (unsigned long long)v);
}

void check_print_rule(const char *prefix, const struct sc_rule *r)
{
	printf("%ssyscall %s", prefix, r->name);
	for (unsigned i = 0; i < r->nconds; i++) {
		const struct sc_cond *c = &r->conds[i];

		printf(" %s arg%u ", i ? "and" : "if", c->arg);
		if (c->op == SC_MASKED_EQ) {
			printf("& ");
			print_value(r, c->arg, c->mask);
			printf(" ");
		}
		printf("%s ", name_of(sc_op_names, c->op == SC_MASKED_EQ ? SC_EQ : c->op));
		print_value(r, c->arg, c->value);
	}
	if (r->errno_value)
		printf(" errno %s", profile_errno_name(r->errno_value));
	printf("\n");
}

/* Counts as numbers, sizes of whole MiB with a suffix (512M, 4G). */
void check_print_limit(rlim_t v)
{
	static const char suffixes[] = "MGT";
	int k = -1;

	if (v == RLIM_INFINITY) {
		printf("unlimited");
		return;
	}
	if (v && v % (1u << 20) == 0)
		for (v >>= 20, k = 0; v % 1024 == 0 && k < 2; k++)
			v /= 1024;
	printf("%llu%.*s", (unsigned long long)v, k >= 0, k >= 0 ? &suffixes[k] : "");
}

/* CAP_DAC_OVERRIDE, as in capabilities(7). */
void check_print_cap(const char *prefix, unsigned cap)
{
	const char *name = capng_capability_to_name(cap);

	printf("%sCAP_", prefix);
	for (; name && *name; name++)
		putchar(toupper((unsigned char)*name));
}

static int by_name(const void *a, const void *b)
{
	const struct sc_rule *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

void check_sort_rules(struct profile *p)
{
	if (p->nsyscalls)
		qsort(p->syscalls, p->nsyscalls, sizeof *p->syscalls, by_name);
}

static void print_param(const char *name, const char *const *values, size_t n, void *arg)
{
	(void)arg;
	printf("  ${%s} =", name);
	for (size_t i = 0; i < n; i++)
		printf(" %s", values[i]);
	printf("%s\n", n ? "" : " (none: the word is dropped)");
}

static void print_syscalls(struct profile *p, unsigned bpf_len, const char *bpf_file)
{
	size_t allowed = 0, conditional = 0, failing = 0;

	check_sort_rules(p);
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr >= 0 && (i == 0 || p->syscalls[i].nr != p->syscalls[i - 1].nr)) {
			if (p->syscalls[i].errno_value) {
				failing++;
				continue;
			}
			allowed++;
			conditional += p->syscalls[i].nconds > 0;
		}
	printf("syscalls: %zu allowed on %s (%zu of them with conditions), %zu fail with an errno, "
	       "everything else kills\n", allowed, seccomp_native_arch(), conditional, failing);
	printf("bpf: %u instructions%s%s\n", bpf_len, bpf_file ? ", written to " : "",
	       bpf_file ? bpf_file : "");
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr >= 0)
			check_print_rule("  ", &p->syscalls[i]);
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr < 0)
			printf("  syscall %s: not on %s, left out\n", p->syscalls[i].name,
			       seccomp_native_arch());
}

static void print_rest(const struct profile *p, const struct config *cfg)
{
	char limits[128];

	printf("landlock:%s\n", p->npaths || p->nports ? "" : " no path, no port");
	for (size_t i = 0; i < p->npaths; i++)
		printf("  %s %s\n", ll_class_word(p->paths[i].class), p->paths[i].path);
	for (size_t i = 0; i < p->nports; i++)
		printf("  net %s %u\n", p->ports[i].connect ? "connect" : "bind", p->ports[i].port);
	if (p->unhandled_fs || p->unhandled_connect)
		printf("landlock unhandled:%s%s\n", p->unhandled_fs ? " filesystem" : "",
		       p->unhandled_connect ? " tcp-connect" : "");
	printf("landlock scope:%s%s%s\n", p->scope_signal ? " signal" : "",
	       p->scope_abstract_unix ? " abstract-unix-socket" : "",
	       p->scope_signal || p->scope_abstract_unix ? "" : " none");
	printf("capabilities:%s", p->caps ? "" : " none");
	for (unsigned c = 0; c < 64; c++)
		if (p->caps >> c & 1)
			check_print_cap(" ", c);
	printf("\nsecurebits:%s", p->securebits ? "" : " none");
	for (const struct name_value *b = securebit_names; b->name; b++)
		if (p->securebits >> b->value & 1)
			printf(" %s", b->name);
	printf("\nrlimits:%s\n", p->nrlimits ? "" : " none");
	for (size_t i = 0; i < p->nrlimits; i++) {
		printf("  %s ", name_of(rlimit_names, p->rlimits[i].resource));
		check_print_limit(p->rlimits[i].lim.rlim_cur);
		printf(" ");
		check_print_limit(p->rlimits[i].lim.rlim_max);
		printf("\n");
	}
	printf("tmpfs: /tmp ");
	check_print_limit((p->tmp_mib ? p->tmp_mib : cfg->tmpfs_mib) << 20);
	printf("%s, /dev/shm ", p->tmp_mib ? "" : " (the config's tmpfs_size)");
	check_print_limit((p->shm_mib ? p->shm_mib : cfg->tmpfs_mib) << 20);
	printf("%s\n", p->shm_mib ? "" : " (the config's tmpfs_size)");
	cgroup_limits_text(&p->cgroup, limits, sizeof limits);
	printf("cgroup:%s\n", limits[0] ? limits : " sandboxd's defaults for the service (sandboxd.conf(5))");
}

void check_print_profile(struct profile *p, const struct profile_params *pp, unsigned bpf_len,
			 const char *bpf_file, const struct config *cfg)
{
	profile_params_each(pp, print_param, NULL);
	print_syscalls(p, bpf_len, bpf_file);
	print_rest(p, cfg);
}
