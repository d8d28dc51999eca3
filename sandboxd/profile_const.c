/* The constants a profile condition may name instead of a number. A table,
 * generous on purpose: the values come from the system headers, so a
 * profile says KVM_RUN and never a magic number. Architecture-specific
 * requests are guarded, so that the table builds on every arch. */
#include "profile_const.h"

#include "profile.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/securebits.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>


struct constant {
	const char *name;
	uint64_t value;
};

#define C(x) { #x, (uint64_t)(x) }

static const struct constant constants[] = {
	/* mmap, mprotect, madvise, mremap, msync, mlockall, memfd_create */
	C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC),
	C(PROT_GROWSDOWN), C(PROT_GROWSUP),
	C(MAP_SHARED), C(MAP_PRIVATE), C(MAP_SHARED_VALIDATE), C(MAP_FIXED),
	C(MAP_ANONYMOUS), C(MAP_NORESERVE), C(MAP_GROWSDOWN), C(MAP_LOCKED),
	C(MAP_POPULATE), C(MAP_NONBLOCK), C(MAP_STACK), C(MAP_HUGETLB),
	C(MAP_FIXED_NOREPLACE), C(MAP_SYNC), C(MAP_DENYWRITE), C(MAP_EXECUTABLE),
#ifdef MAP_32BIT
	C(MAP_32BIT),
