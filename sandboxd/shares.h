/* The VM's shares: one virtiofsd per share, each its own confined service
 * (role ROLE_VIRTIOFSD + index, so its own uid), serving one directory over
 * vhost-user. PID 1 makes both ends of each vhost-user connection: the
 * listening socket (in the runtime dir) goes to virtiofsd, a socket
 * connected to it goes to the VMM, so neither daemon needs socket(),
 * connect() or a path in the runtime dir. The file data path never runs
 * through the VMM, and the xattr syscalls that serving files needs stay in
 * virtiofsd's profile. */
#ifndef SANDBOXD_SHARES_H
#define SANDBOXD_SHARES_H

#include <stdbool.h>

#include "argv.h"
#include "config.h"
#include "plan.h"
#include "service.h"

struct share_service {
	struct service svc;
	const char *name;	/* "share TAG" */
	struct argv argv;
	int vmm_fd;		/* the connected end, for the VMM */
};

/* Share I's virtiofsd command line, its listening socket being fd 3: what
 * a start runs, and what --print-argv prints. */
void share_argv(const struct plan *plan, size_t i, struct argv *a);

/* As root in PID 1, after the mounts and before the VMM: starts the
 * plan's virtiofsd for each share, its stderr on ERR_FDS[i] (NULL, or -1:
 * sandboxd's). Dies with 111 (logged: share and step) if one cannot start;
 * PID 1's exit takes the ones already started with it. */
void shares_start(const struct plan *plan, struct share_service *out, const int *err_fds);

/* Waits until SH's virtiofsd serves its socket: 0, or -1 with errno set
 * (logged). */
int share_wait_ready(const struct share_service *sh, const struct share *share);

#endif
