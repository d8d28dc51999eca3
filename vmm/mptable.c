/* Intel MultiProcessor Specification 1.4 table: the CPUs (APIC id = vCPU
 * index, 0 boots), one ISA bus, the IOAPIC with ISA IRQs wired 1:1 (KVM's
 * default routing), ExtINT on LINT0 and NMI on LINT1.  Linux and the SMP
 * test guest find it by scanning 0xf0000-0xfffff for "_MP_". */
#include <errno.h>
#include <string.h>

#include "boot.h"
#include "guest_mem.h"

#define APIC_VERSION 0x14
#define LAPIC_ADDR 0xfee00000u

struct mpf_intel {
	char signature[4];
	uint32_t physptr;
	uint8_t length, specification, checksum, feature[5];
} __attribute__((packed));
_Static_assert(sizeof(struct mpf_intel) == 16, "mpf_intel ABI");

struct mpc_table {
	char signature[4];
	uint16_t length;
	uint8_t spec, checksum;
	char oem[8], productid[12];
	uint32_t oemptr;
	uint16_t oemsize, oemcount;
	uint32_t lapic, reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_table) == 44, "mpc_table ABI");

struct mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag, reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_cpu) == 20, "mpc_cpu ABI");

/* Bus, IOAPIC, interrupt source and local interrupt entries are 8 bytes. */
struct mpc_entry8 {
	uint8_t type, b1, b2, b3, b4, b5, b6, b7;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_entry8) == 8, "mpc 8-byte entry ABI");

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

#define ISA_IRQS 16
#define MP_MAX_CPUS 254		/* APIC ids 0..253; the IOAPIC takes the next */
#define MP_TABLE_LEN(ncpus) (sizeof(struct mpc_table) + (size_t)(ncpus) * sizeof(struct mpc_cpu) + \
			     (2 + ISA_IRQS + 2) * sizeof(struct mpc_entry8))
_Static_assert(MP_TABLE_LEN(MP_MAX_CPUS) <= 0xffff &&
	       sizeof(struct mpf_intel) + MP_TABLE_LEN(MP_MAX_CPUS) <= BOOT_MPTABLE_SIZE,
	       "MP table for MP_MAX_CPUS in its 16-bit length and its place in the layout");

int mptable__write(int ncpus)
{
	size_t table_len = MP_TABLE_LEN(ncpus);
	struct mpf_intel *mpf;
	struct mpc_table *mpc;
	uint8_t *base, *p, ioapic_id = (uint8_t)ncpus;
	int i;

	if (ncpus > MP_MAX_CPUS)
		return -E2BIG;
	base = guest_mem__fixed(BOOT_MPTABLE_ADDR, sizeof(*mpf) + table_len);
	mpf = (struct mpf_intel *)base;
	mpc = (struct mpc_table *)(base + sizeof(*mpf));
	p = (uint8_t *)(mpc + 1);
	memset(base, 0, sizeof(*mpf) + table_len);
	for (i = 0; i < ncpus; i++) {
		struct mpc_cpu c = {
			.type = MP_PROCESSOR, .apicid = (uint8_t)i, .apicver = APIC_VERSION,
			.cpuflag = (uint8_t)(1 | (i == 0 ? 2 : 0)),
			.cpufeature = 0x600, .featureflag = 0x201,	/* family 6; FPU, APIC */
		};
		memcpy(p, &c, sizeof(c));
		p += sizeof(c);
	}
	const struct mpc_entry8 fixed[] = {
		{ MP_BUS, 0, 'I', 'S', 'A', ' ', ' ', ' ' },
		{ MP_IOAPIC, ioapic_id, APIC_VERSION, 1, 0x00, 0x00, 0xc0, 0xfe },	/* at 0xfec00000 */
	};
	memcpy(p, fixed, sizeof(fixed));
	p += sizeof(fixed);
	for (i = 0; i < ISA_IRQS; i++) {
		struct mpc_entry8 e = { MP_INTSRC, MP_INT, 0, 0, 0, (uint8_t)i, ioapic_id, (uint8_t)i };
		memcpy(p, &e, sizeof(e));
		p += sizeof(e);
	}
	const struct mpc_entry8 lint[] = {
		{ MP_LINTSRC, MP_EXTINT, 0, 0, 0, 0, 0xff, 0 },
		{ MP_LINTSRC, MP_NMI, 0, 0, 0, 0, 0xff, 1 },
	};
	memcpy(p, lint, sizeof(lint));

	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = (uint16_t)table_len;
	mpc->spec = 4;
	memcpy(mpc->oem, "SANDBOXD", 8);
	memcpy(mpc->productid, "VMM         ", 12);
	mpc->lapic = LAPIC_ADDR;
	mpc->checksum = boot__checksum((uint8_t *)mpc, table_len);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = BOOT_MPTABLE_ADDR + sizeof(*mpf);
	mpf->length = 1;
	mpf->specification = 4;
	mpf->checksum = boot__checksum((uint8_t *)mpf, sizeof(*mpf));
	return 0;
}
