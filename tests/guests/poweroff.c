/* Power off through the debug-exit port with code=N from the command line
 * (default 0): 0 ends the VMM with 0, anything else with 1. */
#include "lib/guest.h"

void guest_main(struct hvm_start_info *si)
{
	const char *code = cmdline_find((const char *)si->cmdline_paddr, "code");
	uint8_t v = code ? (uint8_t)parse_num(code) : 0;

	gprintf("poweroff: writing %u to port 0x501\n", v);
	poweroff(v);
}
