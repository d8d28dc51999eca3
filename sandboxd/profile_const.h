/* The symbolic constants that profile conditions may name (profiles(5)):
 * one table in profile_const.c, built from the system headers, so each
 * value is the one of the arch sandboxd is built for. */
#ifndef SANDBOXD_PROFILE_CONST_H
#define SANDBOXD_PROFILE_CONST_H

#include <stdbool.h>
#include <stdint.h>

/* The value of constant NAME (case-sensitive, as in the C headers). */
bool profile_const_value(const char *name, uint64_t *value);
/* The one constant whose value is VALUE, or NULL when none or several are. */
const char *profile_const_name(uint64_t value);

#endif
