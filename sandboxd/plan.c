/* Building the plan: each step checks one thing a start needs and records
 * the answer, in the order a reader expects; nothing here creates anything
 * on the host. */
#include "plan.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ids.h"
#include "landlock.h"
#include "log.h"
#include "rundir.h"
#include "seccomp_build.h"
#include "service.h"
#include "vmm_driver.h"

#ifndef PASST_BINARY
#define PASST_BINARY "/usr/bin/passt"
#endif

#ifndef SANDBOXD_PROFILE_DIR
#define SANDBOXD_PROFILE_DIR "/usr/local/share/sandboxd/profiles"
#endif

const struct sock_fprog *plan_filter(const struct service_plan *s)
{
	return s->filter.len ? &s->filter : NULL;
}

/* NAME in the profile dir. A sandboxd run from its build tree, with no
 * profile_dir in its config, takes the tree's profiles/, as the builtin
 * driver takes the tree's vmm; one run from an install tree that is not
 * where it was built for (make install DESTDIR=), that tree's. */
static void profile_path(const struct config *cfg, const char *name, char *buf, size_t len)
{
	static const char *const beside[] = { "../profiles", "../share/sandboxd/profiles" };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (!strcmp(cfg->profile_dir, SANDBOXD_PROFILE_DIR) && n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')))
			for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
				char tree[PATH_MAX + 64], real[PATH_MAX];
				snprintf(tree, sizeof tree, "%.*s/%s/%s", (int)(slash - self), self,
					 beside[i], name);
				if (realpath(tree, real) && strlen(real) < len) {
					strcpy(buf, real);
					return;
				}
			}
	}
	snprintf(buf, len, "%s/%s", cfg->profile_dir, name);
}

static void locate(struct service_plan *s, const char *binary)
{
	if (snprintf(s->binary, sizeof s->binary, "%s", binary) >= (int)sizeof s->binary)
		die(EXIT_PERMANENT, s->name, "program path too long: %s", binary);
	if (access(s->binary, X_OK) < 0)
		die_errno(EXIT_PERMANENT, s->name, "program %s", s->binary);
}

/* The profile parsed with this VM's parameters and compiled: whose default
 * action is kill-process, or log under --seccomp-log; none under
 * --no-seccomp. The last two are said loudly. */
static void compile_profile(struct service_plan *s, const struct profile_params *params,
			    enum filter_mode mode)
{
	const char *file = s->profile_file;
	scmp_filter_ctx ctx;

	if (profile_load(file, params, &s->profile) < 0)
		die(EXIT_PERMANENT, s->name, "profile %s is not valid", file);
	if (mode == FILTER_OFF)
		log_warn(s->name, "INSECURE: --no-seccomp: no seccomp filter, any syscall is "
			 "allowed; for measuring the filter's cost only");
	else {
		ctx = seccomp_build(&s->profile, mode == FILTER_LOG ? SCMP_ACT_LOG
								    : SCMP_ACT_KILL_PROCESS);
		if (!ctx || seccomp_bpf(ctx, &s->filter) < 0)
			die(EXIT_PERMANENT, s->name, "profile %s: cannot build its seccomp filter",
			    file);
		seccomp_release(ctx);
	}
	if (mode == FILTER_LOG)
		log_warn(s->name, "INSECURE: --seccomp-log: syscalls outside profile %s are logged "
			 "and allowed, not killed; for developing a profile only", file);
	log_info(s->name, "profile %s: %zu syscall rules (%u BPF instructions), %zu Landlock "
		 "path rules, capabilities 0x%llx", file, s->profile.nsyscalls, s->filter.len,
		 s->profile.npaths, (unsigned long long)s->profile.caps);
}

static void plan_vmm(const struct plan_args *a, struct plan *p)
{
	struct service_plan *s = &p->vmm;
	char binary[PATH_MAX];
	const struct profile_params params = {
		.cfg = &p->cfg, .kvm = p->kvm, .binary = s->binary, .asan = BUILT_WITH_ASAN,
	};

	snprintf(s->name, sizeof s->name, "vmm");
	s->role = ROLE_VMM;
	locate(s, p->drv->binary(a->exec_argv, binary, sizeof binary));
	if (a->profile)
		snprintf(s->profile_file, sizeof s->profile_file, "%s", a->profile);
	else if (p->drv->profile)
		profile_path(&p->cfg, p->drv->profile, s->profile_file, sizeof s->profile_file);
	else {
		log_warn(s->name, "no profile for the %s driver yet: no rlimits, Landlock or seccomp",
			 p->drv->name);
		return;
	}
	compile_profile(s, &params, a->filter_mode);
}

