#include "violations.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "monotonic.h"

#define AUDIT_SECCOMP_TYPE "type=1326 "
#define SECCOMP_RET_KILL_PROCESS_CODE "code=0x80000000"

void violations_open(struct violations *v)
{
	v->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (v->kmsg < 0 || lseek(v->kmsg, 0, SEEK_END) < 0) {
		log_warn_errno(NULL, "open /dev/kmsg: seccomp violations will not be named");
		if (v->kmsg >= 0)
			close(v->kmsg);
		v->kmsg = -1;
	}
	v->hostproc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

pid_t violations_host_pid(const struct violations *v, pid_t pid)
{
	char path[64], buf[1024];
	pid_t host = 0;
	int pidfd, fd;
	ssize_t n;

	if (v->hostproc < 0)
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return 0;
	/* "self" in the host's /proc is us as the host sees us, and a pidfd's
	 * fdinfo gives its pid in that /proc's namespace. */
	snprintf(path, sizeof path, "self/fdinfo/%d", pidfd);
	fd = openat(v->hostproc, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		if (n > 0) {
			buf[n] = '\0';
			const char *p = strstr(buf, "\nPid:");
			if (p)
				host = (pid_t)strtol(p + 5, NULL, 10);
		}
		close(fd);
	}
	close(pidfd);
	return host;
}

/* The value of " KEY=" in a record, as a number in BASE; -1 if absent. */
static long long field(const char *rec, const char *key, int base)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof pat, " %s=", key);
	p = strstr(rec, pat);
	return p ? strtoll(p + strlen(pat), NULL, base) : -1;
}

/* SERIAL of "audit(TIME:SERIAL)", 0 if absent (the kernel starts at 1). */
static unsigned long long serial(const char *rec)
{
	const char *p = strstr(rec, " audit(");

	p = p ? strchr(p, ':') : NULL;
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

#define X32_SYSCALL_BIT 0x40000000LL

/* The arches an audit record may name (a 64-bit kernel runs its 32-bit
 * ABIs too). The audit arch is libseccomp's token, but for x32: x86_64's
 * with X32_SYSCALL_BIT set in the syscall number. */
static const struct {
	uint32_t token;
	const char *name;
} arches[] = {
	{ SCMP_ARCH_X86_64, "x86_64" }, { SCMP_ARCH_X86, "i386" }, { SCMP_ARCH_X32, "x32" },
	{ SCMP_ARCH_AARCH64, "aarch64" }, { SCMP_ARCH_ARM, "arm" },
};

/* "getcpu" for a native syscall; "syscall 37 (i386: kill)" for another
 * arch's, named from that arch's table: a number means a different
 * syscall in each. */
static const char *syscall_name(uint32_t arch, long long nr, char *buf, size_t len)
{
	uint32_t token = arch;
	const char *arch_name = NULL;
	char *name = NULL;

	if (arch == SCMP_ARCH_X86_64 && nr >= 0 && (nr & X32_SYSCALL_BIT))
		token = SCMP_ARCH_X32;
	for (size_t i = 0; i < sizeof arches / sizeof *arches; i++)
		if (arches[i].token == token)
			arch_name = arches[i].name;
	if (arch_name && nr >= 0 && nr <= INT_MAX)
		name = seccomp_syscall_resolve_num_arch(token, (int)nr);
	if (token == seccomp_arch_native() && name)
		snprintf(buf, len, "%s", name);
	else if (token == seccomp_arch_native())
		snprintf(buf, len, "syscall %lld", nr);
	else if (!arch_name)
		snprintf(buf, len, "syscall %lld (arch 0x%08x)", nr, arch);
	else
		snprintf(buf, len, "syscall %lld (%s%s%s)",
			 token == SCMP_ARCH_X32 ? nr & ~X32_SYSCALL_BIT : nr, arch_name,
			 name ? ": " : "", name ? name : "");
	free(name);
	return buf;
}

static const struct service *by_host_pid(struct service *const *svcs, size_t n, long long pid)
{
	for (size_t i = 0; i < n; i++)
		if (svcs[i]->host_pid > 0 && svcs[i]->host_pid == pid)
			return svcs[i];
	return NULL;
}

/* Kept until its service's death claims it; with the table full, the
 * oldest gives way (a death that came and went unclaimed, or never will). */
static void keep_kill(struct violations *v, const struct kill_record *k)
{
	if (v->nkills == VIOLATIONS_MAX_KILLS)
		memmove(v->kills, v->kills + 1, --v->nkills * sizeof *v->kills);
	v->kills[v->nkills++] = *k;
}

/* Names DEAD's kill and returns true if a kill record of its pid was read.
 * Threads that hit the filter at once leave one record each, all of the
 * one death: the first audited (lowest serial) is the syscall that killed,
 * and every record of the pid is then gone, so none matches twice. */
static bool claim_kill(struct violations *v, const struct service *dead)
{
	struct kill_record first = { .pid = 0 };
	size_t kept = 0;
	char name[96];

	for (size_t i = 0; i < v->nkills; i++) {
		const struct kill_record *k = &v->kills[i];
		if (k->pid != dead->host_pid)
			v->kills[kept++] = *k;
		else if (!first.pid || k->serial < first.serial)
			first = *k;
	}
	v->nkills = kept;
	if (!first.pid)
		return false;
	log_warn(dead->name, "seccomp: %s is not in the profile: killed",
		 syscall_name(first.arch, first.nr, name, sizeof name));
	return true;
}

void violations_report(struct violations *v, struct service *const *svcs, size_t n)
{
	char rec[2048], name[96];
	const struct service *svc;
	ssize_t len;

	if (v->kmsg < 0)
		return;
	for (;;) {
		len = read(v->kmsg, rec, sizeof rec - 1);
		if (len < 0 && errno == EPIPE)	/* records overwritten: go on */
			continue;
		if (len <= 0)
			return;
		rec[len] = '\0';
		if (!strstr(rec, AUDIT_SECCOMP_TYPE) ||
		    !(svc = by_host_pid(svcs, n, field(rec, "pid", 10))))
			continue;
		const struct kill_record k = {
			.pid = svc->host_pid,
			.serial = serial(rec),
			.arch = (uint32_t)field(rec, "arch", 16),
			.nr = field(rec, "syscall", 10),
		};
		if (strstr(rec, SECCOMP_RET_KILL_PROCESS_CODE))
			keep_kill(v, &k);
		else
			log_warn(svc->name, "seccomp: %s is not in the profile (allowed by --seccomp-log)",
				 syscall_name(k.arch, k.nr, name, sizeof name));
	}
}

void violations_explain_sigsys(struct violations *v, struct service *const *svcs, size_t n,
			       const struct service *dead, int timeout_ms)
{
	long long start_ms;

	if (v->kmsg < 0 || dead->host_pid <= 0) {
		log_warn(dead->name, "seccomp: killed by SIGSYS; the syscall cannot be named here");
		return;
	}
	start_ms = monotonic_ms();
	for (;;) {
		/* The poll loop may have read the record already. */
		violations_report(v, svcs, n);
		if (claim_kill(v, dead))
			return;
		long long waited = monotonic_ms() - start_ms;
		struct pollfd p = { .fd = v->kmsg, .events = POLLIN };
		if (waited >= timeout_ms || poll(&p, 1, (int)(timeout_ms - waited)) <= 0)
			break;
	}
	log_warn(dead->name, "seccomp: killed by SIGSYS; no audit record named the syscall");
}
