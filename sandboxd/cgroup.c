/* The VM's cgroups on the host: found and checked by the plan, made by the
 * outer before PID 1 exists, removed by the outer once PID 1 is reaped
 * (cgroup.h). Here: which version and controllers the host gives
 * sandboxd, and the limits; v1's and v2's file names and ways of placing
 * a process are cgroup_make.c's and cgroup_run.c's. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "plan.h"
#include "vmm_driver.h"

#define STEP "cgroups"
#define ROOT "/sys/fs/cgroup"

#define ctrl_names cgroup_ctrl_names
#define key_ctrl cgroup_key_ctrl

/* Defaults, from the config's guest memory (docs/sandboxd.conf.5):
 * QEMU holds guest RAM plus its own heap, device state and, under TCG, the
 * translation cache it fills as the guest runs; the bundled VMM holds guest
 * RAM plus its small heap; one virtiofsd a fixed amount, its thread pool
 * (64 by default) and the fds of the inodes the guest looked up. */
#define QEMU_OVERHEAD_MIB(mem) ((mem) / 4 + 256)
#define BUILTIN_OVERHEAD_MIB 64
#define VIRTIOFSD_MIB 256
#define QEMU_PIDS 128
#define BUILTIN_PIDS 32
#define VIRTIOFSD_PIDS 128
/* passt: single-threaded, its packet buffers static; socket buffers
 * (up to the host's rmem_max/wmem_max per connection) are charged too. */
#define PASST_MIB 128
#define PASST_PIDS 4
#define SANDBOXD_MIB 64		/* the VM's own bound: its services + this */
#define SANDBOXD_PIDS 16

/* The cgroup sandboxd runs in, in the hierarchy of controller CTRL (v1) or
 * the unified one (CTRL NULL), from /proc/self/cgroup. */
static int self_cgroup(const char *ctrl, char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen("/proc/self/cgroup", "re");
	bool found = false;

	/* "ID:CONTROLLERS:PATH"; the unified hierarchy's is "0::PATH". */
	while (f && !found && fgets(line, sizeof line, f)) {
		char *ctrls = strchr(line, ':'), *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!path)
			continue;
		*ctrls++ = '\0';
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		found = !ctrl && !strcmp(line, "0") && !*ctrls;
		for (char *w = strtok(ctrls, ","); ctrl && w && !found; w = strtok(NULL, ","))
			found = !strcmp(w, ctrl);
		if (found)
			snprintf(out, len, "%s", strcmp(path, "/") ? path : "");
	}
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == magic;
}

/* PARENT of MOUNT: the config's cgroup_parent, or the cgroup we run in;
 * false with errno when sandboxd may not make vm-NAME there. */
static bool usable_parent(const struct config *cfg, const char *mount, const char *self,
			  char *parent, size_t len)
{
	if (snprintf(parent, len, "%s%s", mount, cfg->cgroup_parent ? cfg->cgroup_parent : self)
	    >= (int)len) {
		errno = ENAMETOOLONG;
		return false;
	}
	/* sandboxd starts VMs as root; a --check by another user can only
	 * see that the hierarchy is there. */
	if (access(parent, geteuid() ? F_OK : W_OK) == 0)
		return true;
	if (cfg->cgroup_parent && errno == ENOENT)
		die(EXIT_PERMANENT, NULL, "%s:%u: cgroup_parent: %s does not exist", cfg->file,
		    cfg->cgroup_lines[CGL_PARENT], parent);
	return false;
}

/* v1: a hierarchy per controller we use (cpu and cpuacct may share one). */
static void find_v1(const struct config *cfg, struct cgroup_plan *cg)
{
	dev_t devs[CG_NCTRL];

	for (int c = 0; c < CG_NCTRL; c++) {
		char mount[64], self[PATH_MAX], parent[PATH_MAX];
		struct cgroup_hier *h = &cg->hier[cg->nhier];
		struct stat st;
		size_t i;

		snprintf(mount, sizeof mount, ROOT "/%s", ctrl_names[c]);
		if (!is_fs(mount, CGROUP_SUPER_MAGIC) || stat(mount, &st) < 0 ||
		    self_cgroup(ctrl_names[c], self, sizeof self) < 0 ||
		    !usable_parent(cfg, mount, self, parent, sizeof parent) ||
		    snprintf(h->own, sizeof h->own, "%s%s", mount, self) >= (int)sizeof h->own)
			continue;
		cg->ctrls |= 1u << c;
		for (i = 0; i < cg->nhier && devs[i] != st.st_dev; i++)
			;
		if (i < cg->nhier)
			continue;
		devs[cg->nhier++] = st.st_dev;
		h->ctrl = (enum cgroup_ctrl)c;
		snprintf(h->parent, sizeof h->parent, "%s", parent);
	}
	if (cg->nhier)
		cg->version = 1;
}

