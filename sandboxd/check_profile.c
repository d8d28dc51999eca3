/* sandboxd check-profile: what a profile allows, as an auditor reads it,
 * and what one profile allows that another does not (--diff). A profile
 * is valid only if it loads and compiles in every mode (kvm and tcg, with
 * and without disks and shares), so that no block hides an error. */
#include "check_profile.h"
#include "config.h"
#include "log.h"
#include "profile.h"
#include "profile_const.h"
#include "seccomp_build.h"

#include <cap-ng.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: sandboxd check-profile [--kvm|--tcg] [--bpf OUT] FILE [CONFIG]\n"
	"       sandboxd check-profile [--kvm|--tcg] --diff FILE OTHER [CONFIG]\n";

struct options {
	int kvm;		/* 1 --kvm, 0 --tcg, -1 neither */
	const char *file, *other, *config;
	const char *bpf;	/* --bpf: where to write the compiled filter */
};

static struct options parse_args(int argc, char **argv)
{
	struct options o = { .kvm = -1 };
	const char *pos[4];
	bool diff = false;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--kvm") || !strcmp(argv[i], "--tcg"))
			o.kvm = argv[i][2] == 'k';
		else if (!strcmp(argv[i], "--diff"))
			diff = true;
		else if (!strcmp(argv[i], "--bpf") && i + 1 < argc)
			o.bpf = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			die(EXIT_PERMANENT, NULL, "check-profile: unknown option %s\n%s", argv[i], usage);
		else if (n < 4)
			pos[n++] = argv[i];
		else
			die(EXIT_PERMANENT, NULL, "check-profile: too many arguments\n%s", usage);
	}
	if (n < 1 + diff)
		die(EXIT_PERMANENT, NULL, "check-profile: %s\n%s",
		    diff ? "--diff needs FILE and OTHER" : "no profile given", usage);
	if (n > 2 + diff)
		die(EXIT_PERMANENT, NULL, "check-profile: too many arguments\n%s", usage);
	if (diff && o.bpf)
		die(EXIT_PERMANENT, NULL, "check-profile: --bpf and --diff exclude each other\n%s", usage);
	o.file = pos[0];
	o.other = diff ? pos[1] : NULL;
	o.config = n > 1 + diff ? pos[1 + diff] : NULL;
	return o;
}

/* Without a CONFIG, parameters take these values; disks and shares come
 * one read-only and one writable each, or none. */
static void placeholder_config(struct config *cfg, bool disks, bool shares)
{
	*cfg = (struct config){
		.file = "(placeholder)", .name = "placeholder",
		.kernel = "/placeholder/kernel", .initrd = "/placeholder/initrd",
		.memory_mib = 256, .vcpus = 1, .tmpfs_mib = 64,
		.runtime_dir = "/run/sandboxd/placeholder",
		.disks = { { "/placeholder/disk-ro", true }, { "/placeholder/disk-rw", false } },
		.shares = { { "ro", "/placeholder/share-ro", true, NULL },
			    { "rw", "/placeholder/share-rw", false, NULL } },
		.ndisks = disks ? 2 : 0, .nshares = shares ? 2 : 0,
	};
}

/* Loads FILE into *p and compiles its filter into *prog (the caller frees
 * prog->filter). */
static int load(const char *file, const struct profile_params *pp, struct profile *p,
		struct sock_fprog *prog)
{
	scmp_filter_ctx ctx;
	int r = -1;

	if (profile_load(file, pp, p) < 0)
		return -1;
	ctx = seccomp_build(p, SCMP_ACT_KILL_PROCESS);
	if (ctx && seccomp_bpf(ctx, prog) == 0)
		r = 0;
	if (ctx)
		seccomp_release(ctx);
	if (r < 0)
		profile_free(p);
	return r;
}

/* Every mode, with placeholder parameters: a kvm-only block must not hide
 * an error from someone who checks with --tcg. */
