/* A confined service: one daemon of the VM, in its own mount namespace,
 * under its own uid/gid, started and reaped by PID 1. */
#ifndef SANDBOXD_SERVICE_H
#define SANDBOXD_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "profile.h"

struct sock_fprog;

/* uid/gid = config base + role offset, so DAC separates the services too. */
enum service_role {
	ROLE_VMM = 1,
	ROLE_VIRTIOFSD = 2,	/* + share index */
};

#define SERVICE_MAX_FDS 16
/* The program's fd at its execveat, close-on-exec: a fixed number, so that
 * a profile can allow that one exec and no other
 * (syscall execveat if arg0 == 19 and arg4 & AT_EMPTY_PATH == AT_EMPTY_PATH). */
#define SERVICE_EXEC_FD (3 + SERVICE_MAX_FDS)

enum service_state { SERVICE_IDLE, SERVICE_RUNNING, SERVICE_EXITED };

/* What a syscall outside the profile does: kill the service; be logged
 * and allowed (--seccomp-log); or there is no filter at all (--no-seccomp,
 * --exec only: to measure the filter's cost). */
enum filter_mode { FILTER_KILL, FILTER_LOG, FILTER_OFF };

struct service {
	const char *name;		/* in log lines: "vmm", "virtiofsd share0" */
	unsigned role;			/* enum service_role + index */
	char *const *argv;		/* argv[0] is an absolute path */
	const struct profile *profile;	/* NULL: none (no caps, NNP, nothing else) */
	const struct sock_fprog *filter;	/* the profile's seccomp BPF, or NULL */
	const char *keep_visible;	/* a host dir it uses by path (a share), or NULL */
	int fds[SERVICE_MAX_FDS];	/* fds[i] becomes fd 3 + i in the service */
	size_t nfds;
	enum service_state state;
	pid_t pid;
	pid_t host_pid;			/* in the host's PID namespace (audit records) */
	int wstatus;
};

uid_t service_uid(const struct config *cfg, unsigned role);
gid_t service_gid(const struct config *cfg, unsigned role);

/* Forks and runs S confined. Returns 0, or -1 with errno set if fork failed;
 * a failing setup step in the child is logged and ends it with status 111. */
int service_start(struct service *s, const struct config *cfg);

#endif
