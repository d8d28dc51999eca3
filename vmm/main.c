/* vmm: boot a PVH ELF or bzImage kernel on KVM.  Parse and check every
 * argument first, then build the VM, then run: vCPU threads do the guest's
 * I/O, this thread waits in one poll loop for console input, SIGTERM and
 * the end of the VM. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "boot.h"
#include "devices.h"
#include "kvm.h"
#include "seccomp.h"
#include "vcpu.h"
#include "virtio.h"
#include "vm.h"
#include "vmm.h"

#define VCPUS_MAX 64
#define DEFAULT_CMDLINE "console=ttyS0 reboot=k panic=-1"
#define DEFAULT_MAC "52:54:00:12:34:56"

static const char usage[] =
	"usage: vmm --kernel FILE [--initrd FILE] [--cmdline STR] [--memory SIZE]\n"
	"           [--vcpus N] [--disk PATH[,ro]]... [--fs tag=TAG,fd=N]...\n"
	"           [--net fd=N[,mac=MAC][,mode=tap|stream]] [--console FILE] [--ready-fd N]\n"
	"           [--com2-fd N]\n"
	"\n"
	"Boot FILE (a PVH ELF such as an extracted vmlinux, or a bzImage) on KVM.\n"
	"  --kernel FILE    kernel image\n"
	"  --initrd FILE    initial ramdisk\n"
	"  --cmdline STR    kernel command line (default \"" DEFAULT_CMDLINE "\")\n"
	"  --memory SIZE    guest RAM, 16M..3G, suffix K, M or G (default 256M)\n"
	"  --vcpus N        virtual CPUs, 1..64 and at most KVM's limit (default 1)\n"
	"  --disk PATH[,ro] a virtio-blk disk on virtio-mmio; ,ro makes it read-only;\n"
	"                   PATH fd:N is the inherited fd N\n"
	"  --fs tag=TAG,fd=N  a virtio-fs share named TAG (1..36 bytes) on virtio-mmio,\n"
	"                   served by the vhost-user backend connected on fd N\n"
	"  --net fd=N[,mac=MAC][,mode=tap|stream]  a virtio-net device on virtio-mmio\n"
	"                   over fd N: a tap (default), or a connected stream socket\n"
	"                   with each frame behind its 4-byte big-endian length;\n"
	"                   MAC XX:XX:XX:XX:XX:XX (default " DEFAULT_MAC ")\n"
	"  --console FILE   write the serial console to FILE instead of stdout\n"
	"  --ready-fd N     write a newline to fd N once all vCPUs run, then close it\n"
	"  --com2-fd N      a second UART, COM2 (0x2f8, IRQ 3): what the guest sends\n"
	"                   there goes to fd N, non-blocking (dropped when N is full)\n"
	"Exit: 0 guest power-off or reset, 1 guest crash, 100 bad usage or KVM\n"
	"unusable, 111 a host syscall failed.\n";

static noreturn void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "vmm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see vmm --help)\n");
	exit(VMM_EXIT_USAGE);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		bad_usage("--memory %s: not a size", s);
	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	case '\0': break;
	default: bad_usage("--memory %s: not a size", s);
	}
	if (*end || v < VM_MEM_MIN || v > VM_MEM_MAX || v % 4096)
		bad_usage("--memory %s: out of range 16M..3G (page multiple)", s);
	return v;
}

static int parse_int(const char *s, const char *opt, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "vmm: %s %s: not a number in %d..%d (see vmm --help)\n", opt, s, min, max);
		exit(VMM_EXIT_USAGE);
	}
	return (int)v;
}

static void parse_disk(struct vm_cfg *cfg, char *arg)
{
	size_t n = strlen(arg);

	if (cfg->ndisks == VMM_MAX_DISKS)
		bad_usage("--disk %s: too many disks (at most 8)", arg);
	cfg->disks[cfg->ndisks].ro = n > 3 && !strcmp(arg + n - 3, ",ro");
	if (cfg->disks[cfg->ndisks].ro)
		arg[n - 3] = '\0';
	if (!*arg || strchr(arg, ','))
		bad_usage("--disk %s: expected PATH or PATH,ro", arg);
	cfg->disks[cfg->ndisks++].path = arg;
}

/* --fs tag=TAG,fd=N: both keys, in this order. */
static void parse_fs(struct vm_cfg *cfg, char *arg)
{
	char *fd = strstr(arg, ",fd="), *end;
	size_t taglen;
	long n;

	if (cfg->nshares == VMM_MAX_SHARES)
		bad_usage("--fs %s: too many shares (at most 4)", arg);
	if (strncmp(arg, "tag=", 4) || !fd)
		bad_usage("--fs %s: expected tag=TAG,fd=N", arg);
	taglen = (size_t)(fd - arg - 4);
	errno = 0;
	n = strtol(fd + 4, &end, 10);
	if (errno || end == fd + 4 || *end || n < 0 || n > 1 << 20)
		bad_usage("--fs %s: expected tag=TAG,fd=N", arg);
	if (taglen == 0 || taglen > VIRTIO_FS_TAG_MAX)
		bad_usage("--fs %s: the tag must be 1..36 bytes", arg);
	*fd = '\0';
	cfg->shares[cfg->nshares++] = (struct fs_cfg){ .tag = arg + 4, .fd = (int)n };
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int end = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6 ||
	    s[end] || end != 17 || (b[0] & 1))
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* --net fd=N[,mac=MAC][,mode=tap|stream]: keys in any order, each once. */
static void parse_net(struct vm_cfg *cfg, char *arg)
{
	static const char bad[] = "--net %s: expected fd=N[,mac=XX:XX:XX:XX:XX:XX][,mode=tap|stream]";
	char copy[128], *key, *save = NULL;
	bool fd = false, mac = false, mode = false;

	if (cfg->net.fd >= 0)
		bad_usage("--net %s: only one network device", arg);
	if (snprintf(copy, sizeof(copy), "%s", arg) >= (int)sizeof(copy))
		bad_usage(bad, arg);
	parse_mac(DEFAULT_MAC, cfg->net.mac);
	for (key = strtok_r(copy, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		if (!strncmp(key, "fd=", 3) && !fd) {
			cfg->net.fd = parse_int(key + 3, "--net fd", 0, 1 << 20);
			fd = true;
		} else if (!strncmp(key, "mac=", 4) && !mac) {
			if (parse_mac(key + 4, cfg->net.mac) < 0)
				bad_usage("--net %s: MAC must be XX:XX:XX:XX:XX:XX, unicast", arg);
			mac = true;
		} else if ((!strcmp(key, "mode=tap") || !strcmp(key, "mode=stream")) && !mode) {
			cfg->net.mode = strcmp(key, "mode=tap") ? NET_MODE_STREAM : NET_MODE_TAP;
			mode = true;
		} else {
			bad_usage(bad, arg);
		}
	}
	if (!fd)
		bad_usage(bad, arg);
}

static void parse_args(int argc, char **argv, struct vm_cfg *cfg)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' }, { "memory", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'n' }, { "disk", required_argument, NULL, 'd' },
		{ "fs", required_argument, NULL, 'f' }, { "net", required_argument, NULL, 'e' },
		{ "console", required_argument, NULL, 'o' }, { "ready-fd", required_argument, NULL, 'r' },
		{ "com2-fd", required_argument, NULL, '2' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c;

	*cfg = (struct vm_cfg){ .cmdline = DEFAULT_CMDLINE, .mem_size = 256 * MiB, .vcpus = 1,
				.ready_fd = -1, .com2_fd = -1, .net.fd = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cfg->kernel = optarg; break;
		case 'i': cfg->initrd = optarg; break;
		case 'c': cfg->cmdline = optarg; break;
		case 'm': cfg->mem_size = parse_size(optarg); break;
		case 'n': cfg->vcpus = parse_int(optarg, "--vcpus", 1, VCPUS_MAX); break;
		case 'd': parse_disk(cfg, optarg); break;
		case 'f': parse_fs(cfg, optarg); break;
		case 'e': parse_net(cfg, optarg); break;
		case 'o': cfg->console = optarg; break;
		case 'r': cfg->ready_fd = parse_int(optarg, "--ready-fd", 0, 1 << 20); break;
		case '2': cfg->com2_fd = parse_int(optarg, "--com2-fd", 0, 1 << 20); break;
		case 'h': fputs(usage, stdout); exit(0);
		default:
			bad_usage("%s: unknown option or missing value", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("%s: unexpected argument", argv[optind]);
	if (!cfg->kernel)
		bad_usage("%s", "--kernel FILE is required");
	if (access(cfg->kernel, R_OK) < 0)
		die_errno(VMM_EXIT_USAGE, "kernel %s", cfg->kernel);
	if (cfg->initrd && access(cfg->initrd, R_OK) < 0)
		die_errno(VMM_EXIT_USAGE, "initrd %s", cfg->initrd);
	if (cfg->ready_fd >= 0 && fcntl(cfg->ready_fd, F_GETFD) < 0)
		die_errno(VMM_EXIT_USAGE, "--ready-fd %d", cfg->ready_fd);
	if (cfg->com2_fd >= 0 && fcntl(cfg->com2_fd, F_GETFD) < 0)
		die_errno(VMM_EXIT_USAGE, "--com2-fd %d", cfg->com2_fd);
}

static int open_console(const struct vm_cfg *cfg)
{
	int fd;

	if (!cfg->console)
		return STDOUT_FILENO;
	fd = open(cfg->console, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die_errno(VMM_EXIT_USAGE, "console %s", cfg->console);
	return fd;
}

/* The main thread's loop: returns the VM's exit code.  Besides its own
 * four fds it watches each virtio-fs backend (virtio_fs__watch_fd) and the
 * network backend (virtio_net__watch), which receives here. */
static int run_loop(int sig_fd, int wake_fd)
{
	int stdin_open = 1, stdin_waits = 0;
	unsigned int i, nfs = virtio_fs__count(), nnet;
	uint8_t buf[256];

	for (;;) {
		struct pollfd p[4 + 2 * VMM_MAX_SHARES + 2] = {
			{ .fd = vm__exit_fd(), .events = POLLIN }, { .fd = sig_fd, .events = POLLIN },
			{ .fd = wake_fd, .events = POLLIN },
			{ .fd = stdin_open && !stdin_waits ? STDIN_FILENO : -1, .events = POLLIN },
		};
		uint64_t v;

		for (i = 0; i < nfs; i++)
			p[4 + i] = (struct pollfd){ .fd = virtio_fs__watch_fd(i), .events = VIRTIO_FS_POLL_EVENTS };
		nnet = virtio_net__watch(&p[4 + nfs]);
		if (poll(p, 4 + nfs + nnet, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(VMM_EXIT_SYSCALL, "poll");
		}
		if (p[0].revents)
			return vm__exit_code();
		for (i = 0; i < nfs; i++)
			if (p[4 + i].revents)
				virtio_fs__watch_event(i);
		if (nnet && (p[4 + nfs].revents || p[5 + nfs].revents))
			virtio_net__watch_event(&p[4 + nfs]);
		if (p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				i8042__ctrl_alt_del();
		}
		if (p[2].revents) {
			if (read(wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				die_errno(VMM_EXIT_SYSCALL, "read console wake-up");
			stdin_waits = 0;
		}
		if (p[3].revents) {
			size_t room = serial8250__room();
			ssize_t n;

			if (!room) {
				stdin_waits = 1;
				continue;
			}
			n = read(STDIN_FILENO, buf, room < sizeof(buf) ? room : sizeof(buf));
			if (n > 0)
				serial8250__receive(buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				stdin_open = 0;
		}
	}
}

/* The one place that decides to die of a set-up step's -errno (vmm.h). */
static void check(int err, const char *what)
{
	if (err < 0)
		error__die(err, what);
}

int main(int argc, char **argv)
{
	static struct vcpu vcpus[VCPUS_MAX];
	char cmdline[BOOT_CMDLINE_SIZE + 512];
	struct boot_entry entry = { 0 };
	pthread_barrier_t start;
	struct vm_cfg cfg;
	int i, sig_fd, wake_fd;
	sigset_t sigs;

	parse_args(argc, argv, &cfg);
	check(kvm__open(), "/dev/kvm");
	if (cfg.vcpus > kvm.max_vcpus)
		diex(VMM_EXIT_USAGE, "--vcpus %d: above KVM's limit of %d (KVM_CAP_MAX_VCPUS)",
		     cfg.vcpus, kvm.max_vcpus);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0)
		diex(VMM_EXIT_SYSCALL, "block SIGTERM");
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || wake_fd < 0)
		die_errno(VMM_EXIT_SYSCALL, "signalfd/eventfd");
	check(vm__init(), "exit eventfd");

	check(kvm__create_vm(cfg.mem_size), "create the VM");
	check(serial8250__init(open_console(&cfg), wake_fd), "serial8250");
	if (cfg.com2_fd >= 0)
		check(serial8250__init_com2(cfg.com2_fd), "serial8250 COM2");
	check(i8042__init(), "i8042");
	check(debug_exit__init(), "debug-exit");
	check(acpi_pm__init(), "ACPI sleep registers");
	snprintf(cmdline, sizeof(cmdline), "%s", cfg.cmdline);
	for (i = 0; i < cfg.ndisks; i++) {
		int err = virtio_blk__init(&cfg.disks[i], cmdline, sizeof(cmdline));

		if (err < 0) {
			errno = -err;
			die_errno(err == -ENOENT || err == -EACCES || err == -EROFS || err == -EISDIR ?
					  VMM_EXIT_USAGE : VMM_EXIT_SYSCALL, "disk %s", cfg.disks[i].path);
		}
	}

	for (i = 0; i < cfg.nshares; i++)
		check(virtio_fs__init(&cfg.shares[i], cmdline, sizeof(cmdline)), "virtio-fs");
	if (cfg.net.fd >= 0)
		check(virtio_net__init(&cfg.net, cmdline, sizeof(cmdline)), "virtio-net");

	check(boot__load(&cfg, cmdline, &entry), "load the kernel");
	check(mptable__write(cfg.vcpus), "MP table");
	check(acpi__write(cfg.vcpus), "ACPI tables");
	for (i = 0; i < cfg.vcpus; i++)
		check(vcpu__create(&vcpus[i], i, cfg.vcpus), "create vCPU");
	check(vcpu__setup_boot(&vcpus[0], &entry), "set boot registers");

	if (pthread_barrier_init(&start, NULL, (unsigned int)cfg.vcpus + 1) != 0)
		diex(VMM_EXIT_SYSCALL, "pthread_barrier_init");
	for (i = 0; i < cfg.vcpus; i++)
		check(vcpu__start(&vcpus[i], &start), "start vCPU thread");
	/* Every file, mapping, fd and thread exists: lock down before the
	 * guest runs, in three steps with the vCPU threads (vcpu.c): once
	 * they all run (glibc's thread start-up makes syscalls of its own),
	 * the process filter goes onto every thread; then each thread adds
	 * its role's; then the guest starts. */
	pthread_barrier_wait(&start);
	check(seccomp__lock_process(), "seccomp: install the process filter");
	pthread_barrier_wait(&start);
	check(seccomp__lock_thread(SECCOMP_ROLE_MAIN), "seccomp: install the main thread's filter");
	pthread_barrier_wait(&start);
	if (cfg.ready_fd >= 0) {
		if (write(cfg.ready_fd, "\n", 1) < 0)
			warn_errno("--ready-fd %d", cfg.ready_fd);
		close(cfg.ready_fd);
	}
	return run_loop(sig_fd, wake_fd);
}
