/* sandboxd: one per VM, under s6. The outer process stays the direct child
 * of its supervisor, relays signals and exits with the VM's status; its one
 * child is PID 1 of a new PID namespace (pid1.c). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "check_profile.h"
#include "log.h"
#include "net.h"
#include "pid1.h"
#include "plan.h"
#include "print_argv.h"
#include "rundir.h"
#include "self_confine.h"
#include "vmm_driver.h"

#ifndef SANDBOXD_VERSION
#define SANDBOXD_VERSION "unknown"
#endif

static const char usage[] =
	"usage: sandboxd [--notify-fd N] [--parent-pid PID] [--seccomp-log] [--log-console] CONFIG\n"
	"       sandboxd --check CONFIG\n"
	"       sandboxd --print-argv [--exec] CONFIG [-- CMD [ARG...]]\n"
	"       sandboxd check-profile [--kvm|--tcg] [--bpf OUT] FILE [CONFIG]\n"
	"       sandboxd check-profile [--kvm|--tcg] --diff FILE OTHER [CONFIG]\n"
	"       sandboxd --version\n"
	"       sandboxd [--notify-fd N] [--parent-pid PID] [--seccomp-log|--no-seccomp]\n"
	"                --exec CONFIG [--profile FILE] -- CMD [ARG...]\n";

struct options {
	const char *config;
	int notify_fd;
	pid_t parent_pid;
	bool check_only;
	bool print_argv;
	bool log_console;
	enum filter_mode filter_mode;
	char *const *exec_argv;
	const char *profile;
};

static long parse_number(const char *opt, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		die(EXIT_PERMANENT, NULL, "%s: not a number in 0..%ld: %s", opt, max, s);
	return v;
}

/* After --exec CONFIG: [--profile FILE] -- CMD [ARG...]. */
static void parse_exec(struct options *o, int argc, char **argv)
{
	int i = 0;

	if (i + 1 < argc && !strcmp(argv[i], "--profile")) {
		o->profile = argv[i + 1];
		i += 2;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") || argv[i + 1][0] != '/')
		die(EXIT_PERMANENT, NULL, "--exec needs -- and an absolute command path\n%s", usage);
	o->exec_argv = &argv[i + 1];
}

static struct options parse_args(int argc, char **argv)
{
	struct options o = { .notify_fd = -1, .parent_pid = 0 };
	bool exec_mode = false;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--check"))
			o.check_only = true;
		else if (!strcmp(a, "--print-argv"))
			o.check_only = o.print_argv = true;
		else if (!strcmp(a, "--log-console"))
			o.log_console = true;
		else if (!strcmp(a, "--exec"))
			exec_mode = true;
		else if (!strcmp(a, "--seccomp-log") || !strcmp(a, "--no-seccomp")) {
			if (o.filter_mode != FILTER_KILL)
				die(EXIT_PERMANENT, NULL, "--seccomp-log and --no-seccomp exclude each other\n%s",
				    usage);
			o.filter_mode = a[2] == 's' ? FILTER_LOG : FILTER_OFF;
		}
		else if (!strcmp(a, "--notify-fd") && i + 1 < argc)
			o.notify_fd = (int)parse_number(a, argv[++i], 1023);
		else if (!strcmp(a, "--parent-pid") && i + 1 < argc)
			o.parent_pid = (pid_t)parse_number(a, argv[++i], 1 << 22);
		else if (!strcmp(a, "--version")) {
			puts("sandboxd " SANDBOXD_VERSION);
			exit(0);
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else
			die(EXIT_PERMANENT, NULL, "unknown option %s\n%s", a, usage);
	}
	if (i >= argc)
		die(EXIT_PERMANENT, NULL, "no config file given\n%s", usage);
	o.config = argv[i++];
	if (exec_mode)
		parse_exec(&o, argc - i, argv + i);
	else if (i < argc)
		die(EXIT_PERMANENT, NULL, "unexpected argument %s\n%s", argv[i], usage);
	if (o.filter_mode == FILTER_OFF && !exec_mode)
		die(EXIT_PERMANENT, NULL, "--no-seccomp is for --exec only\n%s", usage);
	/* s6's notification-fd names an fd that run must pass on: a closed
	 * one is a broken service directory, not a passing failure. */
	if (o.notify_fd >= 0 && fcntl(o.notify_fd, F_GETFD) < 0)
		die_errno(EXIT_PERMANENT, NULL, "--notify-fd %d", o.notify_fd);
	/* An orphan's parent is 1: with 1 the check below could not see its
	 * supervisor die. */
	if (o.parent_pid == 1)
		die(EXIT_PERMANENT, NULL, "--parent-pid 1: give the supervisor's pid (s6's run: "
		    "--parent-pid \"$PPID\"), not init's, which every orphan has for parent");
	return o;
}

/* The death signal, with the race closed: if the supervisor died before the
 * prctl, our parent is already someone else. */
static void tie_to_parent(pid_t expected)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "set parent-death signal");
	if (getppid() != expected)
		die(EXIT_TEMPORARY, NULL, "parent %d is gone (the parent is now %d)", (int)expected,
		    (int)getppid());
}

