/* cgroups: one per VM (vm-NAME, below the cgroup sandboxd runs in or the
 * config's cgroup_parent) and one per service inside it (vmm,
 * virtiofsd-TAG, passt), plus vm-NAME/sandboxd for PID 1. One module hides cgroup
 * v1 and v2; the rest of sandboxd asks it "put this service here, with
 * these limits", and for the figures.
 *
 *   plan (outer, nothing created)   cgroup_plan: the host's hierarchies,
 *                                   each service's limits, what can be
 *                                   enforced (cgroup.c)
 *   start (outer, before PID 1)     cgroup_make, cgroup_clone_pid1
 *   PID 1                           cgroup_open, cgroup_fork, cgroup_report,
 *                                   cgroup_explain_kill (cgroup_run.c)
 *   end (outer, confined)           cgroup_remove
 *   the outer gone (PID 1, confined) cgroup_leave, then cgroup_remove */
#ifndef SANDBOXD_CGROUP_H
#define SANDBOXD_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* v1: memory, pids, cpu, cpuacct (CPU time); v2: the one hierarchy. */
#define CGROUP_MAX_HIER 4
/* vmm, one virtiofsd per share, passt, and PID 1's own (the last). */
#define CGROUP_MAX_SVCS (3 + CONFIG_MAX_SHARES)

enum cgroup_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_CPUACCT, CG_NCTRL };

/* The cgroup keys, in one table for the config, the profile and the docs. */
enum cgroup_key { CGK_MEMORY_MAX, CGK_PIDS_MAX, CGK_CPU_WEIGHT, CGK_CPU_MAX, CGK_NKEYS };
extern const char *const cgroup_key_names[CGK_NKEYS];
extern const char *const cgroup_ctrl_names[CG_NCTRL];
extern const enum cgroup_ctrl cgroup_key_ctrl[CGK_NKEYS];	/* what each key needs */
/* config.cgroup_lines: the keys' lines, then cgroup_parent's and cgroup_version's. */
enum { CGL_PARENT = CGK_NKEYS, CGL_VERSION, CGL_N };
_Static_assert(CGL_N == sizeof ((struct config *)0)->cgroup_lines / sizeof(unsigned),
	       "a line per config cgroup key");

/* KEY's VALUE into *L: 0, or -1 with what was expected in WHY. */
int cgroup_limit_parse(struct cgroup_limits *l, enum cgroup_key key, const char *value,
		       char *why, size_t len);
/* The key named NAME, or -1. */
int cgroup_key_lookup(const char *name);
/* L's set keys as profile words ("memory_max 512M pids_max 64"), or "". */
void cgroup_limits_text(const struct cgroup_limits *l, char *buf, size_t len);

struct cgroup_hier {
	enum cgroup_ctrl ctrl;		/* v1: its controller; v2: unused */
	char parent[PATH_MAX];		/* the directory that holds vm-NAME */
	char own[PATH_MAX];		/* the outer's own cgroup (cgroup_open_leave) */
};

/* One cgroup of the VM, as planned. */
struct cgroup_svc {
	char name[48];			/* "vmm", "virtiofsd-TAG", "passt", "sandboxd" */
	struct cgroup_limits limits;	/* after defaults, and only what is enforced */
};

/* The plan's cgroup facts. version 0: none (cgroups = best-effort on a
 * host without them). */
struct cgroup_plan {
	int version;
	size_t nhier;
	struct cgroup_hier hier[CGROUP_MAX_HIER];
	unsigned ctrls;			/* bit (1 << enum cgroup_ctrl): usable */
	char vm[48];			/* "vm-NAME" */
	struct cgroup_limits vm_limits;
	size_t nsvcs;			/* the last is "sandboxd" */
	struct cgroup_svc svcs[CGROUP_MAX_SVCS];
};

struct plan;

