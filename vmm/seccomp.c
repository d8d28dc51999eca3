/* seccomp inside the VMM: once every file is open, guest RAM is mapped and
 * every vCPU fd and thread exists, nothing the VMM still does needs more
 * than a few syscalls. The main thread installs the union of the roles on
 * all threads at once (TSYNC), then every thread narrows it to its own
 * role, all before the first guest instruction (OpenBSD vmd's staged drop).
 *
 * The allowlists are tables, measured with strace -f over every test guest
 * (console in and out, virtio-blk, hostile rings, SMP, SIGTERM, crash) and
 * the BPF is generated from them by the short loop below: every jump is a
 * constant of at most 4, so the program can be read against the table.
 * Anything else, execve and execveat included, kills the process; so do
 * x32 syscall numbers and any other audit arch.
 *
 * Argument conditions compare the low 32 bits only. Every argument tested
 * for a value is a 32-bit int or unsigned int in the kernel's prototype
 * (ioctl's cmd, futex's op, madvise's behaviour, rt_sigprocmask's how,
 * seccomp's flags), which the kernel truncates, so the low word is what it
 * acts on; a bit tested clear (PROT_EXEC of mmap's prot) lies in it.
 *
 * W^X: once locked, no filter lets memory become executable.  The plain
 * build allows no mmap, mprotect, pkey_mprotect, mremap or
 * remap_file_pages at all, nor memfd_create or exec; the ASan build's
 * mmap only with PROT_EXEC clear.  personality() is not allowed either, so
 * READ_IMPLIES_EXEC cannot turn a PROT_READ mapping executable. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvm.h"
#include "seccomp.h"
#include "vmm.h"

#ifndef __x86_64__
#error "the VMM's seccomp tables are for x86-64"
#endif

#define ANY_ARGS (-1)

struct sc_rule {
	int nr;
	int arg;	/* ANY_ARGS, or the argument whose low word is tested */
	uint32_t val;
	bool clear;	/* VAL's bits must be clear in it; else it must equal VAL */
};

#define ALLOW(name) { __NR_##name, ANY_ARGS, 0, false }
#define ALLOW_IF(name, argn, v) { __NR_##name, (argn), (uint32_t)(v), false }
#define ALLOW_IF_CLEAR(name, argn, bits) { __NR_##name, (argn), (uint32_t)(bits), true }

/* vCPU threads: KVM_RUN and what the devices on its exits do. virtio-blk is
 * served synchronously on the notifying vCPU (no I/O thread), so disk I/O
 * is here. KVM_RUN first: it is the syscall this filter runs for most. */
static const struct sc_rule vcpu_rules[] = {
	ALLOW_IF(ioctl, 1, KVM_RUN),
	/* interrupt lines of the UART, the i8042 and virtio-mmio */
	ALLOW_IF(ioctl, 1, KVM_IRQ_LINE),
	/* a crashed vCPU's registers, to stderr */
	ALLOW_IF(ioctl, 1, KVM_GET_REGS),
	ALLOW_IF(ioctl, 1, KVM_GET_SREGS),
	/* console and COM2 output, the exit and console wake-up eventfds,
	 * stderr; virtio-net's transmitted frames and its wake-up eventfd */
	ALLOW(write),
	/* virtio-blk IN, OUT and FLUSH */
	ALLOW(preadv),
	ALLOW(pwritev),
	ALLOW(fdatasync),
	/* virtio-fs: DRIVER_OK and reset talk vhost-user to the backend on
	 * the inherited, connected socket (the guest RAM memfd and the
	 * eventfds go as SCM_RIGHTS), each reply waited for with a deadline */
	ALLOW(sendmsg),
	ALLOW(recvmsg),
	ALLOW(poll),
	/* the device lock and the start barrier, when contended */
	ALLOW_IF(futex, 1, FUTEX_WAIT_PRIVATE),
	ALLOW_IF(futex, 1, FUTEX_WAKE_PRIVATE),
	/* glibc's thread exit once the VM ends: block signals, hand the
	 * stack's pages back, exit the thread */
	ALLOW_IF(rt_sigprocmask, 0, SIG_BLOCK),
	ALLOW_IF(madvise, 2, MADV_DONTNEED),
	ALLOW(exit),
	/* _exit(111) when the exit eventfd cannot be written */
	ALLOW(exit_group),
};

