/* Hello on the UART: proves the PVH entry, start_info and console. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;

	gprintf("hello: start_info magic %x, cmdline \"%s\"\n", si->magic, cmdline ? cmdline : "");
	if (si->nr_modules) {
		const uint64_t *mod = (const uint64_t *)si->modlist_paddr;

		gprintf("hello: module 0 at 0x%lx size %lu\n", mod[0], mod[1]);
	}
	puts("hello: Hello from the test guest\n");
	poweroff(0);
}
