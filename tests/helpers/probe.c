/* probe: tries what a confined service must not do, one line per attempt,
 * so that a test reads what the sandbox allowed ("ACTION: ok") and what it
 * stopped ("ACTION: EACCES"). Run as a service by `sandboxd --exec`.
 *
 *   kill:PID        kill(PID, 0)            PID: a number, or "other": the
 *                                           other probe service
 *   ptrace:PID      PTRACE_SEIZE (the tracee is released when we exit)
 *   listen:NAME     listen on the abstract unix socket @NAME
 *   connect:NAME    connect to @NAME
 *   await:NAME      wait (up to 10 s) until someone listens on @NAME
 *   tcp-connect:PORT / tcp-bind:PORT        on 127.0.0.1
 *   read:PATH       open O_RDONLY and read one byte
 *   write:PATH      open O_WRONLY|O_CREAT and write one byte
 *   chmod:PATH:MODE chmod to MODE (octal)      chown:PATH:ID  uid and gid
 *   utimes:PATH     times to the epoch         setxattr:PATH  user.probe
 *   mknod:PATH:c|b  a character (1:3) or block (7:0) device node, 0600
 *                   (metadata: what Landlock has no right for)
 *   map-exec:PATH   PATH mapped PROT_READ|PROT_EXEC (MAP_PRIVATE)
 *   syscall:NR      syscall NR with zero arguments; syscall:x32:NR adds
 *                   the x32 bit (0x40000000); syscall:i386:NR is i386's
 *                   syscall NR by int 0x80 (x86_64 only)
 *   exec:PATH       fork, exec PATH with the actions "ids status", wait
 *   execveat:FD:PATH  the same by execveat(FD, "", AT_EMPTY_PATH), PATH
 *                   opened O_PATH at FD (sandboxd's own way of exec);
 *                   PATH "self" is the probe's own binary
 *   setuid:UID      setresgid and setresuid to UID (a service with
 *                   CAP_SETUID, e.g. virtiofsd, can become anyone)
 *   ids             uid, euid, gid, egid
 *   start           how it was started: "env NAME=VALUE" per variable,
 *                   "cwd DIR", "umask MODE", "fds N..." (its open fds)
 *   status          a second thread first, then for every thread the
 *                   Cap*, NoNewPrivs and Seccomp lines of its status
 *   (rlimits, fork, alloc, fill, threads, pause: probe_limits.c)
 *   pdeathsig       the parent-death signal
 *   other           the pid of the other probe service (waits up to 10 s)
 *   vhost-ready     as a share's virtiofsd: accepts the vhost-user
 *                   connection on fd 3 and answers the GET_FEATURES that
 *                   sandboxd's readiness check sends
 *   wait            blocks until SIGTERM (a listening other service)
 *
 * With $PROBE_ACTIONS set, its words are the actions and the arguments are
 * ignored: the probe then stands in for a daemon whose command line
 * sandboxd builds (SANDBOXD_VIRTIOFSD=probe runs it as a share's
 * virtiofsd, with that service's uid, capabilities and Landlock); with
 * $PROBE_IF_ARG too, only where an argument holds that string (one share's
 * path), and elsewhere it waits for SIGTERM. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "probe_limits.h"

#define X32_SYSCALL_BIT 0x40000000L

static void report(const char *action, int rc)
{
	if (rc == 0)
		printf("%s: ok\n", action);
	else
		printf("%s: %s\n", action, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
}

/* "(probe)" with parent 1 and not us: the other probe service. */
static pid_t find_other(void)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	char path[64], buf[256];

	for (int tries = 0; tries < 1000; tries++, nanosleep(&tick, NULL)) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		pid_t found = 0;

		while (d && !found && (e = readdir(d))) {
			pid_t pid = (pid_t)atoi(e->d_name);
			int fd, ppid = 0;
			ssize_t n;
			if (pid <= 1 || pid == getpid())
				continue;
			snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
				continue;
			n = read(fd, buf, sizeof buf - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			const char *rp = strrchr(buf, ')');
			if (strstr(buf, "(probe)") && rp && sscanf(rp, ") %*c %d", &ppid) == 1 &&
			    ppid == 1)
				found = pid;
		}
		if (d)
			closedir(d);
		if (found)
			return found;
	}
	return 0;
}

