/* A confined service: one daemon of the VM, in its own view of the
 * filesystem, under its own uid/gid, started and reaped by PID 1. */
#ifndef SANDBOXD_SERVICE_H
#define SANDBOXD_SERVICE_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "plan.h"

#define SERVICE_MAX_FDS 16
/* The program's fd at its execveat, close-on-exec: a fixed number, so that
 * a profile can allow that one exec and no other
 * (syscall execveat if arg0 == 19 and arg4 & AT_EMPTY_PATH == AT_EMPTY_PATH). */
#define SERVICE_EXEC_FD (3 + SERVICE_MAX_FDS)

enum service_state { SERVICE_IDLE, SERVICE_RUNNING, SERVICE_EXITED };

struct service {
	const char *name;		/* in log lines: "vmm", "share TAG" */
	unsigned role;			/* enum service_role + index */
	char *const *argv;		/* argv[0] is an absolute path */
	const struct profile *profile;	/* NULL: none (no caps, NNP, nothing else) */
	const struct sock_fprog *filter;	/* the profile's seccomp BPF, or NULL */
	const struct cgroup_run *cg;	/* its cgroup (PID 1's, cgroup.h), or NULL */
	int fds[SERVICE_MAX_FDS];	/* fds[i] becomes fd 3 + i in the service */
	size_t nfds;
	int out_fd, err_fd;		/* its stdout and stderr; -1: sandboxd's */
	int netns_fd;			/* a network namespace to join; -1: PID 1's */
	enum service_state state;
	pid_t pid;
	pid_t host_pid;			/* in the host's PID namespace (audit records) */
	int wstatus;
};

uid_t service_uid(const struct config *cfg, unsigned role);
gid_t service_gid(const struct config *cfg, unsigned role);

/* S as PLANNED: its name, role, profile and filter. */
void service_init(struct service *s, const struct service_plan *planned);

/* Forks and runs S confined as PLAN says. Returns 0, or -1 with errno set
 * if fork failed; a failing setup step in the child is logged and ends it
 * with status 111. */
int service_start(struct service *s, const struct plan *plan);

#endif
