/* Hostile guest family: case=NAME on the command line picks one way to
 * break the virtio-blk device on disk 0 — rings and buffers past the end of
 * RAM or wrapping around, next loops, out-of-range indices, avail index
 * jumps, over-long chains, misaligned rings.  Cases named fs-* break the
 * virtio-fs device (device 0, its rings a vhost-user backend's) instead:
 * its request queue outside RAM, wrapping, of a bad size, garbage in its
 * registers; recovery there is a FUSE_INIT the backend answers.  Cases
 * named net-* break the virtio-net device (device 0, on a stream socket):
 * its transmit queue (1), or its receive queue (0) when the host has sent
 * a frame; recovery there is a frame transmitted.  The VMM must stay up: the
 * guest prints what the device did ("needs reset" or "queue refused"),
 * resets it, proves it still serves a good read, and powers off.  A VMM
 * that touched memory outside RAM would crash (or ASan would stop it). */
#include "lib/virtio.h"

#define T_IN 0
#define QMAX 256

static uint8_t qmem[65536] __attribute__((aligned(4096)));
static uint8_t buf[2 * 1024 * 1024] __attribute__((aligned(4096)));
static struct { uint32_t type, ioprio; uint64_t sector; } hdr;
static uint8_t status;
static struct vdev dev;
static uint64_t ram_end;
static uint32_t dev_id = 2;	/* virtio-blk; 26 (virtio-fs) for the fs-* cases, 1 for net-* */
static uint32_t case_q;		/* the queue a case breaks: blk 0, fs 1, net 1 (transmit) or 0 */
static struct vq_desc fs_hiprio[8] __attribute__((aligned(4096)));
static uint8_t fs_hiprio_rings[4096] __attribute__((aligned(4096)));

#define DESC ((struct vq_desc *)qmem)
#define AVAIL ((struct vq_avail *)(qmem + 16 * QMAX))
#define USED ((struct vq_used *)(qmem + 32768))

static uint32_t setup(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	uint32_t ready;

	memset(qmem, 0, sizeof(qmem));
	if (!virtio_init(&dev, dev_id, 0)) {
		puts("hostile: FAIL device init\n");
		poweroff(3);
	}
	/* virtio-fs and virtio-net: the device's other queue is a good one
	 * (fs: hiprio; net: transmit or receive, without buffers) */
	memset(fs_hiprio_rings, 0, sizeof(fs_hiprio_rings));
	if (dev_id != 2 && !virtio_queue(&dev, 1 - case_q, 8, (uint64_t)fs_hiprio,
					 (uint64_t)fs_hiprio_rings, (uint64_t)fs_hiprio_rings + 2048)) {
		puts("hostile: FAIL the other queue refused\n");
		poweroff(3);
	}
	ready = virtio_queue(&dev, case_q, num, desc, avail, used);
	virtio_driver_ok(&dev);
	return ready;
}

static uint32_t good_queue(uint32_t num)
{
	return setup(num, (uint64_t)DESC, (uint64_t)AVAIL, (uint64_t)USED);
}

static void chain3(uint64_t data, uint32_t len)
{
	hdr = (typeof(hdr)){ T_IN, 0, 0 };
	DESC[0] = (struct vq_desc){ (uint64_t)&hdr, sizeof(hdr), VQ_NEXT, 1 };
	DESC[1] = (struct vq_desc){ data, len, VQ_NEXT | VQ_WRITE, 2 };
	DESC[2] = (struct vq_desc){ (uint64_t)&status, 1, VQ_WRITE, 0 };
}

static void submit(uint16_t head, uint16_t new_idx)
{
	AVAIL->ring[AVAIL->idx % 8] = head;
	barrier();
	AVAIL->idx = new_idx;
	barrier();
	virtio_write(&dev, VIRTIO_REG_NOTIFY, case_q);
}

static void c_desc_past_ram(void) { good_queue(8); chain3(ram_end - 256, 512); submit(0, 1); }
static void c_desc_wrap(void) { good_queue(8); chain3(0xfffffffffffff000ULL, 0x2000); submit(0, 1); }
static void c_len_past_ram(void) { good_queue(8); chain3((uint64_t)buf, 0xfffffe00); submit(0, 1); }
static void c_desc_gpa_mmio(void) { good_queue(8); chain3(0xd0000000ULL, 512); submit(0, 1); }

