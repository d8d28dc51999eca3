/* Naming seccomp violations: the kernel's audit records (type 1326, in
 * /dev/kmsg when no audit daemon runs) carry the syscall number, its arch
 * and the offender's pid in the host's PID namespace. PID 1 keeps the kmsg
 * fd and a host /proc fd opened before it replaces /dev and /proc. */
#ifndef SANDBOXD_VIOLATIONS_H
#define SANDBOXD_VIOLATIONS_H

#include <stddef.h>
#include <sys/types.h>

#include "service.h"

struct violations {
	int kmsg;	/* /dev/kmsg, positioned at its end; -1 if unavailable */
	int hostproc;	/* the host's /proc, O_PATH */
	pid_t killed;	/* the last pid whose kill record was logged */
};

/* Before the mount namespace hides them. Never fails: without kmsg the log
 * says the syscall cannot be named. */
void violations_open(struct violations *v);

/* PID's pid in the host PID namespace (via a pidfd's fdinfo read through
 * the host's /proc), or 0 if it cannot be found. */
pid_t violations_host_pid(const struct violations *v, pid_t pid);

/* Reads the records that arrived and logs each seccomp record of one of
 * the N services SVCS (by host_pid) as that service's: the syscall by name
 * in its own arch's table (the arch named unless native), "killed" or
 * "allowed by --seccomp-log". */
void violations_report(struct violations *v, struct service *const *svcs, size_t n);

/* After DEAD (one of SVCS) died of SIGSYS: waits up to TIMEOUT_MS for its
 * record (kauditd prints asynchronously) and logs the syscall. */
void violations_explain_sigsys(struct violations *v, struct service *const *svcs, size_t n,
			       const struct service *dead, int timeout_ms);

#endif
