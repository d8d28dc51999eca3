/* virtio-blk: disk 0 (read-write) and disk 1 (read-only), both filled by
 * the host with 16-byte lines "SBX sector NNNN\n".  Reads and checks the
 * pattern, writes sector 5 ("SBX wrote  0005\n") and reads it back,
 * flushes, gets the id, reads past the end, and tries to write the
 * read-only disk.  The host then checks the bytes on both disks. */
#include "lib/virtio.h"

#define QSIZE VQ8
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8 };

static struct vq8 queues[2];

static struct { uint32_t type, ioprio; uint64_t sector; } hdr;
static uint8_t status;
static uint8_t buf[4 * 512];

static int blk_req(const struct vdev *d, int n, uint32_t type, uint64_t sector, void *data,
		   uint32_t len)
{
	struct vq8 *q = &queues[n];
	uint16_t seen = q->used.idx;
	uint32_t spins;

	hdr.type = type;
	hdr.ioprio = 0;
	hdr.sector = sector;
	status = 0xff;
	q->desc[0] = (struct vq_desc){ (uint64_t)&hdr, sizeof(hdr), VQ_NEXT, 1 };
	q->desc[1] = (struct vq_desc){ (uint64_t)data, len, (uint16_t)(VQ_NEXT | (type == T_OUT ? 0 : VQ_WRITE)), 2 };
	q->desc[2] = (struct vq_desc){ (uint64_t)&status, 1, VQ_WRITE, 0 };
	if (!len)
		q->desc[0].next = 2;
	q->avail.ring[q->avail.idx % QSIZE] = 0;
	barrier();
	q->avail.idx++;
	barrier();
	virtio_write(d, VIRTIO_REG_NOTIFY, 0);
	for (spins = 0; *(volatile uint16_t *)&q->used.idx == seen; spins++)
		if (spins == 1000000)
			return -1;
	virtio_write(d, VIRTIO_REG_INT_ACK, virtio_read(d, VIRTIO_REG_INT_STATUS));
	return status;
}

static void fill_line(char *l, const char *word, uint64_t sector)
{
	memcpy(l, "SBX ", 4);
	memcpy(l + 4, word, 7);
	l[11] = (char)('0' + sector / 1000 % 10);
	l[12] = (char)('0' + sector / 100 % 10);
	l[13] = (char)('0' + sector / 10 % 10);
	l[14] = (char)('0' + sector % 10);
	l[15] = '\n';
}

static int check_pattern(const uint8_t *p, uint64_t first, uint32_t sectors)
{
	char line[16];
	uint32_t s, i;

	for (s = 0; s < sectors; s++) {
		fill_line(line, "sector ", first + s);
		for (i = 0; i < 512; i += 16)
			if (memcmp(p + s * 512 + i, line, 16))
				return -1;
	}
	return 0;
}

static __attribute__((noreturn)) void fail(const char *what, int st)
{
	gprintf("blk: FAIL %s (status %d)\n", what, st);
	poweroff(3);
}

static uint64_t setup_disk(const char *cmdline, int n, struct vdev *d)
{
	uint64_t f, cap;

	if (virtio_find(cmdline, n, d))
		fail("virtio_mmio.device= entry missing", -1);
	f = virtio_init(d, 2, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH);
	if (!f)
		fail("device init", -1);
	if (!virtio_queue(d, 0, QSIZE, (uint64_t)queues[n].desc, (uint64_t)&queues[n].avail,
			  (uint64_t)&queues[n].used))
		fail("queue refused", -1);
	virtio_driver_ok(d);
	cap = virtio_read(d, VIRTIO_REG_CONFIG) | (uint64_t)virtio_read(d, VIRTIO_REG_CONFIG + 4) << 32;
	gprintf("blk: disk%d at 0x%lx irq %u, capacity %lu sectors, ro %d, flush %d\n", n, d->base,
		d->irq, cap, !!(f & VIRTIO_BLK_F_RO), !!(f & VIRTIO_BLK_F_FLUSH));
	return cap;
}

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;
	struct vdev d0, d1;
	uint64_t cap0 = setup_disk(cmdline, 0, &d0);
	char id[21];
	uint32_t i;
	int st;

	setup_disk(cmdline, 1, &d1);

	if ((st = blk_req(&d0, 0, T_IN, 0, buf, 4 * 512)) || check_pattern(buf, 0, 4))
		fail("disk0 read sectors 0-3", st);
	puts("blk: disk0 read sectors 0-3: pattern ok\n");

	for (i = 0; i < 512; i += 16)
		fill_line((char *)buf + i, "wrote  ", 5);
	if ((st = blk_req(&d0, 0, T_OUT, 5, buf, 512)))
		fail("disk0 write sector 5", st);
	memset(buf, 0, 512);
	if ((st = blk_req(&d0, 0, T_IN, 5, buf, 512)) || memcmp(buf, "SBX wrote  0005\n", 16) ||
	    memcmp(buf + 496, "SBX wrote  0005\n", 16))
		fail("disk0 read back sector 5", st);
	puts("blk: disk0 wrote sector 5, read back ok\n");

	if ((st = blk_req(&d0, 0, T_FLUSH, 0, buf, 0)))
		fail("disk0 flush", st);
	puts("blk: disk0 flush ok\n");

	memset(id, 0, sizeof(id));
	if ((st = blk_req(&d0, 0, T_GET_ID, 0, id, 20)))
		fail("disk0 get id", st);
	gprintf("blk: disk0 id \"%s\"\n", id);

	st = blk_req(&d0, 0, T_IN, cap0, buf, 512);
	gprintf("blk: disk0 read past the end: status %d\n", st);

	if ((st = blk_req(&d1, 1, T_IN, 7, buf, 512)) || check_pattern(buf, 7, 1))
		fail("disk1 read sector 7", st);
	puts("blk: disk1 read sector 7: pattern ok\n");
	for (i = 0; i < 512; i += 16)
		fill_line((char *)buf + i, "wrote  ", 0);
	st = blk_req(&d1, 1, T_OUT, 0, buf, 512);
	gprintf("blk: disk1 write to read-only disk: status %d\n", st);
	puts("blk: done\n");
	poweroff(0);
}
