/* Applying a service's profile: the fixed sequence that takes the child
 * from root in PID 1's image to the confined program. */
#ifndef SANDBOXD_CONFINE_H
#define SANDBOXD_CONFINE_H

#include <linux/filter.h>
#include <stdbool.h>

#include "config.h"
#include "profile.h"
#include "service.h"

/* A service's profile and the seccomp BPF built from it, in PID 1. */
struct confinement {
	struct profile profile;
	struct sock_fprog filter;
};

/* In PID 1, before the service forks: loads FILE with PARAMS and builds
 * its filter, whose default action is kill-process, or log with
 * SECCOMP_LOG; with FILTER_OFF, no filter (c->filter stays empty). The
 * last two are said loudly. Dies with 100 on a bad profile; logs one line
 * summing up what SERVICE gets. */
void confine_load(struct confinement *c, const char *file, const struct profile_params *params,
		  enum filter_mode mode, const char *service);

/* What service.filter takes: C's filter, or NULL under FILTER_OFF. */
const struct sock_fprog *confine_filter(const struct confinement *c);

/* FILTER on every thread of the calling process (TSYNC); dies with 111
 * naming SERVICE if it cannot be installed or a thread not synchronised. */
void confine_install_seccomp(const struct sock_fprog *filter, const char *service);

/* In the service's child, after its mounts and fds: drops to the service's
 * uid/gid and the profile's capabilities, sets no_new_privs, rlimits,
 * Landlock and seccomp, then executes SERVICE_EXEC_FD with S's argv. Never
 * returns: a failing step is one log line naming the service and the step, and exit
 * 111 (100 where the profile itself is at fault). Without a profile the
 * service keeps no capability and gets neither rlimits, Landlock nor
 * seccomp. */
_Noreturn void confine_exec(const struct service *s, const struct config *cfg);

#endif
