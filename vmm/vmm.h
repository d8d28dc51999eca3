/* The bundled KVM VMM: what every module shares — exit codes and the one
 * die/warn family. */
#ifndef VMM_H
#define VMM_H

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

#endif
