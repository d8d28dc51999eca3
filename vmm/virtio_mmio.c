/* virtio-mmio register interface, version 2 (modern).  Registers are
 * 32-bit and aligned; the config space is read-only.  Interrupts are edge
 * pulses on an IOAPIC/PIC line, status in InterruptStatus. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "guest_mem.h"
#include "kvm.h"
#include "virtio.h"

enum {
	REG_MAGIC = 0x000, REG_VERSION = 0x004, REG_DEVICE_ID = 0x008, REG_VENDOR_ID = 0x00c,
	REG_DEV_FEATURES = 0x010, REG_DEV_FEATURES_SEL = 0x014,
	REG_DRV_FEATURES = 0x020, REG_DRV_FEATURES_SEL = 0x024,
	REG_QUEUE_SEL = 0x030, REG_QUEUE_NUM_MAX = 0x034, REG_QUEUE_NUM = 0x038,
	REG_QUEUE_READY = 0x044, REG_QUEUE_NOTIFY = 0x050,
	REG_INT_STATUS = 0x060, REG_INT_ACK = 0x064, REG_STATUS = 0x070,
	REG_QUEUE_DESC_LO = 0x080, REG_QUEUE_DESC_HI = 0x084,
	REG_QUEUE_DRIVER_LO = 0x090, REG_QUEUE_DRIVER_HI = 0x094,
	REG_QUEUE_DEVICE_LO = 0x0a0, REG_QUEUE_DEVICE_HI = 0x0a4,
	REG_CONFIG_GEN = 0x0fc, REG_CONFIG = 0x100,
};

#define VIRTIO_MMIO_MAGIC 0x74726976	/* "virt" */
#define VIRTIO_VENDOR 0x53425844	/* "SBXD" */
#define INT_USED 1
#define INT_CONFIG 2

static const unsigned int virtio_mmio_irqs[] = { 5, 6, 7, 9, 10, 11, 12, 14 };
static unsigned int ndevices;

unsigned int virtio_mmio__count(void)
{
	return ndevices;
}

void virtio_mmio__slot(unsigned int n, uint64_t *base, unsigned int *irq)
{
	*base = VIRTIO_MMIO_BASE + (uint64_t)n * VIRTIO_MMIO_SIZE;
	*irq = virtio_mmio_irqs[n];
}

static void virtio_mmio__reset(struct virtio_mmio *m)
{
	m->status = m->dev_feat_sel = m->drv_feat_sel = m->queue_sel = m->int_status = 0;
	m->driver_features = 0;
	memset(m->vq, 0, sizeof(m->vq));
}

void virtio_mmio__signal_used(struct virtio_mmio *m)
{
	m->int_status |= INT_USED;
	kvm__irq_pulse(m->irq);
}

void virtio_mmio__needs_reset(struct virtio_mmio *m, const char *why)
{
	if (!m->broken_logged) {
		warnx("virtio-mmio@0x%llx: %s: device needs reset", (unsigned long long)m->base, why);
		m->broken_logged = true;
	}
	m->status |= VIRTIO_STATUS_NEEDS_RESET;
	m->int_status |= INT_CONFIG;
	kvm__irq_pulse(m->irq);
}

static struct virtq *virtio_mmio__cur_vq(struct virtio_mmio *m)
{
	return m->queue_sel < m->nqueues ? &m->vq[m->queue_sel] : NULL;
}

static uint32_t virtio_mmio__read(struct virtio_mmio *m, uint64_t off)
{
	struct virtq *vq = virtio_mmio__cur_vq(m);

	switch (off) {
	case REG_MAGIC: return VIRTIO_MMIO_MAGIC;
	case REG_VERSION: return 2;
	case REG_DEVICE_ID: return m->ops->device_id;
	case REG_VENDOR_ID: return VIRTIO_VENDOR;
	case REG_DEV_FEATURES:
		return m->dev_feat_sel > 1 ? 0 : (uint32_t)(m->features >> (32 * m->dev_feat_sel));
	case REG_QUEUE_NUM_MAX: return vq ? VIRTQ_MAX_SIZE : 0;
	case REG_QUEUE_READY: return vq && vq->ready;
	case REG_INT_STATUS: return m->int_status | m->int_status_fixed;
	case REG_STATUS: return m->status;
	case REG_CONFIG_GEN: return 0;
	default: return 0;
	}
}

static void virtio_mmio__set_status(struct virtio_mmio *m, uint32_t v)
{
	bool start;

	if (v == 0) {
		if (m->ops->reset)
			m->ops->reset(m);
		virtio_mmio__reset(m);
		return;
	}
	/* FEATURES_OK only for a subset of the offer that includes VERSION_1. */
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(m->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((m->driver_features & ~m->features) || !(m->driver_features & VIRTIO_F_VERSION_1)))
		v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
	start = (v & VIRTIO_STATUS_DRIVER_OK) && !(m->status & VIRTIO_STATUS_DRIVER_OK);
	m->status = (v & 0xff) | (m->status & VIRTIO_STATUS_NEEDS_RESET);
	if (start && m->ops->driver_ok && !(m->status & VIRTIO_STATUS_NEEDS_RESET)) {
		const char *why = m->ops->driver_ok(m);

		if (why)
			virtio_mmio__needs_reset(m, why);
	}
}