/* Whether the v2 cgroup DIR's FILE lists WORD. */
static bool lists(const char *dir, const char *file, const char *word)
{
	char path[PATH_MAX + 32], buf[512];
	FILE *f;
	bool found = false;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (!(f = fopen(path, "re")))
		return false;
	while (!found && fscanf(f, "%511s", buf) == 1)
		found = !strcmp(buf, word);
	fclose(f);
	return found;
}

/* Whether the v2 cgroup DIR holds a process. */
static bool populated(const char *dir)
{
	char path[PATH_MAX + 32], c;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return true;
	n = read(fd, &c, 1);
	close(fd);
	return n != 0;
}

/* v2: a controller is ours when the parent gives it to its children
 * already (delegated), or could (it is available and the parent holds no
 * process: the "no internal processes" rule). CPU time needs none.
 * False, with why in WHY, if the unified hierarchy is not usable. */
static bool find_v2(const struct config *cfg, struct cgroup_plan *cg, char *why, size_t len)
{
	char self[PATH_MAX];
	struct cgroup_hier *h = &cg->hier[0];
	const char *mount = is_fs(ROOT, CGROUP2_SUPER_MAGIC) ? ROOT : ROOT "/unified";

	if (!is_fs(mount, CGROUP2_SUPER_MAGIC))
		return snprintf(why, len, "no cgroup2 file system is mounted at " ROOT " or " ROOT
				"/unified"), false;
	if (self_cgroup(NULL, self, sizeof self) < 0)
		return snprintf(why, len, "/proc/self/cgroup has no cgroup v2 line (0::PATH)"), false;
	if (!usable_parent(cfg, mount, self, h->parent, sizeof h->parent) ||
	    snprintf(h->own, sizeof h->own, "%s%s", mount, self) >= (int)sizeof h->own)
		return snprintf(why, len, "%s: %s", h->parent, strerror(errno)), false;
	cg->version = 2;
	cg->nhier = 1;
	cg->ctrls = 1u << CG_CPUACCT;
	for (int c = 0; c < CG_CPUACCT; c++)
		if (lists(h->parent, "cgroup.subtree_control", ctrl_names[c]) ||
		    (lists(h->parent, "cgroup.controllers", ctrl_names[c]) &&
		     !populated(h->parent)))
			cg->ctrls |= 1u << c;
	return true;
}

/* The hierarchies of cgroup_version: auto takes v1 where the host has a
 * v1 hierarchy (the controllers are there on a hybrid host), else v2. A
 * version the config names must be usable: 100 at its FILE:LINE. */
static void find_hierarchies(const struct config *cfg, struct cgroup_plan *cg)
{
	char why[PATH_MAX + 128] = "";
	const enum cgroup_version v = cfg->cgroup_version;

	if (v != CGROUP_VERSION_2) {
		find_v1(cfg, cg);
		if (!cg->nhier)
			snprintf(why, sizeof why, "no cgroup v1 hierarchy of memory, pids, cpu or "
				 "cpuacct that sandboxd may write to is mounted at " ROOT "/CONTROLLER");
	}
	if (v != CGROUP_VERSION_1 && !cg->nhier)
		find_v2(cfg, cg, why, sizeof why);
	if (v != CGROUP_VERSION_AUTO && !cg->version)
		die(EXIT_PERMANENT, NULL, "%s:%u: cgroup_version: cgroup v%d is not usable here: %s",
		    cfg->file, cfg->cgroup_lines[CGL_VERSION], v == CGROUP_VERSION_1 ? 1 : 2, why);
}

/* v2: why controller C is not ours (find_v2), into WHY. */
static const char *v2_why_not(const struct cgroup_plan *cg, enum cgroup_ctrl c, char *why, size_t len)
{
	const char *parent = cg->hier[0].parent;

	if (!lists(parent, "cgroup.controllers", ctrl_names[c]))
		snprintf(why, len, "cgroup v2: %s/cgroup.controllers does not list it", parent);
	else
		snprintf(why, len, "cgroup v2: %s holds processes, so it cannot delegate it", parent);
	return why;
}

/* The limits a service gets unless its profile sets them. */
static struct cgroup_limits defaults(const struct plan *p, unsigned role)
{
	const uint64_t mem = p->cfg.memory_mib;