static int block_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);	/* relayed: PID 1 logs the cgroups' figures */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "block signals");
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		die_errno(EXIT_TEMPORARY, NULL, "signalfd");
	return fd;
}

/* Relays stop signals to PID 1 and returns the VM's status once it exits. */
static int relay_until_exit(int sigfd, pid_t child)
{
	struct signalfd_siginfo si;
	int wstatus;

	for (;;) {
		if (read(sigfd, &si, sizeof si) != sizeof si) {
			if (errno == EINTR)
				continue;
			die_errno(EXIT_TEMPORARY, NULL, "read signalfd");
		}
		if (si.ssi_signo != SIGCHLD) {
			kill(child, (int)si.ssi_signo);
			continue;
		}
		pid_t r = waitpid(child, &wstatus, WNOHANG);
		if (r == child)
			return wait_status_code(wstatus);
		if (r < 0)
			die_errno(EXIT_TEMPORARY, NULL, "wait for PID 1");
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "check-profile") == 0)
		return check_profile_main(argc - 1, argv + 1);
	struct options o = parse_args(argc, argv);
	const pid_t parent = o.parent_pid ? o.parent_pid : getppid();
	const struct plan_args args = {
		.config = o.config, .check_only = o.check_only, .filter_mode = o.filter_mode,
		.exec_argv = o.exec_argv, .profile = o.profile,
	};
	static struct plan plan;
	struct rundir rundir;
	struct cgroup_dirs cgroups;
	int sigfd, lifeline[2], code;
	pid_t child;

	/* Without root nothing below can work, however often s6 retries. */
	if (!o.check_only && geteuid() != 0)
		die(EXIT_PERMANENT, NULL, "not running as root: sandboxd needs root to create the "
		    "VM's namespaces and switch to its uids");
	/* A stop from the supervisor during the start is kept, not lost:
	 * blocked from here, relayed to PID 1 once it exists. */
	sigfd = o.check_only ? -1 : block_signals();

	/* 1. The plan: everything checked before anything is created on the
	 * host (plan.c). --check and --print-argv stop here. */
	plan_build(&args, &plan);
	if (o.print_argv) {
		print_argv(&plan);
		return 0;
	}
	if (o.check_only) {
		plan_print(&plan);
		return 0;
	}

	/* 2. Tied to the supervisor; then what the VM has on the host: its
	 * tap, its runtime dir, its cgroups. */
	tie_to_parent(parent);
	/* The tap, if any, in the caller's network namespace, or that
	 * namespace itself for passt: PID 1 has its own from the clone on
	 * (net.c). */
	net_setup_host(&plan.net, &plan.cfg, service_uid(&plan.cfg, ROLE_VMM),
		       service_gid(&plan.cfg, ROLE_VMM));
	rundir_make(&plan.cfg, &rundir);
	cgroup_make(&plan.cgroups, &cgroups);
	if (pipe2(lifeline, O_CLOEXEC) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "create lifeline pipe");
	/* 3. PID 1 in a new PID namespace, which carries out the plan (pid1.c).
	 * clone rather than unshare + fork: after unshare(CLONE_NEWPID) every
	 * later child of ours would land in the VM's namespace (and fail once
	 * it is gone), which breaks anything that forks at exit (LeakSanitizer).
	 * A new network namespace too: the VM's services never see the
	 * host's interfaces or its loopback. PID 1 is in vm-NAME/sandboxd
	 * before its go (cgroup_make.c). */
	child = cgroup_clone_pid1(&plan.cgroups, &cgroups, CLONE_NEWPID | CLONE_NEWNET);
	/* EPERM: no CAP_SYS_ADMIN here (a container, a user namespace
	 * without the right): permanent. */
	if (child < 0)
		die_errno(exit_code_for_errno(errno), NULL,
			  "clone PID 1 in new PID and network namespaces");
	if (child == 0) {
		close(lifeline[1]);
		close(sigfd);
		close(rundir.top);
		pid1_main(&plan, &cgroups, o.notify_fd, lifeline[0], o.log_console);
	}
	close(lifeline[0]);
	/* The tap lives as long as PID 1's copy and the VMM's; the
	 * namespace is PID 1's to hand to passt. */
	if (plan.net.tap_fd >= 0)
		close(plan.net.tap_fd);
	if (plan.net.host_netns_fd >= 0)
		close(plan.net.host_netns_fd);
	if (o.notify_fd >= 0)
		close(o.notify_fd);
	/* 4. The outer only relays signals and waits from here: it confines
	 * itself first. PID 1 starts once we are confined: our log line comes
	 * first. */
	self_confine_outer(plan.landlock_abi, child, sigfd, rundir.top, lifeline[1], &cgroups);
	if (write(lifeline[1], "", 1) != 1)
		die_errno(EXIT_TEMPORARY, NULL, "start PID 1");
	code = relay_until_exit(sigfd, child);
	rundir_remove(&rundir);
	cgroup_remove(&cgroups);
	/* Confined: no free() that could give memory back, no atexit work. */
	_exit(code);
}
