/* Freestanding runtime of the test guests: port and MMIO access, the COM1
 * console, power-off, the PVH start_info and a few string functions. */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3f8
#define COM2 0x2f8	/* the readiness port (sandboxd(8), READINESS) */
#define DEBUG_EXIT 0x501	/* write 0: power off; other values: failure */

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
/* N bytes from BUF to PORT in one string instruction: KVM hands the VMM up
 * to a page of them per exit. */
static inline void outsb(uint16_t port, const void *buf, uint64_t n)
{
	__asm__ volatile("rep outsb" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }

static inline uint32_t mmio_read32(uint64_t addr) { return *(volatile uint32_t *)addr; }
static inline void mmio_write32(uint64_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

void putc(char c);
void puts(const char *s);		/* no newline added */
void gprintf(const char *fmt, ...);	/* %s %c %d %u %x %o %lx %lu %ld, %0Nx */
void vgprintf(const char *fmt, va_list ap);
__attribute__((noreturn)) void poweroff(uint8_t code);
/* Polls the i8042 until Ctrl-Alt-Del was typed (the VMM's SIGTERM). */
void wait_ctrl_alt_del(void);
__attribute__((noreturn)) void halt_forever(void);

/* Value of KEY=... in the command line (NULL if absent), up to a space. */
const char *cmdline_find(const char *cmdline, const char *key);
uint64_t parse_num(const char *s);	/* decimal, or hex with 0x */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

/* Each guest's entry point, called on the boot CPU in long mode. */
void guest_main(struct hvm_start_info *si);

#endif
