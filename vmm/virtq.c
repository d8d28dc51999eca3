/* Split-ring virtqueue, device side.  Guest values (indices, addresses,
 * lengths) are never used as pointers: every element is reached through
 * guest_mem__slice(ring gpa + checked offset), and descriptors are copied
 * out once before use so the guest cannot change them under us. */
#include <string.h>
#include <sys/uio.h>

#include "guest_mem.h"
#include "virtq.h"

static uint16_t *virtq__ring_u16(uint64_t gpa)
{
	return guest_mem__slice(gpa, sizeof(uint16_t));
}

const char *virtq__check(const struct virtq *vq)
{
	uint64_t n = vq->num;

	if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return "queue size not a power of two in 1..256";
	if (vq->desc_gpa % 16 || vq->avail_gpa % 2 || vq->used_gpa % 4)
		return "misaligned ring";
	if (!guest_mem__slice(vq->desc_gpa, 16 * n) || !guest_mem__slice(vq->avail_gpa, 6 + 2 * n) ||
	    !guest_mem__slice(vq->used_gpa, 6 + 8 * n))
		return "ring outside guest RAM";
	return NULL;
}

static int virtq__read_desc(const struct virtq *vq, uint16_t i, struct virtq_desc *d)
{
	const void *p = guest_mem__slice(vq->desc_gpa + 16ULL * i, sizeof(*d));

	if (i >= vq->num || !p)
		return -1;
	memcpy(d, p, sizeof(*d));
	return 0;
}

static int virtq__walk(const struct virtq *vq, uint16_t head, struct virtq_chain *c,
		       const char **why)
{
	unsigned int steps = 0;
	uint16_t i = head;
	struct virtq_desc d;

	c->head = head;
	c->nseg = 0;
	c->out_bytes = c->in_bytes = 0;
	for (;;) {
		if (steps++ == vq->num) {
			*why = "descriptor chain loops or is longer than the queue";
			return -1;
		}
		if (virtq__read_desc(vq, i, &d) < 0) {
			*why = "descriptor index out of range";
			return -1;
		}
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			*why = "indirect descriptor (not negotiated)";
			return -1;
		}
		if (d.len) {
			struct virtq_seg *s = &c->seg[c->nseg];

			s->p = guest_mem__slice(d.addr, d.len);
			if (!s->p) {
				*why = "buffer outside guest RAM";
				return -1;
			}
			s->len = d.len;
			s->write = d.flags & VIRTQ_DESC_F_WRITE;
			if (!s->write && c->in_bytes) {
				*why = "device-readable buffer after a writable one";
				return -1;
			}
			*(s->write ? &c->in_bytes : &c->out_bytes) += d.len;
			if (c->in_bytes + c->out_bytes > VIRTQ_MAX_CHAIN_BYTES) {
				*why = "descriptor chain longer than 16 MiB";
				return -1;
			}
			c->nseg++;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int virtq__pop(struct virtq *vq, struct virtq_chain *c, const char **why)
{
	uint16_t *avail_idx = virtq__ring_u16(vq->avail_gpa + 2), *slot;
	uint16_t idx, head;

	if (!avail_idx) {
		*why = "avail ring outside guest RAM";
		return -1;
	}
	idx = __atomic_load_n(avail_idx, __ATOMIC_ACQUIRE);
	if (idx == vq->last_avail)
		return 0;
	if ((uint16_t)(idx - vq->last_avail) > vq->num) {
		*why = "avail index ran ahead by more than the queue size";
		return -1;
	}
	slot = virtq__ring_u16(vq->avail_gpa + 4 + 2ULL * (vq->last_avail % vq->num));
	if (!slot) {
		*why = "avail ring outside guest RAM";
		return -1;
	}
	head = __atomic_load_n(slot, __ATOMIC_RELAXED);
	if (virtq__walk(vq, head, c, why) < 0)
		return -1;
	vq->last_avail++;
	return 1;
}

int virtq__push(struct virtq *vq, uint16_t head, uint32_t len, const char **why)
{
	uint32_t elem[2] = { head, len };
	void *slot = guest_mem__slice(vq->used_gpa + 4 + 8ULL * (vq->used_idx % vq->num), sizeof(elem));
	uint16_t *used_idx = virtq__ring_u16(vq->used_gpa + 2);

	if (!slot || !used_idx) {
		*why = "used ring outside guest RAM";
		return -1;
	}
	memcpy(slot, elem, sizeof(elem));
	vq->used_idx++;
	__atomic_store_n(used_idx, vq->used_idx, __ATOMIC_RELEASE);
	return 0;
}

uint64_t virtq__chain_iov(const struct virtq_chain *c, bool write, uint64_t skip, uint64_t max,
			 struct iovec *iov, int *niov)
{
	uint64_t total = 0;
	unsigned int i;

	*niov = 0;
	for (i = 0; i < c->nseg && total < max; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t len = s->len, take;

		if (s->write != write)
			continue;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		take = len - skip < max - total ? len - skip : max - total;
		iov[(*niov)++] = (struct iovec){ s->p + skip, take };
		total += take;
		skip = 0;
	}
	return total;
}

int virtq__chain_copy(const struct virtq_chain *c, bool to_chain, uint64_t skip, uint8_t *buf,
		      uint64_t len)
{
	struct iovec iov[VIRTQ_MAX_SIZE];
	int i, n;

	if (virtq__chain_iov(c, to_chain, skip, len, iov, &n) != len)
		return -1;
	for (i = 0; i < n; buf += iov[i].iov_len, i++)
		if (to_chain)
			memcpy(iov[i].iov_base, buf, iov[i].iov_len);
		else
			memcpy(buf, iov[i].iov_base, iov[i].iov_len);
	return 0;
}