static int validate_every_mode(const char *file, const struct profile_params *base)
{
	struct profile_params pp = *base;
	struct profile p;
	struct config cfg;
	struct sock_fprog prog;

	pp.cfg = &cfg;
	for (unsigned mode = 0; mode < 16; mode++) {
		placeholder_config(&cfg, mode & 2, mode & 4);
		pp.kvm = mode & 1;
		pp.asan = mode & 8;
		pp.share = mode & 4 ? &cfg.shares[1] : NULL;
		if (load(file, &pp, &p, &prog) < 0)
			return -1;
		free(prog.filter);
		profile_free(&p);
	}
	return 0;
}

/* --- printing --------------------------------------------------------------- */

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

static void print_rule(const char *prefix, const struct sc_rule *r)
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
static void print_limit(rlim_t v)
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
static void print_cap(const char *prefix, unsigned cap)
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

	if (p->nsyscalls)
		qsort(p->syscalls, p->nsyscalls, sizeof *p->syscalls, by_name);
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
			print_rule("  ", &p->syscalls[i]);
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr < 0)
			printf("  syscall %s: not on %s, left out\n", p->syscalls[i].name,
			       seccomp_native_arch());
}

static void print_rest(const struct profile *p, const struct config *cfg)
{
	printf("landlock:%s\n", p->npaths || p->nports ? "" : " no path, no port");
	for (size_t i = 0; i < p->npaths; i++)
		printf("  %s %s\n", name_of(ll_class_names, p->paths[i].class), p->paths[i].path);
	for (size_t i = 0; i < p->nports; i++)
		printf("  net %s %u\n", p->ports[i].connect ? "connect" : "bind", p->ports[i].port);
	printf("landlock scope:%s%s%s\n", p->scope_signal ? " signal" : "",
	       p->scope_abstract_unix ? " abstract-unix-socket" : "",
	       p->scope_signal || p->scope_abstract_unix ? "" : " none");
	printf("capabilities:%s", p->caps ? "" : " none");
	for (unsigned c = 0; c < 64; c++)
		if (p->caps >> c & 1)
			print_cap(" ", c);
	printf("\nsecurebits:%s", p->securebits ? "" : " none");
	for (const struct name_value *b = securebit_names; b->name; b++)
		if (p->securebits >> b->value & 1)
			printf(" %s", b->name);
	printf("\nrlimits:%s\n", p->nrlimits ? "" : " none");
	for (size_t i = 0; i < p->nrlimits; i++) {
		printf("  %s ", name_of(rlimit_names, p->rlimits[i].resource));
		print_limit(p->rlimits[i].lim.rlim_cur);
		printf(" ");
		print_limit(p->rlimits[i].lim.rlim_max);
		printf("\n");
	}
	printf("tmpfs: /tmp ");
	print_limit((p->tmp_mib ? p->tmp_mib : cfg->tmpfs_mib) << 20);
	printf("%s, /dev/shm ", p->tmp_mib ? "" : " (the config's tmpfs_size)");
	print_limit((p->shm_mib ? p->shm_mib : cfg->tmpfs_mib) << 20);
	printf("%s\n", p->shm_mib ? "" : " (the config's tmpfs_size)");
}

/* --- --diff: what P allows that O does not ------------------------------ */

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
 * hold read; device (file read, write, ioctl) holds no directory right. */
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
			print_limit(a->rlim_cur);
			printf(" ");
			print_limit(a->rlim_max);
		} else {
			printf("not set");
		}
		printf(" (other: ");
		print_limit(b->rlim_cur);
		printf(" ");
		print_limit(b->rlim_max);
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
	print_limit(a << 20);
	printf(" (other: ");
	print_limit(b << 20);
	printf(")\n");
	return 1;
}