#endif
	C(MADV_NORMAL), C(MADV_RANDOM), C(MADV_SEQUENTIAL), C(MADV_WILLNEED),
	C(MADV_DONTNEED), C(MADV_FREE), C(MADV_REMOVE), C(MADV_DONTFORK),
	C(MADV_DOFORK), C(MADV_MERGEABLE), C(MADV_UNMERGEABLE), C(MADV_HUGEPAGE),
	C(MADV_NOHUGEPAGE), C(MADV_DONTDUMP), C(MADV_DODUMP), C(MADV_WIPEONFORK),
	C(MADV_KEEPONFORK), C(MADV_COLD), C(MADV_PAGEOUT), C(MADV_HWPOISON),
	C(MREMAP_MAYMOVE), C(MREMAP_FIXED), C(MREMAP_DONTUNMAP),
	C(MS_ASYNC), C(MS_SYNC), C(MS_INVALIDATE),
	C(MCL_CURRENT), C(MCL_FUTURE), C(MCL_ONFAULT),
	C(MFD_CLOEXEC), C(MFD_ALLOW_SEALING), C(MFD_HUGETLB),
	/* sockets */
	C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_INET6),
	C(AF_NETLINK), C(AF_PACKET), C(AF_VSOCK), C(AF_ALG),
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET),
	C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	C(SOL_SOCKET), C(SO_REUSEADDR), C(SO_KEEPALIVE), C(SO_SNDBUF),
	C(SO_RCVBUF), C(SO_PASSCRED), C(SO_PEERCRED), C(SO_ERROR), C(SO_TYPE),
	C(SO_LINGER), C(SO_RCVTIMEO), C(SO_SNDTIMEO),
	C(IPPROTO_IP), C(IPPROTO_TCP), C(IPPROTO_UDP), C(IPPROTO_IPV6), C(TCP_NODELAY),
	C(MSG_PEEK), C(MSG_TRUNC), C(MSG_DONTWAIT), C(MSG_WAITALL),
	C(MSG_NOSIGNAL), C(MSG_CMSG_CLOEXEC),
	C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR),
	/* clone, unshare */
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_PIDFD),
	C(CLONE_PTRACE), C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_THREAD),
	C(CLONE_NEWNS), C(CLONE_SYSVSEM), C(CLONE_SETTLS), C(CLONE_PARENT_SETTID),
	C(CLONE_CHILD_CLEARTID), C(CLONE_DETACHED), C(CLONE_UNTRACED),
	C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP), C(CLONE_NEWUTS), C(CLONE_NEWIPC),
	C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET), C(CLONE_IO),
	C(CLONE_NEWTIME),
	/* open flags, *at flags, fcntl commands, seals */
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_EXCL),
	C(O_NOCTTY), C(O_TRUNC), C(O_APPEND), C(O_NONBLOCK), C(O_NDELAY),
	C(O_DSYNC), C(O_SYNC), C(O_RSYNC), C(O_ASYNC), C(O_DIRECTORY),
	C(O_NOFOLLOW), C(O_CLOEXEC), C(O_DIRECT), C(O_LARGEFILE), C(O_NOATIME),
	C(O_PATH), C(O_TMPFILE),
	C(AT_EMPTY_PATH), C(AT_SYMLINK_NOFOLLOW), C(AT_SYMLINK_FOLLOW),
	C(AT_REMOVEDIR), C(AT_NO_AUTOMOUNT), C(AT_EACCESS),
	C(F_DUPFD), C(F_DUPFD_CLOEXEC), C(F_GETFD), C(F_SETFD), C(F_GETFL),
	C(F_SETFL), C(F_GETLK), C(F_SETLK), C(F_SETLKW), C(F_OFD_GETLK),
	C(F_OFD_SETLK), C(F_OFD_SETLKW), C(F_GETOWN), C(F_SETOWN), C(F_GETOWN_EX),
	C(F_SETOWN_EX), C(F_GETSIG), C(F_SETSIG), C(F_GETLEASE), C(F_SETLEASE),
	C(F_NOTIFY), C(F_GETPIPE_SZ), C(F_SETPIPE_SZ), C(F_ADD_SEALS), C(F_GET_SEALS),
	C(FD_CLOEXEC),
	C(F_SEAL_SEAL), C(F_SEAL_SHRINK), C(F_SEAL_GROW), C(F_SEAL_WRITE),
	C(F_SEAL_FUTURE_WRITE),
	C(SEEK_SET), C(SEEK_CUR), C(SEEK_END), C(SEEK_DATA), C(SEEK_HOLE),
	C(FALLOC_FL_KEEP_SIZE), C(FALLOC_FL_PUNCH_HOLE), C(FALLOC_FL_ZERO_RANGE),
	C(FALLOC_FL_COLLAPSE_RANGE), C(FALLOC_FL_INSERT_RANGE),
	/* futex */
	C(FUTEX_WAIT), C(FUTEX_WAKE), C(FUTEX_FD), C(FUTEX_REQUEUE),
	C(FUTEX_CMP_REQUEUE), C(FUTEX_WAKE_OP), C(FUTEX_LOCK_PI), C(FUTEX_UNLOCK_PI),
	C(FUTEX_TRYLOCK_PI), C(FUTEX_WAIT_BITSET), C(FUTEX_WAKE_BITSET),
	C(FUTEX_WAIT_REQUEUE_PI), C(FUTEX_CMP_REQUEUE_PI), C(FUTEX_LOCK_PI2),
	/* The _PRIVATE forms before FUTEX_PRIVATE_FLAG (== FUTEX_WAIT_PRIVATE),
	 * so that check-profile names a futex op by its usual name. */
	C(FUTEX_WAIT_PRIVATE), C(FUTEX_WAKE_PRIVATE), C(FUTEX_REQUEUE_PRIVATE),
	C(FUTEX_CMP_REQUEUE_PRIVATE), C(FUTEX_WAKE_OP_PRIVATE),
	C(FUTEX_LOCK_PI_PRIVATE), C(FUTEX_UNLOCK_PI_PRIVATE),
	C(FUTEX_TRYLOCK_PI_PRIVATE), C(FUTEX_WAIT_BITSET_PRIVATE),
	C(FUTEX_WAKE_BITSET_PRIVATE),
	C(FUTEX_PRIVATE_FLAG), C(FUTEX_CLOCK_REALTIME), C(FUTEX_CMD_MASK),
	/* event, timer and epoll fds; getrandom */
	C(EFD_CLOEXEC), C(EFD_NONBLOCK), C(EFD_SEMAPHORE),
	C(TFD_CLOEXEC), C(TFD_NONBLOCK), C(TFD_TIMER_ABSTIME),
	C(EPOLL_CLOEXEC), C(EPOLL_CTL_ADD), C(EPOLL_CTL_DEL), C(EPOLL_CTL_MOD),
	C(GRND_NONBLOCK), C(GRND_RANDOM),
	/* clocks, signals */
	C(CLOCK_REALTIME), C(CLOCK_MONOTONIC), C(CLOCK_PROCESS_CPUTIME_ID),
	C(CLOCK_THREAD_CPUTIME_ID), C(CLOCK_MONOTONIC_RAW), C(CLOCK_REALTIME_COARSE),
	C(CLOCK_MONOTONIC_COARSE), C(CLOCK_BOOTTIME),
	C(SIG_BLOCK), C(SIG_UNBLOCK), C(SIG_SETMASK),
	C(SIGHUP), C(SIGINT), C(SIGQUIT), C(SIGILL), C(SIGTRAP), C(SIGABRT),
	C(SIGBUS), C(SIGFPE), C(SIGKILL), C(SIGUSR1), C(SIGSEGV), C(SIGUSR2),
	C(SIGPIPE), C(SIGALRM), C(SIGTERM), C(SIGCHLD), C(SIGCONT), C(SIGSTOP),
	C(SIGTSTP), C(SIGTTIN), C(SIGTTOU), C(SIGURG), C(SIGXCPU), C(SIGXFSZ),
	C(SIGVTALRM), C(SIGPROF), C(SIGWINCH), C(SIGIO), C(SIGSYS),
	/* prctl, prlimit64 */
	C(PR_SET_PDEATHSIG), C(PR_GET_PDEATHSIG), C(PR_GET_DUMPABLE),
	C(PR_SET_DUMPABLE), C(PR_GET_KEEPCAPS), C(PR_SET_KEEPCAPS), C(PR_SET_NAME),
	C(PR_GET_NAME), C(PR_GET_SECCOMP), C(PR_SET_SECCOMP), C(PR_CAPBSET_READ),
	C(PR_CAPBSET_DROP), C(PR_GET_SECUREBITS), C(PR_SET_SECUREBITS),
	C(PR_SET_TIMERSLACK), C(PR_GET_TIMERSLACK), C(PR_MCE_KILL), C(PR_MCE_KILL_GET),
	C(PR_SET_MM), C(PR_SET_CHILD_SUBREAPER), C(PR_GET_CHILD_SUBREAPER),
	C(PR_SET_NO_NEW_PRIVS), C(PR_GET_NO_NEW_PRIVS), C(PR_GET_TID_ADDRESS),
	C(PR_SET_THP_DISABLE), C(PR_GET_THP_DISABLE), C(PR_CAP_AMBIENT),
	C(PR_SET_VMA),
	C(RLIMIT_CPU), C(RLIMIT_FSIZE), C(RLIMIT_DATA), C(RLIMIT_STACK),
	C(RLIMIT_CORE), C(RLIMIT_RSS), C(RLIMIT_NPROC), C(RLIMIT_NOFILE),
	C(RLIMIT_MEMLOCK), C(RLIMIT_AS), C(RLIMIT_LOCKS), C(RLIMIT_SIGPENDING),
	C(RLIMIT_MSGQUEUE), C(RLIMIT_NICE), C(RLIMIT_RTPRIO), C(RLIMIT_RTTIME),
	/* terminal and generic file ioctls */
	C(TCGETS), C(TCSETS), C(TCSETSW), C(TCSETSF), C(TCGETA), C(TCSETA),
	C(TCSETAW), C(TCSETAF), C(TCSBRK), C(TCXONC), C(TCFLSH), C(TIOCEXCL),
	C(TIOCNXCL), C(TIOCSCTTY), C(TIOCGPGRP), C(TIOCSPGRP), C(TIOCOUTQ),
	C(TIOCSTI), C(TIOCGWINSZ), C(TIOCSWINSZ), C(TIOCMGET), C(TIOCMSET),
	C(TIOCMBIS), C(TIOCMBIC), C(TIOCINQ), C(TIOCNOTTY), C(TIOCGSID),
	C(TIOCGPTN), C(TIOCSPTLCK), C(TIOCGPTPEER), C(FIONREAD), C(FIONBIO),
	C(FIOCLEX), C(FIONCLEX), C(FIOASYNC),
	/* block devices and files */
	C(BLKROGET), C(BLKGETSIZE), C(BLKGETSIZE64), C(BLKFLSBUF), C(BLKSSZGET),
	C(BLKPBSZGET), C(BLKIOMIN), C(BLKIOOPT), C(BLKALIGNOFF), C(BLKDISCARD),
	C(BLKDISCARDZEROES), C(BLKZEROOUT), C(BLKSECDISCARD), C(BLKRRPART),
	C(FS_IOC_GETFLAGS), C(FS_IOC_SETFLAGS), C(FICLONE), C(FICLONERANGE),
	C(FIDEDUPERANGE),
	/* tap devices and interfaces */
	C(TUNSETIFF), C(TUNGETIFF), C(TUNSETPERSIST), C(TUNSETOWNER),
	C(TUNSETGROUP), C(TUNGETFEATURES), C(TUNSETOFFLOAD), C(TUNSETSNDBUF),
	C(TUNGETSNDBUF), C(TUNGETVNETHDRSZ), C(TUNSETVNETHDRSZ), C(TUNSETQUEUE),
	C(TUNSETVNETLE), C(TUNGETVNETLE), C(TUNSETVNETBE), C(TUNGETVNETBE),
	C(IFF_TUN), C(IFF_TAP), C(IFF_NO_PI), C(IFF_ONE_QUEUE), C(IFF_VNET_HDR),
	C(IFF_MULTI_QUEUE), C(IFF_ATTACH_QUEUE), C(IFF_DETACH_QUEUE),
	C(SIOCGIFFLAGS), C(SIOCSIFFLAGS), C(SIOCGIFINDEX), C(SIOCGIFMTU),
	C(SIOCSIFMTU), C(SIOCGIFHWADDR), C(SIOCSIFHWADDR), C(SIOCGIFNAME),
	/* KVM: the system, VM and vCPU ioctls of every arch */
	C(KVM_GET_API_VERSION), C(KVM_CREATE_VM), C(KVM_CHECK_EXTENSION),
	C(KVM_GET_VCPU_MMAP_SIZE), C(KVM_CREATE_VCPU), C(KVM_GET_DIRTY_LOG),
	C(KVM_CLEAR_DIRTY_LOG), C(KVM_RESET_DIRTY_RINGS), C(KVM_SET_USER_MEMORY_REGION),
	C(KVM_SET_NR_MMU_PAGES), C(KVM_GET_NR_MMU_PAGES), C(KVM_CREATE_IRQCHIP),
	C(KVM_IRQ_LINE), C(KVM_IRQ_LINE_STATUS), C(KVM_SET_GSI_ROUTING), C(KVM_IRQFD),
	C(KVM_IOEVENTFD), C(KVM_SIGNAL_MSI), C(KVM_SET_CLOCK), C(KVM_GET_CLOCK),
	C(KVM_CREATE_DEVICE), C(KVM_SET_DEVICE_ATTR), C(KVM_GET_DEVICE_ATTR),
	C(KVM_HAS_DEVICE_ATTR), C(KVM_ENABLE_CAP), C(KVM_GET_STATS_FD),
	C(KVM_RUN), C(KVM_GET_REGS), C(KVM_SET_REGS), C(KVM_GET_ONE_REG),
	C(KVM_SET_ONE_REG), C(KVM_GET_REG_LIST), C(KVM_SET_SIGNAL_MASK),
	C(KVM_GET_MP_STATE), C(KVM_SET_MP_STATE), C(KVM_SET_GUEST_DEBUG),
	C(KVM_TRANSLATE),