static void c_next_loop(void)
{
	good_queue(8);
	chain3((uint64_t)buf, 512);
	DESC[2].flags |= VQ_NEXT;
	DESC[2].next = 1;	/* 0 -> 1 -> 2 -> 1 -> ... */
	submit(0, 1);
}

static void c_self_loop(void) { good_queue(8); chain3((uint64_t)buf, 512); DESC[0].next = 0; submit(0, 1); }
static void c_next_out_of_range(void) { good_queue(8); chain3((uint64_t)buf, 512); DESC[1].next = 300; submit(0, 1); }
static void c_head_out_of_range(void) { good_queue(8); chain3((uint64_t)buf, 512); submit(200, 1); }
static void c_avail_jump(void) { good_queue(8); chain3((uint64_t)buf, 512); submit(0, 1000); }

static void c_huge_chain(void)
{
	uint16_t i;

	good_queue(32);
	hdr = (typeof(hdr)){ T_IN, 0, 0 };
	DESC[0] = (struct vq_desc){ (uint64_t)&hdr, sizeof(hdr), VQ_NEXT, 1 };
	for (i = 1; i < 20; i++)	/* 19 x 1 MiB, all the same buffer */
		DESC[i] = (struct vq_desc){ (uint64_t)buf, 1 << 20, VQ_NEXT | VQ_WRITE, (uint16_t)(i + 1) };
	DESC[20] = (struct vq_desc){ (uint64_t)&status, 1, VQ_WRITE, 0 };
	submit(0, 1);
}

static void c_indirect(void) { good_queue(8); chain3((uint64_t)buf, 512); DESC[1].flags |= VQ_INDIRECT; submit(0, 1); }

static void c_no_status(void)
{
	good_queue(8);
	hdr = (typeof(hdr)){ T_IN, 0, 0 };
	DESC[0] = (struct vq_desc){ (uint64_t)&hdr, sizeof(hdr), 0, 0 };
	submit(0, 1);
}

static void c_misaligned_ring(void) { setup(8, (uint64_t)DESC + 8, (uint64_t)AVAIL, (uint64_t)USED); }
static void c_ring_past_ram(void) { setup(8, ram_end - 64, (uint64_t)AVAIL, (uint64_t)USED); }
static void c_ring_wrap(void) { setup(8, (uint64_t)DESC, 0xfffffffffffffff0ULL, (uint64_t)USED); }
static void c_queue_size(void) { setup(1000, (uint64_t)DESC, (uint64_t)AVAIL, (uint64_t)USED); }

/* Port accesses straddling the end of a device's range (the UART's
 * 0x3f8-0x3ff, the i8042's 0x60-0x64, debug-exit's 0x501): the bus must
 * not hand them to the device, whose handler would be given bytes past its
 * range; nobody claims them, so reads are all ones and writes go nowhere.
 * The UART's scratch register shows a write that got through, and the
 * debug-exit port would end the VM reporting failure 7. */
static void c_bus_straddle(void)
{
	uint8_t scr_last, scr_after;
	uint32_t wide;
	uint16_t kbd;

	outb(COM1 + 7, 0x5a);		/* the UART's last port: in range */
	scr_last = inb(COM1 + 7);
	outw(COM1 + 7, 0xa5a5);		/* 0x3ff-0x400 */
	scr_after = inb(COM1 + 7);
	wide = inl(COM1 + 6);		/* 0x3fe-0x401 */
	kbd = inw(0x64);		/* 0x64-0x65 */
	outw(DEBUG_EXIT, 0x0707);	/* 0x501-0x502 */
	gprintf("hostile: bus-straddle: scratch %x then %x, inl 0x3fe %x, inw 0x64 %x\n", scr_last,
		scr_after, wide, kbd);
}

/* Registers of every size at every offset, config space writes, a bogus
 * queue selector and notify index: all must be harmless. */
static void c_mmio_garbage_regs(void)
{
	uint32_t off;

	for (off = 0; off < 0x200; off++)
		*(volatile uint8_t *)(dev.base + off) = 0xa5;
	for (off = 0x100; off < 0x1000; off += 4)
		mmio_write32(dev.base + off, 0xffffffff);
	virtio_write(&dev, 0x030, 77);	/* QueueSel out of range */
	virtio_write(&dev, 0x038, 8);
	virtio_write(&dev, VIRTIO_REG_QUEUE_READY, 1);
	virtio_write(&dev, VIRTIO_REG_NOTIFY, 12345);
}

