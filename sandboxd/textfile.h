/* FILE:LINE text, as the VM config and the profiles are written: one
 * reader that hands out checked lines, one way to say what is wrong where,
 * and the small scanners both parsers use. */
#ifndef SANDBOXD_TEXTFILE_H
#define SANDBOXD_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longer lines are mistakes (Linux's own x86 cmdline limit is 2048). */
#define TEXTFILE_MAX_LINE 8192

/* What textfile_each_line returns on a read error (errno says which),
 * without a message: each caller names what it was reading. */
#define TEXTFILE_READ_ERROR (-2)

/* Logs "PATH:LINE: message" (LINE 0: the whole file); returns -1. */
__attribute__((format(printf, 3, 4)))
int textfile_fail(const char *path, unsigned line, const char *fmt, ...);

/* FN for one line, without its line end (\n or \r\n), and its number. */
typedef int textfile_line_fn(char *line, unsigned number, void *arg);

/* Opens PATH, which must be a regular file, and calls FN for each line
 * until FN returns non-zero, which it returns. A line too long, with a NUL
 * byte or a control character other than tab is -1 after "PATH:LINE:
 * message"; a file that cannot be opened, -1 after "PATH:0: cannot read
 * WHAT: reason"; a read error, TEXTFILE_READ_ERROR. 0 at the end. */
int textfile_each_line(const char *path, const char *what, textfile_line_fn *fn, void *arg);

/* S without leading and trailing blanks (space, tab), in place. */
char *textfile_trim(char *s);
/* True if S is 1..MAXLEN characters, all from CHARS. */
bool textfile_is_word(const char *s, const char *chars, size_t maxlen);
/* True if S ends with SUFFIX, which is then cut off. */
bool textfile_strip_suffix(char *s, const char *suffix);

/* Digits in BASE 10 or 16 (no sign, no spaces, no 0x): true with the value
 * in *out and *end after the last digit; false if there is no digit or the
 * value does not fit in 64 bits. */
bool textfile_scan_u64(const char *s, unsigned base, uint64_t *out, const char **end);
/* A count of MiB as the parsers read it back: "1G" if whole GiB, else "256M". */
const char *textfile_mib_text(char buf[24], uint64_t mib);

#endif
