/* sandboxd's own confinement, once it only supervises: no_new_privs, a
 * Landlock domain without file access, a compiled-in seccomp allowlist
 * (self_confine.c says what each syscall is for). Each dies with 111 if a
 * step fails, and logs one "confined: ..." line. */
#ifndef SANDBOXD_SELF_CONFINE_H
#define SANDBOXD_SELF_CONFINE_H

#include <sys/types.h>

#include "cgroup.h"

/* PID 1, once every service runs; Landlock at the plan's LANDLOCK_ABI (0:
 * off). NOTIFY_FD: s6's notification fd while readiness is still to be
 * notified (the guest's READY=1), which PID 1 may then write; else -1. If
 * the outer goes, PID 1 leaves the VM's cgroups through LEAVE (the
 * cgroup.procs of the outer's own cgroup in each hierarchy, -1 where none)
 * and removes them through CGROUPS' fds (pid1.c outer_gone). */
void self_confine_pid1(int landlock_abi, int notify_fd, const struct cgroup_dirs *cgroups,
		       const int leave[CGROUP_MAX_HIER]);

/* The outer process, once PID1 is cloned and it only relays SIGFD's
 * signals, writes PID1's go on LIFELINE, waits for PID1, and removes the
 * runtime dir through RUNTIME_PARENT_FD (its parent, O_PATH) and the VM's
 * cgroups through CGROUPS' fds. */
void self_confine_outer(int landlock_abi, pid_t pid1, int sigfd, int runtime_parent_fd,
			int lifeline, const struct cgroup_dirs *cgroups);

#endif
