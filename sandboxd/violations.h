/* Naming seccomp violations: the kernel's audit records (type 1326, in
 * /dev/kmsg when no audit daemon runs) carry the syscall number, its arch
 * and the offender's pid in the host's PID namespace. PID 1 keeps the kmsg
 * fd and a host /proc fd opened before it replaces /dev and /proc. */
#ifndef SANDBOXD_VIOLATIONS_H
#define SANDBOXD_VIOLATIONS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "service.h"

/* A kill record read, awaiting its service's SIGSYS death, which logs it:
 * several services may die at once, and their records and SIGCHLDs come
 * in any order. */
struct kill_record {
	pid_t pid;			/* in the host's PID namespace */
	unsigned long long serial;	/* of audit(TIME:SERIAL): the kernel's order */
	uint32_t arch;			/* AUDIT_ARCH_* */
	long long nr;			/* the syscall, in ARCH's table */
};

#define VIOLATIONS_MAX_KILLS 16

struct violations {
	int kmsg;	/* /dev/kmsg, positioned at its end; -1 if unavailable */
	int hostproc;	/* the host's /proc, O_PATH */
	struct kill_record kills[VIOLATIONS_MAX_KILLS];	/* in the order read */
	size_t nkills;
};

/* Before the mount namespace hides them. Never fails: without kmsg the log
 * says the syscall cannot be named. */
void violations_open(struct violations *v);

/* PID's pid in the host PID namespace (via a pidfd's fdinfo read through
 * the host's /proc), or 0 if it cannot be found. */
pid_t violations_host_pid(const struct violations *v, pid_t pid);

/* Reads the records that arrived; a seccomp record of one of the N
 * services SVCS (by host_pid) is that service's: "allowed by
 * --seccomp-log" is logged at once, a kill is kept for its death. A
 * syscall is named from its own arch's table, the arch named unless
 * native. */
void violations_report(struct violations *v, struct service *const *svcs, size_t n);

/* After DEAD (one of SVCS) died of SIGSYS: waits up to TIMEOUT_MS for its
 * kill record (kauditd prints asynchronously) and logs the syscall, or
 * that no record came. */
void violations_explain_sigsys(struct violations *v, struct service *const *svcs, size_t n,
			       const struct service *dead, int timeout_ms);

#endif
