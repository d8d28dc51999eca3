/* ACPI tables for Linux: RSDP -> XSDT -> FADT (hardware-reduced, i8042
 * present) -> DSDT, and the MADT (CPUs, IOAPIC, NMI on LINT1).  The DSDT
 * describes each virtio-mmio device as LNRO0005 with its window and IRQ,
 * which is how kernels without virtio_mmio.device= support find them (as
 * on QEMU's microvm), the i8042 as PNP0303, and \_S5 for power-off through
 * the sleep registers (acpi_pm.c).  All tables live in reserved memory at
 * 0xe0000. */
#include <errno.h>
#include <string.h>

#include "boot.h"
#include "devices.h"
#include "guest_mem.h"
#include "virtio.h"

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI SDT header ABI");

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum, reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI RSDP ABI");

#define FADT_SIZE 276			/* revision 6 */
#define FADT_DSDT 40
#define FADT_BOOT_ARCH 109		/* IAPC_BOOT_ARCH */
#define FADT_FLAGS 112
#define FADT_MINOR 131
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL 244
#define FADT_SLEEP_STATUS 256
#define FADT_HYPERVISOR_ID 268
#define BOOT_ARCH_8042 (1u << 1)
#define FADT_HW_REDUCED (1u << 20)

#define ACPI_MAX_CPUS 254
#define ACPI_AML_MAX (8 * 96 + 128)
/* RSDP, then each table 16-aligned: DSDT, FADT, MADT for ACPI_MAX_CPUS, XSDT. */
_Static_assert(64 + (36 + ACPI_AML_MAX + 15) + (FADT_SIZE + 15) + (44 + 8 * ACPI_MAX_CPUS + 12 + 6 + 15) +
	       (36 + 2 * 8 + 15) <= BOOT_ACPI_SIZE, "ACPI tables fit their place in the layout");

/* A table of LEN bytes at *AT (advanced, 16-aligned); header filled in. */
static uint8_t *acpi__table(uint64_t *at, const char *sig, uint32_t len, uint8_t rev, uint64_t *gpa)
{
	uint8_t *p = guest_mem__fixed(*at, len);
	struct acpi_header h = {
		.length = len, .revision = rev, .oem_revision = 1, .creator_revision = 1,
	};

	memcpy(h.signature, sig, 4);
	memcpy(h.oem_id, "SBXVMM", 6);
	memcpy(h.oem_table_id, "SANDBOXD", 8);
	memcpy(h.creator_id, "SBXD", 4);
	memset(p, 0, len);
	memcpy(p, &h, sizeof(h));
	*gpa = *at;
	*at += (len + 15) & ~15u;
	return p;
}

static void acpi__finish(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	t[9] = boot__checksum(t, len);
}

/* AML PkgLength for a package whose body (after the PkgLength) is N bytes. */
static size_t acpi__aml_pkglen(uint8_t *out, size_t n)
{
	if (n + 1 < 64) {
		out[0] = (uint8_t)(n + 1);
		return 1;
	}
	n += 2;
	out[0] = (uint8_t)(0x40 | (n & 0xf));
	out[1] = (uint8_t)(n >> 4);
	return 2;
}

/* Device(Vnnn) { _HID "LNRO0005", _UID n, _CRS { Memory32Fixed, Interrupt } } */
static size_t acpi__aml_virtio(uint8_t *out, unsigned int n, uint64_t base, unsigned int irq)
{
	uint8_t body[96], crs[23] = {
		0x86, 0x09, 0x00, 0x01, 0, 0, 0, 0, 0, 0x10, 0, 0,	/* Memory32Fixed RW, 4 KiB */
		0x89, 0x06, 0x00, 0x03, 0x01, 0, 0, 0, 0,		/* Interrupt consumer, edge, high */
		0x79, 0x00,						/* EndTag */
	};
	uint32_t b32 = (uint32_t)base, irq32 = irq;
	size_t k = 0, h;

	memcpy(crs + 4, &b32, 4);
	memcpy(crs + 17, &irq32, 4);
	memcpy(body + k, "\x08_HID\x0dLNRO0005\x00", 15);
	k += 15;
	memcpy(body + k, "\x08_UID\x0a", 6);
	k += 6;
	body[k++] = (uint8_t)n;
	memcpy(body + k, "\x08_CRS\x11", 6);
	k += 6;
	k += acpi__aml_pkglen(body + k, 2 + sizeof(crs));
	body[k++] = 0x0a;
	body[k++] = sizeof(crs);
	memcpy(body + k, crs, sizeof(crs));
	k += sizeof(crs);

	out[0] = 0x5b;
	out[1] = 0x82;					/* DeviceOp */
	h = 2 + acpi__aml_pkglen(out + 2, 4 + k);
	out[h] = 'V';
	out[h + 1] = (uint8_t)('0' + n / 100 % 10);
	out[h + 2] = (uint8_t)('0' + n / 10 % 10);
	out[h + 3] = (uint8_t)('0' + n % 10);
	memcpy(out + h + 4, body, k);
	return h + 4 + k;
}

