/* The line reader of sandboxd.conf(5) and profiles(5): both are read a
 * line at a time, and both refuse the same malformed lines with the same
 * FILE:LINE messages. */
#include "textfile.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int textfile_fail(const char *path, unsigned line, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warn(NULL, "%s:%u: %s", path, line, msg);
	return -1;
}

/* LINE as getline returned it (LEN bytes): its line end removed, and
 * checked for what has no place in a text file. */
static int check_line(const char *path, unsigned number, char *line, size_t len)
{
	if (strlen(line) != len)
		return textfile_fail(path, number, "NUL byte in line");
	if (len >= TEXTFILE_MAX_LINE)
		return textfile_fail(path, number, "line too long (at most %d bytes)",
				     TEXTFILE_MAX_LINE - 1);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
			return textfile_fail(path, number, "control character 0x%02x in line",
					     (unsigned char)line[i]);
	return 0;
}

static int each_line(const char *path, FILE *f, textfile_line_fn *fn, void *arg)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned number = 0;
	ssize_t len;
	int r = 0, saved;

	while (r == 0 && (len = getline(&line, &cap, f)) >= 0) {
		number++;
		r = check_line(path, number, line, (size_t)len);
		if (r == 0)
			r = fn(line, number, arg);
	}
	if (r == 0 && ferror(f))
		r = TEXTFILE_READ_ERROR;
	saved = errno;
	free(line);
	errno = saved;
	return r;
}

int textfile_each_line(const char *path, const char *what, textfile_line_fn *fn, void *arg)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	int r, saved;

	if (!f)
		return textfile_fail(path, 0, "cannot read %s: %s", what, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
		r = textfile_fail(path, 0, "cannot read %s: not a regular file", what);
	else
		r = each_line(path, f, fn, arg);
	saved = errno;		/* a read error's, for the caller */
	fclose(f);
	errno = saved;
	return r;
}

char *textfile_trim(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

bool textfile_is_word(const char *s, const char *chars, size_t maxlen)
{
	size_t n = strspn(s, chars);

	return n >= 1 && n <= maxlen && s[n] == '\0';
}

bool textfile_strip_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n < m || strcmp(s + n - m, suffix))
		return false;
	s[n - m] = '\0';
	return true;
}

bool textfile_scan_u64(const char *s, unsigned base, uint64_t *out, const char **end)
{
	const char *c = s;
	uint64_t v = 0;

	for (; base == 16 ? isxdigit((unsigned char)*c) : isdigit((unsigned char)*c); c++) {
		unsigned d = isdigit((unsigned char)*c) ? (unsigned)(*c - '0')
						       : (unsigned)(tolower((unsigned char)*c) - 'a' + 10);
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	*end = c;
	return c != s;
}

const char *textfile_mib_text(char buf[24], uint64_t mib)
{
	if (mib % 1024 == 0)
		snprintf(buf, 24, "%lluG", (unsigned long long)(mib / 1024));
	else
		snprintf(buf, 24, "%lluM", (unsigned long long)mib);
	return buf;
}
