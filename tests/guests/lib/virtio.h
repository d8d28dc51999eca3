/* A minimal virtio-mmio (version 2) driver for the test guests: find
 * devices on the command line, negotiate, set up split queues wherever the
 * caller puts them (the hostile guests put them in bad places). */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "guest.h"

struct vdev {
	uint64_t base;
	uint32_t irq;
};

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define VQ_NEXT 1
#define VQ_WRITE 2
#define VQ_INDIRECT 4

struct vq_avail {
	uint16_t flags, idx, ring[];
};

struct vq_used_elem {
	uint32_t id, len;
};

struct vq_used {
	uint16_t flags, idx;
	struct vq_used_elem ring[];
};

/* A split queue of 8 entries with its rings in one place, as the guests
 * that drive a device well lay it out (one per queue, 4 KiB aligned). */
#define VQ8 8
struct vq8 {
	struct vq_desc desc[VQ8] __attribute__((aligned(16)));
	struct { uint16_t flags, idx, ring[VQ8], event; } avail __attribute__((aligned(2)));
	struct { uint16_t flags, idx; struct vq_used_elem ring[VQ8]; uint16_t event; } used
		__attribute__((aligned(4)));
} __attribute__((aligned(4096)));

#define VIRTIO_REG_STATUS 0x070
#define VIRTIO_REG_NOTIFY 0x050
#define VIRTIO_REG_INT_STATUS 0x060
#define VIRTIO_REG_INT_ACK 0x064
#define VIRTIO_REG_QUEUE_READY 0x044
#define VIRTIO_REG_CONFIG 0x100
#define VIRTIO_STATUS_NEEDS_RESET 0x40

/* The Nth (from 0) "virtio_mmio.device=SIZE@ADDR:IRQ" of CMDLINE; 0 if found. */
int virtio_find(const char *cmdline, int n, struct vdev *d);

/* Reset, ACK, DRIVER, check magic/version/DEVICE_ID, accept WANT & offered
 * (plus VERSION_1), FEATURES_OK.  Returns the negotiated features, or 0
 * (with a message) on failure. */
uint64_t virtio_init(const struct vdev *d, uint32_t device_id, uint64_t want);

/* Queue Q of size NUM with its rings at the given guest addresses; then
 * QueueReady = 1.  Returns QueueReady as read back. */
uint32_t virtio_queue(const struct vdev *d, uint32_t q, uint32_t num, uint64_t desc,
		      uint64_t avail, uint64_t used);

void virtio_driver_ok(const struct vdev *d);

static inline uint32_t virtio_read(const struct vdev *d, uint32_t reg) { return mmio_read32(d->base + reg); }
static inline void virtio_write(const struct vdev *d, uint32_t reg, uint32_t v) { mmio_write32(d->base + reg, v); }

#define VIRTIO_F_VERSION_1 (1ULL << 32)

#endif
