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
 * RESERVE the range is locked while the returned fd is open (close-on-exec;
 * the outer keeps it, PID 1 closes its copy) and CFG's uid_base/gid_base
 * (when not configured) set to it; without, nothing is written, *CFG only
 * gets the answer and -1 is returned. Dies with 100 if another running VM
 * holds the range or this VM already runs (its pid named), 111 if the
 * registry fails. */
int ids_take(struct config *cfg, bool reserve);

#endif