/* Whether /proc/net/unix lists @NAME, in our network namespace. */
static bool unix_name_listed(const char *name)
{
	char line[512], want[256];
	FILE *f = fopen("/proc/net/unix", "re");
	bool found = false;

	snprintf(want, sizeof want, " @%s\n", name);
	while (f && !found && fgets(line, sizeof line, f))
		found = strlen(line) >= strlen(want) &&
			!strcmp(line + strlen(line) - strlen(want), want);
	if (f)
		fclose(f);
	return found;
}

static int await_listener(const char *name)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int tries = 0; tries < 1000; tries++, nanosleep(&tick, NULL))
		if (unix_name_listed(name))
			return 0;
	errno = ETIMEDOUT;
	return -1;
}

static pid_t target(const char *s)
{
	static pid_t other;

	if (strcmp(s, "other"))
		return (pid_t)atoi(s);
	if (!other)
		other = find_other();
	return other;
}

static int abstract_socket(const char *name, struct sockaddr_un *a, socklen_t *len)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "%s", name);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int do_unix(const char *name, bool listening)
{
	struct sockaddr_un a;
	socklen_t len;
	int fd = abstract_socket(name, &a, &len);

	if (fd < 0)
		return -1;
	if (listening)	/* left open: the listener lives as long as we do */
		return bind(fd, (struct sockaddr *)&a, len) < 0 ? -1 : listen(fd, 8);
	int rc = connect(fd, (struct sockaddr *)&a, len);
	close(fd);
	return rc;
}

static int do_tcp(const char *port, bool bind_it)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc, saved;

	if (fd < 0)
		return -1;
	rc = bind_it ? bind(fd, (struct sockaddr *)&a, sizeof a)
		     : connect(fd, (struct sockaddr *)&a, sizeof a);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int do_file(const char *path, bool writing)
{
	char c = 'x';
	int fd = open(path, writing ? O_WRONLY | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = writing ? write(fd, &c, 1) : read(fd, &c, 1);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* PATH:REST into BUF (PATH) and the part after the last ':'. */
static const char *split_last(const char *arg, char *buf, size_t len)
{
	const char *c = strrchr(arg, ':');

	snprintf(buf, len, "%.*s", c ? (int)(c - arg) : (int)strlen(arg), arg);
	return c ? c + 1 : "";
}

static int do_meta(const char *what, const char *arg)
{
	const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	char path[4096];
	const char *rest = split_last(arg, path, sizeof path);

	if (!strcmp(what, "chmod"))
		return chmod(path, (mode_t)strtoul(rest, NULL, 8));
	if (!strcmp(what, "chown"))
		return chown(path, (uid_t)atol(rest), (gid_t)atol(rest));
	if (!strcmp(what, "utimes"))
		return utimensat(AT_FDCWD, arg, epoch, 0);
	if (!strcmp(what, "setxattr"))
		return setxattr(arg, "user.probe", "x", 1, 0);
	return mknod(path, (*rest == 'b' ? S_IFBLK : S_IFCHR) | 0600,
		     *rest == 'b' ? makedev(7, 0) : makedev(1, 3));
}

/* FD (consumed) mapped executable. */
static int map_exec(int fd)
{
	void *p = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
	if (p == MAP_FAILED)
		return -1;
	munmap(p, 4096);
	return 0;
}


/* i386's syscall NR (its own table), zero arguments: -errno or the result. */
static long int80(long nr)
{
#ifdef __x86_64__
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(0), "c"(0), "d"(0), "S"(0), "D"(0)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
#else
	(void)nr;
	return -ENOSYS;
#endif
}

static int do_syscall(const char *action, const char *arg)
{
	bool x32 = !strncmp(arg, "x32:", 4), i386 = !strncmp(arg, "i386:", 5);
	long nr = strtol(x32 ? arg + 4 : i386 ? arg + 5 : arg, NULL, 0) | (x32 ? X32_SYSCALL_BIT : 0);
	long r = i386 ? int80(nr) : syscall(nr, 0, 0, 0, 0, 0, 0);

	if (i386 && r < 0)
		errno = (int)-r, r = -1;
	if (r < 0)
		return -1;
	printf("%s: ok (returned %ld)\n", action, r);
	return 1;
}

/* Runs PATH in a child with the actions "ids status": by execve, or with
 * FD >= 0 by execveat on PATH opened at FD. */
static int do_exec(const char *path, int fd)
{
	pid_t pid = fork();
	int wstatus;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *const argv[] = { (char *)path, "ids", "status", NULL };
		/* PATH itself may be hidden by the service's private /tmp (a
		 * build tree under /tmp); the probe re-executing itself opens
		 * its own binary through /proc/self/exe instead. */
		bool self = fd >= 0 && !strcmp(path, "self");
		int o = fd >= 0 ? open(self ? "/proc/self/exe" : path, O_PATH) : -1;
		if (fd < 0)
			execv(path, argv);
		else if (o >= 0 && (o == fd || dup2(o, fd) == fd))
			execveat(fd, "", argv, environ, AT_EMPTY_PATH);
		report("exec", -1);
		_exit(127);
	}
	if (waitpid(pid, &wstatus, 0) < 0)
		return -1;
	if (WIFSIGNALED(wstatus))
		printf("exec: child killed by signal %d\n", WTERMSIG(wstatus));
	return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? 0 : (errno = ECHILD, -1);
}

static void print_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("ids: uid=%u euid=%u gid=%u egid=%u\n", r, e, gr, ge);
}

