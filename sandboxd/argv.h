/* A growable, NULL-terminated argv for building VMM command lines. */
#ifndef SANDBOXD_ARGV_H
#define SANDBOXD_ARGV_H

#include <stddef.h>

struct argv {
	char **v;
	size_t n, cap;
};

/* Appends one formatted argument; dies (111) when out of memory. */
__attribute__((format(printf, 2, 3)))
void argv_add(struct argv *a, const char *fmt, ...);

/* Frees A's words and list. */
void argv_free(struct argv *a);

#endif
