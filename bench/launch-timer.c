/* launch-timer: the stopwatch of bench/run.sh.
 *
 *   launch-timer launch RUNS WARMUP CMD... [--- CMD...]...
 *       Runs the commands interleaved, RUNS timed rounds after WARMUP
 *       untimed ones, each round in its own shuffled order (a fixed seed,
 *       so the same orders every time): a command that always ran after the
 *       same other one would always meet the caches that one left (a
 *       sandboxd after a bwrap, or after another sandboxd), which biases
 *       the difference between two commands. Each run: clock_gettime(CLOCK_MONOTONIC),
 *       posix_spawn with stdio on /dev/null, wait4 until every process of
 *       the launch is gone (the timer is a child subreaper, so orphans come
 *       back to it), clock_gettime; also the user + system CPU time that
 *       wait4 reports for them all. A run that does not exit 0 aborts.
 *
 *   launch-timer boot RUNS WARMUP MARKER LOGDIR CMD... [--- CMD...]...
 *       Interleaved in a fixed order (A B C A B C ...). Each run: spawn with stdout on a pipe, read it
 *       until MARKER appears (ready_ms = spawn to marker), read VmHWM, VmRSS
 *       and RssShmem of the child and of its first descendants (child, grandchild,
 *       great-grandchild: for sandboxd the outer process, PID 1, the VMM),
 *       then SIGTERM the child and wait for it (stop_ms). Console and stderr
 *       of each run go to LOGDIR; the argv of the deepest descendant of each
 *       command's first run goes to LOGDIR/argv-K.txt.
 *
 *   launch-timer firstbyte RUNS WARMUP LOGDIR CMD... [--- CMD...]...
 *       Same fixed interleaving as boot, for commands that end by themselves (a VMM whose
 *       guest powers off). Each run: spawn with stdin on /dev/null, stdout on
 *       a pipe and stderr to LOGDIR; first_ms = spawn until poll first
 *       reports bytes on the pipe, exit_ms = spawn until the pidfd reports
 *       that the whole process (every thread) has exited; then wait4 gives
 *       the exit status, the user + system CPU time and ru_maxrss, the
 *       VmHWM of the process's address space at exit (or the timer's own
 *       VmHWM, reported as "timer self_hwm_kb", if that is larger: the
 *       child starts in the timer's address space; the scripts build the
 *       timer -static to keep that floor low). Console and stderr of
 *       each run go to LOGDIR. Any run that is killed or writes nothing
 *       aborts; exit statuses are reported, not judged.
 *
 * Output, one line per command and metric, tab-separated: K METRIC V...,
 * each run's figure in run order (round r of every command is the r-th
 * value); in boot mode also "K comm dN NAME" lines naming the descendants,
 * in firstbyte mode "timer self_hwm_kb KB". The statistics over the runs
 * are bench/stats.py's.
 * Commands are given with absolute paths (no PATH search inside the timing),
 * optionally after words N<PATH: PATH is opened read-only on fd N of every
 * run's child (a fresh open each time: bwrap --seccomp N reads its fd to
 * the end, so a shared one would be empty from the second run on).
 * Every wait has a deadline; nothing sleeps. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 12
#define MAX_DEPTH 3
#define BOOT_DEADLINE_MS 120000
#define STOP_DEADLINE_MS 60000

extern char **environ;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("launch-timer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(111);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* "K METRIC V..." in run order. */
static void print_runs(int cmd, const char *metric, const double *v, size_t n)
{
	printf("%d\t%s", cmd, metric);
	for (size_t i = 0; i < n; i++)
		printf("\t%.6f", v[i]);
	putchar('\n');
}

/* N for a word "N<PATH" (PATH in *path), else -1. */
static int redirect_fd(const char *word, const char **path)
{
	char *end;
	long fd = strtol(word, &end, 10);

	if (end == word || *end != '<' || fd < 3 || fd > 1023)
		return -1;
	*path = end + 1;
	return (int)fd;
}

