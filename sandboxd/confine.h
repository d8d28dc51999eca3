/* The privilege steps of a service's entry sequence (service.c), each
 * needing the privileges a later one takes away: minijail_enter()'s order. */
#ifndef SANDBOXD_CONFINE_H
#define SANDBOXD_CONFINE_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile.h"

/* P's rlimits. Dies with 111 naming SERVICE. */
void confine_rlimits(const struct profile *p, const char *service);

/* Bounding set, securebits, uid/gid (no supplementary groups), then
 * exactly CAPS in every set, ambient included so that they survive the
 * exec of a non-root program. Dies with 111 naming SERVICE. */
void confine_ids(uid_t uid, gid_t gid, uint64_t caps, unsigned securebits, const char *service);

/* FILTER on every thread of the calling process (TSYNC); dies with 111
 * naming SERVICE if it cannot be installed or a thread not synchronised. */
void confine_install_seccomp(const struct sock_fprog *filter, const char *service);

#endif
