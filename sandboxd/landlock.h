/* Landlock for services: filesystem rules, TCP ports and scopes from the
 * profile, best effort by the running kernel's ABI. */
#ifndef SANDBOXD_LANDLOCK_H
#define SANDBOXD_LANDLOCK_H

#include <stddef.h>

#include "config.h"
#include "profile.h"

/* The highest ABI this build knows (kernel 6.15's): the one definition,
 * also the ceiling and default of the config's landlock_*_abi. */
#define LANDLOCK_ABI_KNOWN 7

/* Once, in the outer process before PID 1 is cloned: probes the kernel's
 * ABI, caps it at the config's landlock_max_abi, and logs what the services
 * will not get. Dies with 100 if the kernel is below landlock_min_abi.
 * Returns the ABI in use, 0 when Landlock is off: the plan holds it for
 * the services and sandboxd's own domain. */
int landlock_probe(const struct config *cfg);

/* In a service's child, in its view (view.c), after no_new_privs: the
 * ruleset of P's rules and scopes at ABI (the rights it lacks masked; 0:
 * Landlock off), each path opened in the view, then restricts the child.
 * A path that does not exist is left out (logged: it grants nothing); a
 * failing syscall ends the child with 111. */
void landlock_restrict_service(const struct profile *p, int abi, const char *service);

/* sandboxd itself, once it only supervises (self_confine.c): a domain
 * that handles every right of the ABI in use and grants none, but
 * REMOVE_DIR beneath each of the N directories DIRS (O_PATH), for
 * removing REMOVES (the log's words: "the runtime dir", "the VM's
 * cgroups"); abstract unix sockets are scoped, signals are not. The
 * caller has set no_new_privs. Says what it did in WHAT, for the log
 * ("Landlock off" at ABI 0); dies with 111. */
void landlock_confine_self(int abi, const int *dirs, size_t n, const char *removes, char *what,
			   size_t len);

#endif
