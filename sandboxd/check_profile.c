/* sandboxd check-profile: what a profile allows, as an auditor reads it,
 * and what one profile allows that another does not (--diff). A profile
 * is valid only if it loads and compiles in every mode (kvm and tcg, with
 * and without disks and shares), so that no block hides an error. Here:
 * the arguments, that validation, and the run; the printing is in
 * check_profile_print.c, the diffing in check_profile_diff.c. */
#include "check_profile.h"
#include "check_profile_print.h"
#include "config.h"
#include "log.h"
#include "profile.h"
#include "seccomp_build.h"
#include "vmm_driver.h"

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
 * one read-only and one writable each, or none; the writable share has
 * the `devices` option, so that ${share_devices} has a value too. */
static void placeholder_config(struct config *cfg, bool disks, bool shares, bool network,
			       bool user)
{
	*cfg = (struct config){
		.file = "(placeholder)", .name = "placeholder",
		.kernel = "/placeholder/kernel", .initrd = "/placeholder/initrd",
		.memory_mib = 256, .vcpus = 1, .tmpfs_mib = 64,
		.runtime_dir = "/run/sandboxd/placeholder",
		.disks = { { "/placeholder/disk-ro", true }, { "/placeholder/disk-rw", false } },
		.shares = { { .tag = "ro", .path = "/placeholder/share-ro", .readonly = true },
			    { .tag = "rw", .path = "/placeholder/share-rw", .devices = true } },
		.ndisks = disks ? 2 : 0, .nshares = shares ? 2 : 0,
		.net.kind = user ? NET_USER : network ? NET_TAP : NET_NONE,
		.net.forwards = { { .host_port = 8080, .guest_port = 80, .host_port_text = "8080" } },
		.net.nforwards = user,
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
	for (unsigned mode = 0; mode < 64; mode++) {
		placeholder_config(&cfg, mode & 2, mode & 4, mode & 16, mode & 32);
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
	if (cfg && cfg->vmm == VMM_BUILTIN) {
		*why = "the builtin VMM runs on KVM only";
		return true;
	}
	/* The question a start asks (vmm_driver_select): /dev/kvm alone is not
	 * enough, a KVM without VT-x/SVM runs QEMU under TCG. */
	if (host_has_hw_virt()) {
		*why = "KVM has VT-x/SVM here";
		return true;
	}
	*why = "no VT-x/SVM here: a start runs QEMU under TCG";
	return false;
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
		placeholder_config(&cfg, true, true, false, false);
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
			check_print_diff(&p, &other, &cfg);
		} else {
			printf("profile: %s: valid in every mode (kvm and tcg, with and without disks, shares and a network (tap or user), plain and asan)\n",
			       o.file);
			check_print_profile(&p, &pp, prog.len, o.bpf, &cfg);
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