/* A plan step: finds the host's cgroups (the config's cgroup_version),
 * the limits of the VM and of each planned service (its profile's
 * `cgroup` lines, else the defaults), sets each service's index among them
 * (service_plan.cgroup), and dies with 100 (FILE:LINE) for a version named
 * that is not usable here, or a limit the host cannot enforce unless
 * cgroups = best-effort (then logged once per controller). */
void cgroup_plan(struct plan *p);
/* --check: the version (and CFG's cgroup_version) with the usable
 * controllers, then one line per cgroup. */
void cgroup_print(const struct cgroup_plan *cg, const struct config *cfg);

/* The outer's handle on the VM's cgroups: each hierarchy's parent dir. */
struct cgroup_dirs {
	size_t n;
	int fd[CGROUP_MAX_HIER];	/* O_PATH | O_DIRECTORY */
	char vm[48];
	size_t nsvcs;
	char svcs[CGROUP_MAX_SVCS][48];
};

/* At start, in the outer: removes a stale vm-NAME (logged), creates the
 * VM's cgroups with their limits. Dies with 111. */
void cgroup_make(const struct cgroup_plan *cg, struct cgroup_dirs *d);
/* clone(FLAGS) of PID 1 into vm-NAME/sandboxd (D: cgroup_make's), there
 * before it runs anything of its own: v2 from its first instruction, v1
 * before the caller gives it its go. As clone: the pid, 0 in the child,
 * -1 with errno. Dies with 111 if v1 cannot place it. */
pid_t cgroup_clone_pid1(const struct cgroup_plan *cg, const struct cgroup_dirs *d,
			uint64_t flags);
/* At the end, in the outer once PID 1 is reaped, or in PID 1 once the
 * outer is gone and PID 1 alone is left (confined: unlinkat beneath D's
 * fds only): removes every cgroup cgroup_make made. */
void cgroup_remove(const struct cgroup_dirs *d);

/* PID 1's handle on one service's cgroup: what places a child into it
 * and the files its figures are read from. */
enum cgroup_stat { CGS_PEAK, CGS_PIDS, CGS_CPU, CGS_OOM, CGS_N };
struct cgroup_run {
	const struct cgroup_svc *svc;
	int version;
	int procs[CGROUP_MAX_HIER];	/* v1: cgroup.procs of each hierarchy, or -1 */
	int dir;			/* v2: the cgroup, for CLONE_INTO_CGROUP; -1 */
	int stat[CGS_N];		/* pread by the confined PID 1; -1: none */
};

/* In PID 1, before its mount namespace hides the host's /sys: opens the
 * files of every cgroup of CG into RUN[CGROUP_MAX_SVCS]. Dies with 111. */
void cgroup_open(const struct cgroup_plan *cg, struct cgroup_run *run);
/* fork(), the child in R's cgroup before it returns (v2: clone3 with
 * CLONE_INTO_CGROUP; v1: the child writes itself into each hierarchy
 * first thing). R NULL: a plain fork. */
pid_t cgroup_fork(const struct cgroup_run *r, const char *service);
/* In PID 1, with cgroup_open: the way out of the VM's cgroups, each
 * hierarchy's cgroup.procs of the outer's own cgroup (where it was started;
 * not vm-NAME's parent, which on v2 may delegate controllers and then may
 * hold no process), into OUT[CGROUP_MAX_HIER] (-1 where none). Dies with
 * 111. */
void cgroup_open_leave(const struct cgroup_plan *cg, int out[CGROUP_MAX_HIER]);
/* PID 1 (confined) moves itself out through FDS, so that the VM's cgroups
 * can be removed: 0, or -1 (logged). */
int cgroup_leave(const int fds[CGROUP_MAX_HIER]);
/* One line: peak memory, current pids, CPU time. */
void cgroup_report(const struct cgroup_run *r, const char *service);
/* A service killed by SIGKILL: says so if its cgroup's OOM killer did it. */
void cgroup_explain_kill(const struct cgroup_run *r, const char *service);

#endif
