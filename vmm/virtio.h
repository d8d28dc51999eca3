/* virtio-mmio transport (virtio 1.x, 4.2.2, modern only) and the devices
 * on it.  Devices sit at VIRTIO_MMIO_BASE + n * 4 KiB with IRQ
 * virtio_mmio_irqs[n]; each is announced on the kernel command line as
 * "virtio_mmio.device=4K@0xADDR:IRQ", in order (see README.md). */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>

#include "virtq.h"
#include "vm.h"

#define VIRTIO_MMIO_BASE 0xd0000000ULL
#define VIRTIO_MMIO_SIZE 0x1000
#define VIRTIO_MMIO_MAX_QUEUES 2
#define VIRTIO_FS_POLL_EVENTS (POLLIN | POLLRDHUP)

#define VIRTIO_F_VERSION_1 (1ULL << 32)

#define VIRTIO_STATUS_ACK 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

struct virtio_mmio;

struct virtio_dev_ops {
	uint32_t device_id;
	/* Process what the driver made available on queue Q; NULL for a
	 * device whose notifications go to a backend (KVM ioeventfd). */
	void (*notify)(struct virtio_mmio *m, unsigned int q);
	/* Optional: the driver set DRIVER_OK; NULL, or why the device needs reset. */
	const char *(*driver_ok)(struct virtio_mmio *m);
	/* Optional: the driver is resetting the device (status 0). */
	void (*reset)(struct virtio_mmio *m);
};

struct virtio_mmio {
	const struct virtio_dev_ops *ops;
	void *dev;
	uint64_t base;
	unsigned int irq;
	uint64_t features;		/* offered */
	uint64_t driver_features;
	uint32_t status, dev_feat_sel, drv_feat_sel, queue_sel, int_status;
	uint32_t int_status_fixed;	/* InterruptStatus bits that always read as set */
	unsigned int nqueues;
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
	const uint8_t *config;		/* device config space, read-only to the driver */
	uint32_t config_len;
	bool broken_logged;
};

/* Place M at the next free slot, register it on the bus and append its
 * virtio_mmio.device= entry to CMDLINE (of CMDLINE_SIZE bytes); -errno. */
int virtio_mmio__init(struct virtio_mmio *m, char *cmdline, size_t cmdline_size);

/* Used buffers were returned: raise the used-buffer interrupt. */
void virtio_mmio__signal_used(struct virtio_mmio *m);

/* The driver broke the protocol: set DEVICE_NEEDS_RESET, raise a config
 * interrupt, log WHY once per device.  Queues stay stopped until reset. */
void virtio_mmio__needs_reset(struct virtio_mmio *m, const char *why);

/* The MMIO register handler, for the bus (and the fuzz target). */
void virtio_mmio__io(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write);

/* How many devices are placed, and where device N is (for ACPI). */
unsigned int virtio_mmio__count(void);
void virtio_mmio__slot(unsigned int n, uint64_t *base, unsigned int *irq);

/* virtio-blk on DISK; -errno (the path is the caller's to name). */
int virtio_blk__init(const struct disk_cfg *disk, char *cmdline, size_t cmdline_size);

/* virtio-fs for SHARE, its queues served by the vhost-user backend on the
 * inherited socket; -errno, the failure recorded (vmm.h error__*). */
int virtio_fs__init(const struct fs_cfg *share, char *cmdline, size_t cmdline_size);

/* The main loop watches each share's backend: how many there are, the fd
 * to poll for share I (with VIRTIO_FS_POLL_EVENTS), and what to do when it
 * reports something (a backend gone or talking out of turn ends the VM). */
unsigned int virtio_fs__count(void);
int virtio_fs__watch_fd(unsigned int i);
void virtio_fs__watch_event(unsigned int i);

/* virtio-net on the backend NET->fd (vm.h); -errno, the failure recorded. */
int virtio_net__init(const struct net_cfg *net, char *cmdline, size_t cmdline_size);

/* The main loop watches the network backend: fills P[0] (the backend's fd,
 * with what the device waits for) and P[1] (its wake-up eventfd) and
 * returns 2, or 0 without a network device; then, when either reported
 * something, virtio_net__watch_event moves frames (P as poll left it). */
unsigned int virtio_net__watch(struct pollfd *p);
void virtio_net__watch_event(const struct pollfd *p);

#endif