#if defined(__x86_64__) || defined(__i386__)
	C(KVM_GET_MSR_INDEX_LIST), C(KVM_GET_MSR_FEATURE_INDEX_LIST),
	C(KVM_GET_SUPPORTED_CPUID), C(KVM_GET_EMULATED_CPUID),
	C(KVM_GET_SUPPORTED_HV_CPUID), C(KVM_SET_TSS_ADDR),
	C(KVM_SET_IDENTITY_MAP_ADDR), C(KVM_GET_IRQCHIP), C(KVM_SET_IRQCHIP),
	C(KVM_CREATE_PIT2), C(KVM_GET_PIT2), C(KVM_SET_PIT2), C(KVM_REINJECT_CONTROL),
	C(KVM_SET_BOOT_CPU_ID), C(KVM_SET_TSC_KHZ), C(KVM_GET_TSC_KHZ),
	C(KVM_SET_PMU_EVENT_FILTER), C(KVM_X86_SET_MSR_FILTER),
	C(KVM_HYPERV_EVENTFD), C(KVM_MEMORY_ENCRYPT_OP),
	C(KVM_MEMORY_ENCRYPT_REG_REGION), C(KVM_MEMORY_ENCRYPT_UNREG_REGION),
	C(KVM_GET_SREGS), C(KVM_SET_SREGS), C(KVM_GET_SREGS2), C(KVM_SET_SREGS2),
	C(KVM_GET_MSRS), C(KVM_SET_MSRS), C(KVM_SET_CPUID), C(KVM_SET_CPUID2),
	C(KVM_GET_CPUID2), C(KVM_GET_FPU), C(KVM_SET_FPU), C(KVM_GET_LAPIC),
	C(KVM_SET_LAPIC), C(KVM_INTERRUPT), C(KVM_NMI), C(KVM_SMI),
	C(KVM_TPR_ACCESS_REPORTING), C(KVM_SET_VAPIC_ADDR), C(KVM_X86_SETUP_MCE),
	C(KVM_X86_GET_MCE_CAP_SUPPORTED), C(KVM_X86_SET_MCE),
	C(KVM_GET_VCPU_EVENTS), C(KVM_SET_VCPU_EVENTS), C(KVM_GET_DEBUGREGS),
	C(KVM_SET_DEBUGREGS), C(KVM_GET_XSAVE), C(KVM_SET_XSAVE), C(KVM_GET_XSAVE2),
	C(KVM_GET_XCRS), C(KVM_SET_XCRS), C(KVM_KVMCLOCK_CTRL),
	C(KVM_GET_NESTED_STATE), C(KVM_SET_NESTED_STATE),
