/* The QEMU driver: Debian's qemu-system-x86_64 on a machine with ACPI (the
 * ACPI power button is the graceful shutdown path; on microvm the guest also
 * finds its virtio-mmio devices there), guest RAM in a shared memfd for
 * vhost-user, a QMP socket for readiness and power-off. QEMU gets every
 * file it uses as an inherited fd, so its uid needs no access to them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "qmp.h"
#include "vmm_driver.h"

#ifndef QEMU_BINARY
#define QEMU_BINARY "/usr/bin/qemu-system-x86_64"
#endif

#define QMP_SOCKET "qmp.sock"

struct qemu {
	struct qmp *qmp;
	char qmp_path[4096];
};

/* With hardware KVM, microvm: the smallest device model, and kvmclock gives
 * the guest its clock. Under TCG the guest kernel calibrates its TSC against
 * the PIT, which fails when the host is loaded, and microvm offers no other
 * reference (no HPET, no ACPI PM timer): the guest then hangs in early boot.
 * q35 has both references, at ~0.3 s more boot time. */
struct machine {
	const char *type;
	const char *virtio_bus;	/* device suffix: virtio-blk-device, -pci */
};

static const struct machine *machine(const struct vmm_run *run)
{
	static const struct machine microvm = { "microvm,acpi=on", "device" };
	static const struct machine q35 = { "q35", "pci" };

	return run->kvm ? &microvm : &q35;
}

/* Kernel and initrd go by fd too: the service's own /tmp hides host paths
 * under it, and its uid need not reach the file's directory. */
static int pass_file(struct vmm_run *run, const char *option, const char *path, int pinned)
{
	int n = vmm_pass_file(run, path, pinned, O_RDONLY);

	if (n < 0)
		return -1;
	argv_add(&run->argv, "%s", option);
	argv_add(&run->argv, "/proc/self/fd/%d", n);
	return 0;
}

static int add_disks(struct vmm_run *run)
{
	const struct config *cfg = run->cfg;

	for (size_t i = 0; i < cfg->ndisks; i++) {
		const struct disk *d = &cfg->disks[i];
		/* QEMU opens a writable image read-only first, then reopens it
		 * read-write: its fdset needs an fd of each access mode. */
		for (int rw = 0; rw <= !d->readonly; rw++) {
			int n = vmm_pass_file(run, d->path, d->fd, rw ? O_RDWR : O_RDONLY);
			if (n < 0)
				return -1;
			argv_add(&run->argv, "-add-fd");
			argv_add(&run->argv, "fd=%d,set=%zu", n, i + 1);
		}
		argv_add(&run->argv, "-drive");
		argv_add(&run->argv, "file=/dev/fdset/%zu,format=raw,if=none,id=disk%zu,readonly=%s",
			 i + 1, i, d->readonly ? "on" : "off");
		argv_add(&run->argv, "-device");
		argv_add(&run->argv, "virtio-blk-%s,drive=disk%zu", machine(run)->virtio_bus, i);
	}
	return 0;
}

/* Each share: the connection to its virtiofsd that PID 1 made, as a
 * client chardev on an fd (QEMU neither connects nor knows a path), and a
 * vhost-user-fs device on it with the guest's tag. */
static void add_shares(struct vmm_run *run)
{
	const struct config *cfg = run->cfg;

	for (size_t i = 0; i < cfg->nshares; i++) {
		argv_add(&run->argv, "-chardev");
		argv_add(&run->argv, "socket,id=fs%zu,fd=%d", i, vmm_pass_fd(run, run->share_fds[i]));
		argv_add(&run->argv, "-device");
		argv_add(&run->argv, "vhost-user-fs-%s,chardev=fs%zu,tag=%s", machine(run)->virtio_bus,
			 i, cfg->shares[i].tag);
	}
}

/* The tap PID 1 got from the outer (net.c), or PID 1's link to passt
 * (passt.c: a connected stream socket with QEMU's length-prefixed framing,
 * -netdev stream since QEMU 7.2), as an fd QEMU only reads and writes: no
 * socket, no /dev/net/tun, no netlink in QEMU. No option ROM on q35:
 * nothing boots from the network. */
static void add_network(struct vmm_run *run)
{
	const struct net_plan *n = run->net;
	const bool pci = !strcmp(machine(run)->virtio_bus, "pci");

	if (!n || n->kind == NET_NONE)
		return;
	argv_add(&run->argv, "-netdev");
	if (n->kind == NET_USER)
		argv_add(&run->argv, "stream,id=net0,server=off,addr.type=fd,addr.str=%d",
			 vmm_pass_fd(run, run->user_fd));
	else
		argv_add(&run->argv, "tap,id=net0,fd=%d", vmm_pass_fd(run, n->tap_fd));
	argv_add(&run->argv, "-device");
	argv_add(&run->argv, "virtio-net-%s,netdev=net0,mac=%s%s", machine(run)->virtio_bus, n->mac,
		 pci ? ",romfile=" : "");
}

/* With readiness = guest: COM2, the guest's /dev/ttyS1, for its READY=1
 * (readiness.h), on PID 1's socket; index 1 is 0x2f8, IRQ 3, on q35 and
 * microvm alike. */
static int add_readiness_port(struct vmm_run *run)
{
	int port = vmm_readiness_port(run);

	if (port > 0) {
		argv_add(&run->argv, "-chardev");
		argv_add(&run->argv, "socket,id=ready,fd=%d", port);
		argv_add(&run->argv, "-device");
		argv_add(&run->argv, "isa-serial,chardev=ready,index=1");
	}
	return port < 0 ? -1 : 0;
}

static const char *qemu_binary(char *const *exec, char *buf, size_t len)
{
	(void)exec;
	snprintf(buf, len, "%s", QEMU_BINARY);
	return buf;
}