/* Device(KBD) { _HID EISAID("PNP0303"), _CRS { IO 0x60, IO 0x64, IRQ 1 } } */
static const uint8_t aml_kbd[] = {
	0x5b, 0x82, 0x2d, 'K', 'B', 'D', '_',
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x03, 0x03,
	0x08, '_', 'C', 'R', 'S', 0x11, 0x18, 0x0a, 0x15,
	0x47, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x01,
	0x47, 0x01, 0x64, 0x00, 0x64, 0x00, 0x01, 0x01,
	0x22, 0x02, 0x00,
	0x79, 0x00,
};

/* Name(\_S5, Package() { 5, 5, 0, 0 }): SLP_TYP for power-off. */
static const uint8_t aml_s5[] = {
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, ACPI_SLP_TYP_S5, 0x0a, ACPI_SLP_TYP_S5, 0x00, 0x00,
};

static uint32_t acpi__dsdt_aml(uint8_t *out, size_t max)
{
	uint8_t devs[8 * 96 + sizeof(aml_kbd)];
	size_t n = 0, k = 0, i;

	for (i = 0; i < virtio_mmio__count(); i++) {
		uint64_t base;
		unsigned int irq;

		virtio_mmio__slot(i, &base, &irq);
		n += acpi__aml_virtio(devs + n, (unsigned int)i, base, irq);
	}
	memcpy(devs + n, aml_kbd, sizeof(aml_kbd));
	n += sizeof(aml_kbd);
	if (n + 16 + sizeof(aml_s5) > max)
		return 0;
	memcpy(out, aml_s5, sizeof(aml_s5));
	k = sizeof(aml_s5);
	out[k++] = 0x10;				/* ScopeOp (\_SB) */
	k += acpi__aml_pkglen(out + k, 5 + n);
	memcpy(out + k, "\\_SB_", 5);
	k += 5;
	memcpy(out + k, devs, n);
	return (uint32_t)(k + n);
}

int acpi__write(int ncpus)
{
	uint64_t at = BOOT_ACPI_ADDR + 64, xsdt_gpa, fadt_gpa, madt_gpa, dsdt_gpa;
	uint32_t madt_len = 44 + 8 * (uint32_t)ncpus + 12 + 6, aml_len, v;
	uint8_t aml[ACPI_AML_MAX], *xsdt, *fadt, *madt, *dsdt, *p;
	struct acpi_rsdp *rsdp = guest_mem__fixed(BOOT_ACPI_ADDR, sizeof(*rsdp));
	int i;

	if (ncpus > ACPI_MAX_CPUS)
		return -E2BIG;
	aml_len = acpi__dsdt_aml(aml, sizeof(aml));
	dsdt = acpi__table(&at, "DSDT", 36 + aml_len, 2, &dsdt_gpa);
	memcpy(dsdt + 36, aml, aml_len);
	acpi__finish(dsdt);

	fadt = acpi__table(&at, "FACP", FADT_SIZE, 6, &fadt_gpa);
	v = (uint32_t)dsdt_gpa;
	memcpy(fadt + FADT_DSDT, &v, 4);
	memcpy(fadt + FADT_X_DSDT, &dsdt_gpa, 8);
	fadt[FADT_BOOT_ARCH] = BOOT_ARCH_8042;
	v = FADT_HW_REDUCED;
	memcpy(fadt + FADT_FLAGS, &v, 4);
	fadt[FADT_MINOR] = 0;
	{
		const uint8_t gas[2][12] = {	/* SystemIO, 8 bits, byte access */
			{ 1, 8, 0, 1, ACPI_PM_PORT & 0xff, ACPI_PM_PORT >> 8 },
			{ 1, 8, 0, 1, (ACPI_PM_PORT + 1) & 0xff, (ACPI_PM_PORT + 1) >> 8 },
		};
		memcpy(fadt + FADT_SLEEP_CONTROL, gas[0], 12);
		memcpy(fadt + FADT_SLEEP_STATUS, gas[1], 12);
	}
	memcpy(fadt + FADT_HYPERVISOR_ID, "SANDBOXD", 8);
	acpi__finish(fadt);

	madt = acpi__table(&at, "APIC", madt_len, 4, &madt_gpa);
	v = 0xfee00000;
	memcpy(madt + 36, &v, 4);
	v = 1;						/* PCAT_COMPAT: 8259s present */
	memcpy(madt + 40, &v, 4);
	p = madt + 44;
	for (i = 0; i < ncpus; i++, p += 8) {
		uint8_t lapic[8] = { 0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0 };	/* enabled */

		memcpy(p, lapic, 8);
	}
	const uint8_t ioapic[12] = { 1, 12, (uint8_t)ncpus, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0 };
	const uint8_t nmi[6] = { 4, 6, 0xff, 0, 0, 1 };	/* all CPUs: NMI on LINT1 */
	memcpy(p, ioapic, sizeof(ioapic));
	memcpy(p + sizeof(ioapic), nmi, sizeof(nmi));
	acpi__finish(madt);

	xsdt = acpi__table(&at, "XSDT", 36 + 2 * 8, 1, &xsdt_gpa);
	memcpy(xsdt + 36, &fadt_gpa, 8);
	memcpy(xsdt + 44, &madt_gpa, 8);
	acpi__finish(xsdt);

	memset(rsdp, 0, sizeof(*rsdp));
	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "SBXVMM", 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = xsdt_gpa;
	rsdp->checksum = boot__checksum((uint8_t *)rsdp, 20);
	rsdp->ext_checksum = boot__checksum((uint8_t *)rsdp, sizeof(*rsdp));
	return 0;
}
