/* The plan: everything one VM's start needs, built and checked by the outer
 * process before anything is created on the host (Firecracker's jailer:
 * Env::new builds and checks, Env::run carries out). `--check` builds the
 * same plan and prints it; PID 1 and each service only carry it out. */
#ifndef SANDBOXD_PLAN_H
#define SANDBOXD_PLAN_H

#include <limits.h>
#include <linux/filter.h>
#include <stdbool.h>

#include "../virtiofsd-glue/virtiofsd.h"
#include "cgroup.h"
#include "config.h"
#include "net.h"
#include "paths.h"
#include "profile.h"

/* What a syscall outside the profile does: kill the service; be logged
 * and allowed (--seccomp-log); or there is no filter at all (--no-seccomp,
 * --exec only: to measure the filter's cost). */
enum filter_mode { FILTER_KILL, FILTER_LOG, FILTER_OFF };

/* uid/gid = the VM's base + role offset, so DAC separates the services too. */
enum service_role {
	ROLE_VMM = 1,
	ROLE_VIRTIOFSD = 2,	/* + share index */
	ROLE_PASST = ROLE_VIRTIOFSD + CONFIG_MAX_SHARES,	/* network = user */
};
_Static_assert(ROLE_PASST < CONFIG_ID_SPAN, "every role's uid lies in the VM's range");

/* One service as planned: its program, its profile parsed for this VM and
 * compiled to BPF. */
struct service_plan {
	char name[48];			/* in log lines: "vmm", "share TAG" */
	unsigned role;
	char binary[PATH_MAX];		/* located and executable */
	char profile_file[PATH_MAX];	/* "": no profile */
	struct profile profile;
	struct sock_fprog filter;	/* len 0: none (--no-seccomp, or no profile) */
	size_t cgroup;			/* its index in the plan's cgroups (cgroup.c) */
};

struct vmm_driver;

struct plan_args {
	const char *config;
	bool check_only;		/* --check: nothing is reserved */
	enum filter_mode filter_mode;
	char *const *exec_argv;		/* --exec CMD, else NULL */
	const char *profile;		/* --exec --profile FILE, else NULL */
};

struct plan {
	struct config cfg;		/* uid_base/gid_base: the VM's range */
	const struct vmm_driver *drv;
	bool kvm;			/* hardware-accelerated KVM, else emulation */
	int landlock_abi;		/* 0: Landlock off */
	enum filter_mode filter_mode;
	char *const *exec_argv;
	struct virtiofsd virtiofsd;	/* when the VM has shares */
	struct net_plan net;		/* the tap's fd once the outer made it */
	struct service_plan vmm;
	struct service_plan shares[CONFIG_MAX_SHARES];
	struct service_plan passt;	/* network = user; binary "" otherwise */
	struct cgroup_plan cgroups;	/* the VM's cgroups and their limits */
};

/* Builds the plan for ARGS into *P; every check a start makes is made
 * here. Dies with 100 (FILE:LINE for the config, FILE:LINE for a profile)
 * when the VM cannot start as configured; logs what it chose and why. */
void plan_build(const struct plan_args *args, struct plan *p);

/* --check: the plan's summary on stdout, one line per fact. */
void plan_print(const struct plan *p);

/* The service's filter, or NULL when it has none. */
const struct sock_fprog *plan_filter(const struct service_plan *s);

#endif
