#include "pid1.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "landlock.h"
#include "log.h"
#include "mounts.h"
#include "violations.h"

#define READY_TIMEOUT_MS 30000
/* How long a SIGSYS death waits for the kernel's audit record. */
#define SIGSYS_RECORD_TIMEOUT_MS 2000

struct supervisor {
	const struct vmm_driver *drv;
	struct vmm_run *run;
	int sigfd, timerfd, lifeline;
	bool shutting_down, killed;
	struct violations violations;
	pid_t vmm_host_pid;	/* the VMM's pid in audit records */
	struct service sibling;	/* exec driver only: a second service */
};

#ifndef SANDBOXD_PROFILE_DIR
#define SANDBOXD_PROFILE_DIR "/usr/local/share/sandboxd/profiles"
#endif

/* NAME in the profile dir. A sandboxd run from its build tree, with no
 * profile_dir in its config, takes the tree's profiles/, as the builtin
 * driver takes the tree's vmm. */
static void profile_path(const struct config *cfg, const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (!strcmp(cfg->profile_dir, SANDBOXD_PROFILE_DIR) && n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			char tree[PATH_MAX + 32];
			snprintf(tree, sizeof tree, "%.*s/../profiles/%s", (int)(slash - self), self,
				 name);
			if (realpath(tree, self) && strlen(self) < len) {
				strcpy(buf, self);
				return;
			}
		}
	}
	snprintf(buf, len, "%s/%s", cfg->profile_dir, name);
}

/* The VMM service's profile, loaded and compiled once; the exec driver's
 * sibling shares it (it gets its own Landlock domain all the same). */
static void load_profile(const struct vmm_driver *drv, struct vmm_run *run)
{
	static struct confinement c;
	char path[PATH_MAX];
	const char *file = run->profile_file;
	const struct profile_params params = {
		.cfg = run->cfg, .kvm = run->kvm, .binary = run->svc.argv[0],
	};

	if (!file && !drv->profile) {
		log_warn("vmm", "no profile for the %s driver yet: no rlimits, Landlock or seccomp",
			 drv->name);
		return;
	}
	if (!file) {
		profile_path(run->cfg, drv->profile, path, sizeof path);
		file = path;
	}
	confine_load(&c, file, &params, run->seccomp_log, "vmm");
	run->svc.profile = &c.profile;
	run->svc.filter = &c.filter;
}

static void start_sibling(struct supervisor *s)
{
	struct service *sib = &s->sibling;

	sib->name = "sibling";
	sib->role = ROLE_VMM;	/* the same uid as the VMM service */
	sib->argv = s->run->sibling_argv;
	sib->profile = s->run->svc.profile;
	sib->filter = s->run->svc.filter;
	if (service_start(sib, s->run->cfg) < 0)
		die_errno(EXIT_TEMPORARY, "sibling", "fork");
}

static bool lifeline_cut(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/* The paths the VM's services may write on the host; all else is read-only. */
static size_t writable_paths(const struct config *cfg, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->ndisks; i++)
		if (!cfg->disks[i].readonly)
			out[n++] = cfg->disks[i].path;
	for (size_t i = 0; i < cfg->nshares; i++)
		if (!cfg->shares[i].readonly)
			out[n++] = cfg->shares[i].path;
	return n;
}

static void build_namespace(const struct vmm_driver *drv, const struct vmm_run *run)
{
	const char *writable[CONFIG_MAX_DISKS + CONFIG_MAX_SHARES];
	const struct dev_grant kvm = { "/dev/kvm", service_uid(run->cfg, ROLE_VMM) };
	size_t nwritable = writable_paths(run->cfg, writable);

	if (unshare(CLONE_NEWNS) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "unshare mount namespace");
	mounts_build_sandbox(run->cfg, writable, nwritable, &kvm,
			     drv->needs_kvm || run->kvm ? 1 : 0);
}

static int open_signalfd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die_errno(EXIT_TEMPORARY, NULL, "signalfd");
	return fd;
}

static void kill_everything(struct supervisor *s)
{
	s->killed = true;
	/* As PID 1, kill(-1) reaches every process of the namespace but us. */
	if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
		log_warn_errno(NULL, "kill the VM's processes");
}

static void begin_shutdown(struct supervisor *s)
{
	const unsigned ms = s->run->cfg->shutdown_timeout_ms;
	struct itimerspec its = {
		.it_value = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 },
	};

	if (s->shutting_down)
		return;
	s->shutting_down = true;
	log_info("vmm", "shutdown requested: asking the guest to power off (timeout %u.%03u s)",
		 ms / 1000, ms % 1000);
	if (s->drv->request_shutdown(s->run) < 0) {
		log_warn_errno("vmm", "graceful shutdown request");
		kill_everything(s);
		return;
	}
	if (timerfd_settime(s->timerfd, 0, &its, NULL) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "arm shutdown timer");
}

