/* What both loaders share: image detection, the e820 map, GDT, command
 * line and initrd placement. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "guest_mem.h"

uint8_t boot__checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum += *p++;
	return (uint8_t)-sum;
}

unsigned int boot__e820(struct e820_entry *e, unsigned int max)
{
	if (max < 3)
		return 0;
	e[0] = (struct e820_entry){ 0, BOOT_EBDA_ADDR, E820_RAM };
	e[1] = (struct e820_entry){ BOOT_EBDA_ADDR, BOOT_HIGH_ADDR - BOOT_EBDA_ADDR, E820_RESERVED };
	e[2] = (struct e820_entry){ BOOT_HIGH_ADDR, guest_mem.size - BOOT_HIGH_ADDR, E820_RAM };
	return 3;
}

void boot__setup_gdt(struct boot_entry *entry)
{
	static const uint64_t gdt[] = {
		0,
		0,
		0x00af9b000000ffffULL,	/* 0x10: code, 64-bit (also fine as 32-bit: L wins only in IA-32e) */
		0x00cf93000000ffffULL,	/* 0x18: data, 4 GiB flat */
		0x00008b0000000067ULL,	/* 0x20: busy 32-bit TSS at 0 */
	};
	_Static_assert(sizeof(gdt) == BOOT_GDT_SIZE, "GDT size");
	uint64_t *g = guest_mem__fixed(BOOT_GDT_ADDR, sizeof(gdt));

	memcpy(g, gdt, sizeof(gdt));
	entry->gdt_base = BOOT_GDT_ADDR;
	entry->gdt_limit = sizeof(gdt) - 1;
}

int boot__setup_cmdline(const char *cmdline, const char *what)
{
	size_t len = strlen(cmdline) + 1;

	if (len > BOOT_CMDLINE_SIZE)
		return error__usage(E2BIG, "%s: command line of %zu bytes, at most %d", what,
				    len - 1, BOOT_CMDLINE_SIZE - 1);
	memcpy(guest_mem__fixed(BOOT_CMDLINE_ADDR, len), cmdline, len);
	return 0;
}

int boot__read(int fd, const char *path, uint64_t off, uint64_t gpa, uint64_t len)
{
	uint8_t *dst;
	ssize_t n;

	if (!len)
		return 0;
	dst = guest_mem__slice(gpa, len);
	if (!dst)
		return error__usage(EFBIG, "%s: %llu bytes at 0x%llx do not fit in guest RAM", path,
				    (unsigned long long)len, (unsigned long long)gpa);
	while (len) {
		n = pread(fd, dst, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error__syscall(errno, "read %s", path);
		if (n == 0)
			return error__usage(ENOEXEC, "%s: truncated", path);
		dst += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int boot__load_initrd(const char *path, uint64_t min_addr, uint64_t max_end,
		      uint64_t *addr, uint64_t *size)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error__usage_errno(errno, "initrd %s", path);
	if (fstat(fd, &st) < 0) {
		err = error__syscall(errno, "initrd %s: stat", path);
		goto out;
	}
	if (max_end > guest_mem.size)
		max_end = guest_mem.size;
	*size = (uint64_t)st.st_size;
	if (*size == 0 || *size > max_end || ((max_end - *size) & ~0xfffULL) < min_addr) {
		err = error__usage(EFBIG, "initrd %s: %llu bytes do not fit in guest RAM", path,
				   (unsigned long long)*size);
		goto out;
	}
	*addr = (max_end - *size) & ~0xfffULL;
	err = boot__read(fd, path, 0, *addr, *size);
out:
	close(fd);
	return err;
}

int boot__load(const struct vm_cfg *cfg, const char *cmdline, struct boot_entry *entry)
{
	uint8_t magic[0x206];
	ssize_t n;
	int fd, err;

	fd = open(cfg->kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error__usage_errno(errno, "kernel %s", cfg->kernel);
	n = pread(fd, magic, sizeof(magic), 0);
	if (n < 0) {
		err = error__usage_errno(errno, "kernel %s", cfg->kernel);
		goto out;
	}
	boot__setup_gdt(entry);
	err = boot__setup_cmdline(cmdline, cfg->kernel);
	if (err < 0)
		goto out;
	if (n >= 4 && !memcmp(magic, "\177ELF", 4))
		err = boot_pvh__load(fd, cfg, entry);
	else if (n >= 0x206 && !memcmp(magic + 0x202, "HdrS", 4))
		err = boot_bzimage__load(fd, cfg, entry);
	else
		err = error__usage(ENOEXEC, "kernel %s: unknown image format (neither ELF nor bzImage)",
				   cfg->kernel);
out:
	close(fd);
	return err;
}
