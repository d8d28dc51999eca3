/* virtio-blk internals shared with the fuzz target (tests/fuzz). */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio.h"

struct blk_disk {
	int fd;
	bool ro;
	uint64_t sectors;	/* of 512 bytes */
	char id[20];		/* VIRTIO_BLK_ID_BYTES: the file's name, not NUL-terminated if 20 */
};

struct virtio_blk {
	struct virtio_mmio mmio;
	struct blk_disk disk;
	uint8_t config[64];	/* struct virtio_blk_config; only capacity is set */
};

int blk_disk__open(struct blk_disk *d, const struct disk_cfg *cfg);

/* Serve one request chain; 0 with *WRITTEN bytes written into the chain
 * (status included), -1 with *WHY if it is malformed. */
int virtio_blk__request(const struct blk_disk *d, const struct virtq_chain *c, uint32_t *written,
			const char **why);

#endif
