/* The bundled KVM VMM: what every module shares — exit codes and the one
 * die/warn family. */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stdnoreturn.h>

/* Exit codes (documented in vmm/README.md). */
enum {
	VMM_EXIT_OK = 0,	/* guest powered off or reset */
	VMM_EXIT_CRASH = 1,	/* triple fault, KVM internal/emulation error */
	VMM_EXIT_USAGE = 100,	/* bad arguments, KVM absent or lacking */
	VMM_EXIT_SYSCALL = 111,	/* a host syscall failed */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MiB (1ULL << 20)

__attribute__((format(printf, 1, 2))) void warnx(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void warn_errno(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) noreturn void diex(int code, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) noreturn void die_errno(int code, const char *fmt, ...);

/* The error convention: functions below main return -errno and never end
 * the process.  A set-up step that knows more than strerror would say
 * records one line first (error__usage: the arguments, an image or KVM
 * will not do, exit 100; error__syscall: a host syscall failed, exit 111);
 * main alone decides to die, with error__die(ERR, WHAT), which prints the
 * recorded line, or "WHAT: strerror(-ERR)" with 111 when none was made. */
__attribute__((format(printf, 4, 5))) int error__record(int code, int err, bool with_errno,
							 const char *fmt, ...);
#define error__usage(err, ...) error__record(VMM_EXIT_USAGE, (err), false, __VA_ARGS__)
#define error__usage_errno(err, ...) error__record(VMM_EXIT_USAGE, (err), true, __VA_ARGS__)
#define error__syscall(err, ...) error__record(VMM_EXIT_SYSCALL, (err), true, __VA_ARGS__)
noreturn void error__die(int err, const char *what);

#endif
