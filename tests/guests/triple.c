/* A triple fault: with an empty IDT the first exception cannot be
 * delivered, nor the double fault after it.  The VMM prints the registers
 * and exits 1. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	(void)si;
	puts("triple: loading an empty IDT and dividing by zero\n");
	__asm__ volatile("lidt %0" ::"m"(empty_idt));
	__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx");
	puts("triple: still running\n");
	poweroff(2);
}
