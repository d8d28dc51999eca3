/* seccomp-dump TID [PROBE]...: read the seccomp filter chain of thread TID
 * and say what it does with each PROBE, a syscall made up for the purpose.
 *
 * The chain is read with PTRACE_SECCOMP_GET_FILTER (needs CAP_SYS_ADMIN,
 * and a ptrace-stop: PTRACE_SEIZE + PTRACE_INTERRUPT stop that one thread,
 * PTRACE_DETACH lets it go on). Each classic-BPF program is then run by the
 * interpreter below on a synthetic struct seccomp_data, and the results are
 * combined as the kernel does: the action with the lowest signed value
 * wins (kill_process < kill_thread < trap < errno < user_notif < trace <
 * log < allow). An instruction the interpreter does not know is an error,
 * never a guess.
 *
 * Output: "filters N: LEN..." (the oldest filter first), then one line
 * per PROBE: "PROBE ACTION" (ACTION errno(N) for SECCOMP_RET_ERRNO).
 *
 * PROBE: NAME or NUMBER, then optionally @x32 (number | 0x40000000) or
 * @i386 (AUDIT_ARCH_I386, NUMBER as i386 numbers it), then ,argN=VALUE
 * for each argument that is not 0. VALUE: a number or a name below, or
 * several joined by | (PROT_READ|PROT_EXEC).
 * Exit: 0, 1 on any error (message on stderr). */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define MAX_FILTERS 16
#define MAX_INSNS 4096	/* BPF_MAXINSNS */

struct filter {
	struct sock_filter insn[MAX_INSNS];
	long len;
};

/* [0] is the oldest: the kernel's get_nth_filter() counts from the first
 * filter installed (checked with two filters of known lengths), although
 * ptrace(2) calls index 0 the most recent. */
static struct filter chain[MAX_FILTERS];
static int nchain;