/* The main thread: its poll loop over the exit eventfd, the SIGTERM
 * signalfd, the console wake-up eventfd, stdin, each virtio-fs backend's
 * socket and error eventfd, and the network backend (virtio-net receives
 * here: read, and write to finish a stream's frame), and exit(). */
static const struct sc_rule main_rules[] = {
	ALLOW(poll),
	ALLOW(read),
	/* poll resumes this way after a stop (SIGSTOP/SIGCONT, a ptrace
	 * stop): the kernel keeps its arguments in a restart block */
	ALLOW(restart_syscall),
	/* received console bytes raise the UART's IRQ; SIGTERM types
	 * Ctrl-Alt-Del on the i8042 */
	ALLOW_IF(ioctl, 1, KVM_IRQ_LINE),
	/* --ready-fd's newline (after this filter: the guest must not run
	 * before every thread is locked), then its close; stderr */
	ALLOW(write),
	ALLOW(close),
	/* the start barrier, the device lock */
	ALLOW_IF(futex, 1, FUTEX_WAIT_PRIVATE),
	ALLOW_IF(futex, 1, FUTEX_WAKE_PRIVATE),
	ALLOW(exit_group),
};

/* Only in the process filter: each thread adds its role filter under it
 * (flags 0: no TSYNC, no listener, no logging). No role allows it. */
static const struct sc_rule install_rules[] = {
	ALLOW_IF(seccomp, 1, 0),
};

#ifdef __SANITIZE_ADDRESS__
/* The ASan + UBSan build (build/vmm-asan, tests only) allows what the
 * sanitizer runtime does after lock-down, measured the same way:
 * None of it maps anything executable (W^X above).
 * - a thread's exit: unmap its fake stack and alternate signal stack
 *   (sigaltstack, munmap), poison its shadow (mmap MAP_FIXED, madvise
 *   MADV_DONTDUMP/MADV_NOHUGEPAGE);
 * - a report: its internal allocator (mmap, munmap), spin locks
 *   (sched_yield, futex), /proc/self/{maps,cmdline,environ,exe} and the
 *   binary and libraries for the libbacktrace symbolizer (open, openat,
 *   read, fcntl, newfstatat, readlink, mmap PROT_READ, close), isatty on
 *   stderr (TCGETS), UBSan's readable-memory probe (pipe2, write), the pid
 *   in the report, and exit_group(1).
 * Leak checking at exit would clone a tracer that ptraces every thread:
 * seccomp__lock_process runs LeakSanitizer once before lock-down instead,
 * which also turns off the check at exit. The VMM allocates nothing after
 * lock-down, so that check sees every allocation it would have seen. */
static const struct sc_rule sanitizer_rules[] = {
	ALLOW_IF_CLEAR(mmap, 2, PROT_EXEC), ALLOW(munmap), ALLOW(madvise), ALLOW(sigaltstack),
	ALLOW(sched_yield), ALLOW(futex),
	ALLOW(open), ALLOW(openat), ALLOW(read), ALLOW(fcntl), ALLOW(newfstatat),
	ALLOW(readlink), ALLOW(close), ALLOW_IF(ioctl, 1, TCGETS),
	ALLOW(pipe2), ALLOW(write), ALLOW(getpid), ALLOW(exit_group),
};
#include <sanitizer/lsan_interface.h>
#define SANITIZER_RULES sanitizer_rules, ARRAY_SIZE(sanitizer_rules)
#else
#define SANITIZER_RULES NULL, 0
#endif

/* Instructions: 6 ahead of the rules, at most 5 per rule, 1 after. */
#define BPF_MAX 256
_Static_assert(6 + 5 * (ARRAY_SIZE(vcpu_rules) + ARRAY_SIZE(main_rules) +
			ARRAY_SIZE(install_rules)
#ifdef __SANITIZE_ADDRESS__
			+ ARRAY_SIZE(sanitizer_rules)
#endif
			) + 1 <= BPF_MAX, "BPF_MAX too small for the rule tables");

struct bpf_prog {
	struct sock_filter insn[BPF_MAX];
	unsigned short n;
};

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(uint64_t))

