/* sandboxd confines itself once it only supervises: PID 1 once the guest
 * runs (every service started; the guest's READY=1 may come later), the
 * outer process once PID 1 is cloned: no_new_privs, Landlock
 * (landlock_confine_self), then the compiled-in seccomp tables below, each
 * syscall with what it is for.
 * How they were measured and which tests hold them to it: "sandboxd
 * itself" in docs/confinement.md. */
#include "self_confine.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cgroup.h"
#include "confine.h"
#include "landlock.h"
#include "log.h"
#include "seccomp_build.h"

/* Values only known at run time, filled into a condition's datum. */
enum slot { CONST, PID1, SIGFD, DIRFD, LIFELINE, NOTIFY, CG0, CG1, CG2, CG3, OUT0, OUT1, OUT2, OUT3,
	    NSLOTS };
_Static_assert(CG3 - CG0 + 1 == CGROUP_MAX_HIER && OUT3 - OUT0 + 1 == CGROUP_MAX_HIER,
	       "a slot per cgroup hierarchy");

struct cond {
	unsigned arg;
	enum scmp_compare op;
	scmp_datum_t mask;	/* SCMP_CMP_MASKED_EQ: the bits compared */
	scmp_datum_t value;
	enum slot slot;		/* CONST: VALUE; else the slot's value */
};

struct rule {
	int nr;
	unsigned ncond;
	struct cond cond[2];
};

#define ALLOW(name) { SCMP_SYS(name), 0, { { 0 } } }
#define ALLOW_IF(name, ...) { SCMP_SYS(name), sizeof((struct cond[]){ __VA_ARGS__ }) / \
				  sizeof(struct cond), { __VA_ARGS__ } }
/* argument N's low 32 bits are V, or the run-time value of SLOT: the
 * kernel truncates int arguments, and glibc sign-extends a negative pid
 * into the register */
#define EQ32(n, v) { (n), SCMP_CMP_MASKED_EQ, 0xffffffff, (uint32_t)(v), CONST }
#define IS32(n, slot) { (n), SCMP_CMP_MASKED_EQ, 0xffffffff, 0, (slot) }
/* argument N has none of BITS */
#define NONE_OF(n, bits) { (n), SCMP_CMP_MASKED_EQ, (bits), 0, CONST }
/* pointer argument N is NULL */
#define NULL_PTR(n) { (n), SCMP_CMP_EQ, 0, 0, CONST }

/* rmdir of the VM's cgroups through the fd of vm-NAME's parent in each
 * hierarchy (cgroup_make.c cgroup_remove); an unused slot is -1 */
#define REMOVE_VM_CGROUPS \
	ALLOW_IF(unlinkat, IS32(0, CG0), EQ32(2, AT_REMOVEDIR)), \
	ALLOW_IF(unlinkat, IS32(0, CG1), EQ32(2, AT_REMOVEDIR)), \
	ALLOW_IF(unlinkat, IS32(0, CG2), EQ32(2, AT_REMOVEDIR)), \
	ALLOW_IF(unlinkat, IS32(0, CG3), EQ32(2, AT_REMOVEDIR))

/* PID 1 after readiness: the poll loop of pid1.c supervise() and what its
 * handlers do. */
static const struct rule pid1_rules[] = {
	/* the loop itself; QMP replies and the SIGSYS audit record are
	 * awaited with a deadline */
	ALLOW(poll),
	/* signalfd, timerfd, /dev/kmsg (the audit record of a SIGSYS), the
	 * guest's readiness port, the relayed console and daemons' stderr */
	ALLOW(read),
	/* the cgroups' figures (SIGUSR1, the end, an OOM kill explained):
	 * files opened before confinement, read at offset 0 (cgroup_run.c);
	 * no open, so no other file */
	ALLOW(pread64),
	/* QMP: events and replies on the connected socket */
	ALLOW(recvfrom),
	/* QMP: system_powerdown on the connected socket, to no new address */
	ALLOW_IF(sendto, NULL_PTR(4)),
	/* the log, stderr; the relayed console (--log-console), stdout;
	 * s6's notification fd, when the guest's READY=1 is still to come
	 * (else -1, no fd) */
	ALLOW_IF(write, EQ32(0, STDERR_FILENO)),
	ALLOW_IF(write, EQ32(0, STDOUT_FILENO)),
	ALLOW_IF(write, IS32(0, NOTIFY)),
	/* reaping the services */
	ALLOW(wait4),
	/* SIGTERM: the bundled VMM's and the exec driver's graceful stop;
	 * SIGKILL: kill(-1), everything in the namespace. PID 1 of the VM's
	 * PID namespace can name no process outside it. */
	ALLOW_IF(kill, EQ32(1, SIGTERM)),
	ALLOW_IF(kill, EQ32(1, SIGKILL)),
	/* the shutdown timeout */
	ALLOW(timerfd_settime),
	/* the driver's release: the QMP socket, the ready pipe; the
	 * notification fd once written */
	ALLOW(close),
	/* _exit with the VM's status */
	ALLOW(exit_group),
	/* The outer gone (pid1.c outer_gone): PID 1 leaves the VM's cgroups
	 * for the outer's own, writing "0" to their cgroup.procs
	 * (opened before confinement: no open here), and removes them through
	 * the parents' fds (cgroup_remove; Landlock grants REMOVE_DIR there,
	 * nothing else). An unused slot is -1. */
	ALLOW_IF(write, IS32(0, OUT0)),
	ALLOW_IF(write, IS32(0, OUT1)),
	ALLOW_IF(write, IS32(0, OUT2)),
	ALLOW_IF(write, IS32(0, OUT3)),
	REMOVE_VM_CGROUPS,
	/* Not seen in the measured runs, allowed because they can come at
	 * any time, and a PID 1 killed for them would kill the VM:
	 * - malloc growing the heap (json-c parsing a QMP message, libseccomp
	 *   naming a syscall), never executable memory; */
	ALLOW(brk),
	ALLOW_IF(mmap, NONE_OF(2, PROT_EXEC)),
	ALLOW(munmap),
	/* - the QMP deadline's clock where the clock source has no vDSO; */
	ALLOW(clock_gettime),
	/* - a poll with a deadline resumed after a stop (SIGSTOP/SIGCONT, a
	 *   ptrace stop): the kernel keeps its arguments. */
	ALLOW(restart_syscall),
};

