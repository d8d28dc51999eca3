/* One warn/die family: "vmm: what: strerror(errno)", one line each; and
 * the failure a set-up function records for main to report (error__*). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

/* FMT with AP into BUF, then ": strerror(ERR)" unless ERR is 0. */
static void format_line(char *buf, size_t size, const char *fmt, va_list ap, int err)
{
	int n = vsnprintf(buf, size, fmt, ap);
	size_t len;

	if (n < 0)
		buf[0] = '\0';
	len = strlen(buf);
	if (err)
		snprintf(buf + len, size - len, ": %s", strerror(err));
}

static void vlog(const char *fmt, va_list ap, int err)
{
	char buf[512];

	format_line(buf, sizeof(buf), fmt, ap, err);
	fprintf(stderr, "vmm: %s\n", buf);
}

void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void warn_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, err);
	va_end(ap);
}

noreturn void diex(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(code);
}

noreturn void die_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, err);
	va_end(ap);
	exit(code);
}

/* Set-up runs on the main thread only, before any vCPU thread exists, and
 * the first failure ends the VMM: one slot is enough. */
static char error_line[512];
static int error_code;

int error__record(int code, int err, bool with_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_line(error_line, sizeof(error_line), fmt, ap, with_errno ? err : 0);
	va_end(ap);
	error_code = code;
	return -err;
}

noreturn void error__die(int err, const char *what)
{
	if (error_code)
		diex(error_code, "%s", error_line);
	errno = -err;
	die_errno(VMM_EXIT_SYSCALL, "%s", what);
}
