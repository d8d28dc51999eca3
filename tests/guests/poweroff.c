/* Power off: through the debug-exit port with code=N from the command line
 * (default 0: exit 0, anything else exit 1), or with via=acpi the way Linux
 * does it, SLP_TYP 5 | SLP_EN into the ACPI sleep control register. */
#include "lib/guest.h"

#define ACPI_SLEEP_CONTROL 0x600

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;
	const char *code = cmdline_find(cmdline, "code"), *via = cmdline_find(cmdline, "via");
	uint8_t v = code ? (uint8_t)parse_num(code) : 0;

	if (via && !strncmp(via, "acpi", 4)) {
		puts("poweroff: ACPI sleep control, S5\n");
		outb(ACPI_SLEEP_CONTROL, 5 << 2 | 0x20);
		puts("poweroff: still running\n");
		poweroff(2);
	}
	gprintf("poweroff: writing %u to port 0x501\n", v);
	poweroff(v);
}