/* The outer process once PID 1 is cloned: main.c relay_until_exit, then
 * the runtime dir's removal and _exit. Nothing allocates. */
static const struct rule outer_rules[] = {
	/* SIGTERM, SIGINT, SIGHUP, SIGCHLD from its signalfd */
	ALLOW_IF(read, IS32(0, SIGFD)),
	/* relayed to PID 1 only: in the host's PID namespace, kill is the
	 * one thing here that could reach another process */
	ALLOW_IF(kill, IS32(0, PID1), EQ32(1, SIGTERM)),
	ALLOW_IF(kill, IS32(0, PID1), EQ32(1, SIGINT)),
	ALLOW_IF(kill, IS32(0, PID1), EQ32(1, SIGHUP)),
	ALLOW_IF(kill, IS32(0, PID1), EQ32(1, SIGUSR1)),
	/* PID 1's status, which becomes ours */
	ALLOW_IF(wait4, IS32(0, PID1)),
	/* the log, stderr */
	ALLOW_IF(write, EQ32(0, STDERR_FILENO)),
	/* one byte on the lifeline, PID 1's go once the outer is confined */
	ALLOW_IF(write, IS32(0, LIFELINE)),
	/* the runtime dir, left empty by PID 1's namespace going away: rmdir
	 * through the fd of its parent (Landlock grants REMOVE_DIR there) */
	ALLOW_IF(unlinkat, IS32(0, DIRFD), EQ32(2, AT_REMOVEDIR)),
	/* the VM's cgroups, empty once PID 1 is gone: rmdir through the fd of
	 * vm-NAME's parent in each hierarchy (cgroup_make.c cgroup_remove;
	 * Landlock grants REMOVE_DIR there); an unused slot is -1 */
	REMOVE_VM_CGROUPS,
	ALLOW(exit_group),
};

#ifdef __SANITIZE_ADDRESS__
/* The ASan + UBSan build (tests only): what the sanitizer runtime does
 * once confined, its allocator and a report's symbolizing (docs/
 * confinement.md, "The ASan build"). */
#include <sanitizer/lsan_interface.h>
#include <sys/ioctl.h>
static const struct rule sanitizer_rules[] = {
	ALLOW(sigaltstack), ALLOW(mmap), ALLOW(munmap), ALLOW(madvise), ALLOW(sched_yield),
	ALLOW(futex),
	ALLOW(open), ALLOW(openat), ALLOW(read), ALLOW(fcntl), ALLOW(newfstatat),
	ALLOW(readlink), ALLOW(close), ALLOW_IF(ioctl, EQ32(1, TCGETS)), ALLOW(pipe2),
	ALLOW(write), ALLOW(getpid), ALLOW(exit_group),
};
#define NSANITIZER (sizeof sanitizer_rules / sizeof *sanitizer_rules)
#else
static const struct rule *const sanitizer_rules = NULL;
#define NSANITIZER 0
#endif

static void add_rules(scmp_filter_ctx ctx, const struct rule *rules, size_t n,
		      const scmp_datum_t slots[], const char *who)
{
	for (size_t i = 0; i < n; i++) {
		struct scmp_arg_cmp cmp[2];
		const struct rule *r = &rules[i];
		int e;

		for (unsigned c = 0; c < r->ncond; c++) {
			const struct cond *k = &r->cond[c];
			const scmp_datum_t v = k->slot == CONST ? k->value : slots[k->slot];

			cmp[c] = (struct scmp_arg_cmp){
				.arg = k->arg, .op = k->op,
				.datum_a = k->op == SCMP_CMP_MASKED_EQ ? k->mask : v,
				.datum_b = k->op == SCMP_CMP_MASKED_EQ ? v : 0,
			};
		}
		e = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r->nr, r->ncond, cmp);
		if (e < 0) {
			errno = -e;
			die_errno(EXIT_TEMPORARY, NULL, "confine %s: seccomp rule %zu", who, i);
		}
	}
}

