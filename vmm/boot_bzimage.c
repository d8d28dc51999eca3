/* bzImage loader for the x86 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst): the protected-mode kernel goes to
 * 1 MiB, boot_params carries the setup header, e820 map, command line and
 * initrd, and the CPU starts in long mode at +0x200 with the first 4 GiB
 * identity-mapped. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "guest_mem.h"

struct setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size, vid_mode, root_dev, boot_flag, jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg, kernel_version;
	uint8_t type_of_loader, loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start, ramdisk_image, ramdisk_size, bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver, ext_loader_type;
	uint32_t cmd_line_ptr, initrd_addr_max, kernel_alignment;
	uint8_t relocatable_kernel, min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size, hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset, payload_length;
	uint64_t setup_data, pref_address;
	uint32_t init_size, handover_offset, kernel_info_offset;
} __attribute__((packed));
_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup_header ABI");

struct boot_e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct boot_e820_entry) == 20, "boot_e820_entry ABI");

struct boot_params {
	uint8_t _pad0[0x70];
	uint64_t acpi_rsdp_addr;
	uint8_t _pad0b[0xc0 - 0x78];
	uint32_t ext_ramdisk_image, ext_ramdisk_size, ext_cmd_line_ptr;
	uint8_t _pad1[0x1e8 - 0xcc];
	uint8_t e820_entries;
	uint8_t _pad2[0x1f1 - 0x1e9];
	struct setup_header hdr;
	uint8_t _pad3[0x2d0 - 0x26c];
	struct boot_e820_entry e820_table[128];
	uint8_t _pad4[0x1000 - 0xcd0];
} __attribute__((packed));
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params ABI");
_Static_assert(sizeof(struct boot_params) <= BOOT_INFO_SIZE, "boot_params in the layout");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "boot_params.hdr");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x70, "boot_params.acpi_rsdp_addr");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "boot_params.e820_table");

#define BZ_MIN_VERSION 0x206		/* cmdline_size, 64-bit loaders need more below */
#define XLF_KERNEL_64 (1 << 0)
#define LOADED_HIGH (1 << 0)
#define CAN_USE_HEAP (1 << 7)
#define KERNEL_ADDR BOOT_HIGH_ADDR

/* Identity map of the first 4 GiB with 2 MiB pages. */
static void bzimage__page_tables(struct boot_entry *entry)
{
	uint64_t *pml4 = guest_mem__fixed(BOOT_PML4_ADDR, BOOT_PT_SIZE);
	uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;
	unsigned int i;

	memset(pml4, 0, BOOT_PT_SIZE);
	pml4[0] = (BOOT_PML4_ADDR + 0x1000) | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PML4_ADDR + 0x2000 + i * 0x1000ULL) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* present, writable, 2 MiB */
	entry->cr3 = BOOT_PML4_ADDR;
}

int boot_bzimage__load(int fd, const struct vm_cfg *cfg, struct boot_entry *entry)
{
	const char *path = cfg->kernel;
	struct boot_params *bp = guest_mem__fixed(BOOT_INFO_ADDR, sizeof(*bp));
	struct e820_entry e[8];
	struct setup_header hdr;
	uint64_t setup_size, initrd_max, initrd_addr, initrd_size;
	unsigned int i, n;
	struct stat st;
	ssize_t got;
	int err;

	got = pread(fd, &hdr, sizeof(hdr), 0x1f1);
	if (got < 0 || fstat(fd, &st) < 0)
		return error__usage_errno(errno, "kernel %s: read setup header", path);
	if (got != (ssize_t)sizeof(hdr))
		return error__usage(ENOEXEC, "kernel %s: truncated bzImage", path);
	if (hdr.version < BZ_MIN_VERSION || !(hdr.xloadflags & XLF_KERNEL_64) ||
	    !(hdr.loadflags & LOADED_HIGH))
		return error__usage(ENOEXEC, "kernel %s: bzImage without the 64-bit boot protocol "
				    "(version 0x%x, xloadflags 0x%x)", path, hdr.version, hdr.xloadflags);
	setup_size = ((uint64_t)(hdr.setup_sects ? hdr.setup_sects : 4) + 1) * 512;
	if ((uint64_t)st.st_size <= setup_size)
		return error__usage(ENOEXEC, "kernel %s: truncated bzImage", path);
	if (strnlen(guest_mem__fixed(BOOT_CMDLINE_ADDR, BOOT_CMDLINE_SIZE), BOOT_CMDLINE_SIZE) >=
	    hdr.cmdline_size)
		return error__usage(E2BIG, "kernel %s: command line longer than the kernel's %u bytes",
				    path, hdr.cmdline_size);
	err = boot__read(fd, path, setup_size, KERNEL_ADDR, (uint64_t)st.st_size - setup_size);
	if (err < 0)
		return err;

	memset(bp, 0, sizeof(*bp));
	bp->hdr = hdr;
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE_ADDR;
	bp->acpi_rsdp_addr = BOOT_ACPI_ADDR;
	n = boot__e820(e, ARRAY_SIZE(e));
	for (i = 0; i < n; i++)
		bp->e820_table[i] = (struct boot_e820_entry){ e[i].addr, e[i].size, e[i].type };
	bp->e820_entries = (uint8_t)n;
	if (cfg->initrd) {
		initrd_max = (uint64_t)hdr.initrd_addr_max + 1;
		err = boot__load_initrd(cfg->initrd, KERNEL_ADDR + (uint64_t)st.st_size - setup_size,
					initrd_max, &initrd_addr, &initrd_size);
		if (err < 0)
			return err;
		bp->hdr.ramdisk_image = (uint32_t)initrd_addr;
		bp->hdr.ramdisk_size = (uint32_t)initrd_size;
		bp->ext_ramdisk_image = (uint32_t)(initrd_addr >> 32);
		bp->ext_ramdisk_size = (uint32_t)(initrd_size >> 32);
	}
	bzimage__page_tables(entry);
	entry->mode = BOOT_LONG64;
	entry->rip = KERNEL_ADDR + 0x200;
	entry->rsi = BOOT_INFO_ADDR;
	return 0;
}
