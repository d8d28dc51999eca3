/* The bundled KVM VMM: what every module shares — exit codes, the one
 * die/warn family, and the process-wide VM state. */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* Ask the main thread to end the VMM with CODE; the first request wins.
 * Safe from any thread; the caller simply stops afterwards. */
void vm_request_exit(int code);
/* True once an exit was requested: vCPUs stop instead of re-entering. */
bool vm_exiting(void);

/* A disk given with --disk. */
struct disk_cfg {
	const char *path;
	bool ro;
};

#define VMM_MAX_DISKS 8

struct vm_cfg {
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	const char *console;
	uint64_t mem_size;
	int vcpus;
	int ready_fd;
	int ndisks;
	struct disk_cfg disks[VMM_MAX_DISKS];
};

#endif
