/* sandboxd as PID 1 of the VM's PID namespace: builds the mount namespace,
 * starts the services, supervises them, shuts the VM down. */
#ifndef SANDBOXD_PID1_H
#define SANDBOXD_PID1_H

#include "cgroup.h"
#include "plan.h"

/* Carries out PLAN; CGROUPS are the VM's cgroups as the outer made them
 * (PID 1 removes them if the outer goes first). NOTIFY_FD (or -1) gets a
 * newline once the VM is ready (readiness.h). LOG_CONSOLE: the VMM's
 * console and stderr, and each virtiofsd's stderr, relayed to stdout
 * (relay.h). LIFELINE_FD is the
 * read end of a pipe whose write end only the outer sandboxd holds: one
 * byte comes once the outer has confined itself, and it hangs up when the
 * outer process is gone. Never returns. */
_Noreturn void pid1_main(const struct plan *plan, const struct cgroup_dirs *cgroups, int notify_fd,
			 int lifeline_fd, bool log_console);

#endif
