/* bzImage test guest: reports what the 64-bit boot protocol gave it — the
 * loader id and protocol version from boot_params, the e820 map, the command
 * line, the initrd's address, size and CRC-32 (as gzip computes it) — so the
 * host can check each value. */
#include "lib/guest.h"

struct boot_e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

static uint32_t crc32(const uint8_t *p, uint64_t n)
{
	uint32_t c = 0xffffffff;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & (0 - (c & 1)));
	}
	return ~c;
}

void bz_main(const uint8_t *bp)
{
	const struct boot_e820_entry *e820 = (const void *)(bp + 0x2d0);
	uint64_t initrd = *(const uint32_t *)(bp + 0x218) | (uint64_t)*(const uint32_t *)(bp + 0xc0) << 32;
	uint64_t initrd_size = *(const uint32_t *)(bp + 0x21c) | (uint64_t)*(const uint32_t *)(bp + 0xc4) << 32;
	const char *cmdline = (const char *)(uint64_t)*(const uint32_t *)(bp + 0x228);
	uint8_t i, n = bp[0x1e8];

	gprintf("bzinfo: boot_params at 0x%lx, type_of_loader 0x%x, protocol 0x%x\n",
		(uint64_t)bp, bp[0x210], *(const uint16_t *)(bp + 0x206));
	gprintf("bzinfo: cmdline \"%s\"\n", cmdline ? cmdline : "");
	for (i = 0; i < n; i++)
		gprintf("bzinfo: e820 %016lx-%016lx type %u\n", e820[i].addr,
			e820[i].addr + e820[i].size, e820[i].type);
	if (initrd_size)
		gprintf("bzinfo: initrd at 0x%lx size %lu crc32 %08x\n", initrd, initrd_size,
			crc32((const uint8_t *)initrd, initrd_size));
	else
		puts("bzinfo: no initrd\n");
	poweroff(0);
}