static void print_start(void)
{
	extern char **environ;
	char cwd[4096], line[4096];
	FILE *status = fopen("/proc/self/status", "r");
	DIR *d;
	struct dirent *e;

	for (char **v = environ; *v; v++)
		printf("env %s\n", *v);
	printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	/* From status: umask() would be a syscall outside the profile. */
	while (status && fgets(line, sizeof line, status))
		if (!strncmp(line, "Umask:\t", 7))
			printf("umask %s", line + 7);
	if (status)
		fclose(status);
	d = opendir("/proc/self/fd");
	snprintf(line, sizeof line, "fds");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			snprintf(line + strlen(line), sizeof line - strlen(line), " %s", e->d_name);
	if (d)
		closedir(d);
	printf("%s\n", line);
}

static void *parked(void *fd)
{
	char c;
	(void)!read(*(int *)fd, &c, 1);
	return NULL;
}

/* Every thread: the kernel keeps no_new_privs, seccomp and caps per
 * thread, so a thread started after exec must show the same. */
static void print_status(void)
{
	static const char *const keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
					     "NoNewPrivs", "Seccomp" };
	int p[2];
	pthread_t t;
	DIR *d;
	struct dirent *e;
	char path[64], line[256];

	if (pipe(p) < 0 || pthread_create(&t, NULL, parked, &p[0]) != 0) {
		report("status: start thread", -1);
		return;
	}
	d = opendir("/proc/self/task");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%d/status", atoi(e->d_name));
		FILE *f = fopen(path, "re");
		const char *who = atoi(e->d_name) == getpid() ? "main" : "thread";
		while (f && fgets(line, sizeof line, f))
			for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
				if (!strncmp(line, keys[k], strlen(keys[k])) &&
				    line[strlen(keys[k])] == ':') {
					char *v = line + strlen(keys[k]) + 1;
					v += strspn(v, " \t");
					printf("status %s %s %s", who, keys[k], v);
				}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	(void)!write(p[1], "x", 1);
	pthread_join(t, NULL);
}

static void wait_for_term(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
}

/* What sandboxd waits for before it starts the VMM (virtiofsd-glue's
 * readiness): one GET_FEATURES answered, no features. The connection
 * stays open: the VM goes on. */
