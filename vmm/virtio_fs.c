/* virtio-fs (virtio 1.x, 5.11) whose virtqueues belong to a vhost-user
 * backend (virtiofsd, a separate confined process): the VMM serves the
 * transport and the config space (tag, one request queue) and, when the
 * driver sets DRIVER_OK, checks each ready ring against guest RAM and
 * hands it over.  Kicks are KVM ioeventfds on QueueNotify (datamatch =
 * queue index) and the backend's calls a KVM irqfd on the device's IRQ
 * line, both registered at set-up: in steady state no request and no
 * interrupt passes through a VMM thread, and the VMM never sees a file.
 *
 * InterruptStatus: the irqfd raises the line without the VMM knowing, so
 * the used-buffer bit always reads as set on this device (as other
 * virtio-mmio VMMs with vhost backends do).  Linux's handler then runs
 * its queues' callbacks on every interrupt, which only costs a look at the
 * used index; with the bit clear it would count each backend interrupt as
 * spurious (IRQ_NONE) and end up disabling the line.  The
 * configuration-change bit stays the VMM's (DEVICE_NEEDS_RESET). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "guest_mem.h"
#include "kvm.h"
#include "vhost_user.h"
#include "virtio.h"

#define VIRTIO_ID_FS 26
#define FS_QUEUES 2		/* hiprio (0) and one request queue (1) */
#define REG_QUEUE_NOTIFY 0x050

struct virtio_fs {
	struct virtio_mmio mmio;
	struct vhost_user vu;
	char tag[VIRTIO_FS_TAG_MAX + 1];
	int kick_fd[FS_QUEUES], call_fd, err_fd;
	bool running;		/* DRIVER_OK was handled: rings are the backend's */
	bool started[FS_QUEUES];
	uint8_t config[VIRTIO_FS_TAG_MAX + 4];	/* tag[36], le32 num_request_queues */
};

static struct virtio_fs *shares[VMM_MAX_SHARES];
static unsigned int nshares;

/* The backend failed while the guest runs: one line naming the share, and
 * the VM ends (exit 111).  Callers hold the bus lock, so once the VM is
 * ending, what a failed exchange left behind (a reply's unread payload)
 * adds no second line. */
static void virtio_fs__backend_failed(struct virtio_fs *fs, const char *what)
{
	if (vm__exiting())
		return;
	warnx("fs %s: %s", fs->tag, what);
	vm__request_exit(VMM_EXIT_SYSCALL);
}

static const char *virtio_fs__driver_ok(struct virtio_mmio *m)
{
	struct virtio_fs *fs = m->dev;
	struct vhost_user_ring rings[FS_QUEUES];
	unsigned int q, n = 0;

	/* A driver that clears DRIVER_OK and sets it again has not reset the
	 * device: the backend keeps the rings it has. */
	if (fs->running)
		return NULL;
	if (!(m->status & VIRTIO_STATUS_FEATURES_OK))
		return "DRIVER_OK without FEATURES_OK";
	for (q = 0; q < FS_QUEUES; q++) {
		const struct virtq *vq = &m->vq[q];
		const char *why;
		uint8_t *desc, *avail, *used;

		if (!vq->ready)
			continue;
		why = virtq__check(vq);
		if (why)
			return why;
		desc = guest_mem__slice(vq->desc_gpa, 16ULL * vq->num);
		avail = guest_mem__slice(vq->avail_gpa, 6 + 2ULL * vq->num);
		used = guest_mem__slice(vq->used_gpa, 6 + 8ULL * vq->num);
		if (!desc || !avail || !used)
			return "ring outside guest RAM";
		rings[n++] = (struct vhost_user_ring){
			.index = q, .num = vq->num, .desc = (uintptr_t)desc, .avail = (uintptr_t)avail,
			.used = (uintptr_t)used, .kick_fd = fs->kick_fd[q], .call_fd = fs->call_fd,
			.err_fd = fs->err_fd,
		};
	}
	if (vhost_user__start(&fs->vu, m->driver_features, rings, n) < 0) {
		virtio_fs__backend_failed(fs, fs->vu.err);
		return NULL;
	}
	for (q = 0; q < n; q++)
		fs->started[rings[q].index] = true;
	fs->running = true;
	return NULL;
}

static void virtio_fs__reset(struct virtio_mmio *m)
{
	struct virtio_fs *fs = m->dev;

	fs->running = false;
	for (unsigned int q = 0; q < FS_QUEUES; q++) {
		if (!fs->started[q])
			continue;
		fs->started[q] = false;
		if (vhost_user__stop_ring(&fs->vu, q) < 0) {
			virtio_fs__backend_failed(fs, fs->vu.err);
			return;
		}
	}
}

static const struct virtio_dev_ops virtio_fs_ops = {
	.device_id = VIRTIO_ID_FS,
	.driver_ok = virtio_fs__driver_ok,
	.reset = virtio_fs__reset,
};

/* The eventfds and their KVM wiring: a kick per queue on QueueNotify
 * writes of its index, one call fd for both rings on the IRQ line. */
