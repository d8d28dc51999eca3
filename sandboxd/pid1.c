#include "pid1.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "monotonic.h"
#include "mounts.h"
#include "net.h"
#include "passt.h"
#include "readiness.h"
#include "relay.h"
#include "self_confine.h"
#include "shares.h"
#include "violations.h"
#include "vmm_driver.h"

#define READY_TIMEOUT_MS 30000
/* A power-off request the guest did not act on is repeated this often:
 * one sent before the guest armed its handler (acpid, the Ctrl-Alt-Del
 * setting) is lost, not queued. */
#define SHUTDOWN_RETRY_MS 2000
/* How long a SIGSYS death waits for the kernel's audit record. */
#define SIGSYS_RECORD_TIMEOUT_MS 2000

struct supervisor {
	const struct plan *plan;
	const struct vmm_driver *drv;
	struct vmm_run *run;
	int sigfd, timerfd, lifeline;
	bool shutting_down, killed;
	bool timed_out;		/* killed at the shutdown timeout */
	unsigned shutdown_attempts;
	long long shutdown_deadline_ms;	/* monotonic_ms */
	bool helper_failed;	/* a virtiofsd or passt died while the VMM ran */
	struct violations violations;
	struct share_service shares[CONFIG_MAX_SHARES];
	struct passt_service passt;	/* network = user */
	struct service *svcs[2 + CONFIG_MAX_SHARES];	/* every service started */
	size_t nsvcs;
	struct cgroup_run cg[CGROUP_MAX_SVCS];	/* the plan's cgroups, as PID 1 holds them */
	const struct cgroup_dirs *cgdirs;	/* vm-NAME's parents, as the outer made them */
	int cg_leave[CGROUP_MAX_HIER];	/* the way out of them (cgroup_leave) */
	/* --log-console: each virtiofsd's stderr, the console, the VMM's stderr */
	bool log_console;
	struct relay relays[CONFIG_MAX_SHARES + 3];
	size_t nrelays;
	struct readiness ready;
};

static _Noreturn void abort_start(struct supervisor *s, struct service *failed);

/* Once SVC runs: PID 1 reaps it, and names its seccomp violations. */
static void add_service(struct supervisor *s, struct service *svc)
{
	svc->host_pid = violations_host_pid(&s->violations, svc->pid);
	s->svcs[s->nsvcs++] = svc;
}

/* A relay of PREFIX's output into the log; returns the pipe's write end
 * for the service, which PID 1 closes once the service runs. */
static int add_relay(struct supervisor *s, const char *prefix)
{
	return relay_open(&s->relays[s->nrelays++], prefix);
}

/* Before the VMM, whose command line gets each share's connection. */
static void start_shares(struct supervisor *s)
{
	const struct config *cfg = s->run->cfg;
	int err_fds[CONFIG_MAX_SHARES];

	if (!cfg->nshares || !s->drv->shares)
		return;
	for (size_t i = 0; i < cfg->nshares; i++) {
		char prefix[sizeof s->relays[0].prefix];
		snprintf(prefix, sizeof prefix, "virtiofsd-%s", cfg->shares[i].tag);
		err_fds[i] = s->log_console ? add_relay(s, prefix) : -1;
	}
	/* All start first, then each is waited for: their start-ups overlap. */
	shares_start(s->plan, s->shares, err_fds);
	for (size_t i = 0; i < cfg->nshares; i++) {
		add_service(s, &s->shares[i].svc);
		if (err_fds[i] >= 0)
			close(err_fds[i]);
	}
	for (size_t i = 0; i < cfg->nshares; i++) {
		if (share_wait_ready(&s->shares[i], &cfg->shares[i]) < 0)
			abort_start(s, &s->shares[i].svc);
		s->run->share_fds[i] = s->shares[i].vmm_fd;
	}
}

/* Before the VMM, which gets the other end of passt's link. */
static void start_passt(struct supervisor *s)
{
	int err_fd;

	if (!s->plan->passt.binary[0])
		return;
	err_fd = s->log_console ? add_relay(s, "passt") : -1;
	s->passt.svc.cg = &s->cg[s->plan->passt.cgroup];
	passt_start(s->plan, &s->passt, err_fd);
	add_service(s, &s->passt.svc);
	if (err_fd >= 0)
		close(err_fd);
	s->run->user_fd = s->passt.vmm_fd;
}

