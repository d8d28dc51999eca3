/* console-stamp: the stopwatch of bench/vmm-fs.sh.
 *
 *   console-stamp DEADLINE_S PID... -- CMD [ARG...]
 *
 * Spawns CMD (a VMM; absolute path, no PATH search) with stdin on
 * /dev/null and stdout on a pipe, and reads its console from the pipe. As
 * each line's newline arrives it prints, tab-separated:
 *     L  N  NS  TEXT            line N (from 0), CLOCK_MONOTONIC in ns
 * and for the VMM (who 0, CMD's pid) and each PID (who 1, 2, ...):
 *     P  N  WHO  UTIME  STIME  GTIME       the process, all threads, in
 *                                          ticks (/proc/PID/stat; threads
 *                                          that ended are included)
 *     T  N  WHO  TID  RUN_NS  COMM         each live thread's time on a CPU
 *                                          (/proc/PID/task/TID/schedstat)
 * read right after the timestamp. At the end "X STATUS" (the wait status's
 * exit code, or 128 + signal). A VMM silent for DEADLINE_S seconds is
 * killed (exit 111). The statistics are bench/stats.py's (fs-stamps). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 8

extern char **environ;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("console-stamp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	exit(111);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The first line of FILE into BUF; 0 if it could not be read. */
static int read_line(const char *file, char *buf, size_t len)
{
	FILE *f = fopen(file, "re");
	int ok = f && fgets(buf, (int)len, f);

	if (f)
		fclose(f);
	buf[ok ? strcspn(buf, "\n") : 0] = '\0';
	return ok;
}

/* Past N space-separated fields of P; NULL if there are fewer. */
static const char *skip(const char *p, int n)
{
	while (p && n--)
		if ((p = strchr(p, ' ')))
			p++;
	return p;
}

static void print_cpu(int line, int who, pid_t pid)
{
	char path[320], buf[1024], comm[64];
	const char *p;
	unsigned long long ut, st, gt, run;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (!read_line(path, buf, sizeof buf) || !(p = strrchr(buf, ')')))
		return;	/* gone: the run's end */
	/* after ") ": state (field 3) ... utime 14, stime 15, guest_time 43 */
	p = skip(p + 2, 14 - 3);
	if (!p || sscanf(p, "%llu %llu", &ut, &st) != 2 || !(p = skip(p, 43 - 14)) ||
	    sscanf(p, "%llu", &gt) != 1) {
		errno = 0;
		die("%s: unexpected format", path);
	}
	printf("P\t%d\t%d\t%llu\t%llu\t%llu\n", line, who, ut, st, gt);
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	if (!(dir = opendir(path)))
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/comm", pid, d->d_name);
		if (!read_line(path, comm, sizeof comm))
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", pid, d->d_name);
		if (read_line(path, buf, sizeof buf) && sscanf(buf, "%llu", &run) == 1)
			printf("T\t%d\t%d\t%s\t%llu\t%s\n", line, who, d->d_name, run, comm);
	}
	closedir(dir);
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	pid_t child, pids[MAX_PIDS];
	int npids = 0, i, p[2], line = 0, status, deadline;
	char buf[4096];
	size_t have = 0;

	if (argc < 4 || (deadline = atoi(argv[1])) <= 0)
		goto usage;
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (npids == MAX_PIDS || (pids[npids++] = atoi(argv[i])) <= 0)
			goto usage;
	if (++i >= argc)
		goto usage;
	if (pipe2(p, O_CLOEXEC) < 0 || posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_adddup2(&fa, p[1], 1))
		die("set-up");
	if ((errno = posix_spawn(&child, argv[i], &fa, NULL, argv + i, environ)))
		die("spawn %s", argv[i]);
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&pfd, 1, deadline * 1000) == 0) {
			kill(child, SIGKILL);
			errno = 0;
			die("no console output for %d s: VMM killed", deadline);
		}
		n = read(p[0], buf + have, sizeof buf - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		while ((nl = memchr(buf, '\n', have))) {
			long long t = now_ns();
			size_t len = (size_t)(nl - buf);

			if (len && buf[len - 1] == '\r')
				len--;
			printf("L\t%d\t%lld\t%.*s\n", line, t, (int)len, buf);
			print_cpu(line, 0, child);
			for (i = 0; i < npids; i++)
				print_cpu(line, i + 1, pids[i]);
			line++;
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		if (have == sizeof buf)
			have = 0;	/* a line longer than the buffer: not a marker */
	}
	if (waitpid(child, &status, 0) < 0)
		die("waitpid");
	printf("X\t%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
usage:
	fprintf(stderr, "usage: console-stamp DEADLINE_S PID... -- CMD [ARG...]\n");
	return 100;
}
