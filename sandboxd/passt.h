/* network = user: passt, the VM's third kind of confined service (role
 * ROLE_PASST, its own uid, profiles/passt, cgroup vm-NAME/passt), the only
 * one in the caller's network namespace: it makes the guest's outbound
 * connections from there and listens for the config's forwards. PID 1
 * makes both ends of the guest's link, a unix stream socketpair carrying
 * QEMU's framing (each frame behind its 4-byte big-endian length): one end
 * goes to passt (--fd), the other to the VMM, which thus needs no
 * socket(), connect() or path. */
#ifndef SANDBOXD_PASST_H
#define SANDBOXD_PASST_H

#include "argv.h"
#include "plan.h"
#include "service.h"

struct passt_service {
	struct service svc;
	struct argv argv;
	int vmm_fd;		/* the VMM's end of the link */
};

/* PLAN's passt command line into A (--print-argv prints it too). */
void passt_argv(const struct plan *plan, struct argv *a);

/* As root in PID 1, after the mounts and before the VMM: starts the
 * plan's passt in the namespace PLAN->net.host_netns_fd (closed here in
 * PID 1 once passt has it), its stderr on ERR_FD (-1: sandboxd's). Dies
 * with 111 (logged: service and step). */
void passt_start(const struct plan *plan, struct passt_service *out, int err_fd);

#endif