	if (role == ROLE_PASST)
		return (struct cgroup_limits){ .memory_mib = PASST_MIB, .pids_max = PASST_PIDS };
	if (role >= ROLE_VIRTIOFSD)
		return (struct cgroup_limits){ .memory_mib = VIRTIOFSD_MIB, .pids_max = VIRTIOFSD_PIDS };
	if (p->drv == &vmm_driver_qemu)
		return (struct cgroup_limits){ .memory_mib = mem + QEMU_OVERHEAD_MIB(mem),
					       .pids_max = QEMU_PIDS + p->cfg.vcpus };
	return (struct cgroup_limits){ .memory_mib = mem + BUILTIN_OVERHEAD_MIB,
				       .pids_max = BUILTIN_PIDS + p->cfg.vcpus };
}

/* Key K of L: whether it is set, and unsetting it. */
static bool is_set(const struct cgroup_limits *l, enum cgroup_key k)
{
	return k == CGK_MEMORY_MAX ? l->memory_mib != 0 : k == CGK_PIDS_MAX ? l->pids_max != 0
	     : k == CGK_CPU_WEIGHT ? l->cpu_weight != 0 : l->cpu_quota_us != 0;
}

static void unset(struct cgroup_limits *l, enum cgroup_key k)
{
	if (k == CGK_MEMORY_MAX)
		l->memory_mib = 0;
	else if (k == CGK_PIDS_MAX)
		l->pids_max = 0;
	else if (k == CGK_CPU_WEIGHT)
		l->cpu_weight = 0;
	else
		l->cpu_quota_us = l->cpu_period_us = 0;
}

/* A limit set in FILE:LINE (LINE 0: a default) that the host cannot
 * enforce: an error, or with cgroups = best-effort dropped and logged once
 * per controller, as defaults are. */
static void enforceable(struct plan *p, struct cgroup_limits *l, const char *file,
			const unsigned lines[CGK_NKEYS], unsigned *logged)
{
	struct cgroup_plan *cg = &p->cgroups;
	char why[PATH_MAX + 80] = "";

	for (int k = 0; k < CGK_NKEYS; k++) {
		const enum cgroup_ctrl c = key_ctrl[k];
		if (!is_set(l, (enum cgroup_key)k) || cg->ctrls >> c & 1)
			continue;
		if (cg->version == 2)
			v2_why_not(cg, c, why, sizeof why);
		if (lines[k] && p->cfg.cgroups == CGROUPS_REQUIRED)
			die(EXIT_PERMANENT, NULL, "%s:%u: %s: this host has no cgroup %s controller "
			    "sandboxd may use%s%s (cgroups = best-effort runs without the limit)", file,
			    lines[k], cgroup_key_names[k], ctrl_names[c], *why ? "; " : "", why);
		if (!(*logged >> c & 1))
			log_warn(NULL, STEP ": no usable %s controller on this host: %s limits are "
				 "not enforced%s%s%s", ctrl_names[c], ctrl_names[c], *why ? " (" : "",
				 why, *why ? ")" : "");
		*logged |= 1u << c;
		unset(l, (enum cgroup_key)k);
	}
}

/* S's cgroup NAME, the next one. */
static void plan_service(struct plan *p, struct service_plan *s, const char *name, unsigned *logged)
{
	struct cgroup_plan *cg = &p->cgroups;
	struct cgroup_svc *svc = &cg->svcs[cg->nsvcs];
	const struct profile *prof = s->profile_file[0] ? &s->profile : NULL;
	const struct cgroup_limits d = defaults(p, s->role);
	static const unsigned none[CGK_NKEYS];

	svc->limits = prof ? prof->cgroup : (struct cgroup_limits){ 0 };
	if (!svc->limits.memory_mib)
		svc->limits.memory_mib = d.memory_mib;
	if (!svc->limits.pids_max)
		svc->limits.pids_max = d.pids_max;
	enforceable(p, &svc->limits, s->profile_file, prof ? prof->cgroup_lines : none, logged);
	snprintf(svc->name, sizeof svc->name, "%s", name);
	s->cgroup = cg->nsvcs++;
}