static int qemu_prepare(struct vmm_run *run)
{
	const struct config *cfg = run->cfg;
	struct argv *a = &run->argv;
	struct qemu *q = calloc(1, sizeof *q);
	int qmp_fd;

	if (!q)
		return -1;
	run->priv = q;
	snprintf(q->qmp_path, sizeof q->qmp_path, "%s/" QMP_SOCKET, cfg->runtime_dir);
	qmp_fd = vmm_pass_listener(run, q->qmp_path);
	if (qmp_fd < 0)
		return -1;

	argv_add(a, "%s", run->binary);
	argv_add(a, "-name");
	argv_add(a, "%s", cfg->name);
	argv_add(a, "-nodefaults");
	argv_add(a, "-no-user-config");
	argv_add(a, "-display");
	argv_add(a, "none");
	argv_add(a, "-no-reboot");
	/* Start paused; wait_ready lets the guest run once QMP is set up (as
	 * libvirt does), so no control traffic overlaps the guest's boot. */
	argv_add(a, "-S");
	/* QEMU's own seccomp filter, layered on the profile's once it runs:
	 * no exec, no privilege or resource changes, no obsolete syscalls. */
	argv_add(a, "-sandbox");
	argv_add(a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	argv_add(a, "-M");
	argv_add(a, "%s,memory-backend=mem", machine(run)->type);
	if (run->kvm) {
		/* Legacy virtio-mmio breaks vhost-user; the guest speaks 1.x. */
		argv_add(a, "-global");
		argv_add(a, "virtio-mmio.force-legacy=false");
	}
	argv_add(a, "-accel");
	argv_add(a, run->kvm ? "kvm" : "tcg");
	argv_add(a, "-cpu");
	argv_add(a, run->kvm ? "host" : "qemu64");
	argv_add(a, "-smp");
	argv_add(a, "%u", cfg->vcpus);
	argv_add(a, "-m");
	argv_add(a, "%lluM", (unsigned long long)cfg->memory_mib);
	argv_add(a, "-object");
	argv_add(a, "memory-backend-memfd,id=mem,size=%lluM,share=on",
		 (unsigned long long)cfg->memory_mib);
	argv_add(a, "-chardev");
	argv_add(a, "stdio,id=console,signal=off");
	argv_add(a, "-serial");
	argv_add(a, "chardev:console");
	argv_add(a, "-chardev");
	argv_add(a, "socket,id=qmp,fd=%d,server=on,wait=off", qmp_fd);
	argv_add(a, "-mon");
	argv_add(a, "chardev=qmp,mode=control");
	if (pass_file(run, "-kernel", cfg->kernel, cfg->kernel_fd) < 0 ||
	    (cfg->initrd && pass_file(run, "-initrd", cfg->initrd, cfg->initrd_fd) < 0))
		return -1;
	/* The guest's address, if any, after the config's own words. */
	argv_add(a, "-append");
	argv_add(a, "%s%s%s", cfg->cmdline ? cfg->cmdline : "",
		 cfg->cmdline && run->net->guest_args[0] ? " " : "", run->net->guest_args);
	add_network(run);
	add_shares(run);
	if (add_disks(run) < 0)
		return -1;
	return add_readiness_port(run);
}

static int qemu_wait_ready(struct vmm_run *run, int timeout_ms)
{
	struct qemu *q = run->priv;
	json_object *ret, *status;
	int running;

	q->qmp = qmp_open(q->qmp_path, timeout_ms);
	if (!q->qmp)
		return -1;
	ret = qmp_execute(q->qmp, "cont", timeout_ms);
	if (!ret)
		return -1;
	json_object_put(ret);
	ret = qmp_execute(q->qmp, "query-status", timeout_ms);
	if (!ret)
		return -1;
	running = json_object_object_get_ex(ret, "status", &status) &&
		  strcmp(json_object_get_string(status), "running") == 0;
	json_object_put(ret);
	if (!running) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static int qemu_event_fd(const struct vmm_run *run)
{
	const struct qemu *q = run->priv;
	return q && q->qmp ? qmp_fd(q->qmp) : -1;
}

static int qemu_handle_event(struct vmm_run *run)
{
	struct qemu *q = run->priv;
	const char *ev;

	while ((ev = qmp_next_event(q->qmp)) && *ev)
		log_info("vmm", "qmp event %s", ev);
	if (ev)
		return 0;
	qmp_close(q->qmp);
	q->qmp = NULL;
	return -1;
}

static int qemu_request_shutdown(struct vmm_run *run)
{
	struct qemu *q = run->priv;
	json_object *ret;

	if (!q->qmp) {
		errno = ENOTCONN;
		return -1;
	}
	ret = qmp_execute(q->qmp, "system_powerdown", 5000);
	if (!ret)
		return -1;
	json_object_put(ret);
	return 0;
}

/* QEMU exits 0 when the guest powers off or resets (-no-reboot), 1 on its
 * own errors. */
static int qemu_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)
		return EXIT_TEMPORARY;
	return wait_status_code(wstatus);
}

static void qemu_release(struct vmm_run *run)
{
	struct qemu *q = run->priv;

	if (q)
		qmp_close(q->qmp);
	free(q);
	run->priv = NULL;
}

const struct vmm_driver vmm_driver_qemu = {
	.name = "qemu",
	.shares = true,
	.network = true,
	.readiness_port = true,
	.profile = "qemu",
	.binary = qemu_binary,
	.prepare = qemu_prepare,
	.wait_ready = qemu_wait_ready,
	.event_fd = qemu_event_fd,
	.handle_event = qemu_handle_event,
	.request_shutdown = qemu_request_shutdown,
	.exit_status = qemu_exit_status,
	.release = qemu_release,
};