/* How many syscalls the rules of A and B name together (a syscall may
 * have several rules, in both). */
static size_t count_syscalls(const struct rule *a, size_t na, const struct rule *b, size_t nb)
{
	size_t count = 0;

	for (size_t i = 0; i < na + nb; i++) {
		const int nr = i < na ? a[i].nr : b[i - na].nr;
		size_t j = 0;
		while (j < i && (j < na ? a[j].nr : b[j - na].nr) != nr)
			j++;
		count += j == i;
	}
	return count;
}

/* no_new_privs, Landlock, seccomp; then the one line saying so. */
static void confine(const struct rule *rules, size_t n, const scmp_datum_t slots[],
		    int landlock_abi, const int *dirs, size_t ndirs, const char *removes,
		    const char *who)
{
	scmp_filter_ctx ctx = seccomp_new(SCMP_ACT_KILL_PROCESS, who);
	struct sock_fprog bpf;
	char landlock[160];

	if (!ctx)
		die(EXIT_TEMPORARY, NULL, "confine %s: seccomp filter", who);
	add_rules(ctx, rules, n, slots, who);
	add_rules(ctx, sanitizer_rules, NSANITIZER, slots, who);
	if (seccomp_bpf(ctx, &bpf) < 0)
		die(EXIT_TEMPORARY, NULL, "confine %s: seccomp filter", who);
	seccomp_release(ctx);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "confine %s: set no_new_privs", who);
	landlock_confine_self(landlock_abi, dirs, ndirs, removes, landlock, sizeof landlock);
	confine_install_seccomp(&bpf, who);
	log_info(NULL, "confined: %s: no_new_privs, %s, seccomp %zu syscalls (%zu rules, "
		 "%u BPF instructions), anything else kills", who, landlock,
		 count_syscalls(rules, n, sanitizer_rules, NSANITIZER),
		 n + NSANITIZER, bpf.len);
	free(bpf.filter);
}

/* The cgroup slots: each hierarchy's vm-NAME parent (the dir fds of D),
 * and in DIRS from index FIRST on; -1 for a hierarchy the host lacks. */
static void cgroup_slots(scmp_datum_t slots[], const struct cgroup_dirs *d, int *dirs, size_t first)
{
	for (size_t i = 0; i < CGROUP_MAX_HIER; i++) {
		slots[CG0 + i] = i < d->n ? (uint32_t)d->fd[i] : UINT32_MAX;
		if (i < d->n)
			dirs[first + i] = d->fd[i];
	}
}

void self_confine_pid1(int landlock_abi, int notify_fd, const struct cgroup_dirs *cgroups,
		       const int leave[CGROUP_MAX_HIER])
{
	scmp_datum_t slots[NSLOTS] = { [NOTIFY] = (uint32_t)notify_fd };
	int dirs[CGROUP_MAX_HIER];

	cgroup_slots(slots, cgroups, dirs, 0);
	for (size_t i = 0; i < CGROUP_MAX_HIER; i++)
		slots[OUT0 + i] = leave[i] >= 0 ? (uint32_t)leave[i] : UINT32_MAX;
	confine(pid1_rules, sizeof pid1_rules / sizeof *pid1_rules, slots, landlock_abi, dirs,
		cgroups->n, "the VM's cgroups", "PID 1");
}

void self_confine_outer(int landlock_abi, pid_t pid1, int sigfd, int runtime_parent_fd,
			int lifeline, const struct cgroup_dirs *cgroups)
{
	scmp_datum_t slots[NSLOTS] = {
		[PID1] = (uint32_t)pid1, [SIGFD] = (uint32_t)sigfd,
		[DIRFD] = (uint32_t)runtime_parent_fd, [LIFELINE] = (uint32_t)lifeline,
	};
	int dirs[1 + CGROUP_MAX_HIER] = { runtime_parent_fd };

	cgroup_slots(slots, cgroups, dirs, 1);
	for (size_t i = 0; i < CGROUP_MAX_HIER; i++)
		slots[OUT0 + i] = UINT32_MAX;

#ifdef __SANITIZE_ADDRESS__
	/* The outer's leak check, which exit() would run. PID 1 ends with
	 * _exit and never had one: a check there would also ptrace it while
	 * its services may try to (confine-landlock). */
	__lsan_do_leak_check();
#endif

	confine(outer_rules, sizeof outer_rules / sizeof *outer_rules, slots, landlock_abi,
		dirs, 1 + cgroups->n, cgroups->n ? "the runtime dir and the VM's cgroups"
						 : "the runtime dir", "outer");
}