void cgroup_plan(struct plan *p)
{
	struct cgroup_plan *cg = &p->cgroups;
	const struct config *cfg = &p->cfg;
	struct cgroup_svc *pid1;
	unsigned logged = 0;
	uint64_t mem = SANDBOXD_MIB, pids = SANDBOXD_PIDS;

	snprintf(cg->vm, sizeof cg->vm, "vm-%s", cfg->name);
	/* None at all: the VM's processes stay in sandboxd's own cgroup (the
	 * supervisor's). For a host whose manager places the VM itself, and
	 * for measuring what the cgroups cost (bench/run.sh). */
	if (cfg->cgroups == CGROUPS_OFF) {
		for (int k = 0; k < CGL_N; k++)
			if (cfg->cgroup_lines[k])
				die(EXIT_PERMANENT, NULL, "%s:%u: %s: cgroups = off makes no cgroup to "
				    "apply it to", cfg->file, cfg->cgroup_lines[k],
				    k < CGK_NKEYS ? cgroup_key_names[k]
				    : k == CGL_PARENT ? "cgroup_parent" : "cgroup_version");
		log_info(NULL, STEP ": off (cgroups = off): no cgroup is made, the VM's processes stay "
			 "in sandboxd's own, without limits");
		return;
	}
	find_hierarchies(cfg, cg);
	plan_service(p, &p->vmm, "vmm", &logged);
	for (size_t i = 0; i < cfg->nshares && p->shares[i].binary[0]; i++) {
		char name[48];
		snprintf(name, sizeof name, "virtiofsd-%s", cfg->shares[i].tag);
		plan_service(p, &p->shares[i], name, &logged);
	}
	if (p->passt.binary[0])
		plan_service(p, &p->passt, "passt", &logged);
	for (size_t i = 0; i < cg->nsvcs; i++)
		mem += cg->svcs[i].limits.memory_mib, pids += cg->svcs[i].limits.pids_max;
	pid1 = &cg->svcs[cg->nsvcs++];
	snprintf(pid1->name, sizeof pid1->name, "sandboxd");
	/* The VM's own: the config's, else its services' sum and PID 1's share. */
	cg->vm_limits = cfg->vm_limits;
	if (!cg->vm_limits.memory_mib)
		cg->vm_limits.memory_mib = mem;
	if (!cg->vm_limits.pids_max)
		cg->vm_limits.pids_max = (uint32_t)pids;
	enforceable(p, &cg->vm_limits, cfg->file, cfg->cgroup_lines, &logged);
	/* No hierarchy at all (an `ip netns exec`, which remounts /sys, shows
	 * none): a limit set was an error above unless best-effort; the
	 * defaults' loss is said, and the VM runs without cgroups. */
	if (!cg->version) {
		log_warn(NULL, STEP ": no cgroup hierarchy sandboxd may write to below %s: the VM "
			 "runs without cgroups", cfg->cgroup_parent ? cfg->cgroup_parent : "its own");
		cg->nsvcs = 0;
	}
}

static void print_limits(const char *who, const char *path, const struct cgroup_limits *l)
{
	printf("cgroup %s: %s: memory_max ", who, path);
	printf(l->memory_mib ? "%lluM" : "max", (unsigned long long)l->memory_mib);
	printf(l->pids_max ? ", pids_max %u" : ", pids_max max", (unsigned)l->pids_max);
	printf(l->cpu_weight ? ", cpu_weight %u" : ", cpu_weight default", (unsigned)l->cpu_weight);
	printf(l->cpu_quota_us ? ", cpu_max %u %u\n" : ", cpu_max max\n",
	       (unsigned)l->cpu_quota_us, (unsigned)l->cpu_period_us);
}

void cgroup_print(const struct cgroup_plan *cg, const struct config *cfg)
{
	static const char *const version[] = { "auto", "1", "2" };
	char path[PATH_MAX + 64];
	bool any = false;

	if (cfg->cgroups == CGROUPS_OFF) {
		printf("cgroups: none (cgroups = off)\n");
		return;
	}
	printf("cgroups: ");
	if (!cg->version) {
		printf("none (cgroup_version = auto: no hierarchy sandboxd may write to)\n");
		return;
	}
	printf("v%d (cgroup_version = %s),", cg->version, version[cfg->cgroup_version]);
	/* v2 has CPU time (cpu.stat) without a controller. */
	for (int c = 0; c < (cg->version == 2 ? CG_CPUACCT : CG_NCTRL); c++)
		if (cg->ctrls >> c & 1) {
			printf(" %s", ctrl_names[c]);
			any = true;
		}
	printf(any ? "\n" : " no controller (CPU time only)\n");
	for (size_t i = 0; i < cg->nhier; i++)
		printf("cgroup hierarchy: %s/%s\n", cg->hier[i].parent, cg->vm);
	print_limits("vm", cg->vm, &cg->vm_limits);
	for (size_t i = 0; i < cg->nsvcs; i++) {
		snprintf(path, sizeof path, "%s/%s", cg->vm, cg->svcs[i].name);
		print_limits(cg->svcs[i].name, path, &cg->svcs[i].limits);
	}
}