/* The outer process writes one byte once it has confined itself (so its
 * log line comes before any of ours); end of file: it is gone. */
static bool outer_confined(int lifeline)
{
	char c;
	ssize_t n;

	while ((n = read(lifeline, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

static void build_namespace(const struct vmm_driver *drv, const struct vmm_run *run)
{
	/* The paths the VM's services may write on the host; all else is
	 * read-only. */
	struct pinned writable[CONFIG_MAX_PINNED];
	const struct dev_grant kvm = { "/dev/kvm", service_uid(run->cfg, ROLE_VMM) };
	size_t nwritable = config_pinned(run->cfg, true, writable);

	if (unshare(CLONE_NEWNS) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "unshare mount namespace");
	net_loopback_up();
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
	sigaddset(&set, SIGUSR1);
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

/* One power-off request, then the timer: to the next attempt or to the
 * deadline, whichever comes first. At the deadline: everything killed. */
static void request_shutdown(struct supervisor *s)
{
	long long left = s->shutdown_deadline_ms - monotonic_ms();
	long long next = left < SHUTDOWN_RETRY_MS ? left : SHUTDOWN_RETRY_MS;
	struct itimerspec its = {
		.it_value = { .tv_sec = next / 1000, .tv_nsec = next % 1000 * 1000000 },
	};

	if (left <= 0) {
		log_warn("vmm", "guest did not power off within the shutdown timeout (%u requests): "
			 "killing the VM", s->shutdown_attempts);
		s->timed_out = true;
		kill_everything(s);
		return;
	}
	s->shutdown_attempts++;
	log_info("vmm", "shutdown: power-off request %u to the guest (%lld.%03lld s left)",
		 s->shutdown_attempts, left / 1000, left % 1000);
	if (s->drv->request_shutdown(s->run) < 0) {
		log_warn_errno("vmm", "graceful shutdown request");
		kill_everything(s);
		return;
	}
	if (timerfd_settime(s->timerfd, 0, &its, NULL) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "arm shutdown timer");
}

static void begin_shutdown(struct supervisor *s)
{
	const unsigned ms = s->run->cfg->shutdown_timeout_ms;

	if (s->shutting_down)
		return;
	s->shutting_down = true;
	log_info("vmm", "shutdown requested: asking the guest to power off every %u s until it "
		 "does (timeout %u.%03u s)", SHUTDOWN_RETRY_MS / 1000, ms / 1000, ms % 1000);
	s->shutdown_deadline_ms = monotonic_ms() + ms;
	request_shutdown(s);
}

static void service_exited(struct supervisor *s, struct service *svc, int wstatus)
{
	svc->state = SERVICE_EXITED;
	svc->wstatus = wstatus;
	if (WIFSIGNALED(wstatus))
		log_info(svc->name, "killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else
		log_info(svc->name, "exited with status %d", WEXITSTATUS(wstatus));
	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
		cgroup_explain_kill(svc->cg, svc->name);
	/* A death by SIGSYS: name the syscall from its audit record. */
	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGSYS)
		violations_explain_sigsys(&s->violations, s->svcs, s->nsvcs, svc,
					  SIGSYS_RECORD_TIMEOUT_MS);
}

/* The relays' last lines, as the VM ends: its services are gone or going. */
static void drain_relays(struct supervisor *s)
{
	for (size_t i = 0; i < s->nrelays; i++)
		relay_drain(&s->relays[i], 1000);
}

/* A service that did not come up ends the start-up: everything is killed,
 * and FAILED reaped so that the log says how it ended (a SIGSYS named). */
static _Noreturn void abort_start(struct supervisor *s, struct service *failed)
{
	int wstatus;

	kill_everything(s);
	if (waitpid(failed->pid, &wstatus, 0) == failed->pid)
		service_exited(s, failed, wstatus);
	drain_relays(s);
	_exit(EXIT_TEMPORARY);
}

/* Whether helper SVC (a virtiofsd, passt) is gone while the VMM runs:
 * exit status 0 is each one's answer to the VMM closing its connection,
 * which QEMU does as it ends (before its own exit), not a failure. */
static bool helper_lost(const struct service *svc)
{
	return svc->state == SERVICE_EXITED &&
	       !(WIFEXITED(svc->wstatus) && WEXITSTATUS(svc->wstatus) == 0);
}

static void end_for_helper(struct supervisor *s, const char *service, const char *why)
{
	log_warn(service, "%s; killing the VM", why);
	s->helper_failed = true;
	kill_everything(s);
}

/* A helper lost ends the VM at once, with no graceful wait. Measured:
 * with its virtiofsd gone the guest hangs on its next access to the share
 * (no EIO) and QEMU idles on; even a graceful power-off hangs in sync.
 * Without passt the guest's network is dead, and a VM without the network
 * its config gives it is not the VM asked for: s6 restarts it whole. */
static void check_helpers(struct supervisor *s)
{
	char why[PATH_MAX + 80];

	for (size_t i = 0; i < s->run->cfg->nshares && !s->killed; i++)
		if (helper_lost(&s->shares[i].svc)) {
			snprintf(why, sizeof why, "virtiofsd is gone: the guest would hang on its "
				 "next access to %s", s->run->cfg->shares[i].path);
			end_for_helper(s, s->shares[i].name, why);
		}
	if (s->passt.svc.pid && !s->killed && helper_lost(&s->passt.svc))
		end_for_helper(s, s->passt.svc.name, "passt is gone: the guest has lost its network");
}

/* Reaps every child; returns the VM's exit status once the VMM is gone,
 * -1 while it runs. */
static int reap(struct supervisor *s)
{
	struct service *vmm = &s->run->svc;
	int wstatus;
	pid_t pid;

	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0)
		for (size_t i = 0; i < s->nsvcs; i++)
			if (s->svcs[i]->state == SERVICE_RUNNING && s->svcs[i]->pid == pid)
				service_exited(s, s->svcs[i], wstatus);
	/* Both gone in one round (the guest powered off, then virtiofsd saw
	 * its connection close) is a normal end. */
	if (vmm->state == SERVICE_EXITED) {
		if (s->helper_failed)
			return EXIT_TEMPORARY;
		if (s->timed_out)
			return EXIT_SHUTDOWN_TIMEOUT;
		/* Not by us: 128+N tells the operator so (N 31: seccomp). */
		if (WIFSIGNALED(vmm->wstatus) && !s->killed &&
		    !(s->shutting_down && WTERMSIG(vmm->wstatus) == SIGTERM))
			log_warn("vmm", "killed by signal %d, not sent by sandboxd",
				 WTERMSIG(vmm->wstatus));
		return s->drv->exit_status(vmm->wstatus);
	}
	check_helpers(s);
	return -1;
}

/* Each cgroup's figures, one line each: on SIGUSR1 and at the end. */
static void report_cgroups(const struct supervisor *s)
{
	for (size_t i = 0; i < s->plan->cgroups.nsvcs; i++)
		cgroup_report(&s->cg[i], NULL);
}

/* The outer is gone (killed by SIGKILL: it would have waited for us
 * otherwise), and with it whoever would remove the VM's cgroups once
 * they are empty. So PID 1 ends the VM and does it: every process of the
 * namespace killed and reaped, PID 1 moved out to where the outer was,
 * the cgroups removed. */
static _Noreturn void outer_gone(struct supervisor *s)
{
	kill_everything(s);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (cgroup_leave(s->cg_leave) == 0)
		cgroup_remove(s->cgdirs);
	die(EXIT_TEMPORARY, NULL, "the outer sandboxd is gone: VM killed");
}

static void handle_signals(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof si) == sizeof si)
		if (si.ssi_signo == SIGUSR1)
			report_cgroups(s);
		else if (si.ssi_signo != SIGCHLD)
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
			drain_relays(s);
			report_cgroups(s);
			log_info(NULL, "vm stopped, exit status %d", code);
			_exit(code);
		}
		/* Once the VM stops, readiness no longer matters. */
		struct pollfd p[6 + sizeof s->relays / sizeof *s->relays] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->timerfd, .events = POLLIN },
			{ .fd = s->lifeline, .events = POLLIN },
			{ .fd = s->drv->event_fd(s->run), .events = POLLIN },
			{ .fd = s->violations.kmsg, .events = POLLIN },
			{ .fd = s->shutting_down ? -1 : readiness_fd(&s->ready), .events = POLLIN },
		};
		int timeout = s->shutting_down ? -1 : readiness_late_check(&s->ready);

		for (size_t i = 0; i < s->nrelays; i++)
			p[6 + i] = (struct pollfd){ .fd = s->relays[i].fd, .events = POLLIN };
		if (poll(p, 6 + s->nrelays, timeout) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(EXIT_TEMPORARY, NULL, "poll");
		}
		if (p[0].revents)
			handle_signals(s);
		if (p[1].revents) {
			uint64_t ticks;
			(void)!read(s->timerfd, &ticks, sizeof ticks);
			if (!s->killed)
				request_shutdown(s);
		}
		if (p[2].revents)
			outer_gone(s);
		if (p[3].revents && s->drv->handle_event(s->run) < 0 && !s->shutting_down)
			log_info("vmm", "control connection closed");
		if (p[4].revents)
			violations_report(&s->violations, s->svcs, s->nsvcs);
		if (p[5].revents)
			readiness_read(&s->ready);
		for (size_t i = 0; i < s->nrelays; i++)
			if (p[6 + i].revents)
				relay_read(&s->relays[i]);
	}
}

