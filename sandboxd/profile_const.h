/* The symbolic constants that profile conditions may name (profiles(5)):
 * one table in profile_const.c, built from the system headers, so each
 * value is the one of the arch sandboxd is built for. And the name sets of
 * the format (rlimits, securebits, Landlock classes, operators): one table
 * each, for the parser, check-profile's printer and confine.c alike. */
#ifndef SANDBOXD_PROFILE_CONST_H
#define SANDBOXD_PROFILE_CONST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* The value of constant NAME (case-sensitive, as in the C headers). */
bool profile_const_value(const char *name, uint64_t *value);
/* A name for VALUE, for check-profile. With PREFIX ("PROT_", "AF_"), the
 * first constant of that family with the value, or, with FLAGS, the
 * family's one-bit constants joined by | (written into buf); with PREFIX
 * "", the one constant of the whole table with the value (ioctl requests).
 * NULL when none fits. */
const char *profile_const_describe(uint64_t value, const char *prefix, bool flags, char *buf,
				   size_t size);

/* A name set: each name with its value, ended by { NULL, 0 }. */
struct name_value {
	const char *name;
	int value;
};

/* The row named NAME (case-sensitive), or NULL. */
const struct name_value *name_lookup(const struct name_value *table, const char *name);
/* The name of VALUE, or NULL. */
const char *name_of(const struct name_value *table, int value);

extern const struct name_value rlimit_names[];	 /* "NOFILE": RLIMIT_NOFILE, A..Z */
extern const struct name_value securebit_names[]; /* "noroot": SECURE_NOROOT, by bit */
extern const struct name_value ll_class_names[];  /* "read": LL_READ (enum ll_class) */
/* "==": SC_EQ (enum sc_op); SC_MASKED_EQ is "ARG & MASK == VALUE" and has
 * no row of its own. */
extern const struct name_value sc_op_names[];

/* The word of a path class in a profile: "read", ..., "view" (which is
 * its own directive, not a landlock one). */
const char *ll_class_word(enum ll_class c);

#endif