/* Whether the guest may make device nodes on a writable share, said once
 * here: virtiofsd answers a refused mknod to the guest alone (EACCES from
 * Landlock, EPERM without CAP_MKNOD) and logs nothing, so sandboxd never
 * sees the denial itself. A make-device rule on the share or above it
 * grants them, whatever put it in the profile. */
static void log_device_nodes(const struct plan *p, const struct service_plan *s,
			     const struct share *share)
{
	const struct profile *prof = &s->profile;
	const struct ll_path *rule = NULL;

	if (share->readonly)
		return;
	for (size_t i = 0; i < prof->npaths; i++) {
		size_t n = strlen(prof->paths[i].path);

		if (prof->paths[i].class == LL_MAKE_DEVICE && !strncmp(share->path, prof->paths[i].path, n)
		    && (share->path[n] == '\0' || share->path[n] == '/' || n == 1))
			rule = &prof->paths[i];
	}
	if (!(prof->caps >> CAP_MKNOD & 1))
		log_info(s->name, "device nodes: a guest's mknod of a device on %s fails with EPERM "
			 "(profile %s keeps no capability mknod)", share->path, s->profile_file);
	else if (!p->landlock_abi)
		log_warn(s->name, "device nodes: Landlock is off: the guest may make character and "
			 "block devices on %s, with or without the devices option", share->path);
	else if (rule)
		log_info(s->name, "device nodes: the guest may make character and block devices on "
			 "%s (%s:%u: landlock make-device)", share->path, s->profile_file, rule->line);
	else if (share->devices)
		log_warn(s->name, "device nodes: the share has the devices option, but profile %s "
			 "grants no landlock make-device on %s: a guest's mknod of a device fails "
			 "with EACCES", s->profile_file, share->path);
	else
		log_info(s->name, "device nodes: a guest's mknod of a character or block device on %s "
			 "fails with EACCES (Landlock: the share has no devices option)", share->path);
}

/* One virtiofsd per share, each with its own role and so its own uid. */
static void plan_shares(const struct plan_args *a, struct plan *p)
{
	const struct config *cfg = &p->cfg;
	char profile[PATH_MAX];

	if (!cfg->nshares)
		return;
	if (!p->drv->shares) {
		log_warn(NULL, "the %s driver attaches no shares: not starting virtiofsd",
			 p->drv->name);
		return;
	}
	if (virtiofsd_find(&p->virtiofsd) < 0)
		die(EXIT_PERMANENT, NULL, "shares need virtiofsd, which is not installed "
		    "(Debian: qemu-system-common's /usr/lib/qemu/virtiofsd, or the virtiofsd package)");
	profile_path(cfg, "virtiofsd", profile, sizeof profile);
	for (size_t i = 0; i < cfg->nshares; i++) {
		struct service_plan *s = &p->shares[i];
		const struct profile_params params = {
			.cfg = cfg, .binary = s->binary, .share = &cfg->shares[i],
		};
		snprintf(s->name, sizeof s->name, "share %s", cfg->shares[i].tag);
		s->role = ROLE_VIRTIOFSD + (unsigned)i;
		locate(s, p->virtiofsd.path);
		snprintf(s->profile_file, sizeof s->profile_file, "%s", profile);
		compile_profile(s, &params, a->filter_mode);
		log_device_nodes(p, s, &cfg->shares[i]);
	}
}

/* network = user: passt, its own service. Debian's package ships an AVX2
 * build beside the plain one, which the plain one re-executes (execve of
 * /proc/self/exe + ".avx2") where the CPU has AVX2: sandboxd starts the
 * one that runs, so that the service's one exec is sandboxd's. */