_Noreturn void pid1_main(const struct plan *plan, const struct cgroup_dirs *cgroups, int notify_fd,
			 int lifeline_fd, bool log_console)
{
	struct vmm_run vmm;
	const struct vmm_driver *drv = plan->drv;
	struct vmm_run *run = &vmm;
	struct supervisor s = { .plan = plan, .drv = drv, .run = run, .lifeline = lifeline_fd,
				.cgdirs = cgroups, .log_console = log_console };

	vmm_run_init(run, plan, false);

	/* Credential changes clear the death signal, so PID 1 sets it once and
	 * never changes credentials; the lifeline closes the race with an
	 * outer process that died before the prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "set parent-death signal");
	if (!outer_confined(lifeline_fd))
		die(EXIT_TEMPORARY, NULL, "the outer sandboxd exited during start-up");

	/* The host's /dev/kmsg and /proc are gone once the namespace is built. */
	violations_open(&s.violations);
	/* Each service's cgroup (cgroup_run.c), before /sys is replaced. */
	cgroup_open(&plan->cgroups, s.cg);
	cgroup_open_leave(&plan->cgroups, s.cg_leave);
	run->svc.cg = &s.cg[plan->vmm.cgroup];
	for (size_t i = 0; i < plan->cfg.nshares; i++)
		s.shares[i].svc.cg = &s.cg[plan->shares[i].cgroup];
	if (log_console)
		relay_output_nonblocking();
	build_namespace(drv, run);
	s.sigfd = open_signalfd();
	s.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s.timerfd < 0)
		die_errno(EXIT_TEMPORARY, NULL, "timerfd");

	start_shares(&s);
	start_passt(&s);
	if (drv->prepare(run) < 0)
		die(EXIT_TEMPORARY, "vmm", "prepare %s", drv->name);
	readiness_init(&s.ready, &plan->cfg, run->ready_fd, notify_fd);
	run->svc.argv = run->argv.v;
	if (log_console) {
		run->svc.out_fd = add_relay(&s, "console");
		run->svc.err_fd = add_relay(&s, "vmm");
	}
	if (service_start(&run->svc, plan) < 0)
		die_errno(EXIT_TEMPORARY, "vmm", "fork");
	add_service(&s, &run->svc);
	if (log_console) {
		close(run->svc.out_fd);
		close(run->svc.err_fd);
	}
	for (size_t i = 0; i < run->svc.nfds; i++)
		close(run->svc.fds[i]);

	if (drv->wait_ready(run, READY_TIMEOUT_MS) < 0) {
		log_warn_errno("vmm", "wait for %s to run the guest", drv->name);
		abort_start(&s, &run->svc);
	}
	log_info("vmm", "guest running");
	readiness_vmm_running(&s.ready);
	/* Every service runs: from here PID 1 only supervises. The lifeline,
	 * which supervise polls, now tells it that the outer is gone, and the
	 * death signal would kill it before it could remove the VM's cgroups
	 * (outer_gone): PID 1 lets it go. Before this point an outer's death
	 * kills PID 1 at once; the next start removes the cgroups then. */
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "clear parent-death signal");
	self_confine_pid1(plan->landlock_abi, s.ready.notify_fd, cgroups, s.cg_leave);
	supervise(&s);
}
