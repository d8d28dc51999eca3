/* ACPI hardware-reduced sleep registers (FADT SLEEP_CONTROL_REG and
 * SLEEP_STATUS_REG, ACPI 6.x 4.8.3.7): Linux powers off by writing
 * SLP_TYP = 5 (the DSDT's \_S5) with SLP_EN; that ends the VM with 0. */
#include <stdint.h>

#include "bus.h"
#include "devices.h"
#include "vm.h"
#include "vmm.h"

#define SLP_EN 0x20
#define SLP_TYP(v) (((v) >> 2) & 7)

static void acpi_pm__io(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	(void)dev;
	(void)len;
	if (!is_write) {
		data[0] = 0;
		return;
	}
	if (off == 0 && (data[0] & SLP_EN) && SLP_TYP(data[0]) == ACPI_SLP_TYP_S5)
		vm__request_exit(VMM_EXIT_OK);
}

int acpi_pm__init(void)
{
	return bus__register(BUS_PIO, ACPI_PM_PORT, 2, acpi_pm__io, NULL);
}
