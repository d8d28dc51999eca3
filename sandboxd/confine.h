/* Applying a service's profile: the fixed sequence that takes the child
 * from root in PID 1's image to the confined program. */
#ifndef SANDBOXD_CONFINE_H
#define SANDBOXD_CONFINE_H

#include "config.h"
#include "service.h"

/* In the service's child, after its mounts and fds: drops to the service's
 * uid/gid and the profile's capabilities, sets no_new_privs, rlimits,
 * Landlock and seccomp, then executes EXEC_FD with S's argv. Never returns:
 * a failing step is one log line naming the service and the step, and exit
 * 111 (100 where the profile itself is at fault). Without a profile the
 * service keeps no capability and gets neither rlimits, Landlock nor
 * seccomp. */
_Noreturn void confine_exec(const struct service *s, const struct config *cfg, int exec_fd);

#endif
