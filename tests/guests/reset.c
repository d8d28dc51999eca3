/* Reset through the i8042 (command 0xfe): the VMM ends with 0. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	(void)si;
	puts("reset: pulsing the i8042 reset line\n");
	outb(0x64, 0xfe);
	puts("reset: still running after reset\n");
	poweroff(2);
}