static int virtio_fs__wire(struct virtio_fs *fs)
{
	struct kvm_irqfd irqfd = { .gsi = fs->mmio.irq };
	unsigned int q;

	for (q = 0; q < FS_QUEUES; q++) {
		struct kvm_ioeventfd io = {
			.datamatch = q, .addr = fs->mmio.base + REG_QUEUE_NOTIFY, .len = 4,
			.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};

		fs->kick_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fs->kick_fd[q] < 0)
			return error__syscall(errno, "fs %s: eventfd", fs->tag);
		io.fd = fs->kick_fd[q];
		if (ioctl(kvm.vm_fd, KVM_IOEVENTFD, &io) < 0)
			return error__syscall(errno, "fs %s: KVM_IOEVENTFD", fs->tag);
	}
	fs->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fs->err_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fs->call_fd < 0 || fs->err_fd < 0)
		return error__syscall(errno, "fs %s: eventfd", fs->tag);
	irqfd.fd = (uint32_t)fs->call_fd;
	if (ioctl(kvm.vm_fd, KVM_IRQFD, &irqfd) < 0)
		return error__syscall(errno, "fs %s: KVM_IRQFD", fs->tag);
	return 0;
}

/* The inherited fd must be a connected stream socket. */
static int virtio_fs__check_socket(const struct fs_cfg *cfg)
{
	int type = 0;
	socklen_t len = sizeof(type);
	struct stat st;

	if (fstat(cfg->fd, &st) < 0)
		return error__usage_errno(errno, "--fs tag=%s,fd=%d", cfg->tag, cfg->fd);
	if (!S_ISSOCK(st.st_mode) || getsockopt(cfg->fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM)
		return error__usage(ENOTSOCK, "--fs tag=%s,fd=%d: not a stream socket", cfg->tag, cfg->fd);
	if (fcntl(cfg->fd, F_SETFD, FD_CLOEXEC) < 0)
		return error__syscall(errno, "--fs tag=%s,fd=%d", cfg->tag, cfg->fd);
	return 0;
}

int virtio_fs__init(const struct fs_cfg *cfg, char *cmdline, size_t cmdline_size)
{
	struct virtio_fs *fs;
	uint32_t nreq = 1;
	int err;

	err = virtio_fs__check_socket(cfg);
	if (err < 0)
		return err;
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return error__syscall(ENOMEM, "fs %s", cfg->tag);
	memcpy(fs->tag, cfg->tag, strnlen(cfg->tag, VIRTIO_FS_TAG_MAX));
	err = vhost_user__connect(&fs->vu, cfg->fd);
	if (err < 0) {
		error__record(VMM_EXIT_SYSCALL, -err, false, "fs %s: %s", fs->tag, fs->vu.err);
		goto fail_free;
	}
	if (!(fs->vu.features & VIRTIO_F_VERSION_1)) {
		err = error__syscall(EPROTO, "fs %s: the backend does not offer VIRTIO_F_VERSION_1",
				     fs->tag);
		goto fail_free;
	}
	memcpy(fs->config, fs->tag, strlen(fs->tag));
	memcpy(fs->config + VIRTIO_FS_TAG_MAX, &nreq, sizeof(nreq));	/* LE */
	fs->mmio = (struct virtio_mmio){
		.ops = &virtio_fs_ops, .dev = fs, .nqueues = FS_QUEUES,
		.features = VIRTIO_F_VERSION_1, .int_status_fixed = 1,	/* used buffers: see above */
		.config = fs->config, .config_len = sizeof(fs->config),
	};
	err = virtio_mmio__init(&fs->mmio, cmdline, cmdline_size);
	if (err < 0) {
		error__syscall(-err, "fs %s: virtio-mmio", fs->tag);
		goto fail_free;
	}
	/* on the bus now, and the backend stays connected until the VMM
	 * exits: nothing from here on is freed */
	shares[nshares++] = fs;
	return virtio_fs__wire(fs);
fail_free:
	free(fs);
	return err;
}

/* Two watches per share: its socket (even), its rings' error eventfd (odd). */
unsigned int virtio_fs__count(void)
{
	return 2 * nshares;
}

int virtio_fs__watch_fd(unsigned int i)
{
	return i % 2 ? shares[i / 2]->err_fd : shares[i / 2]->vu.fd;
}

/* The backend's socket woke the main loop.  A vCPU in the middle of a
 * request holds the bus lock until its reply is read, so once the lock is
 * ours anything still there was not asked for: the backend closed the
 * connection (or died), or sent a message out of turn.  Either ends the
 * VM.  The error eventfd: the backend found a ring broken, which the guest
 * can do, so the device needs reset as with the VMM's own ring checks. */
void virtio_fs__watch_event(unsigned int i)
{
	struct virtio_fs *fs = shares[i / 2];
	struct pollfd p = { .fd = virtio_fs__watch_fd(i), .events = VIRTIO_FS_POLL_EVENTS };
	uint64_t v;

	bus__lock();
	if (i % 2) {
		if (read(fs->err_fd, &v, sizeof(v)) == sizeof(v))
			virtio_mmio__needs_reset(&fs->mmio, "the backend reported a virtqueue error");
	} else if (poll(&p, 1, 0) > 0) {
		virtio_fs__backend_failed(fs, p.revents & (POLLHUP | POLLRDHUP | POLLERR) ?
						      "the backend closed the connection" :
						      "the backend sent a message out of turn");
	}
	bus__unlock();
}