static const struct { const char *name; long value; } names[] = {
	{ "read", SYS_read }, { "write", SYS_write }, { "open", SYS_open },
	{ "openat", SYS_openat }, { "close", SYS_close }, { "poll", SYS_poll },
	{ "ioctl", SYS_ioctl }, { "mmap", SYS_mmap }, { "mprotect", SYS_mprotect },
	{ "madvise", SYS_madvise }, { "preadv", SYS_preadv }, { "pwritev", SYS_pwritev },
	{ "pread64", SYS_pread64 },
	{ "fdatasync", SYS_fdatasync }, { "futex", SYS_futex },
	{ "rt_sigprocmask", SYS_rt_sigprocmask }, { "restart_syscall", SYS_restart_syscall },
	{ "exit", SYS_exit }, { "exit_group", SYS_exit_group }, { "execve", SYS_execve },
	{ "execveat", SYS_execveat }, { "fork", SYS_fork }, { "vfork", SYS_vfork },
	{ "clone", SYS_clone }, { "clone3", SYS_clone3 }, { "kill", SYS_kill },
	{ "tgkill", SYS_tgkill }, { "ptrace", SYS_ptrace }, { "socket", SYS_socket },
	{ "connect", SYS_connect }, { "memfd_create", SYS_memfd_create },
	{ "setxattr", SYS_setxattr }, { "lsetxattr", SYS_lsetxattr },
	{ "fsetxattr", SYS_fsetxattr }, { "getxattr", SYS_getxattr },
	{ "lgetxattr", SYS_lgetxattr }, { "fgetxattr", SYS_fgetxattr },
	{ "listxattr", SYS_listxattr }, { "llistxattr", SYS_llistxattr },
	{ "flistxattr", SYS_flistxattr }, { "removexattr", SYS_removexattr },
	{ "lremovexattr", SYS_lremovexattr }, { "fremovexattr", SYS_fremovexattr },
	{ "seccomp", SYS_seccomp }, { "prctl", SYS_prctl },
	{ "io_uring_setup", SYS_io_uring_setup }, { "wait4", SYS_wait4 },
	{ "recvfrom", SYS_recvfrom }, { "sendto", SYS_sendto },
	{ "timerfd_settime", SYS_timerfd_settime }, { "clock_gettime", SYS_clock_gettime },
	{ "brk", SYS_brk }, { "munmap", SYS_munmap }, { "unlinkat", SYS_unlinkat },
	{ "rmdir", SYS_rmdir }, { "mount", SYS_mount }, { "setuid", SYS_setuid },
	{ "setresuid", SYS_setresuid }, { "bind", SYS_bind }, { "unshare", SYS_unshare },
	{ "setns", SYS_setns }, { "pidfd_open", SYS_pidfd_open },
	{ "process_vm_writev", SYS_process_vm_writev }, { "init_module", SYS_init_module },
	{ "sigaltstack", SYS_sigaltstack }, { "getpid", SYS_getpid },
	{ "pkey_mprotect", SYS_pkey_mprotect }, { "mremap", SYS_mremap },
	{ "remap_file_pages", SYS_remap_file_pages }, { "personality", SYS_personality },
	{ "sendmsg", SYS_sendmsg }, { "recvmsg", SYS_recvmsg }, { "sendmmsg", SYS_sendmmsg },
	{ "recvmmsg", SYS_recvmmsg }, { "socketpair", SYS_socketpair }, { "listen", SYS_listen },
	{ "accept", SYS_accept }, { "accept4", SYS_accept4 }, { "ppoll", SYS_ppoll },
	{ "eventfd2", SYS_eventfd2 },
	/* argument values */
	{ "KVM_RUN", KVM_RUN }, { "KVM_IRQ_LINE", KVM_IRQ_LINE },
	{ "KVM_GET_REGS", KVM_GET_REGS }, { "KVM_GET_SREGS", KVM_GET_SREGS },
	{ "KVM_IOEVENTFD", KVM_IOEVENTFD }, { "KVM_IRQFD", KVM_IRQFD },
	{ "KVM_SET_REGS", KVM_SET_REGS }, { "KVM_CREATE_VM", KVM_CREATE_VM },
	{ "KVM_CREATE_VCPU", KVM_CREATE_VCPU },
	{ "KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION },
	{ "TCGETS", TCGETS }, { "FUTEX_WAIT_PRIVATE", FUTEX_WAIT_PRIVATE },
	{ "FUTEX_WAKE_PRIVATE", FUTEX_WAKE_PRIVATE }, { "SIG_BLOCK", SIG_BLOCK },
	{ "SIG_SETMASK", SIG_SETMASK }, { "SIGTERM", SIGTERM }, { "SIGKILL", SIGKILL },
	{ "SIGINT", SIGINT }, { "SIGHUP", SIGHUP }, { "SIGSTOP", SIGSTOP }, { "SIGUSR1", SIGUSR1 },
	{ "AT_REMOVEDIR", AT_REMOVEDIR }, { "AT_FDCWD", AT_FDCWD }, { "PROT_READ", PROT_READ },
	{ "PROT_EXEC", PROT_EXEC }, { "PROT_WRITE", PROT_WRITE }, { "MAP_SHARED", MAP_SHARED },
	{ "MAP_PRIVATE", MAP_PRIVATE }, { "MAP_ANONYMOUS", MAP_ANONYMOUS },
};

static void die(const char *what)
{
	fprintf(stderr, "seccomp-dump: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void diex(const char *what, const char *arg)
{
	fprintf(stderr, "seccomp-dump: %s%s\n", what, arg);
	exit(1);
}

/* The Seccomp: line of /proc/TID/status: 0 none, 1 strict, 2 filter. */
static int seccomp_mode(pid_t tid)
{
	char path[64], line[256];
	int mode = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (!(f = fopen(path, "r")))
		die(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

static void read_chain(pid_t tid)
{
	int st;

	if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0)
		die("PTRACE_SEIZE");
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		die("PTRACE_INTERRUPT");
	if (waitpid(tid, &st, __WALL) < 0)
		die("waitpid");
	for (nchain = 0; nchain < MAX_FILTERS; nchain++) {
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)nchain, NULL);

		if (n < 0 && errno == ENOENT)
			break;
		/* EINVAL for a thread not in filter mode: fine if it has none */
		if (n < 0 && errno == EINVAL && nchain == 0 && seccomp_mode(tid) == 0)
			break;
		if (n < 0 || n > MAX_INSNS)
			die("PTRACE_SECCOMP_GET_FILTER");
		chain[nchain].len = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)nchain,
					   chain[nchain].insn);
		if (chain[nchain].len != n)
			die("PTRACE_SECCOMP_GET_FILTER");
	}
	if (ptrace(PTRACE_DETACH, tid, 0, 0) < 0)
		die("PTRACE_DETACH");
}

/* Classic BPF as seccomp accepts it (the kernel's seccomp_check_filter):
 * 32-bit loads from seccomp_data, the scratch memory, ALU, jumps, returns. */
