/* The symbolic constants that profile conditions may name (profiles(5)):
 * one table in profile_const.c, built from the system headers, so each
 * value is the one of the arch sandboxd is built for. */
#ifndef SANDBOXD_PROFILE_CONST_H
#define SANDBOXD_PROFILE_CONST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of constant NAME (case-sensitive, as in the C headers). */
bool profile_const_value(const char *name, uint64_t *value);
/* A name for VALUE, for check-profile. With PREFIX ("PROT_", "AF_"), the
 * first constant of that family with the value, or, with FLAGS, the
 * family's one-bit constants joined by | (written into buf); with PREFIX
 * "", the one constant of the whole table with the value (ioctl requests).
 * NULL when none fits. */
const char *profile_const_describe(uint64_t value, const char *prefix, bool flags, char *buf,
				   size_t size);

#endif
