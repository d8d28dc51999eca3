/* The I/O bus: port and MMIO ranges mapped to device handlers.  Ranges are
 * registered before the first vCPU runs and never change afterwards; one
 * lock serialises all device state (vCPU threads and the main loop). */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

enum bus_kind { BUS_PIO, BUS_MMIO };

/* OFF is relative to the range's base; DATA holds LEN bytes (1..8). */
typedef void (*bus_handler)(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write);

int bus__register(enum bus_kind kind, uint64_t base, uint64_t len, bus_handler fn, void *dev);

/* Dispatch one access to the range that holds all of [addr, addr + len);
 * one that straddles a range's end is nobody's: reads nobody claims return
 * all ones, writes are dropped. */
void bus__access(enum bus_kind kind, uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

void bus__lock(void);
void bus__unlock(void);

#endif
