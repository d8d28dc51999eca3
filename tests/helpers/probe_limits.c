/* The probe's actions on resource limits (rlimits, cgroups); probe.c runs
 * them. Each prints one line as probe.c's do: "ACTION: ok", an errno name,
 * or what it read.
 *
 *   rlimits         soft and hard value of each rlimit
 *   fork:N          N children that each wait for our exit; the first
 *                   failure ends it: "fork:N: EAGAIN after K" (pids_max);
 *                   the children are then killed and reaped
 *   alloc:MIB       MIB MiB allocated and touched (memory_max: killed)
 *   fill:PATH:MIB   MIB MiB written into PATH.0, PATH.1, ... in files of
 *                   8 MiB (below the test profile's FSIZE rlimit): tmpfs
 *                   pages charged to the writer's memory cgroup
 *   threads:N       N threads parked until the process exits
 *   pause           waits for SIGUSR1 ("pause: waiting" first), with
 *                   SIGTERM blocked from then on (a service that ignores
 *                   a graceful stop: the shutdown timeout) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe_limits.h"

static void print_rlimits(void)
{
	static const struct { int res; const char *name; } lims[] = {
		{ RLIMIT_NOFILE, "NOFILE" }, { RLIMIT_NPROC, "NPROC" }, { RLIMIT_CORE, "CORE" },
		{ RLIMIT_MEMLOCK, "MEMLOCK" }, { RLIMIT_FSIZE, "FSIZE" }, { RLIMIT_AS, "AS" },
		{ RLIMIT_STACK, "STACK" },
	};
	struct rlimit r;

	for (size_t i = 0; i < sizeof lims / sizeof *lims; i++)
		if (getrlimit(lims[i].res, &r) == 0)
			printf("rlimit %s %lld %lld\n", lims[i].name,
			       r.rlim_cur == RLIM_INFINITY ? -1LL : (long long)r.rlim_cur,
			       r.rlim_max == RLIM_INFINITY ? -1LL : (long long)r.rlim_max);
}

static int fork_many(const char *action, int n)
{
	pid_t kids[4096];
	int p[2], k, saved = 0;

	if (n > 4096 || pipe(p) < 0)
		return errno = EINVAL, -1;
	for (k = 0; k < n; k++) {
		if ((kids[k] = fork()) == 0) {
			char c;
			close(p[1]);
			(void)!read(p[0], &c, 1);	/* end of file: we are gone */
			_exit(0);
		}
		if (kids[k] < 0) {
			saved = errno;
			break;
		}
	}
	close(p[0]);
	close(p[1]);
	for (int i = 0; i < k; i++)
		waitpid(kids[i], NULL, 0);
	if (!saved)
		return 0;
	printf("%s: %s after %d\n", action, strerrorname_np(saved), k);
	return 1;
}

static int alloc(long mib)
{
	for (long i = 0; i < mib; i++) {
		char *m = malloc(1 << 20);
		if (!m)
			return -1;
		memset(m, 1, 1 << 20);	/* touched: charged */
	}
	return 0;
}

static int fill(const char *arg)
{
	static char chunk[1 << 20];
	const char *colon = strrchr(arg, ':');
	long mib = colon ? atol(colon + 1) : 0;
	char path[4096];

	memset(chunk, 'x', sizeof chunk);
	for (long i = 0; i < mib; i++) {
		static int fd = -1;
		if (i % 8 == 0) {
			if (fd >= 0)
				close(fd);
			snprintf(path, sizeof path, "%.*s.%ld", (int)(colon - arg), arg, i / 8);
			if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
				return -1;
		}
		if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk)
			return -1;
	}
	return 0;
}

static void *park(void *arg)
{
	(void)arg;
	for (;;)
		sleep(3600);	/* nanosleep: in the test profile */
	return NULL;
}

/* The threads block every signal from birth: signals are the main
 * thread's (pause), and one that woke a parked sleep would restart it
 * through restart_syscall, which the test profile lacks (SIGSYS). */
static int threads(int n)
{
	sigset_t all, old;
	pthread_t t;
	int e = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < n && !e; i++)
		e = pthread_create(&t, NULL, park, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return e ? -1 : 0;
}

static int wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGTERM);
	printf("pause: waiting\n");
	return sigwait(&set, &sig) ? -1 : 0;
}

bool probe_limits_action(const char *action, const char *name, const char *arg, int *rc)
{
	if (!strcmp(name, "rlimits"))
		print_rlimits(), *rc = 1;
	else if (!strcmp(name, "fork"))
		*rc = fork_many(action, atoi(arg));
	else if (!strcmp(name, "alloc"))
		*rc = alloc(atol(arg));
	else if (!strcmp(name, "fill"))
		*rc = fill(arg);
	else if (!strcmp(name, "threads"))
		*rc = threads(atoi(arg));
	else if (!strcmp(name, "pause"))
		*rc = wait_usr1();
	else
		return false;
	return true;
}
