/* Split virtqueues (virtio 1.x, 2.7), as a device sees them.  Every ring
 * and buffer access goes through guest_mem__slice; chains are bounded by the
 * queue size and VIRTQ_MAX_CHAIN_BYTES; indirect descriptors and event
 * indices are not offered, so their use is an error. */
#ifndef VMM_VIRTQ_H
#define VMM_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define VIRTQ_MAX_SIZE 256
#define VIRTQ_MAX_CHAIN_BYTES (16u << 20)

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc ABI");

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4

struct virtq {
	uint16_t num;		/* queue size the driver chose */
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t last_avail;	/* next avail ring slot the device reads */
	uint16_t used_idx;	/* next used ring slot the device writes */
};

/* One buffer of a chain, already checked to lie inside guest RAM. */
struct virtq_seg {
	uint8_t *p;
	uint32_t len;
	bool write;
};

struct virtq_chain {
	uint16_t head;
	unsigned int nseg;
	uint64_t out_bytes, in_bytes;	/* device-readable, device-writable */
	struct virtq_seg seg[VIRTQ_MAX_SIZE];
};

/* Check a queue the driver wants to enable: size a power of two up to
 * VIRTQ_MAX_SIZE, rings aligned and inside RAM.  NULL or what is wrong. */
const char *virtq__check(const struct virtq *vq);

/* Take the next available chain: 1 with C filled in, 0 if none, or -1 with
 * *WHY set when the ring or the chain is malformed. */
int virtq__pop(struct virtq *vq, struct virtq_chain *c, const char **why);

/* Return chain HEAD with LEN bytes written; -1 with *WHY on failure. */
int virtq__push(struct virtq *vq, uint16_t head, uint32_t len, const char **why);

/* Gather up to MAX bytes starting SKIP bytes into the chain's readable
 * (WRITE false) or writable part into IOV; returns the byte count. */
uint64_t virtq__chain_iov(const struct virtq_chain *c, bool write, uint64_t skip, uint64_t max,
			 struct iovec *iov, int *niov);

/* Copy LEN bytes between BUF and the chain's readable part (TO_CHAIN
 * false) or writable part (TO_CHAIN true), from offset SKIP in that part;
 * -1 (nothing copied) if that part is shorter than SKIP + LEN. */
int virtq__chain_copy(const struct virtq_chain *c, bool to_chain, uint64_t skip, uint8_t *buf,
		      uint64_t len);

#endif