static void plan_passt(const struct plan_args *a, struct plan *p)
{
	struct service_plan *s = &p->passt;
	const struct profile_params params = { .cfg = &p->cfg, .binary = s->binary };
	const char *binary = PASST_BINARY;

	if (p->cfg.net.kind != NET_USER)
		return;
	snprintf(s->name, sizeof s->name, "passt");
	s->role = ROLE_PASST;
	if (access(PASST_BINARY, X_OK) < 0)
		die_errno(EXIT_PERMANENT, s->name, "%s:%u: network = user needs passt (Debian: the "
			  "passt package): %s", p->cfg.file, p->cfg.net.line, PASST_BINARY);
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2") && access(PASST_BINARY ".avx2", X_OK) == 0)
		binary = PASST_BINARY ".avx2";
	locate(s, binary);
	profile_path(&p->cfg, "passt", s->profile_file, sizeof s->profile_file);
	compile_profile(s, &params, a->filter_mode);
}

void plan_build(const struct plan_args *a, struct plan *p)
{
	*p = (struct plan){ .filter_mode = a->filter_mode, .exec_argv = a->exec_argv };

	/* 1. The config, every key checked (FILE:LINE). */
	if (config_load(a->config, &p->cfg) < 0)
		exit(EXIT_PERMANENT);	/* config_load said FILE:LINE: why */
	log_set_vm(p->cfg.name);
	/* 2. The runtime dir: one sandboxd may make and remove. */
	rundir_check(&p->cfg);
	/* 3. The driver and the accelerator, and whether this host has them. */
	p->drv = vmm_driver_select(&p->cfg, a->exec_argv != NULL, &p->kvm);
	/* 4. The network: the bridge, /dev/net/tun, a driver with a NIC. */
	net_plan(&p->cfg, p->drv->name, p->drv->network, &p->net);
	/* 5. What Landlock the kernel enforces. */
	p->landlock_abi = landlock_probe(&p->cfg);
	/* 6. Each service: its program, its profile compiled for this VM. */
	plan_vmm(a, p);
	plan_shares(a, p);
	plan_passt(a, p);
	/* 7. The cgroups: each service's limits, and whether this host can
	 * enforce them (cgroup.c). */
	cgroup_plan(p);
	/* 8. The VM's uid range, last: a start reserves it (the registry's
	 * lock, held while the VM runs), --check only looks it up. */
	ids_take(&p->cfg, !a->check_only);
}

static void print_service(const struct plan *p, const struct service_plan *s)
{
	printf("service %s: uid %u gid %u, %s\n", s->name, (unsigned)service_uid(&p->cfg, s->role),
	       (unsigned)service_gid(&p->cfg, s->role), s->binary);
	if (s->profile_file[0])
		printf("service %s: profile %s: %zu syscall rules, %u BPF instructions, "
		       "%zu Landlock path rules, capabilities 0x%llx\n", s->name, s->profile_file,
		       s->profile.nsyscalls, s->filter.len, s->profile.npaths,
		       (unsigned long long)s->profile.caps);
}

void plan_print(const struct plan *p)
{
	const struct config *cfg = &p->cfg;

	printf("vm %s: config %s\n", cfg->name, cfg->file);
	printf("vmm: %s, %s\n", p->drv->name, p->kvm ? "kvm" : "emulated (tcg)");
	printf("landlock: ABI %d\n", p->landlock_abi);
	printf("ids: uid %u..%u gid %u..%u\n", (unsigned)cfg->uid_base,
	       (unsigned)(cfg->uid_base + CONFIG_ID_SPAN - 1), (unsigned)cfg->gid_base,
	       (unsigned)(cfg->gid_base + CONFIG_ID_SPAN - 1));
	printf("runtime dir: %s\n", cfg->runtime_dir);
	if (cfg->readiness == READINESS_GUEST && p->drv->readiness_port)
		printf("readiness: guest (READY=1 on its COM2, /dev/ttyS1; logged as late after "
		       "%u.%03u s)\n", cfg->ready_late_ms / 1000, cfg->ready_late_ms % 1000);
	else
		printf("readiness: vmm (once %s runs the guest)\n", p->drv->name);
	net_print(&p->net, cfg);
	print_service(p, &p->vmm);
	for (size_t i = 0; i < cfg->nshares && p->shares[i].binary[0]; i++)
		print_service(p, &p->shares[i]);
	if (p->passt.binary[0])
		print_service(p, &p->passt);
	cgroup_print(&p->cgroups, &p->cfg);
}