#endif
#if defined(__aarch64__) || defined(__arm__)
	C(KVM_ARM_VCPU_INIT), C(KVM_ARM_PREFERRED_TARGET), C(KVM_ARM_VCPU_FINALIZE),
	C(KVM_ARM_SET_DEVICE_ADDR),
#endif
};

#define NCONSTANTS (sizeof constants / sizeof *constants)

bool profile_const_value(const char *name, uint64_t *value)
{
	for (size_t i = 0; i < NCONSTANTS; i++)
		if (!strcmp(name, constants[i].name)) {
			*value = constants[i].value;
			return true;
		}
	return false;
}

/* In family PREFIX (SIG: not SIG_BLOCK): a constant whose name continues
 * with something other than '_'. */
static bool in_family(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && (prefix[n - 1] == '_' || name[n] != '_');
}

static const char *family_name(uint64_t value, const char *prefix)
{
	for (size_t i = 0; i < NCONSTANTS; i++)
		if (constants[i].value == value && in_family(constants[i].name, prefix))
			return constants[i].name;
	return NULL;
}

static const char *unique_name(uint64_t value)
{
	const char *found = NULL;

	for (size_t i = 0; i < NCONSTANTS; i++)
		if (constants[i].value == value) {
			if (found)
				return NULL;
			found = constants[i].name;
		}
	return found;
}

