/* The probe's resource-limit actions (probe_limits.c). */
#ifndef PROBE_LIMITS_H
#define PROBE_LIMITS_H

#include <stdbool.h>

/* Runs ACTION (NAME:ARG) if it is one of ours: true, with *RC as probe.c's
 * run() takes it (0 ok, -1 errno, 1 already printed). */
bool probe_limits_action(const char *action, const char *name, const char *arg, int *rc);

#endif
