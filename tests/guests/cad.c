/* Waits for Ctrl-Alt-Del on the i8042 keyboard (what the VMM types on
 * SIGTERM), polling the controller, then powers off: "cad: READY" once it
 * listens, "cad: Ctrl-Alt-Del" when the scancodes came. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	int ctrl = 0, alt = 0, ext = 0;

	(void)si;
	puts("cad: READY\n");
	for (;;) {
		uint8_t sc;

		while (!(inb(0x64) & 1))
			pause();
		sc = inb(0x60);
		if (sc == 0xe0) {
			ext = 1;
			continue;
		}
		if (sc == 0x1d || sc == 0x9d)
			ctrl = !(sc & 0x80);
		else if (sc == 0x38 || sc == 0xb8)
			alt = !(sc & 0x80);
		else if (ext && sc == 0x53 && ctrl && alt)
			break;
		ext = 0;
	}
	puts("cad: Ctrl-Alt-Del\n");
	poweroff(0);
}
