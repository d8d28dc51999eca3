/* Hello on the UART: proves the PVH entry, start_info and console. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;

	gprintf("hello: start_info magic %x, cmdline \"%s\"\n", si->magic, cmdline ? cmdline : "");
	puts("hello: Hello from the test guest\n");
	poweroff(0);
}