/* Splits argv at "---" into commands. */
static int split_cmds(char **argv, char **cmds[MAX_CMDS])
{
	int n = 0;

	while (*argv) {
		if (n == MAX_CMDS)
			die("more than %d commands", MAX_CMDS);
		const char *path;
		char **word = argv;

		while (*word && redirect_fd(*word, &path) >= 0)
			word++;
		if (!*word || (*word)[0] != '/')
			die("command %s: give an absolute path", *word ? *word : "(none)");
		cmds[n++] = argv;
		while (*argv && strcmp(*argv, "---"))
			argv++;
		if (*argv)
			*argv++ = NULL;
	}
	if (n == 0)
		die("no command given");
	return n;
}

static pid_t spawn(char **cmd, int out_fd, int err_fd)
{
	posix_spawn_file_actions_t fa;
	const char *path;
	pid_t pid;
	int e, fd;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	for (; (fd = redirect_fd(*cmd, &path)) >= 0; cmd++)
		posix_spawn_file_actions_addopen(&fa, fd, path, O_RDONLY, 0);
	e = posix_spawn(&pid, cmd[0], &fa, NULL, cmd, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e)
		die("spawn %s: %s", cmd[0], strerror(e));
	return pid;
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid %d: %s", (int)pid, strerror(errno));
	return st;
}

/* As a child subreaper, waits until every process of a launch is gone: PID
 * and whatever it left behind (bwrap's outer process exits without reaping
 * its PID 1). Returns PID's wait status; cpu_ms gets the user + system time
 * of all of them, with the descendants each one reaped. */
static int wait_tree(pid_t pid, double *cpu_ms)
{
	struct rusage ru;
	int st, pid_st = -1;
	pid_t p;

	*cpu_ms = 0;
	for (;;) {
		p = wait4(-1, &st, 0, &ru);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die("wait4: %s", strerror(errno));
		}
		if (p == pid)
			pid_st = st;
		*cpu_ms += (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			   (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	}
	if (pid_st == -1)
		die("wait4: %d was not reaped", (int)pid);
	return pid_st;
}

/* order = a random permutation of 0..n-1 (Fisher-Yates on xorshift64,
 * fixed seed: reproducible, and good enough to break up the order). */
static void shuffle(int *order, int n)
{
	static uint64_t x = 0x9e3779b97f4a7c15u;

	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j, tmp;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (int)(x % (uint64_t)(i + 1));
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
}

static long parse_long(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("bad number %s", s);
	return v;
}

static int mode_launch(int argc, char **argv)
{
	char **cmds[MAX_CMDS];
	static double *t[MAX_CMDS], *cpu[MAX_CMDS];
	long runs, warm;
	int n, null_fd;

	if (argc < 3)
		die("usage: launch RUNS WARMUP CMD... [--- CMD...]...");
	runs = parse_long(argv[0], 1, 100000);
	warm = parse_long(argv[1], 0, 100000);
	n = split_cmds(argv + 2, cmds);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		die("open /dev/null: %s", strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	for (int k = 0; k < n; k++)
		if (!(t[k] = calloc((size_t)runs, sizeof *t[k])) ||
		    !(cpu[k] = calloc((size_t)runs, sizeof *cpu[k])))
			die("out of memory");

	for (long r = -warm; r < runs; r++) {
		int order[MAX_CMDS];

		shuffle(order, n);
		for (int i = 0; i < n; i++) {
			const int k = order[i];
			double t0 = now_ms(), t1, c;
			pid_t pid = spawn(cmds[k], null_fd, null_fd);
			int st = wait_tree(pid, &c);

			t1 = now_ms();
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				die("%s: run %ld: wait status 0x%x", cmds[k][0], r, st);
			if (r >= 0) {
				t[k][r] = t1 - t0;
				cpu[k][r] = c;
			}
		}
	}
	for (int k = 0; k < n; k++) {
		print_runs(k, "ms", t[k], (size_t)runs);
		print_runs(k, "cpu_ms", cpu[k], (size_t)runs);
	}
	return 0;
}

/* The first child of PID (host view), by scanning /proc: this kernel has
 * no /proc/PID/task/TID/children. */
static pid_t first_child(pid_t parent)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	if (!d)
		die("open /proc: %s", strerror(errno));
	while (!found && (e = readdir(d))) {
		char path[300], buf[512], *p;
		long ppid;
		ssize_t len;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		p = strrchr(buf, ')');
		/* ") S PPID ..." */
		if (p && sscanf(p + 1, " %*c %ld", &ppid) == 1 && ppid == parent)
			found = (pid_t)atol(e->d_name);
	}
	closedir(d);
	return found;
}

/* Reads "Name:", "VmHWM:", "VmRSS:" and "RssShmem:" of PID; -1 if it is
 * gone. */
static int read_status(pid_t pid, char *name, size_t name_len, double *hwm, double *rss,
		       double *shmem)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	*hwm = *rss = *shmem = -1;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "Name:", 5)) {
			snprintf(name, name_len, "%s", line + 5 + strspn(line + 5, " \t"));
			name[strcspn(name, "\n")] = '\0';
		}
		sscanf(line, "VmHWM: %lf", hwm);
		sscanf(line, "VmRSS: %lf", rss);
		sscanf(line, "RssShmem: %lf", shmem);
	}
	fclose(f);
	return 0;
}