static void c_mmio_garbage(void)
{
	good_queue(8);
	c_mmio_garbage_regs();
}

/* A request of LEN bytes in buf, its reply at buf + 4096: FUSE_INIT. */
static void fs_init_request(void)
{
	static const uint32_t init[14] = { 56, 26 /* FUSE_INIT */, 1, 0, 0, 0, 0, 0, 0, 0,
					   7, 31, 0, 0 };

	memcpy(buf, init, sizeof(init));
	memset(buf + 4096, 0xff, 16);
	DESC[0] = (struct vq_desc){ (uint64_t)buf, sizeof(init), VQ_NEXT, 1 };
	DESC[1] = (struct vq_desc){ (uint64_t)buf + 4096, 256, VQ_WRITE, 0 };
}

static void c_fs_ring_past_ram(void) { setup(8, ram_end - 64, (uint64_t)AVAIL, (uint64_t)USED); }
static void c_fs_ring_wrap(void) { setup(8, (uint64_t)DESC, (uint64_t)AVAIL, 0xfffffffffffffff0ULL); }
static void c_fs_queue_size(void) { setup(1000, (uint64_t)DESC, (uint64_t)AVAIL, (uint64_t)USED); }

/* The rings handed over, then garbage everywhere, config writes included,
 * a notify of a queue that does not exist: the backend still holds the
 * rings; the reset that follows takes them back (GET_VRING_BASE). */
static void c_fs_mmio_garbage(void)
{
	good_queue(8);
	c_mmio_garbage_regs();
}

/* DRIVER_OK cleared and set again without a reset: the rings stay the
 * backend's, nothing is handed over twice. */
static void c_fs_driver_ok_twice(void)
{
	good_queue(8);
	virtio_write(&dev, VIRTIO_REG_STATUS, 1 | 2 | 8);
	virtio_driver_ok(&dev);
}

/* virtio-net: one transmit chain of a 12-byte header and a 60-byte frame
 * at ADDR (LEN bytes, FLAGS), or a receive chain the host's frame is to
 * land in; its verdict comes from the VMM's main loop, so wait for it. */
static void net_chain(uint64_t addr, uint32_t len, uint16_t flags)
{
	uint32_t spins;

	good_queue(8);
	DESC[0] = (struct vq_desc){ addr, len, flags, 0 };
	submit(0, 1);
	for (spins = 0; spins < 100000000; spins++)
		if (virtio_read(&dev, VIRTIO_REG_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
			return;
}

static void c_net_desc_past_ram(void) { net_chain(ram_end - 16, 72, 0); }
static void c_net_len_past_ram(void) { net_chain((uint64_t)buf, 0xfffffe00, 0); }
static void c_net_tx_writable(void) { net_chain((uint64_t)buf, 72, VQ_WRITE); }
static void c_net_tx_short(void) { net_chain((uint64_t)buf, 8, 0); }
static void c_net_head_out_of_range(void) { good_queue(8); submit(200, 1); }
static void c_net_avail_jump(void) { good_queue(8); DESC[0] = (struct vq_desc){ (uint64_t)buf, 72, 0, 0 }; submit(0, 1000); }

static void c_net_next_loop(void)
{
	good_queue(8);
	DESC[0] = (struct vq_desc){ (uint64_t)buf, 12, VQ_NEXT, 1 };
	DESC[1] = (struct vq_desc){ (uint64_t)buf + 12, 60, VQ_NEXT, 0 };
	submit(0, 1);
}

static void c_net_rx_readable(void) { case_q = 0; net_chain((uint64_t)buf, 2048, 0); }
static void c_net_rx_past_ram(void) { case_q = 0; net_chain(ram_end - 1024, 2048, VQ_WRITE); }
static void c_net_mmio_garbage(void) { good_queue(8); c_mmio_garbage_regs(); }

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "net-desc-past-ram", c_net_desc_past_ram }, { "net-len-past-ram", c_net_len_past_ram },
	{ "net-tx-writable", c_net_tx_writable }, { "net-tx-short", c_net_tx_short },
	{ "net-head-out-of-range", c_net_head_out_of_range }, { "net-avail-jump", c_net_avail_jump },
	{ "net-next-loop", c_net_next_loop }, { "net-rx-readable", c_net_rx_readable },
	{ "net-rx-past-ram", c_net_rx_past_ram }, { "net-mmio-garbage", c_net_mmio_garbage },
	{ "fs-driver-ok-twice", c_fs_driver_ok_twice },
	{ "fs-ring-past-ram", c_fs_ring_past_ram }, { "fs-ring-wrap", c_fs_ring_wrap },
	{ "fs-queue-size", c_fs_queue_size }, { "fs-mmio-garbage", c_fs_mmio_garbage },
	{ "desc-past-ram", c_desc_past_ram }, { "desc-wrap", c_desc_wrap },
	{ "len-past-ram", c_len_past_ram }, { "desc-mmio", c_desc_gpa_mmio },
	{ "next-loop", c_next_loop }, { "self-loop", c_self_loop }, { "next-out-of-range", c_next_out_of_range },
	{ "head-out-of-range", c_head_out_of_range }, { "avail-jump", c_avail_jump },
	{ "huge-chain", c_huge_chain }, { "indirect", c_indirect }, { "no-status", c_no_status },
	{ "misaligned-ring", c_misaligned_ring }, { "ring-past-ram", c_ring_past_ram },
	{ "ring-wrap", c_ring_wrap }, { "queue-size", c_queue_size },
	{ "mmio-garbage", c_mmio_garbage }, { "bus-straddle", c_bus_straddle },
};