static uint32_t run(const struct filter *f, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	long pc;

	for (pc = 0; pc < f->len; pc++) {
		const struct sock_filter *i = &f->insn[pc];
		uint32_t k = i->k, src = BPF_SRC(i->code) == BPF_X ? x : k;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k % 4 || k + 4 > sizeof(*d))
				diex("filter loads outside seccomp_data", "");
			memcpy(&a, (const char *)d + k, 4);
			continue;
		case BPF_LD | BPF_W | BPF_LEN: a = sizeof(*d); continue;
		case BPF_LDX | BPF_W | BPF_LEN: x = sizeof(*d); continue;
		case BPF_LD | BPF_IMM: a = k; continue;
		case BPF_LDX | BPF_IMM: x = k; continue;
		case BPF_LD | BPF_MEM: a = mem[k % BPF_MEMWORDS]; continue;
		case BPF_LDX | BPF_MEM: x = mem[k % BPF_MEMWORDS]; continue;
		case BPF_ST: mem[k % BPF_MEMWORDS] = a; continue;
		case BPF_STX: mem[k % BPF_MEMWORDS] = x; continue;
		case BPF_MISC | BPF_TAX: x = a; continue;
		case BPF_MISC | BPF_TXA: a = x; continue;
		case BPF_ALU | BPF_NEG: a = -a; continue;
		case BPF_RET | BPF_K: return k;
		case BPF_RET | BPF_A: return a;
		case BPF_JMP | BPF_JA: pc += k; continue;
		}
		switch (i->code & ~BPF_X) {
		case BPF_ALU | BPF_ADD: a += src; continue;
		case BPF_ALU | BPF_SUB: a -= src; continue;
		case BPF_ALU | BPF_MUL: a *= src; continue;
		case BPF_ALU | BPF_DIV: if (!src) return 0; a /= src; continue;
		case BPF_ALU | BPF_MOD: if (!src) return 0; a %= src; continue;
		case BPF_ALU | BPF_AND: a &= src; continue;
		case BPF_ALU | BPF_OR: a |= src; continue;
		case BPF_ALU | BPF_XOR: a ^= src; continue;
		case BPF_ALU | BPF_LSH: a = src < 32 ? a << src : 0; continue;
		case BPF_ALU | BPF_RSH: a = src < 32 ? a >> src : 0; continue;
		case BPF_JMP | BPF_JEQ: pc += a == src ? i->jt : i->jf; continue;
		case BPF_JMP | BPF_JGT: pc += a > src ? i->jt : i->jf; continue;
		case BPF_JMP | BPF_JGE: pc += a >= src ? i->jt : i->jf; continue;
		case BPF_JMP | BPF_JSET: pc += a & src ? i->jt : i->jf; continue;
		}
		fprintf(stderr, "seccomp-dump: unknown BPF instruction 0x%04x at %ld\n", i->code, pc);
		exit(1);
	}
	diex("filter runs off its end", "");
	return 0;
}

static long value_of(const char *s)
{
	const char *bar = strchr(s, '|');
	char *end;
	long v;

	if (bar) {
		char first[64];

		if ((size_t)(bar - s) >= sizeof(first))
			diex("value too long: ", s);
		memcpy(first, s, (size_t)(bar - s));
		first[bar - s] = '\0';
		return value_of(first) | value_of(bar + 1);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, s))
			return names[i].value;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end)
		diex("unknown name or number: ", s);
	return v;
}

/* PROBE -> seccomp_data. */
static void parse_probe(const char *probe, struct seccomp_data *d)
{
	char buf[256], *p, *comma, *at;

	if (strlen(probe) >= sizeof(buf))
		diex("probe too long: ", probe);
	strcpy(buf, probe);
	memset(d, 0, sizeof(*d));
	d->arch = AUDIT_ARCH_X86_64;
	comma = strchr(buf, ',');
	if (comma)
		*comma++ = '\0';
	at = strchr(buf, '@');
	if (at)
		*at++ = '\0';
	d->nr = (int)value_of(buf);
	if (at && !strcmp(at, "x32"))
		d->nr |= 0x40000000;
	else if (at && !strcmp(at, "i386"))
		d->arch = AUDIT_ARCH_I386;
	else if (at)
		diex("unknown arch: ", at);
	for (p = comma; p; p = comma) {
		comma = strchr(p, ',');
		if (comma)
			*comma++ = '\0';
		if (strncmp(p, "arg", 3) || p[3] < '0' || p[3] > '5' || p[4] != '=')
			diex("expected argN=VALUE: ", p);
		d->args[p[3] - '0'] = (uint64_t)value_of(p + 5);
	}
}

static void print_action(const char *probe, uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: printf("%s kill_process\n", probe); return;
	case SECCOMP_RET_KILL_THREAD: printf("%s kill_thread\n", probe); return;
	case SECCOMP_RET_TRAP: printf("%s trap\n", probe); return;
	case SECCOMP_RET_ERRNO: printf("%s errno(%u)\n", probe, ret & SECCOMP_RET_DATA); return;
	case SECCOMP_RET_USER_NOTIF: printf("%s user_notif\n", probe); return;
	case SECCOMP_RET_TRACE: printf("%s trace\n", probe); return;
	case SECCOMP_RET_LOG: printf("%s log\n", probe); return;
	case SECCOMP_RET_ALLOW: printf("%s allow\n", probe); return;
	}
	printf("%s unknown(0x%08x)\n", probe, ret);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2)
		diex("usage: seccomp-dump TID [PROBE]...", "");
	read_chain((pid_t)value_of(argv[1]));
	printf("filters %d:", nchain);
	for (i = 0; i < nchain; i++)
		printf(" %ld", chain[i].len);
	printf("\n");
	for (i = 2; i < argc; i++) {
		struct seccomp_data d;
		uint32_t ret = SECCOMP_RET_ALLOW;	/* no filter: allowed */

		parse_probe(argv[i], &d);
		for (int f = 0; f < nchain; f++) {
			uint32_t r = run(&chain[f], &d);

			if ((int32_t)(r & SECCOMP_RET_ACTION_FULL) <
			    (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
				ret = r;
		}
		print_action(argv[i], ret);
	}
	return 0;
}