static void save_cmdline(pid_t pid, const char *file)
{
	char path[64], buf[8192];
	ssize_t len;
	int fd;
	FILE *out;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	len = read(fd, buf, sizeof buf);
	close(fd);
	if (len <= 0 || !(out = fopen(file, "we")))
		return;
	for (ssize_t i = 0; i < len; i++)
		fputc(buf[i] ? buf[i] : (i + 1 < len ? ' ' : '\n'), out);
	fclose(out);
}

/* Reads what is available on fd into the console file and looks for the
 * marker; returns 0 on EOF. */
static ssize_t pump(int fd, FILE *console, char *tail, size_t *tail_len, size_t keep,
		    const char *marker, int *seen)
{
	char buf[4096 + 64];
	ssize_t len = read(fd, buf + *tail_len, 4096);
	size_t total;

	if (len < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 1;
		die("read console: %s", strerror(errno));
	}
	if (len == 0)
		return 0;
	fwrite(buf + *tail_len, 1, (size_t)len, console);
	memcpy(buf, tail, *tail_len);
	total = (size_t)len + *tail_len;
	if (!*seen && memmem(buf, total, marker, strlen(marker)))
		*seen = 1;
	/* Keep the last bytes so that a marker split across reads is found. */
	*tail_len = total < keep ? total : keep;
	memcpy(tail, buf + total - *tail_len, *tail_len);
	return len;
}

/* Starts CMD for run R of command K with stdout on a pipe (its read end in
 * *OUT) and stderr in LOGDIR/run-K-R.stderr; opens LOGDIR/run-K-R.console
 * for the copy of its stdout, and a pidfd. Returns its pid, the start time
 * in *T0. */
static pid_t start_logged(char **cmd, const char *logdir, int k, long r, FILE **console,
			  int *out, int *pidfd, double *t0)
{
	char path[4096];
	int p[2], err_fd;
	pid_t pid;

	snprintf(path, sizeof path, "%s/run-%d-%ld.console", logdir, k, r);
	if (!(*console = fopen(path, "we")))
		die("open %s: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/run-%d-%ld.stderr", logdir, k, r);
	err_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (err_fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		die("open %s or pipe: %s", path, strerror(errno));

	*t0 = now_ms();
	pid = spawn(cmd, p[1], err_fd);
	close(p[1]);
	close(err_fd);
	*out = p[0];
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd < 0)
		die("pidfd_open: %s", strerror(errno));
	return pid;
}

