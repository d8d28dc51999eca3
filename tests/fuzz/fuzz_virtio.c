/* libFuzzer target: virtio-mmio registers, split virtqueues, virtio-blk
 * request parsing and virtio-net's transmit and receive paths, with guest
 * RAM and ring contents from the input (as Firecracker, crosvm and
 * cloud-hypervisor fuzz theirs).
 *
 * Input: a 20-byte header, then register writes, then guest RAM.
 *   u16 queue size, u32 desc gpa, u32 avail gpa, u32 used gpa,
 *   u8 device (% 3: the read-write disk, the read-only one, the network
 *   device), u8 notifies, u8 nwrites, u8 frame (network: the length of
 *   a frame the host sends, 14 + this, its bytes the start of guest RAM),
 *   u16 reserved
 *   nwrites x { u16 register offset, u32 value }   (after DRIVER_OK)
 *   the rest: the first bytes of the 64 KiB guest RAM (the remainder is 0)
 * The two disks are 32 KiB memfds; the network device's backend is a
 * stream socket pair whose other end the target writes frames to and
 * drains.  The network device's two queues share the input's rings. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus.h"
#include "guest_mem.h"
#include "virtio.h"

#define RAM_SIZE 65536

static uint8_t *ram;
static int net_peer;	/* the host's end of the network backend */
static int net_vmm_end;	/* the device's end */

/* What the VMM's other modules provide, reduced to nothing here. */
void kvm__irq_line(unsigned int irq, int level) { (void)irq; (void)level; }
void kvm__irq_pulse(unsigned int irq) { (void)irq; }

static int make_disk(void)
{
	int fd = memfd_create("fuzz-disk", 0);

	if (fd < 0 || ftruncate(fd, 32768) < 0)
		abort();
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char paths[2][64], cmdline[1024];
	struct net_cfg net = { .mode = NET_MODE_STREAM, .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } };
	struct disk_cfg d[2];
	int i, sv[2];

	(void)argc;
	(void)argv;
	/* Exactly RAM_SIZE, so that ASan sees any access past it. */
	ram = malloc(RAM_SIZE);
	if (!ram)
		abort();
	guest_mem.base = ram;
	guest_mem.size = RAM_SIZE;
	for (i = 0; i < 2; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/proc/self/fd/%d", make_disk());
		d[i] = (struct disk_cfg){ paths[i], i == 1 };
		if (virtio_blk__init(&d[i], cmdline, sizeof(cmdline)) < 0)
			abort();
	}
	if (vm__init() < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	net_peer = sv[0];
	net.fd = net_vmm_end = sv[1];
	if (virtio_net__init(&net, cmdline, sizeof(cmdline)) < 0)
		abort();
	return 0;
}

/* The host sends one frame of LEN bytes (from guest RAM's start), the
 * main loop's receive runs, and what the device transmitted is drained.
 * Only into an empty socket, which takes the whole frame: a frame cut
 * short would be a broken backend, which ends the VM for good. */
static void net_host_side(size_t len)
{
	uint8_t frame[4 + 14 + 255], sink[4096];
	struct pollfd p[2];
	int unread;

	frame[0] = frame[1] = 0;
	frame[2] = (uint8_t)(len >> 8);
	frame[3] = (uint8_t)len;
	memcpy(frame + 4, ram, len);
	if (ioctl(net_vmm_end, FIONREAD, &unread) < 0)
		abort();
	if (!unread && write(net_peer, frame, 4 + len) != (ssize_t)(4 + len))
		abort();
	if (virtio_net__watch(p) != 2)
		abort();
	p[0].revents = POLLIN | POLLOUT;
	p[1].revents = POLLIN;
	virtio_net__watch_event(p);
	while (read(net_peer, sink, sizeof(sink)) > 0)
		;
}

static void reg_write(uint64_t base, uint64_t off, uint32_t v)
{
	bus__access(BUS_MMIO, base + off, (uint8_t *)&v, 4, true);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t base;
	size_t need, i;
	uint32_t v, dev, q;

	if (size < 20)
		return 0;
	dev = data[14] % 3;
	base = VIRTIO_MMIO_BASE + dev * VIRTIO_MMIO_SIZE;
	need = 20 + (size_t)data[16] * 6;
	if (size < need)
		return 0;
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + need, size - need < RAM_SIZE ? size - need : RAM_SIZE);

	reg_write(base, 0x070, 0);			/* reset */
	reg_write(base, 0x070, 1 | 2);
	reg_write(base, 0x024, 1);
	reg_write(base, 0x020, 1);			/* VERSION_1 */
	reg_write(base, 0x024, 0);
	reg_write(base, 0x020, dev == 2 ? 1u << 5 : (1u << 9) | (1u << 5));	/* MAC; FLUSH, RO */
	reg_write(base, 0x070, 1 | 2 | 8);
	for (q = 0; q < (dev == 2 ? 2 : 1); q++) {
		reg_write(base, 0x030, q);
		reg_write(base, 0x038, (uint32_t)(data[0] | data[1] << 8));
		reg_write(base, 0x080, rd32(data + 2));
		reg_write(base, 0x090, rd32(data + 6));
		reg_write(base, 0x0a0, rd32(data + 10));
		reg_write(base, 0x044, 1);
	}
	reg_write(base, 0x070, 1 | 2 | 8 | 4);
	for (i = 0; i < data[15] % 4 + 1; i++)
		reg_write(base, 0x050, dev == 2 ? (uint32_t)i % 2 : 0);
	if (dev == 2)
		net_host_side(14 + (size_t)data[17]);
	for (i = 0; i < data[16]; i++) {
		const uint8_t *w = data + 20 + i * 6;

		reg_write(base, (uint64_t)(w[0] | w[1] << 8) & 0xfff, rd32(w + 2));
	}
	reg_write(base, 0x050, 0);
	if (dev == 2)
		net_host_side(14 + (size_t)data[17]);
	for (i = 0; i < 0x200; i += 4)			/* every register and config word */
		bus__access(BUS_MMIO, base + i, (uint8_t *)&v, 4, false);
	return 0;
}
