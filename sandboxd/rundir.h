/* The VM's runtime dir on the host: made by sandboxd, parents included,
 * each marked (xattr trusted.sandboxd = the VM's name), and removed by
 * sandboxd, exactly what it made and nothing else. */
#ifndef SANDBOXD_RUNDIR_H
#define SANDBOXD_RUNDIR_H

#include <limits.h>

#include "config.h"

struct rundir {
	int top;		/* O_PATH: the deepest ancestor that was there before */
	char rel[PATH_MAX];	/* the runtime dir below TOP */
	unsigned made;		/* how many of REL's last components sandboxd made */
};

/* A plan step: dies with 100 ("FILE:LINE: runtime_dir ...") if CFG's
 * runtime dir is or is in /proc, /sys or /dev, is or is above a system
 * directory, a share, a disk, the kernel or the initrd, goes through a
 * symlink, or exists without being one that sandboxd made for this VM
 * (a marked one is what a killed instance left: rundir_make removes it). */
void rundir_check(const struct config *cfg);

/* Makes the runtime dir and what is missing above it, marked; first
 * removes one a killed instance left (logged). Dies with 111. */
void rundir_make(const struct config *cfg, struct rundir *r);

/* Removes what rundir_make made, deepest first; a parent another VM
 * still uses stays. For the confined outer process: unlinkat beneath
 * R->top only. */
void rundir_remove(const struct rundir *r);

#endif
