#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *vm_name;

void log_set_vm(const char *name)
{
	vm_name = name;
}

/* One write(2) per line, so lines of concurrent processes do not interleave. */
static void log_line(const char *service, int errnum, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n = 0;
	int r;

	r = snprintf(line, sizeof line, "sandboxd: ");
	n += (size_t)r;
	if (vm_name)
		n += (size_t)snprintf(line + n, sizeof line - n, "vm %s: ", vm_name);
	if (service && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n, "%s: ", service);
	if (n < sizeof line)
		n += (size_t)vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (errnum && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n, ": %s", strerror(errnum));
	if (n >= sizeof line - 1)
		n = sizeof line - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}

#define LOG_VARIANT(name, errnum_expr)                                   \
	void name(const char *service, const char *fmt, ...)             \
	{                                                                \
		int errnum = (errnum_expr);                              \
		va_list ap;                                              \
		va_start(ap, fmt);                                       \
		log_line(service, errnum, fmt, ap);                      \
		va_end(ap);                                              \
	}
LOG_VARIANT(log_info, 0)
LOG_VARIANT(log_warn, 0)
LOG_VARIANT(log_warn_errno, errno)

int exit_code_for_errno(int errnum)
{
	static const int permanent[] = { EPERM, EACCES, EROFS, ENOTDIR, ENAMETOOLONG, ELOOP };

	for (size_t i = 0; i < sizeof permanent / sizeof *permanent; i++)
		if (errnum == permanent[i])
			return EXIT_PERMANENT;
	return EXIT_TEMPORARY;
}

noreturn void die(int code, const char *service, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(service, 0, fmt, ap);
	va_end(ap);
	_exit(code);
}

noreturn void die_errno(int code, const char *service, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;
	va_start(ap, fmt);
	log_line(service, errnum, fmt, ap);
	va_end(ap);
	_exit(code);
}
