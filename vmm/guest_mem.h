/* Guest RAM: one memfd, mapped shared at host address base, guest-physical
 * 0..size.  Every guest-controlled address goes through guest_mem__slice;
 * the VMM's own fixed low-memory layout through guest_mem__fixed. */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdint.h>

struct guest_mem {
	uint8_t *base;
	uint64_t size;
	int fd;
};

extern struct guest_mem guest_mem;

/* Host pointer to guest-physical [gpa, gpa + len), or NULL unless the whole
 * range lies inside RAM (len 0 is refused, no wrap-around). */
void *guest_mem__slice(uint64_t gpa, uint64_t len);

/* Host pointer to [gpa, gpa + len) of the fixed low-memory layout
 * (boot.h): never NULL.  That layout fits the smallest RAM the VMM accepts
 * (checked by _Static_assert in boot.h), so a miss is a bug in the VMM, not
 * an error to report: it aborts. */
void *guest_mem__fixed(uint64_t gpa, uint64_t len);

/* Allocate SIZE bytes of guest RAM; -errno. */
int guest_mem__init(uint64_t size);

#endif