static void virtio_mmio__set_addr(struct virtq *vq, uint64_t *gpa, int high, uint32_t v)
{
	if (!vq || vq->ready)
		return;
	*gpa = high ? (*gpa & 0xffffffffULL) | (uint64_t)v << 32 : (*gpa & ~0xffffffffULL) | v;
}

static void virtio_mmio__queue_ready(struct virtio_mmio *m, struct virtq *vq, uint32_t v)
{
	const char *why;

	if (!vq)
		return;
	if (!v) {
		vq->ready = false;
		return;
	}
	why = virtq__check(vq);
	if (why) {
		virtio_mmio__needs_reset(m, why);
		return;
	}
	vq->last_avail = vq->used_idx = 0;
	vq->ready = true;
}

static void virtio_mmio__notify(struct virtio_mmio *m, uint32_t q)
{
	if (!m->ops->notify || q >= m->nqueues || !m->vq[q].ready || !(m->status & VIRTIO_STATUS_DRIVER_OK) ||
	    (m->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	m->ops->notify(m, q);
}

static void virtio_mmio__write(struct virtio_mmio *m, uint64_t off, uint32_t v)
{
	struct virtq *vq = virtio_mmio__cur_vq(m);

	switch (off) {
	case REG_DEV_FEATURES_SEL: m->dev_feat_sel = v; break;
	case REG_DRV_FEATURES:
		if (m->drv_feat_sel < 2 && !(m->status & VIRTIO_STATUS_FEATURES_OK)) {
			unsigned int sh = 32 * m->drv_feat_sel;

			m->driver_features = (m->driver_features & ~(0xffffffffULL << sh)) |
					     (uint64_t)v << sh;
		}
		break;
	case REG_DRV_FEATURES_SEL: m->drv_feat_sel = v; break;
	case REG_QUEUE_SEL: m->queue_sel = v; break;
	case REG_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = v > 0xffff ? 0 : (uint16_t)v;	/* checked at QueueReady */
		break;
	case REG_QUEUE_READY: virtio_mmio__queue_ready(m, vq, v); break;
	case REG_QUEUE_NOTIFY: virtio_mmio__notify(m, v); break;
	case REG_INT_ACK: m->int_status &= ~v; break;
	case REG_STATUS: virtio_mmio__set_status(m, v); break;
	case REG_QUEUE_DESC_LO: case REG_QUEUE_DESC_HI:
		virtio_mmio__set_addr(vq, vq ? &vq->desc_gpa : NULL, off == REG_QUEUE_DESC_HI, v);
		break;
	case REG_QUEUE_DRIVER_LO: case REG_QUEUE_DRIVER_HI:
		virtio_mmio__set_addr(vq, vq ? &vq->avail_gpa : NULL, off == REG_QUEUE_DRIVER_HI, v);
		break;
	case REG_QUEUE_DEVICE_LO: case REG_QUEUE_DEVICE_HI:
		virtio_mmio__set_addr(vq, vq ? &vq->used_gpa : NULL, off == REG_QUEUE_DEVICE_HI, v);
		break;
	default: break;
	}
}

void virtio_mmio__io(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	struct virtio_mmio *m = dev;
	uint32_t v;

	if (off >= REG_CONFIG) {
		off -= REG_CONFIG;
		if (is_write)
			return;
		memset(data, 0, len);
		if (off < m->config_len && len <= m->config_len - off)
			memcpy(data, m->config + off, len);
		return;
	}
	if (len != 4 || off % 4) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (is_write) {
		memcpy(&v, data, 4);
		virtio_mmio__write(m, off, v);
	} else {
		v = virtio_mmio__read(m, off);
		memcpy(data, &v, 4);
	}
}

int virtio_mmio__init(struct virtio_mmio *m, char *cmdline, size_t cmdline_size)
{
	size_t used = strlen(cmdline);
	int err, n;

	if (ndevices == sizeof(virtio_mmio_irqs) / sizeof(virtio_mmio_irqs[0]))
		return -ENOSPC;
	virtio_mmio__slot(ndevices, &m->base, &m->irq);
	n = snprintf(cmdline + used, cmdline_size - used, "%svirtio_mmio.device=4K@0x%llx:%u",
		     used ? " " : "", (unsigned long long)m->base, m->irq);
	if (n < 0 || (size_t)n >= cmdline_size - used)
		return -E2BIG;
	err = bus__register(BUS_MMIO, m->base, VIRTIO_MMIO_SIZE, virtio_mmio__io, m);
	if (err < 0)
		return err;
	virtio_mmio__reset(m);
	ndevices++;
	return 0;
}
