/* PVH loader: an ELF64 kernel with a XEN_ELFNOTE_PHYS32_ENTRY note, entered
 * in flat 32-bit protected mode with %ebx pointing at hvm_start_info
 * (xen/include/public/arch-x86/hvm/start_info.h). */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "guest_mem.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC 0x336ec578
#define PVH_MAX_PHDRS 64

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info ABI");

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry ABI");

struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry ABI");

#define PVH_MODLIST_ADDR (BOOT_INFO_ADDR + 0x80)
#define PVH_MEMMAP_ADDR (BOOT_INFO_ADDR + 0x100)
#define PVH_MEMMAP_MAX 8
_Static_assert(sizeof(struct hvm_start_info) <= PVH_MODLIST_ADDR - BOOT_INFO_ADDR &&
	       PVH_MODLIST_ADDR + sizeof(struct hvm_modlist_entry) <= PVH_MEMMAP_ADDR &&
	       PVH_MEMMAP_ADDR + PVH_MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry) <=
		       BOOT_INFO_ADDR + BOOT_INFO_SIZE, "PVH start_info layout");

static int boot_pvh__pread(int fd, const char *path, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return error__usage_errno(errno, "kernel %s", path);
	if ((size_t)n != len)
		return error__usage(ENOEXEC, "kernel %s: truncated ELF", path);
	return 0;
}

/* Segments may not cover the VMM's boot data below BOOT_KERNEL_LOW nor the
 * reserved area under 1 MiB. */
static int boot_pvh__segment_allowed(uint64_t a, uint64_t len)
{
	if (a + len < a || a + len > guest_mem.size)
		return 0;
	if (a < BOOT_KERNEL_LOW)
		return 0;
	return a >= BOOT_HIGH_ADDR || a + len <= BOOT_EBDA_ADDR;
}

/* The 32-bit entry point from the PVH note inside [off, off + len): 1 when
 * found, 0 when not, -errno. */
static int boot_pvh__find_entry(int fd, const char *path, uint64_t off, uint64_t len, uint64_t *entry)
{
	uint8_t *buf;
	uint64_t pos = 0;
	int found;

	if (len > 1 << 20)
		return 0;
	buf = malloc(len ? len : 1);
	if (!buf)
		return error__syscall(ENOMEM, "allocate ELF notes");
	found = boot_pvh__pread(fd, path, buf, len, off);	/* 0, or -errno: no search */
	while (!found && len - pos >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		uint64_t name_sz, desc_sz;

		memcpy(&nh, buf + pos, sizeof(nh));
		pos += sizeof(nh);
		name_sz = ((uint64_t)nh.n_namesz + 3) & ~3ULL;
		desc_sz = ((uint64_t)nh.n_descsz + 3) & ~3ULL;
		if (name_sz > len - pos || desc_sz > len - pos - name_sz)
			break;
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    !memcmp(buf + pos, "Xen", 4) && (nh.n_descsz == 4 || nh.n_descsz == 8)) {
			*entry = 0;
			memcpy(entry, buf + pos + name_sz, nh.n_descsz);
			found = 1;
		}
		pos += name_sz + desc_sz;
	}
	free(buf);
	return found;
}

static int boot_pvh__start_info(const struct vm_cfg *cfg, uint64_t kernel_end)
{
	struct hvm_start_info *si = guest_mem__fixed(BOOT_INFO_ADDR, sizeof(*si));
	struct hvm_memmap_table_entry *mm;
	struct e820_entry e[PVH_MEMMAP_MAX];
	unsigned int i, n = boot__e820(e, ARRAY_SIZE(e));

	*si = (struct hvm_start_info){
		.magic = HVM_START_MAGIC,
		.version = 1,
		.cmdline_paddr = BOOT_CMDLINE_ADDR,
		.rsdp_paddr = BOOT_ACPI_ADDR,
		.memmap_paddr = PVH_MEMMAP_ADDR,
		.memmap_entries = n,
	};
	mm = guest_mem__fixed(PVH_MEMMAP_ADDR, n * sizeof(*mm));
	for (i = 0; i < n; i++)
		mm[i] = (struct hvm_memmap_table_entry){ e[i].addr, e[i].size, e[i].type, 0 };
	if (cfg->initrd) {
		struct hvm_modlist_entry *m = guest_mem__fixed(PVH_MODLIST_ADDR, sizeof(*m));
		int err;

		*m = (struct hvm_modlist_entry){ 0 };
		err = boot__load_initrd(cfg->initrd, kernel_end, guest_mem.size, &m->paddr, &m->size);
		if (err < 0)
			return err;
		si->nr_modules = 1;
		si->modlist_paddr = PVH_MODLIST_ADDR;
	}
	return 0;
}

int boot_pvh__load(int fd, const struct vm_cfg *cfg, struct boot_entry *entry)
{
	const char *path = cfg->kernel;
	Elf64_Phdr ph[PVH_MAX_PHDRS];
	uint64_t pvh_entry = 0, kernel_end = BOOT_HIGH_ADDR;
	int err, have_entry = 0;
	Elf64_Ehdr eh;
	unsigned int i;

	err = boot_pvh__pread(fd, path, &eh, sizeof(eh), 0);
	if (err < 0)
		return err;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64)
		return error__usage(ENOEXEC, "kernel %s: not a little-endian x86-64 ELF64", path);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > PVH_MAX_PHDRS)
		return error__usage(ENOEXEC, "kernel %s: bad ELF program headers", path);
	err = boot_pvh__pread(fd, path, ph, eh.e_phnum * sizeof(ph[0]), eh.e_phoff);
	if (err < 0)
		return err;

	for (i = 0; i < eh.e_phnum && !have_entry; i++)
		if (ph[i].p_type == PT_NOTE)
			have_entry = boot_pvh__find_entry(fd, path, ph[i].p_offset, ph[i].p_filesz, &pvh_entry);
	if (have_entry < 0)
		return have_entry;
	if (!have_entry)
		return error__usage(ENOEXEC, "kernel %s: ELF without a PVH entry note "
				    "(XEN_ELFNOTE_PHYS32_ENTRY)", path);
	if (pvh_entry >= guest_mem.size)
		return error__usage(ENOEXEC, "kernel %s: PVH entry 0x%llx outside guest RAM", path,
				    (unsigned long long)pvh_entry);

	for (i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz > p->p_memsz || !boot_pvh__segment_allowed(p->p_paddr, p->p_memsz))
			return error__usage(ENOEXEC, "kernel %s: segment at 0x%llx (%llu bytes) outside "
					    "the kernel's part of guest RAM", path,
					    (unsigned long long)p->p_paddr, (unsigned long long)p->p_memsz);
		err = boot__read(fd, path, p->p_offset, p->p_paddr, p->p_filesz);
		if (err < 0)
			return err;
		/* in RAM: boot_pvh__segment_allowed checked the whole segment */
		memset((uint8_t *)guest_mem__slice(p->p_paddr, p->p_memsz) + p->p_filesz, 0,
		       p->p_memsz - p->p_filesz);
		if (p->p_paddr + p->p_memsz > kernel_end)
			kernel_end = p->p_paddr + p->p_memsz;
	}
	entry->mode = BOOT_PROTECTED32;
	entry->rip = pvh_entry;
	entry->rbx = BOOT_INFO_ADDR;
	return boot_pvh__start_info(cfg, kernel_end);
}
