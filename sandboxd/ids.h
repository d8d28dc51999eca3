/* A uid/gid range per VM: CONFIG_ID_SPAN ids, one per service role, taken
 * from a pool by the VM's name, so that DAC separates VMs as it separates
 * a VM's services. The host-wide registry (one file per range, holding the
 * name of the VM that last had it, flock'ed while that VM runs) makes the
 * choice collision-free, exclusive among running VMs and stable across
 * restarts of the same VM. docs/sandboxd.conf.5, uid_base. */
#ifndef SANDBOXD_IDS_H
#define SANDBOXD_IDS_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

/* Persistent, so that a VM keeps its range across host reboots too. */
#define SANDBOXD_STATE_DIR "/var/lib/sandboxd"
#define SANDBOXD_ID_REGISTRY SANDBOXD_STATE_DIR "/ids"
/* The pool: IDS_POOL_SLOTS ranges of CONFIG_ID_SPAN from IDS_POOL_BASE. */
#define IDS_POOL_BASE 2000000000u
#define IDS_POOL_SLOTS (1u << 20)

/* The range CFG's VM takes: its uid_base when configured, else the one the
 * registry holds for its name, else its name's first free slot. With
 * RESERVE the range is locked for this process's lifetime (the lock fd is
 * close-on-exec, inherited by PID 1) and CFG's uid_base/gid_base (when
 * not configured) set to it; without, nothing is written and *CFG only
 * gets the answer. Dies with 100 if another running VM holds the range or
 * this VM already runs (its pid named), 111 if the registry fails; a run
 * of this VM whose outer process is gone, its PID 1 still ending the VM,
 * is waited for (up to 10 s). */
void ids_take(struct config *cfg, bool reserve);

#endif