static void print_diff(struct profile *p, const struct profile *o, const struct config *cfg)
{
	size_t n = 0;

	if (p->nsyscalls)
		qsort(p->syscalls, p->nsyscalls, sizeof *p->syscalls, by_name);
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr >= 0 && !rule_covered(o, &p->syscalls[i]))
			print_rule("+ ", &p->syscalls[i]), n++;
	for (size_t i = 0; i < p->npaths; i++)
		if (!path_covered(o, &p->paths[i]))
			printf("+ landlock %s %s\n", name_of(ll_class_names, p->paths[i].class), p->paths[i].path), n++;
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
			print_cap("+ capability ", c), printf("\n"), n++;
	for (const struct name_value *b = securebit_names; b->name; b++)
		if ((o->securebits & ~p->securebits) >> b->value & 1)
			printf("+ no securebit %s (other has it)\n", b->name), n++;
	n += diff_rlimits(p, o);
	n += diff_tmpfs("/tmp", p->tmp_mib, o->tmp_mib, cfg->tmpfs_mib);
	n += diff_tmpfs("/dev/shm", p->shm_mib, o->shm_mib, cfg->tmpfs_mib);
	printf("%zu thing%s allowed by %s and not by %s\n", n, n == 1 ? "" : "s", p->file, o->file);
}

/* --- main ----------------------------------------------------------------- */

static bool choose_kvm(const struct options *o, const struct config *cfg, const char **why)
{
	if (o->kvm >= 0) {
		*why = o->kvm ? "--kvm" : "--tcg";
		return o->kvm;
	}
	if (cfg && cfg->accel != ACCEL_AUTO) {
		*why = "the config's accel";
		return cfg->accel == ACCEL_KVM;
	}
	*why = access("/dev/kvm", R_OK | W_OK) == 0 ? "/dev/kvm is usable here"
						    : "/dev/kvm is not usable here";
	return access("/dev/kvm", R_OK | W_OK) == 0;
}

/* --bpf: the filter as the kernel takes it, an array of struct sock_filter
 * in host byte order (what bwrap --seccomp reads). */
static int write_bpf(const char *path, const struct sock_fprog *prog)
{
	FILE *f = fopen(path, "we");

	if (!f || fwrite(prog->filter, sizeof *prog->filter, prog->len, f) != prog->len) {
		log_warn_errno(NULL, "check-profile: write %s", path);
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		log_warn_errno(NULL, "check-profile: write %s", path);
		return -1;
	}
	return 0;
}

int check_profile_main(int argc, char **argv)
{
	struct options o = parse_args(argc, argv);
	struct config cfg;
	struct profile p, other;
	struct profile_params pp = { .cfg = &cfg, .binary = "/placeholder/binary",
				     .asan = BUILT_WITH_ASAN };
	struct sock_fprog prog, other_prog;
	const char *why;
	bool have_p, have_other;
	int r = 0;

	if (validate_every_mode(o.file, &pp) < 0 || (o.other && validate_every_mode(o.other, &pp) < 0))
		return EXIT_PERMANENT;
	if (o.config && config_load(o.config, &cfg) < 0)
		return EXIT_PERMANENT;
	if (!o.config)
		placeholder_config(&cfg, true, true);
	pp.kvm = choose_kvm(&o, o.config ? &cfg : NULL, &why);
	/* A virtiofsd profile is shown for the config's first share. */
	pp.share = cfg.nshares ? &cfg.shares[o.config ? 0 : 1] : NULL;

	have_p = load(o.file, &pp, &p, &prog) == 0;
	have_other = have_p && o.other && load(o.other, &pp, &other, &other_prog) == 0;
	if (!have_p || (o.other && !have_other)) {
		r = EXIT_PERMANENT;
	} else if (o.bpf && write_bpf(o.bpf, &prog) < 0) {
		r = EXIT_TEMPORARY;
	} else {
		printf("mode: %s (%s); parameters: %s\n", pp.kvm ? "kvm" : "tcg", why,
		       o.config ? o.config : "placeholders, no CONFIG given");
		if (o.other) {
			print_diff(&p, &other, &cfg);
		} else {
			printf("profile: %s: valid in every mode (kvm and tcg, with and without disks and shares, plain and asan)\n",
			       o.file);
			profile_params_each(&pp, print_param, NULL);
			print_syscalls(&p, prog.len, o.bpf);
			print_rest(&p, &cfg);
		}
	}
	if (have_other) {
		free(other_prog.filter);
		profile_free(&other);
	}
	if (have_p) {
		free(prog.filter);
		profile_free(&p);
	}
	if (o.config)
		config_free(&cfg);
	return r;
}
