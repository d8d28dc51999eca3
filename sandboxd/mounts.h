/* PID 1's mount namespace: its view of the host, from which each
 * service's view (view.c) takes its pieces. */
#ifndef SANDBOXD_MOUNTS_H
#define SANDBOXD_MOUNTS_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "paths.h"

/* Devices a VM's services may get in the fresh /dev, beyond the basic
 * null/zero/full/random/urandom/tty. */
struct dev_grant {
	const char *path;	/* host path, e.g. "/dev/kvm" */
	uid_t owner;		/* the one service uid that may open it */
};

/* In PID 1's new mount namespace: everything private, the host rootfs
 * read-only, nosuid and nodev except WRITABLE paths (each the file it was
 * pinned to, or the VM does not start), fresh /proc, /sys
 * and /dev (with GRANTS), and a tmpfs on the VM's runtime dir.
 * Dies on failure (a syscall failed: exit 111). */
void mounts_build_sandbox(const struct config *cfg,
			  const struct pinned *writable, size_t nwritable,
			  const struct dev_grant *grants, size_t ngrants);

/* The nodes every /dev holds, PID 1's and each service's (view.c). */
#define MOUNTS_NBASIC_DEVS 6
extern const char *const mounts_basic_devs[MOUNTS_NBASIC_DEVS];

#endif
