#include "virtio.h"

int virtio_find(const char *cmdline, int n, struct vdev *d)
{
	const char *p = cmdline;

	while ((p = cmdline_find(p, "virtio_mmio.device"))) {
		if (n-- == 0) {
			while (*p && *p != '@')
				p++;
			if (*p != '@')
				return -1;
			d->base = parse_num(p + 1);
			while (*p && *p != ':')
				p++;
			d->irq = *p ? (uint32_t)parse_num(p + 1) : 0;
			return 0;
		}
	}
	return -1;
}

uint64_t virtio_init(const struct vdev *d, uint32_t device_id, uint64_t want)
{
	uint64_t offered, accept;

	if (virtio_read(d, 0) != 0x74726976 || virtio_read(d, 4) != 2 ||
	    virtio_read(d, 8) != device_id) {
		gprintf("virtio: no modern device %u at 0x%lx\n", device_id, d->base);
		return 0;
	}
	virtio_write(d, VIRTIO_REG_STATUS, 0);
	virtio_write(d, VIRTIO_REG_STATUS, 1);
	virtio_write(d, VIRTIO_REG_STATUS, 1 | 2);
	virtio_write(d, 0x014, 0);
	offered = virtio_read(d, 0x010);
	virtio_write(d, 0x014, 1);
	offered |= (uint64_t)virtio_read(d, 0x010) << 32;
	accept = offered & (want | VIRTIO_F_VERSION_1);
	virtio_write(d, 0x024, 0);
	virtio_write(d, 0x020, (uint32_t)accept);
	virtio_write(d, 0x024, 1);
	virtio_write(d, 0x020, (uint32_t)(accept >> 32));
	virtio_write(d, VIRTIO_REG_STATUS, 1 | 2 | 8);
	if (!(virtio_read(d, VIRTIO_REG_STATUS) & 8)) {
		puts("virtio: FEATURES_OK refused\n");
		return 0;
	}
	return accept;
}

uint32_t virtio_queue(const struct vdev *d, uint32_t q, uint32_t num, uint64_t desc,
		      uint64_t avail, uint64_t used)
{
	virtio_write(d, 0x030, q);
	virtio_write(d, 0x038, num);
	virtio_write(d, 0x080, (uint32_t)desc);
	virtio_write(d, 0x084, (uint32_t)(desc >> 32));
	virtio_write(d, 0x090, (uint32_t)avail);
	virtio_write(d, 0x094, (uint32_t)(avail >> 32));
	virtio_write(d, 0x0a0, (uint32_t)used);
	virtio_write(d, 0x0a4, (uint32_t)(used >> 32));
	virtio_write(d, VIRTIO_REG_QUEUE_READY, 1);
	return virtio_read(d, VIRTIO_REG_QUEUE_READY);
}

void virtio_driver_ok(const struct vdev *d)
{
	virtio_write(d, VIRTIO_REG_STATUS, 1 | 2 | 8 | 4);
}
