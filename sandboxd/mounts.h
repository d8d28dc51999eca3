/* The mount namespaces: PID 1's view of the host, and each service's
 * private /tmp and /dev/shm. */
#ifndef SANDBOXD_MOUNTS_H
#define SANDBOXD_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* Devices a VM's services may get in the fresh /dev, beyond the basic
 * null/zero/full/random/urandom/tty. */
struct dev_grant {
	const char *path;	/* host path, e.g. "/dev/kvm" */
	uid_t owner;		/* the one service uid that may open it */
};

/* In PID 1's new mount namespace: everything private, the host rootfs
 * read-only, nosuid and nodev except WRITABLE paths, fresh /proc, /sys
 * and /dev (with GRANTS), and a tmpfs on the VM's runtime dir.
 * Dies on failure (a syscall failed: exit 111). */
void mounts_build_sandbox(const struct config *cfg,
			  const char *const *writable, size_t nwritable,
			  const struct dev_grant *grants, size_t ngrants);

/* In a service's child, after unshare(CLONE_NEWNS): size-limited tmpfs on
 * /tmp and /dev/shm (sizes in MiB) owned by UID:GID. KEEP (or NULL) is a
 * host directory the service works in by path (a share): if the tmpfs
 * would hide it, it is mounted back at the same place, with its own mount
 * flags. Returns -1 with errno set. */
int mounts_private_tmp(uint64_t tmp_mib, uint64_t shm_mib, uid_t uid, gid_t gid,
		       const char *keep);

/* Whether PATH is one of those private dirs or beneath one. */
bool mounts_in_private_tmp(const char *path);

#endif
