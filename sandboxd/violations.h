/* Naming seccomp violations: the kernel's audit records (type 1326, in
 * /dev/kmsg when no audit daemon runs) carry the syscall number and the
 * offender's pid in the host's PID namespace. PID 1 keeps the kmsg fd and
 * a host /proc fd opened before it replaces /dev and /proc. */
#ifndef SANDBOXD_VIOLATIONS_H
#define SANDBOXD_VIOLATIONS_H

#include <sys/types.h>

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

/* Reads the records that arrived and logs each seccomp record of HOST_PID
 * as SERVICE's: the syscall by name, "denied" (kill) or "allowed only
 * because of --seccomp-log". Returns how many were logged. */
int violations_report(struct violations *v, const char *service, pid_t host_pid);

/* After SERVICE died of SIGSYS: waits up to TIMEOUT_MS for its record
 * (kauditd prints asynchronously) and logs the syscall. */
void violations_explain_sigsys(struct violations *v, const char *service,
			       pid_t host_pid, int timeout_ms);

#endif
