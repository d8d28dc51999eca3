/* libFuzzer target: virtio-mmio registers, split virtqueues and virtio-blk
 * request parsing, with guest RAM and ring contents from the input (as
 * Firecracker, crosvm and cloud-hypervisor fuzz theirs).
 *
 * Input: a 20-byte header, then register writes, then guest RAM.
 *   u16 queue size, u32 desc gpa, u32 avail gpa, u32 used gpa,
 *   u8 disk (bit 0: the read-only one), u8 notifies, u8 nwrites, u8 pad
 *   nwrites x { u16 register offset, u32 value }   (after DRIVER_OK)
 *   the rest: the first bytes of the 64 KiB guest RAM (the remainder is 0)
 * The two disks are 32 KiB memfds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bus.h"
#include "guest_mem.h"
#include "virtio.h"

#define RAM_SIZE 65536

static uint8_t *ram;

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
	struct disk_cfg d[2];
	int i;

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
	return 0;
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
	uint32_t v;

	if (size < 20)
		return 0;
	base = VIRTIO_MMIO_BASE + (data[14] & 1) * VIRTIO_MMIO_SIZE;
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
	reg_write(base, 0x020, (1u << 9) | (1u << 5));	/* FLUSH, RO */
	reg_write(base, 0x070, 1 | 2 | 8);
	reg_write(base, 0x030, 0);
	reg_write(base, 0x038, (uint32_t)(data[0] | data[1] << 8));
	reg_write(base, 0x080, rd32(data + 2));
	reg_write(base, 0x090, rd32(data + 6));
	reg_write(base, 0x0a0, rd32(data + 10));
	reg_write(base, 0x044, 1);
	reg_write(base, 0x070, 1 | 2 | 8 | 4);
	for (i = 0; i < data[15] % 4 + 1; i++)
		reg_write(base, 0x050, 0);
	for (i = 0; i < data[16]; i++) {
		const uint8_t *w = data + 20 + i * 6;

		reg_write(base, (uint64_t)(w[0] | w[1] << 8) & 0xfff, rd32(w + 2));
	}
	reg_write(base, 0x050, 0);
	for (i = 0; i < 0x200; i += 4)			/* every register and config word */
		bus__access(BUS_MMIO, base + i, (uint8_t *)&v, 4, false);
	return 0;
}
