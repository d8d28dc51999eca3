/* --print-argv: the command lines a start of the plan would run. */
#ifndef SANDBOXD_PRINT_ARGV_H
#define SANDBOXD_PRINT_ARGV_H

#include "plan.h"

/* On stdout, one line per service in the order a start runs them: its
 * role (virtiofsd-TAG, vmm), then its argv shell-quoted, with the fd
 * numbers the service will see; then one line "vmm fd N MODE PATH" per
 * file the VMM inherits (MODE read-only or read-write). The argv comes
 * from the code that builds it for a start (shares.c, the driver's
 * prepare in a dry run): nothing is opened or created. */
void print_argv(const struct plan *p);

#endif
