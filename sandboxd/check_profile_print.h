/* The printers of sandboxd check-profile (check_profile_print.c) and of
 * its --diff (check_profile_diff.c), for check_profile.c. */
#ifndef SANDBOXD_CHECK_PROFILE_PRINT_H
#define SANDBOXD_CHECK_PROFILE_PRINT_H

#include <sys/resource.h>

#include "config.h"
#include "profile.h"

/* P as check-profile shows it: PP's parameters, the syscalls (sorted by
 * name, in place) with BPF_LEN and where --bpf wrote it (BPF_FILE, or
 * NULL), then Landlock, capabilities, securebits, rlimits and tmpfs sizes
 * (CFG's tmpfs_size where P sets none). */
void check_print_profile(struct profile *p, const struct profile_params *pp, unsigned bpf_len,
			 const char *bpf_file, const struct config *cfg);

/* What P allows that O does not, one "+ " line each, and their count. */
void check_print_diff(struct profile *p, const struct profile *o, const struct config *cfg);

/* For both. */
void check_sort_rules(struct profile *p);
/* "PREFIXsyscall NAME if COND and COND [errno E]" and a newline. */
void check_print_rule(const char *prefix, const struct sc_rule *r);
/* "unlimited", a count, or whole MiB with a suffix (512M, 4G). */
void check_print_limit(rlim_t v);
/* PREFIX and the capability's name, CAP_DAC_OVERRIDE. */
void check_print_cap(const char *prefix, unsigned cap);

#endif
