/* A service's start: PID 1 forks, and the child carries out the plan's
 * entry sequence, one step after the other, in service_enter() below. */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "confine.h"
#include "landlock.h"
#include "log.h"
#include "view.h"

uid_t service_uid(const struct config *cfg, unsigned role)
{
	return cfg->uid_base + role;
}

gid_t service_gid(const struct config *cfg, unsigned role)
{
	return cfg->gid_base + role;
}

void service_init(struct service *s, const struct service_plan *planned)
{
	s->name = planned->name;
	s->role = planned->role;
	s->profile = planned->profile_file[0] ? &planned->profile : NULL;
	s->filter = plan_filter(planned);
	s->out_fd = s->err_fd = s->netns_fd = -1;
}

/* Moves the service's fds to 3, 4, ... and the program's to SERVICE_EXEC_FD,
 * and closes everything else at exec. Each fd is first raised above the
 * target range so that no target overwrites a source still to be moved. */
static int install_fds(const struct service *s, int exec_fd)
{
	int raised[SERVICE_MAX_FDS + 1];
	const int top = SERVICE_EXEC_FD + 1;

	/* First: a relay's pipe may have a number among the targets below. */
	if ((s->out_fd >= 0 && dup2(s->out_fd, STDOUT_FILENO) < 0) ||
	    (s->err_fd >= 0 && dup2(s->err_fd, STDERR_FILENO) < 0))
		return -1;
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

/* The service's environment: a fixed PATH and the variables its profile
 * names, taken from sandboxd's; nothing else of sandboxd's. */
static void service_env(const struct profile *p, char **env)
{
	size_t n = 0;

	env[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	for (unsigned i = 0; p && i < p->nenv; i++) {
		const char *name = p->env[i];
		for (char **e = environ; *e; e++)
			if (!strncmp(*e, name, strlen(name)) && (*e)[strlen(name)] == '=') {
				env[n++] = *e;
				break;
			}
	}
	env[n] = NULL;
}

/* Every step from PID 1's forked child, root in PID 1's namespace, to the
 * confined program, in the one order that works (minijail_enter's): each
 * step needs what a later one takes away. Never returns: a failing step is
 * one log line naming the service and the step, and exit 111. */
static _Noreturn void service_enter(const struct service *s, const struct plan *plan, int exec_fd)
{
	const struct config *cfg = &plan->cfg;
	const struct profile *p = s->profile;
	const uint64_t caps = p ? p->caps : 0;
	const uid_t uid = service_uid(cfg, s->role);
	const gid_t gid = service_gid(cfg, s->role);
	char *env[PROFILE_MAX_ENV + 2];
	struct pinned pins[CONFIG_MAX_PINNED];
	const size_t npins = config_pinned(cfg, false, pins);
	sigset_t none;

	/* 1. Signals as a fresh process has them, and its own session:
	 * signals for sandboxd's process group or terminal (a supervisor's,
	 * a shell's) must not reach the daemon past us. */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "unblock signals");
	if (setsid() < 0)
		die_errno(EXIT_TEMPORARY, s->name, "setsid");

	/* 2. Its namespaces. The network first, while the service is still
	 * root in the caller's user namespace (setns needs CAP_SYS_ADMIN
	 * there): PID 1's empty one, or for passt, which makes the guest's
	 * connections, the one sandboxd was started in (net.c). Then its own
	 * mount namespace and view: a fresh root with only what the profile
	 * and the config give it (view.c), the config's paths taken through
	 * their pinned fds, which step 3 may cover. */
	if (s->netns_fd >= 0 && setns(s->netns_fd, CLONE_NEWNET) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "join the host's network namespace");
	if (unshare(CLONE_NEWNS) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "unshare mount namespace");
	view_enter(&(struct view){ .profile = p, .stage = cfg->runtime_dir, .uid = uid, .gid = gid,
				   .tmp_mib = tmpfs_size(p, false, cfg),
				   .shm_mib = tmpfs_size(p, true, cfg), .pins = pins,
				   .npins = npins }, s->name);
	/* Files it creates are its own only (after the view, whose mount
	 * points the service must pass through). */
	umask(077);

	/* 3. Its fds at 3, 4, ..., the program at SERVICE_EXEC_FD, nothing
	 * else past the exec. */
	if (install_fds(s, exec_fd) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "pass file descriptors");

	/* 4. rlimits while still root: a hard limit above the one inherited
	 * (s6 passes on the kernel's default NOFILE hard limit, 4096) takes
	 * CAP_SYS_RESOURCE, which the service does not keep. */
	if (p)
		confine_rlimits(p, s->name);

	/* 5. Privileges: bounding set, securebits, ids, then the kept caps. */
	confine_ids(uid, gid, caps, p ? p->securebits : 0, s->name);

	/* 6. The death signal, after the last change of uid, gid or caps,
	 * each of which clears it (Landlock and seccomp change none). PID 1
	 * is our parent: if it is gone, so are we. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "set parent-death signal");
	if (getppid() != 1)
		die(EXIT_TEMPORARY, s->name, "sandboxd exited during service setup");

	/* 7. No exec may gain privileges from here on; Landlock and seccomp
	 * need this as an unprivileged process. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "set no_new_privs");

	/* 8. Landlock on the paths of the view. */
	if (p)
		landlock_restrict_service(p, plan->landlock_abi, s->name);

	/* 9. seccomp last, so that no step before it needs a syscall of the
	 * service's allowlist; the filter allows the one execveat left. */
	if (s->filter)
		confine_install_seccomp(s->filter, s->name);

	/* 10. The program, with its own environment, not sandboxd's. */
	service_env(p, env);
	execveat(SERVICE_EXEC_FD, "", s->argv, env, AT_EMPTY_PATH);
	die_errno(EXIT_TEMPORARY, s->name, "exec %s", s->argv[0]);
}

int service_start(struct service *s, const struct plan *plan)
{
	/* The program is opened here, as root in PID 1's view: the service's
	 * view need not hold it (a build tree under /tmp). */
	int exec_fd = open(s->argv[0], O_PATH | O_CLOEXEC);
	pid_t pid;

	if (exec_fd < 0) {
		log_warn_errno(s->name, "open %s", s->argv[0]);
		return -1;
	}
	/* Forked into its cgroup (cgroup.c): in it from its first instruction. */
	pid = cgroup_fork(s->cg, s->name);
	if (pid < 0) {
		close(exec_fd);
		return -1;
	}
	if (pid == 0)
		service_enter(s, plan, exec_fd);
	close(exec_fd);
	s->pid = pid;
	s->state = SERVICE_RUNNING;
	log_info(s->name, "started as pid %d, uid %u", (int)pid,
		 (unsigned)service_uid(&plan->cfg, s->role));
	return 0;
}
