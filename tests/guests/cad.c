/* Waits for Ctrl-Alt-Del on the i8042 keyboard (what the VMM types on
 * SIGTERM), polling the controller, then powers off: "cad: READY" once it
 * listens, "cad: Ctrl-Alt-Del" when the scancodes came. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	(void)si;
	puts("cad: READY\n");
	wait_ctrl_alt_del();
	puts("cad: Ctrl-Alt-Del\n");
	poweroff(0);
}
