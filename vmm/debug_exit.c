/* Power-off port for test guests, at isa-debug-exit's address: a byte
 * written to 0x501 ends the VM, 0 as a clean power-off (exit 0), anything
 * else as a failure the guest reports (exit 1, the value on stderr). */
#include <stdint.h>

#include "bus.h"
#include "devices.h"
#include "vm.h"
#include "vmm.h"

static void debug_exit__io(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	(void)dev;
	(void)off;
	(void)len;
	if (!is_write) {
		data[0] = 0;
		return;
	}
	if (data[0] == 0) {
		vm__request_exit(VMM_EXIT_OK);
		return;
	}
	warnx("guest reported failure %u through port 0x%x", data[0], DEBUG_EXIT_PORT);
	vm__request_exit(VMM_EXIT_CRASH);
}

int debug_exit__init(void)
{
	return bus__register(BUS_PIO, DEBUG_EXIT_PORT, 1, debug_exit__io, NULL);
}
