/* One die/warn family for the whole manager (skalibs strerr style):
 * "sandboxd: vm NAME: SERVICE: STEP: strerror(errno)". */
#ifndef SANDBOXD_LOG_H
#define SANDBOXD_LOG_H

#include <stdnoreturn.h>

/* s6 exit-code conventions. */
enum {
	EXIT_PERMANENT = 100,	/* bad usage, config or profile: retrying cannot help */
	EXIT_TEMPORARY = 111,	/* a syscall or a service failed */
	/* The guest ignored the power-off request until shutdown_timeout and
	 * was killed: s6's "timed out" (s6-svwait, s6-svlisten1). */
	EXIT_SHUTDOWN_TIMEOUT = 99,
};

/* The exit code for a syscall that failed with ERRNUM: 100 where the
 * answer cannot change by retrying (no permission, a read-only or
 * impossible path), 111 otherwise. */
int exit_code_for_errno(int errnum);

/* Set once the config names the VM; messages carry it from then on. */
void log_set_vm(const char *name);

/* Messages name the service in front of the step; NULL for sandboxd itself. */
__attribute__((format(printf, 2, 3)))
void log_info(const char *service, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void log_warn(const char *service, const char *fmt, ...);
/* As log_warn, with ": strerror(errno)" appended. */
__attribute__((format(printf, 2, 3)))
void log_warn_errno(const char *service, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
noreturn void die(int code, const char *service, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
noreturn void die_errno(int code, const char *service, const char *fmt, ...);

#endif