static int vhost_ready(void)
{
	const struct { uint32_t request, flags, size; uint64_t features; }
		__attribute__((packed)) reply = { 1, 1 | 4, 8, 0 };
	uint32_t ask[3];
	int conn = accept(3, NULL, NULL);

	if (conn < 0 || read(conn, ask, sizeof ask) != (ssize_t)sizeof ask)
		return -1;
	return write(conn, &reply, sizeof reply) == (ssize_t)sizeof reply ? 0 : -1;
}

static void run(const char *action)
{
	const char *colon = strchr(action, ':');
	const char *arg = colon ? colon + 1 : "";
	size_t n = colon ? (size_t)(colon - action) : strlen(action);
	int rc;

#define IS(name) (n == strlen(name) && !strncmp(action, name, n))
	/* No such process (the other not found): ESRCH, not pid 0's group. */
	if ((IS("kill") || IS("ptrace")) && target(arg) <= 0)
		errno = ESRCH, rc = -1;
	else if (IS("kill"))
		rc = kill(target(arg), 0);
	else if (IS("ptrace"))
		rc = (int)ptrace(PTRACE_SEIZE, target(arg), 0, 0);
	else if (IS("listen") || IS("connect"))
		rc = do_unix(arg, IS("listen"));
	else if (IS("await"))
		rc = await_listener(arg);
	else if (IS("tcp-connect") || IS("tcp-bind"))
		rc = do_tcp(arg, IS("tcp-bind"));
	else if (IS("read") || IS("write"))
		rc = do_file(arg, IS("write"));
	else if (IS("syscall"))
		rc = do_syscall(action, arg);
	else if (IS("exec"))
		rc = do_exec(arg, -1);
	else if (IS("execveat"))
		rc = strchr(arg, ':') ? do_exec(strchr(arg, ':') + 1, atoi(arg)) : (errno = EINVAL, -1);
	else if (IS("chmod") || IS("chown") || IS("utimes") || IS("setxattr") || IS("mknod")) {
		char what[16];
		snprintf(what, sizeof what, "%.*s", (int)n, action);
		rc = do_meta(what, arg);
	} else if (IS("map-exec"))
		rc = map_exec(open(arg, O_RDONLY | O_CLOEXEC));
	else if (IS("setuid"))
		rc = setresgid((gid_t)atol(arg), (gid_t)atol(arg), (gid_t)atol(arg)) < 0 ? -1
		     : setresuid((uid_t)atol(arg), (uid_t)atol(arg), (uid_t)atol(arg));
	else if (IS("ids"))
		print_ids(), rc = 1;
	else if (IS("start"))
		print_start(), rc = 1;
	else if (IS("status"))
		print_status(), rc = 1;
	else if (IS("pdeathsig")) {
		int sig = 0;
		rc = prctl(PR_GET_PDEATHSIG, &sig);
		if (rc == 0)
			printf("pdeathsig: %d\n", sig), rc = 1;
	} else if (IS("other")) {
		printf("other: %d\n", (int)target("other"));
		rc = 1;
	} else if (IS("vhost-ready"))
		rc = vhost_ready();
	else if (IS("wait"))
		wait_for_term(), rc = 1;
	else {
		char name[16];
		snprintf(name, sizeof name, "%.*s", (int)n, action);
		if (probe_limits_action(action, name, arg, &rc))
			goto done;
		printf("%s: unknown action\n", action);
		exit(2);
	}
#undef IS
done:
	if (rc <= 0)
		report(action, rc);
}

/* Whether an argument holds S (a share's path in virtiofsd's argv). */
static bool argv_holds(int argc, char **argv, const char *s)
{
	for (int i = 1; i < argc; i++)
		if (strstr(argv[i], s))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *env = getenv("PROBE_ACTIONS");
	const char *only = getenv("PROBE_IF_ARG");

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Standing in for every share's daemon, acting as one of them only. */
	if (env && only && !argv_holds(argc, argv, only))
		run("wait");
	else if (env) {
		char *words = strdup(env), *save = NULL;
		for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
			run(w);
		free(words);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	return 0;
}
