/* A service's view of the filesystem: a fresh root holding only what its
 * profile and the VM config give that service, pivot_root'ed, as
 * bubblewrap and minijail build one. docs/confinement.md, "Views". */
#ifndef SANDBOXD_VIEW_H
#define SANDBOXD_VIEW_H

#include <stdint.h>
#include <sys/types.h>

#include "paths.h"
#include "profile.h"

struct view {
	const struct profile *profile;	/* its path rules become the view; NULL: none */
	const char *stage;		/* a directory to build the root on (the runtime dir) */
	uid_t uid;			/* owner of the private /tmp and /dev/shm */
	gid_t gid;
	uint64_t tmp_mib, shm_mib;	/* their sizes */
	const struct pinned *pins;	/* the config's paths: a rule naming one */
	size_t npins;			/* takes the file it was pinned to */
};

/* In the service's child, as root, in a mount namespace of its own: builds
 * the root and moves into it (cwd /). What it holds:
 *   /usr read-only (nosuid, nodev) and the host's top-level links to it
 *   (/bin, /lib, /lib64, /sbin);
 *   PID 1's /proc; a fresh /dev with null, zero, full, random, urandom, tty;
 *   a private tmpfs on /tmp and /dev/shm (mode 0700, the service's own);
 *   each path of the profile's Landlock rules, taken from PID 1's view before
 *   anything covers it, at the same place: read and read-exec read-only,
 *   read-write as PID 1 has it (writable only for the config's rw disks
 *   and shares), device nodes with dev; every one nosuid, and noexec unless
 *   read-exec.
 * A rule path that does not exist is left out (Landlock says so). Dies
 * naming SERVICE and the step (exit 111). */
void view_enter(const struct view *v, const char *service);

#endif