/* VALUE as one-bit constants of the family joined by |, into buf. */
static const char *flag_names(uint64_t value, const char *prefix, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = value >> bit & 1 ? family_name(UINT64_C(1) << bit, prefix) : "";

		if (!name)
			return NULL;
		if (*name)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "", name);
	}
	return n && n < size ? buf : NULL;
}

const char *profile_const_describe(uint64_t value, const char *prefix, bool flags, char *buf,
				   size_t size)
{
	const char *name;

	if (!*prefix)
		return unique_name(value);
	name = family_name(value, prefix);
	return name || !flags || !value ? name : flag_names(value, prefix, buf, size);
}

/* --- name sets ------------------------------------------------------------ */

const struct name_value rlimit_names[] = {
	{ "AS", RLIMIT_AS }, { "CORE", RLIMIT_CORE }, { "CPU", RLIMIT_CPU },
	{ "DATA", RLIMIT_DATA }, { "FSIZE", RLIMIT_FSIZE }, { "LOCKS", RLIMIT_LOCKS },
	{ "MEMLOCK", RLIMIT_MEMLOCK }, { "MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "NICE", RLIMIT_NICE }, { "NOFILE", RLIMIT_NOFILE }, { "NPROC", RLIMIT_NPROC },
	{ "RSS", RLIMIT_RSS }, { "RTPRIO", RLIMIT_RTPRIO }, { "RTTIME", RLIMIT_RTTIME },
	{ "SIGPENDING", RLIMIT_SIGPENDING }, { "STACK", RLIMIT_STACK },
	{ NULL, 0 },
};

const struct name_value securebit_names[] = {
	{ "noroot",                      SECURE_NOROOT },
	{ "noroot_locked",               SECURE_NOROOT_LOCKED },
	{ "no_setuid_fixup",             SECURE_NO_SETUID_FIXUP },
	{ "no_setuid_fixup_locked",      SECURE_NO_SETUID_FIXUP_LOCKED },
	{ "keep_caps",                   SECURE_KEEP_CAPS },
	{ "keep_caps_locked",            SECURE_KEEP_CAPS_LOCKED },
	{ "no_cap_ambient_raise",        SECURE_NO_CAP_AMBIENT_RAISE },
	{ "no_cap_ambient_raise_locked", SECURE_NO_CAP_AMBIENT_RAISE_LOCKED },
	{ NULL, 0 },
};

const struct name_value ll_class_names[] = {
	{ "read", LL_READ }, { "read-exec", LL_READ_EXEC },
	{ "read-write", LL_READ_WRITE }, { "device", LL_DEVICE },
	{ "make-device", LL_MAKE_DEVICE },
	{ NULL, 0 },	/* LL_VIEW is the `view` directive's, not a landlock word */
};

const struct name_value sc_op_names[] = {
	{ "==", SC_EQ }, { "!=", SC_NE }, { "<", SC_LT },
	{ "<=", SC_LE }, { ">", SC_GT }, { ">=", SC_GE },
	{ NULL, 0 },
};

const struct name_value *name_lookup(const struct name_value *table, const char *name)
{
	for (; table->name; table++)
		if (!strcmp(name, table->name))
			return table;
	return NULL;
}

const char *ll_class_word(enum ll_class c)
{
	return c == LL_VIEW ? "view" : name_of(ll_class_names, c);
}

const char *name_of(const struct name_value *table, int value)
{
	for (; table->name; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}
