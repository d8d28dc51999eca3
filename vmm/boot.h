/* Kernel loaders and the low-memory layout they share.
 *
 *   0x00500  GDT (null, -, __BOOT_CS 0x10, __BOOT_DS 0x18, TSS 0x20)
 *   0x00800  kernel command line (BOOT_CMDLINE_SIZE bytes)
 *   0x01000  page tables for the 64-bit entry: PML4, PDPT, 4 PDs (4 GiB)
 *   0x07000  boot_params (bzImage, 4 KiB) or hvm_start_info (PVH) + memmap
 *   0x08000  free for the kernel (e.g. an AP trampoline) up to 0x9fc00
 *   0x9fc00  reserved up to 1 MiB: ACPI tables at 0xe0000, MP table at 0xf0000
 *   0x100000 kernel; the initrd goes as high as it may below the RAM end
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"
#include "vm.h"
#include "vmm.h"

#define BOOT_GDT_ADDR 0x500
#define BOOT_GDT_SIZE 40	/* 5 descriptors */
#define BOOT_CMDLINE_ADDR 0x0800
#define BOOT_CMDLINE_SIZE 2048
#define BOOT_PML4_ADDR 0x1000
#define BOOT_PT_SIZE (6 * 4096)	/* PML4, PDPT, 4 PDs */
#define BOOT_INFO_ADDR 0x7000
#define BOOT_INFO_SIZE 4096
#define BOOT_KERNEL_LOW 0x8000	/* kernel segments may use [LOW, EBDA) and [1M, end) */
#define BOOT_EBDA_ADDR 0x9fc00
#define BOOT_ACPI_ADDR 0xe0000
#define BOOT_ACPI_SIZE 0x10000
#define BOOT_MPTABLE_ADDR 0xf0000
#define BOOT_MPTABLE_SIZE 0x10000
#define BOOT_HIGH_ADDR 0x100000

/* The layout above is what guest_mem__fixed may be asked for: its regions
 * do not overlap, and all of it lies inside the smallest guest RAM. */
_Static_assert(BOOT_GDT_ADDR + BOOT_GDT_SIZE <= BOOT_CMDLINE_ADDR, "GDT overlaps the command line");
_Static_assert(BOOT_CMDLINE_ADDR + BOOT_CMDLINE_SIZE <= BOOT_PML4_ADDR, "command line overlaps the page tables");
_Static_assert(BOOT_PML4_ADDR + BOOT_PT_SIZE <= BOOT_INFO_ADDR, "page tables overlap boot_params");
_Static_assert(BOOT_INFO_ADDR + BOOT_INFO_SIZE <= BOOT_KERNEL_LOW, "boot_params overlap the kernel's low memory");
_Static_assert(BOOT_EBDA_ADDR <= BOOT_ACPI_ADDR && BOOT_ACPI_ADDR + BOOT_ACPI_SIZE <= BOOT_MPTABLE_ADDR,
	       "ACPI tables outside the reserved area or over the MP table");
_Static_assert(BOOT_MPTABLE_ADDR + BOOT_MPTABLE_SIZE <= BOOT_HIGH_ADDR, "MP table overlaps the kernel");
_Static_assert(BOOT_HIGH_ADDR <= VM_MEM_MIN, "the fixed layout does not fit the smallest guest RAM");

#define E820_RAM 1
#define E820_RESERVED 2

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

/* Load cfg->kernel (PVH ELF or bzImage, by its contents), its initrd and
 * CMDLINE; fill in how the boot CPU starts.  -errno, a bad image recorded
 * as a usage error (vmm.h error__*), as is everything below. */
int boot__load(const struct vm_cfg *cfg, const char *cmdline, struct boot_entry *entry);

/* Shared by the loaders and table writers. */
/* The byte that makes N bytes at P sum to 0 (MP and ACPI tables). */
uint8_t boot__checksum(const uint8_t *p, size_t n);
unsigned int boot__e820(struct e820_entry *e, unsigned int max);
void boot__setup_gdt(struct boot_entry *entry);
int boot__setup_cmdline(const char *cmdline, const char *what);
/* pread LEN bytes at OFF of FD into guest RAM at GPA; -errno. */
int boot__read(int fd, const char *path, uint64_t off, uint64_t gpa, uint64_t len);
/* Load the initrd as high as possible below MAX_END, above MIN_ADDR. */
int boot__load_initrd(const char *path, uint64_t min_addr, uint64_t max_end,
		      uint64_t *addr, uint64_t *size);

int boot_pvh__load(int fd, const struct vm_cfg *cfg, struct boot_entry *entry);
int boot_bzimage__load(int fd, const struct vm_cfg *cfg, struct boot_entry *entry);

/* MP table for NCPUS CPUs and the IOAPIC; -errno. */
int mptable__write(int ncpus);

/* ACPI RSDP (at BOOT_ACPI_ADDR), XSDT, FADT, MADT, DSDT with the virtio-mmio
 * devices registered so far; -errno. */
int acpi__write(int ncpus);

#endif