static void seccomp__emit(struct bpf_prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	p->insn[p->n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

static bool seccomp__emitted(const struct sc_rule *seen, size_t nseen, const struct sc_rule *r)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].nr == r->nr && seen[i].arg == r->arg && seen[i].val == r->val &&
		    seen[i].clear == r->clear)
			return true;
	return false;
}

/* Append RULES, skipping any already in the program (the union of roles
 * repeats write, futex, ...). SEEN lists what was emitted, in *NSEEN. */
static void seccomp__emit_rules(struct bpf_prog *p, const struct sc_rule *rules, size_t n,
		       struct sc_rule *seen, size_t *nseen)
{
	for (size_t i = 0; i < n; i++) {
		const struct sc_rule *r = &rules[i];

		if (seccomp__emitted(seen, *nseen, r))
			continue;
		seen[(*nseen)++] = *r;
		if (r->arg == ANY_ARGS) {
			seccomp__emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, 1);
			seccomp__emit(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
			continue;
		}
		seccomp__emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, 4);	/* not it: next rule */
		seccomp__emit(p, BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(r->arg), 0, 0);
		if (r->clear)	/* a bit of VAL set: skip the allow */
			seccomp__emit(p, BPF_JMP | BPF_JSET | BPF_K, r->val, 1, 0);
		else
			seccomp__emit(p, BPF_JMP | BPF_JEQ | BPF_K, r->val, 0, 1);
		seccomp__emit(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
		seccomp__emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
	}
}

struct rule_set {
	const struct sc_rule *rules;
	size_t n;
};

/* Arch and x32 checks, then each set's rules, then kill. */
static void seccomp__build(struct bpf_prog *p, const struct rule_set *sets, size_t nsets)
{
	struct sc_rule seen[BPF_MAX];
	size_t nseen = 0;

	p->n = 0;
	seccomp__emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
	seccomp__emit(p, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	seccomp__emit(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	seccomp__emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
	seccomp__emit(p, BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1);
	seccomp__emit(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	for (size_t i = 0; i < nsets; i++)
		if (sets[i].rules)
			seccomp__emit_rules(p, sets[i].rules, sets[i].n, seen, &nseen);
	seccomp__emit(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
}

static long seccomp__install(struct bpf_prog *p, unsigned int flags)
{
	struct sock_fprog fprog = { .len = p->n, .filter = p->insn };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
}

int seccomp__lock_process(void)
{
	const struct rule_set sets[] = {
		{ vcpu_rules, ARRAY_SIZE(vcpu_rules) },
		{ main_rules, ARRAY_SIZE(main_rules) },
		{ install_rules, ARRAY_SIZE(install_rules) },
		{ SANITIZER_RULES },
	};
	struct bpf_prog p;
	long r;

#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
	/* Under sandboxd it is set already; run alone, without it only
	 * CAP_SYS_ADMIN could install a filter. TSYNC passes it on. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return error__syscall(errno, "seccomp: PR_SET_NO_NEW_PRIVS");
	seccomp__build(&p, sets, ARRAY_SIZE(sets));
	/* 0: every thread has it; < 0: errno; > 0: the id of a thread that
	 * could not take it (it has a filter of its own that diverged). */
	r = seccomp__install(&p, SECCOMP_FILTER_FLAG_TSYNC);
	if (r < 0)
		return error__syscall(errno, "seccomp: install the process filter (TSYNC)");
	if (r > 0)
		return error__record(VMM_EXIT_SYSCALL, ESRCH, false,
				     "seccomp: thread %ld could not take the process filter (TSYNC)", r);
	return 0;
}

int seccomp__lock_thread(enum seccomp_role role)
{
	const struct rule_set sets[] = {
		role == SECCOMP_ROLE_VCPU ? (struct rule_set){ vcpu_rules, ARRAY_SIZE(vcpu_rules) }
					  : (struct rule_set){ main_rules, ARRAY_SIZE(main_rules) },
		{ SANITIZER_RULES },
	};
	struct bpf_prog p;

	seccomp__build(&p, sets, ARRAY_SIZE(sets));
	return seccomp__install(&p, 0) != 0 ? -errno : 0;
}