/* After a reset the device must serve a good read again. */
static int recovered(void)
{
	uint32_t spins;

	virtio_write(&dev, VIRTIO_REG_STATUS, 0);
	if (dev_id == 1)
		case_q = 1;	/* net: transmit a frame */
	if (!good_queue(8))
		return 0;
	if (dev_id == 1) {
		memset(buf, 0xff, 12 + 6);	/* broadcast */
		memset(buf, 0, 12);
		DESC[0] = (struct vq_desc){ (uint64_t)buf, 12 + 60, 0, 0 };
		submit(0, 1);
		return *(volatile uint16_t *)&USED->idx == 1;
	}
	if (dev_id == 26) {	/* the backend answers FUSE_INIT: error 0 */
		fs_init_request();
		AVAIL->ring[0] = 0;
		barrier();
		AVAIL->idx = 1;
		barrier();
		virtio_write(&dev, VIRTIO_REG_NOTIFY, 1);
		for (spins = 0; *(volatile uint16_t *)&USED->idx != 1; spins++)
			if (spins == 100000000)
				return 0;
		return *(volatile int32_t *)(buf + 4096 + 4) == 0;
	}
	status = 0xff;
	chain3((uint64_t)buf, 512);
	submit(0, 1);
	for (spins = 0; *(volatile uint16_t *)&USED->idx != 1; spins++)
		if (spins == 1000000)
			return 0;
	return status == 0 && !memcmp(buf, "SBX sector 0000\n", 16);
}

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr, *name = cmdline_find(cmdline, "case");
	const struct hvm_memmap_table_entry *mm = (const void *)si->memmap_paddr;
	uint32_t i, st, ready;

	ram_end = mm[si->memmap_entries - 1].addr + mm[si->memmap_entries - 1].size;
	if (!name || virtio_find(cmdline, 0, &dev)) {
		puts("hostile: need case=NAME and a disk\n");
		poweroff(3);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].name);

		if (strncmp(name, cases[i].name, n) || (name[n] && name[n] != ' '))
			continue;
		if (!strncmp(name, "fs-", 3))
			dev_id = 26;
		if (!strncmp(name, "fs-", 3) || !strncmp(name, "net-", 4))
			case_q = 1;
		if (!strncmp(name, "net-", 4))
			dev_id = 1;
		cases[i].run();
		st = virtio_read(&dev, VIRTIO_REG_STATUS);
		ready = virtio_read(&dev, VIRTIO_REG_QUEUE_READY);
		gprintf("hostile: %s: needs reset %u, queue ready %u\n", cases[i].name,
			!!(st & VIRTIO_STATUS_NEEDS_RESET), ready);
		if (!recovered()) {
			gprintf("hostile: %s: FAIL device does not work after reset\n", cases[i].name);
			poweroff(4);
		}
		gprintf("hostile: %s: device works after reset\n", cases[i].name);
		poweroff(0);
	}
	gprintf("hostile: unknown case %s\n", name);
	poweroff(3);
}
