/* The readiness port: writes sandboxd's READY=1 line to COM2 (0x2f8), as
 * the guest image's init does on /dev/ttyS1, then waits for Ctrl-Alt-Del
 * and powers off. Command line:
 *   flood=N     first N bytes of "READY=1" repeated without a newline (4 KiB
 *               per string instruction, so a page per exit): one
 *               over-long line, which must neither make the VM ready nor
 *               block it
 *   announce=0  no READY=1 line at all (default 1; after a flood, a newline
 *               ends the long line first)
 * Console: "ready: flooded N bytes", "ready: announced" or "ready: silent",
 * then "ready: Ctrl-Alt-Del". */
#include "lib/guest.h"

static void com2_puts(const char *s)
{
	while (*s)
		outb(COM2, (uint8_t)*s++);
}

void guest_main(struct hvm_start_info *si)
{
	static char garbage[4096];
	const char *cmdline = (const char *)si->cmdline_paddr;
	const char *flood = cmdline_find(cmdline, "flood"), *announce = cmdline_find(cmdline, "announce");
	uint64_t n = flood ? parse_num(flood) : 0;

	for (size_t i = 0; i < sizeof garbage; i++)
		garbage[i] = "READY=1"[i % 7];
	for (uint64_t done = 0, k; done < n; done += k) {
		k = n - done < sizeof garbage ? n - done : sizeof garbage;
		outsb(COM2, garbage, k);
	}
	if (n)
		gprintf("ready: flooded %lu bytes\n", n);
	if (announce && *announce == '0') {
		puts("ready: silent\n");
	} else {
		com2_puts(n ? "\nREADY=1\n" : "READY=1\n");
		puts("ready: announced\n");
	}
	wait_ctrl_alt_del();
	puts("ready: Ctrl-Alt-Del\n");
	poweroff(0);
}
