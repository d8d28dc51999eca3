#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "confine.h"
#include "landlock.h"
#include "log.h"
#include "mounts.h"

uid_t service_uid(const struct config *cfg, unsigned role)
{
	return cfg->uid_base + role;
}

gid_t service_gid(const struct config *cfg, unsigned role)
{
	return cfg->gid_base + role;
}

/* Moves the service's fds to 3, 4, ... and the program's to SERVICE_EXEC_FD,
 * and closes everything else at exec. Each fd is first raised above the
 * target range so that no target overwrites a source still to be moved. */
static int install_fds(const struct service *s, int exec_fd)
{
	int raised[SERVICE_MAX_FDS + 1];
	const int top = SERVICE_EXEC_FD + 1;

	for (size_t i = 0; i < s->nfds; i++)
		if ((raised[i] = fcntl(s->fds[i], F_DUPFD, top)) < 0)
			return -1;
	if ((raised[s->nfds] = fcntl(exec_fd, F_DUPFD, top)) < 0)
		return -1;
	for (size_t i = 0; i < s->nfds; i++)
		if (dup2(raised[i], 3 + (int)i) < 0)
			return -1;
	if (dup3(raised[s->nfds], SERVICE_EXEC_FD, O_CLOEXEC) < 0)
		return -1;
	/* Marked close-on-exec rather than closed: the program's own fd must
	 * stay open until the execveat. */
	return close_range(3 + (unsigned)s->nfds, ~0U, CLOSE_RANGE_CLOEXEC);
}

/* The profile's size for the service's /tmp or /dev/shm, else the config's. */
static uint64_t tmpfs_size(const struct profile *p, bool shm, const struct config *cfg)
{
	uint64_t mib = p ? (shm ? p->shm_mib : p->tmp_mib) : 0;

	return mib ? mib : cfg->tmpfs_mib;
}

/* The service's setup, in the child: its own session and mount namespace
 * while still root (mounts need CAP_SYS_ADMIN), then confine.c's sequence
 * down to the exec. */
static _Noreturn void service_exec(const struct service *s, const struct config *cfg,
				   int exec_fd)
{
	sigset_t none;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "unblock signals");
	/* Its own session: signals for sandboxd's process group or terminal
	 * (a supervisor's, a shell's) must not reach the daemon past us. */
	if (setsid() < 0)
		die_errno(EXIT_TEMPORARY, s->name, "setsid");
	/* The fds first: Landlock's rule fds, opened next, must not sit where
	 * a passed fd or the program's is about to land. */
	if (install_fds(s, exec_fd) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "pass file descriptors");
	if (s->profile)
		landlock_prepare_service(s->profile, s->name);
	if (unshare(CLONE_NEWNS) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "unshare mount namespace");
	if (mounts_private_tmp(tmpfs_size(s->profile, false, cfg), tmpfs_size(s->profile, true, cfg),
			       service_uid(cfg, s->role), service_gid(cfg, s->role), s->keep_visible) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "mount private /tmp and /dev/shm");
	confine_exec(s, cfg);
}

int service_start(struct service *s, const struct config *cfg)
{
	/* The program is opened here, as root in PID 1's view: the service's
	 * own /tmp may hide its path (a build tree under /tmp). */
	int exec_fd = open(s->argv[0], O_PATH | O_CLOEXEC);
	pid_t pid;

	if (exec_fd < 0) {
		log_warn_errno(s->name, "open %s", s->argv[0]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(exec_fd);
		return -1;
	}
	if (pid == 0)
		service_exec(s, cfg, exec_fd);
	close(exec_fd);
	s->pid = pid;
	s->state = SERVICE_RUNNING;
	log_info(s->name, "started as pid %d, uid %u", (int)pid, (unsigned)service_uid(cfg, s->role));
	return 0;
}