static int mode_boot(int argc, char **argv)
{
	char **cmds[MAX_CMDS];
	static double *ready[MAX_CMDS], *stop[MAX_CMDS], *status[MAX_CMDS];
	static double *hwm[MAX_CMDS][MAX_DEPTH], *rss[MAX_CMDS][MAX_DEPTH];
	static double *shm[MAX_CMDS][MAX_DEPTH];
	static char comm[MAX_CMDS][MAX_DEPTH][32];
	static int depth[MAX_CMDS];
	const char *marker, *logdir;
	size_t keep;
	long runs, warm;
	int n;

	if (argc < 5)
		die("usage: boot RUNS WARMUP MARKER LOGDIR CMD... [--- CMD...]...");
	runs = parse_long(argv[0], 1, 1000);
	warm = parse_long(argv[1], 0, 1000);
	marker = argv[2];
	logdir = argv[3];
	keep = strlen(marker);
	if (keep == 0 || keep > 64)
		die("marker must be 1..64 bytes");
	n = split_cmds(argv + 4, cmds);
	for (int k = 0; k < n; k++) {
		if (!(ready[k] = calloc((size_t)runs, sizeof(double))) ||
		    !(stop[k] = calloc((size_t)runs, sizeof(double))) ||
		    !(status[k] = calloc((size_t)runs, sizeof(double))))
			die("out of memory");
		for (int d = 0; d < MAX_DEPTH; d++)
			if (!(hwm[k][d] = calloc((size_t)runs, sizeof(double))) ||
			    !(rss[k][d] = calloc((size_t)runs, sizeof(double))) ||
			    !(shm[k][d] = calloc((size_t)runs, sizeof(double))))
				die("out of memory");
	}

	for (long r = -warm; r < runs; r++) {
		for (int k = 0; k < n; k++) {
			char path[4096], tail[64];
			size_t tail_len = 0;
			int out, pidfd, seen = 0, st, exited = 0;
			FILE *console;
			double t0, t_ready = 0, t_term, deadline;
			pid_t pid, chain[MAX_DEPTH] = { 0 };

			pid = start_logged(cmds[k], logdir, k, r, &console, &out, &pidfd, &t0);

			/* Until the marker: the console pipe and the child's exit. */
			deadline = t0 + BOOT_DEADLINE_MS;
			while (!seen) {
				struct pollfd pf[2] = { { out, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
				int left = (int)(deadline - now_ms());

				if (left <= 0 || poll(pf, 2, left) == 0) {
					kill(pid, SIGKILL);
					die("%s: run %ld: no %s within %d ms (see %s)", cmds[k][0], r,
					    marker, BOOT_DEADLINE_MS, logdir);
				}
				if (pf[0].revents &&
				    pump(out, console, tail, &tail_len, keep, marker, &seen) == 0)
					die("%s: run %ld: console closed before %s (see %s)",
					    cmds[k][0], r, marker, logdir);
				if (seen)
					t_ready = now_ms();
				else if (pf[1].revents)
					die("%s: run %ld: exited before %s (see %s)", cmds[k][0], r,
					    marker, logdir);
			}

			/* Memory, while the guest runs. */
			chain[0] = pid;
			for (int d = 0; d < MAX_DEPTH; d++) {
				char name[32] = "";
				double h, s, sh;

				if (d > 0 && !(chain[d] = first_child(chain[d - 1])))
					break;
				if (read_status(chain[d], name, sizeof name, &h, &s, &sh) < 0)
					die("%s: run %ld: process %d gone after %s", cmds[k][0], r,
					    (int)chain[d], marker);
				if (r >= 0) {
					hwm[k][d][r] = h;
					rss[k][d][r] = s;
					shm[k][d][r] = sh;
				}
				snprintf(comm[k][d], sizeof comm[k][d], "%s", name);
				if (r == -warm || (r == 0 && warm == 0)) {
					snprintf(path, sizeof path, "%s/argv-%d-d%d.txt", logdir, k, d);
					save_cmdline(chain[d], path);
				}
				if (depth[k] < d + 1)
					depth[k] = d + 1;
			}

			/* Stop it: SIGTERM, then wait for the exit, draining the console. */
			t_term = now_ms();
			if (kill(pid, SIGTERM) < 0)
				die("kill %d: %s", (int)pid, strerror(errno));
			deadline = t_term + STOP_DEADLINE_MS;
			while (!exited) {
				struct pollfd pf[2] = { { pidfd, POLLIN, 0 }, { out, POLLIN, 0 } };
				int left = (int)(deadline - now_ms());

				if (left <= 0 || poll(pf, out >= 0 ? 2 : 1, left) == 0) {
					kill(pid, SIGKILL);
					die("%s: run %ld: still running %d ms after SIGTERM", cmds[k][0],
					    r, STOP_DEADLINE_MS);
				}
				if (pf[0].revents)
					exited = 1;
				else if (pf[1].revents &&
					 pump(out, console, tail, &tail_len, keep, marker, &seen) == 0) {
					close(out);
					out = -1;
				}
			}
			st = wait_child(pid);
			if (r >= 0) {
				ready[k][r] = t_ready - t0;
				stop[k][r] = now_ms() - t_term;
			}
			if (out >= 0)
				close(out);
			close(pidfd);
			fclose(console);
			fprintf(stderr, "launch-timer: boot cmd %d run %ld: ready %.0f ms, wait status 0x%x\n",
				k, r, t_ready - t0, st);
			if (!WIFEXITED(st))
				die("%s: run %ld: killed by signal %d after SIGTERM", cmds[k][0], r,
				    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
			if (r >= 0)
				status[k][r] = WEXITSTATUS(st);
		}
	}
	for (int k = 0; k < n; k++) {
		print_runs(k, "ready_ms", ready[k], (size_t)runs);
		print_runs(k, "stop_ms", stop[k], (size_t)runs);
		print_runs(k, "exit_status", status[k], (size_t)runs);
		for (int d = 0; d < depth[k]; d++) {
			char metric[32];

			printf("%d\tcomm\td%d\t%s\n", k, d, comm[k][d]);
			snprintf(metric, sizeof metric, "d%d.hwm_kb", d);
			print_runs(k, metric, hwm[k][d], (size_t)runs);
			snprintf(metric, sizeof metric, "d%d.rss_kb", d);
			print_runs(k, metric, rss[k][d], (size_t)runs);
			snprintf(metric, sizeof metric, "d%d.shmem_kb", d);
			print_runs(k, metric, shm[k][d], (size_t)runs);
		}
	}
	return 0;
}

/* Copies what is available on fd into the console file; returns the number
 * of bytes read, 0 on EOF, -1 if nothing was there after all. */
static ssize_t copy_out(int fd, FILE *console)
{
	char buf[4096];
	ssize_t len = read(fd, buf, sizeof buf);

	if (len < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return -1;
		die("read console: %s", strerror(errno));
	}
	fwrite(buf, 1, (size_t)len, console);
	return len;
}

/* The timer's own peak RSS: a child spawned with posix_spawn (vfork, shared
 * address space) starts from it, so its ru_maxrss is at least this much. */
static double self_hwm_kb(void)
{
	char name[32];
	double h, s, sh;

	if (read_status(getpid(), name, sizeof name, &h, &s, &sh) < 0)
		die("read /proc/self/status: %s", strerror(errno));
	return h;
}

static int mode_firstbyte(int argc, char **argv)
{
	char **cmds[MAX_CMDS];
	static double *first[MAX_CMDS], *done[MAX_CMDS], *cpu[MAX_CMDS];
	static double *maxrss[MAX_CMDS], *status[MAX_CMDS];
	const char *logdir;
	long runs, warm;
	int n;

	if (argc < 4)
		die("usage: firstbyte RUNS WARMUP LOGDIR CMD... [--- CMD...]...");
	runs = parse_long(argv[0], 1, 100000);
	warm = parse_long(argv[1], 0, 100000);
	logdir = argv[2];
	n = split_cmds(argv + 3, cmds);
	for (int k = 0; k < n; k++)
		if (!(first[k] = calloc((size_t)runs, sizeof(double))) ||
		    !(done[k] = calloc((size_t)runs, sizeof(double))) ||
		    !(cpu[k] = calloc((size_t)runs, sizeof(double))) ||
		    !(maxrss[k] = calloc((size_t)runs, sizeof(double))) ||
		    !(status[k] = calloc((size_t)runs, sizeof(double))))
			die("out of memory");

	for (long r = -warm; r < runs; r++) {
		for (int k = 0; k < n; k++) {
			int out, pidfd, st, eof = 0;
			FILE *console;
			double t0, t_first = -1, t_exit = -1, deadline;
			struct rusage ru;
			pid_t pid;

			pid = start_logged(cmds[k], logdir, k, r, &console, &out, &pidfd, &t0);

			/* Until the exit: the time of the first byte, the rest copied. */
			deadline = t0 + BOOT_DEADLINE_MS;
			while (t_exit < 0) {
				struct pollfd pf[2] = { { pidfd, POLLIN, 0 }, { out, POLLIN, 0 } };
				int left = (int)(deadline - now_ms());
				double t;

				if (left <= 0 || poll(pf, eof ? 1 : 2, left) == 0) {
					kill(pid, SIGKILL);
					die("%s: run %ld: still running after %d ms (see %s)", cmds[k][0],
					    r, BOOT_DEADLINE_MS, logdir);
				}
				t = now_ms();
				if (!eof && pf[1].revents) {
					ssize_t len = copy_out(out, console);

					if (len > 0 && t_first < 0)
						t_first = t;
					eof = len == 0;
				}
				if (pf[0].revents)
					t_exit = t;
			}
			while (wait4(pid, &st, 0, &ru) < 0)
				if (errno != EINTR)
					die("wait4 %d: %s", (int)pid, strerror(errno));
			/* Whatever is left in the pipe, until EOF (a descendant could
			 * still hold it open: the same deadline applies). */
			while (!eof) {
				struct pollfd pf = { out, POLLIN, 0 };
				int left = (int)(deadline - now_ms());

				if (left <= 0 || poll(&pf, 1, left) == 0)
					die("%s: run %ld: stdout still open after the exit", cmds[k][0], r);
				eof = copy_out(out, console) == 0;
			}
			close(out);
			close(pidfd);
			fclose(console);
			fprintf(stderr, "launch-timer: firstbyte cmd %d run %ld: first byte %.2f ms, exit %.2f ms, wait status 0x%x\n",
				k, r, t_first - t0, t_exit - t0, st);
			if (!WIFEXITED(st))
				die("%s: run %ld: killed by signal %d", cmds[k][0], r,
				    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
			if (t_first < 0)
				die("%s: run %ld: exited without writing to stdout (see %s)",
				    cmds[k][0], r, logdir);
			if (r >= 0) {
				first[k][r] = t_first - t0;
				done[k][r] = t_exit - t0;
				cpu[k][r] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
					    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
				maxrss[k][r] = (double)ru.ru_maxrss;
				status[k][r] = WEXITSTATUS(st);
			}
		}
	}
	for (int k = 0; k < n; k++) {
		print_runs(k, "first_ms", first[k], (size_t)runs);
		print_runs(k, "exit_ms", done[k], (size_t)runs);
		print_runs(k, "cpu_ms", cpu[k], (size_t)runs);
		print_runs(k, "maxrss_kb", maxrss[k], (size_t)runs);
		print_runs(k, "exit_status", status[k], (size_t)runs);
	}
	printf("timer\tself_hwm_kb\t%.0f\n", self_hwm_kb());
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "launch"))
		return mode_launch(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "boot"))
		return mode_boot(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "firstbyte"))
		return mode_firstbyte(argc - 2, argv + 2);
	fputs("usage: launch-timer launch RUNS WARMUP CMD... [--- CMD...]...\n"
	      "       launch-timer boot RUNS WARMUP MARKER LOGDIR CMD... [--- CMD...]...\n"
	      "       launch-timer firstbyte RUNS WARMUP LOGDIR CMD... [--- CMD...]...\n",
	      stderr);
	return 100;
}
