/* Console input: reads one line from COM1 (polling the LSR) and echoes it
 * as "echo: <line>", then powers off. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	char line[128];
	size_t n = 0;

	(void)si;
	puts("echo: READY\n");
	for (;;) {
		char c;

		while (!(inb(COM1 + 5) & 1))
			pause();
		c = (char)inb(COM1);
		if (c == '\n' || c == '\r' || n == sizeof(line) - 1)
			break;
		line[n++] = c;
	}
	line[n] = '\0';
	gprintf("echo: %s\n", line);
	poweroff(0);
}