static void service_exited(struct service *svc, int wstatus)
{
	svc->state = SERVICE_EXITED;
	svc->wstatus = wstatus;
	if (WIFSIGNALED(wstatus))
		log_info(svc->name, "killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else
		log_info(svc->name, "exited with status %d", WEXITSTATUS(wstatus));
}

/* A VMM that died of SIGSYS: name the syscall from its audit record. */
static void explain_vmm_sigsys(struct supervisor *s)
{
	const struct service *vmm = &s->run->svc;

	if (WIFSIGNALED(vmm->wstatus) && WTERMSIG(vmm->wstatus) == SIGSYS)
		violations_explain_sigsys(&s->violations, vmm->name, s->vmm_host_pid,
					  SIGSYS_RECORD_TIMEOUT_MS);
}

/* Reaps every child; returns the VM's exit status once the VMM is gone,
 * -1 while it runs. */
static int reap(struct supervisor *s)
{
	struct service *vmm = &s->run->svc;
	int wstatus;
	pid_t pid;

	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0)
		if (pid == vmm->pid)
			service_exited(vmm, wstatus);
		else if (s->sibling.state == SERVICE_RUNNING && pid == s->sibling.pid)
			service_exited(&s->sibling, wstatus);
	if (vmm->state != SERVICE_EXITED)
		return -1;
	explain_vmm_sigsys(s);
	return s->drv->exit_status(vmm->wstatus);
}

static void handle_signals(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof si) == sizeof si)
		if (si.ssi_signo != SIGCHLD)
			begin_shutdown(s);
}

static _Noreturn void supervise(struct supervisor *s)
{
	for (;;) {
		int code = reap(s);
		if (code >= 0) {
			/* The VMM ending ends the VM: nothing else may outlive it. */
			kill_everything(s);
			s->drv->release(s->run);
			log_info(NULL, "vm stopped, exit status %d", code);
			_exit(code);
		}
		struct pollfd p[5] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->timerfd, .events = POLLIN },
			{ .fd = s->lifeline, .events = POLLIN },
			{ .fd = s->drv->event_fd(s->run), .events = POLLIN },
			{ .fd = s->violations.kmsg, .events = POLLIN },
		};
		if (poll(p, 5, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(EXIT_TEMPORARY, NULL, "poll");
		}
		if (p[0].revents)
			handle_signals(s);
		if (p[1].revents && !s->killed) {
			log_warn("vmm", "guest did not power off within the shutdown timeout: killing the VM");
			kill_everything(s);
			p[1].fd = -1;
		}
		if (p[2].revents) {
			kill_everything(s);
			die(EXIT_TEMPORARY, NULL, "the outer sandboxd is gone: VM killed");
		}
		if (p[3].revents && s->drv->handle_event(s->run) < 0 && !s->shutting_down)
			log_info("vmm", "control connection closed");
		if (p[4].revents)
			violations_report(&s->violations, s->run->svc.name, s->vmm_host_pid);
	}
}

_Noreturn void pid1_main(const struct vmm_driver *drv, struct vmm_run *run,
			 int notify_fd, int lifeline_fd)
{
	struct supervisor s = { .drv = drv, .run = run, .lifeline = lifeline_fd };

	/* Credential changes clear the death signal, so PID 1 sets it once and
	 * never changes credentials; the lifeline closes the race with an
	 * outer process that died before the prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "set parent-death signal");
	if (lifeline_cut(lifeline_fd))
		die(EXIT_TEMPORARY, NULL, "the outer sandboxd exited during start-up");

	/* Once for every service: they inherit the result. */
	landlock_probe(run->cfg);
	/* The host's /dev/kmsg and /proc are gone once the namespace is built. */
	violations_open(&s.violations);
	build_namespace(drv, run);
	s.sigfd = open_signalfd();
	s.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s.timerfd < 0)
		die_errno(EXIT_TEMPORARY, NULL, "timerfd");

	run->svc.name = "vmm";
	run->svc.role = ROLE_VMM;
	if (drv->prepare(run) < 0)
		die(EXIT_TEMPORARY, "vmm", "prepare %s", drv->name);
	run->svc.argv = run->argv.v;
	load_profile(drv, run);
	if (run->sibling_argv)
		start_sibling(&s);
	if (service_start(&run->svc, run->cfg) < 0)
		die_errno(EXIT_TEMPORARY, "vmm", "fork");
	s.vmm_host_pid = violations_host_pid(&s.violations, run->svc.pid);
	for (size_t i = 0; i < run->svc.nfds; i++)
		close(run->svc.fds[i]);

	if (drv->wait_ready(run, READY_TIMEOUT_MS) < 0) {
		int wstatus;
		log_warn_errno("vmm", "wait for %s to run the guest", drv->name);
		kill_everything(&s);
		if (waitpid(run->svc.pid, &wstatus, 0) == run->svc.pid) {
			service_exited(&run->svc, wstatus);
			explain_vmm_sigsys(&s);
		}
		_exit(EXIT_TEMPORARY);
	}
	log_info("vmm", "guest running");
	if (notify_fd >= 0) {
		(void)!write(notify_fd, "\n", 1);
		close(notify_fd);
	}
	supervise(&s);
}
