/* A profile's syscall rules as a seccomp filter (libseccomp), for the
 * native arch only: any other arch, x32 included, is killed. The filter is
 * exported as BPF so that confine.c can install it with seccomp(2) itself. */
#ifndef SANDBOXD_SECCOMP_BUILD_H
#define SANDBOXD_SECCOMP_BUILD_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdint.h>

#include "profile.h"

/* An empty filter taking DEFAULT_ACTION, native arch only, any other arch
 * killed; NULL after a message naming WHAT. Free with seccomp_release. */
scmp_filter_ctx seccomp_new(uint32_t default_action, const char *what);

/* A filter that allows P's syscalls (conditions on one line ANDed, several
 * lines for one syscall ORed) and takes DEFAULT_ACTION (SCMP_ACT_KILL_PROCESS,
 * or SCMP_ACT_LOG while developing a profile) for everything else. NULL
 * after a "FILE:LINE: message" on error. Free with seccomp_release. */
scmp_filter_ctx seccomp_build(const struct profile *p, uint32_t default_action);

/* CTX as classic BPF: out->filter is malloc'ed (free it), out->len counts
 * instructions. 0, or -1 after a message. */
int seccomp_bpf(scmp_filter_ctx ctx, struct sock_fprog *out);

/* The name of the arch the filter is for ("x86_64"), for messages. */
const char *seccomp_native_arch(void);

#endif
