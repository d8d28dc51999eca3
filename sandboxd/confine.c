/* The privilege steps of a service's entry sequence: minijail_enter()'s
 * order, each step needing the privileges that a later one takes away. */
#include "confine.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "profile_const.h"
#include "seccomp_build.h"

static bool has_cap(uint64_t caps, unsigned cap)
{
	return cap < 64 && (caps >> cap & 1);
}

/* No later exec can regain a capability that is not in the bounding set.
 * Dropping needs CAP_SETPCAP, which root still has here. */
static void drop_bounding_set(uint64_t keep, const char *service)
{
	for (unsigned cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (!has_cap(keep, cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			die_errno(EXIT_TEMPORARY, service, "drop capability %u from the bounding set",
				  cap);
}

/* The service's own ids, no supplementary groups. With capabilities to
 * keep, KEEP_CAPS (cleared again by execve) stops setresuid from emptying
 * the permitted set; the profile's securebits are set in the same call,
 * while CAP_SETPCAP is still effective. */
static void switch_ids(uid_t uid, gid_t gid, unsigned securebits, bool keep_caps,
		       const char *service)
{
	const unsigned long bits = securebits | (keep_caps ? SECBIT_KEEP_CAPS : 0);

	if (bits && prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
		die_errno(EXIT_TEMPORARY, service, "set securebits 0x%lx", bits);
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		die_errno(EXIT_TEMPORARY, service, "switch to uid %u gid %u", (unsigned)uid,
			  (unsigned)gid);
}

/* Exactly CAPS in every set. For a non-root uid a capability survives
 * execve only as an ambient one, which must also be permitted and
 * inheritable; effective follows from ambient after the exec. */
static void set_caps(uint64_t caps, const char *service)
{
	capng_clear(CAPNG_SELECT_ALL);
	for (unsigned cap = 0; cap < 64; cap++)
		if (has_cap(caps, cap) &&
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
						    CAPNG_AMBIENT, cap) < 0)
			die(EXIT_PERMANENT, service, "capability %u unknown to libcap-ng", cap);
	if (capng_apply(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) < 0)
		die_errno(EXIT_TEMPORARY, service, "set capabilities 0x%llx",
			  (unsigned long long)caps);
}

void confine_rlimits(const struct profile *p, const char *service)
{
	for (size_t i = 0; i < p->nrlimits; i++) {
		const struct rlimit_rule *r = &p->rlimits[i];
		if (setrlimit(r->resource, &r->lim) < 0)
			die_errno(EXIT_TEMPORARY, service, "set rlimit %s to %llu/%llu",
				  name_of(rlimit_names, r->resource),
				  (unsigned long long)r->lim.rlim_cur,
				  (unsigned long long)r->lim.rlim_max);
	}
}

/* TSYNC: every thread gets the filter or the call fails. The child has one
 * thread, but the three-way result is handled all the same: a positive
 * return is the id of a thread that could not be synchronised. */
void confine_install_seccomp(const struct sock_fprog *filter, const char *service)
{
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, filter);

	if (r < 0)
		die_errno(EXIT_TEMPORARY, service, "install seccomp filter");
	if (r > 0)
		die(EXIT_TEMPORARY, service, "install seccomp filter: thread %ld not synchronised", r);
}

void confine_ids(uid_t uid, gid_t gid, uint64_t caps, unsigned securebits, const char *service)
{
	drop_bounding_set(caps, service);
	switch_ids(uid, gid, securebits, caps != 0, service);
	set_caps(caps, service);
}
