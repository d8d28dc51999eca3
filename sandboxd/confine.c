/* The confinement sequence, in the order of minijail_enter(): each step
 * needs the privileges that a later one takes away. */
#include "confine.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
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

static void set_rlimits(const struct profile *p, const char *service)
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

void confine_load(struct confinement *c, const char *file, const struct profile_params *params,
		  enum filter_mode mode, const char *service)
{
	scmp_filter_ctx ctx;

	if (profile_load(file, params, &c->profile) < 0)
		die(EXIT_PERMANENT, service, "profile %s is not valid", file);
	if (mode == FILTER_OFF) {
		c->filter = (struct sock_fprog){ 0 };
		log_warn(service, "INSECURE: --no-seccomp: no seccomp filter, any syscall is "
			 "allowed; for measuring the filter's cost only");
	} else {
		ctx = seccomp_build(&c->profile, mode == FILTER_LOG ? SCMP_ACT_LOG
								    : SCMP_ACT_KILL_PROCESS);
		if (!ctx || seccomp_bpf(ctx, &c->filter) < 0)
			die(EXIT_PERMANENT, service, "profile %s: cannot build its seccomp filter",
			    file);
		seccomp_release(ctx);
	}
	if (mode == FILTER_LOG)
		log_warn(service, "INSECURE: --seccomp-log: syscalls outside profile %s are logged "
			 "and allowed, not killed; for developing a profile only", file);
	log_info(service, "profile %s: %zu syscall rules (%u BPF instructions), %zu Landlock "
		 "path rules, capabilities 0x%llx", file, c->profile.nsyscalls, c->filter.len,
		 c->profile.npaths, (unsigned long long)c->profile.caps);
}

const struct sock_fprog *confine_filter(const struct confinement *c)
{
	return c->filter.len ? &c->filter : NULL;
}

_Noreturn void confine_exec(const struct service *s, const struct config *cfg)
{
	const struct profile *p = s->profile;
	const uint64_t caps = p ? p->caps : 0;

	/* 0. rlimits first, while still root: a hard limit above the one
	 * inherited (s6 passes on the kernel's default NOFILE hard limit,
	 * 4096) takes CAP_SYS_RESOURCE, which the service does not keep. */
	if (p)
		set_rlimits(p, s->name);

	/* 1. Privileges: bounding set, securebits, ids, then the kept caps. */
	drop_bounding_set(caps, s->name);
	switch_ids(service_uid(cfg, s->role), service_gid(cfg, s->role), p ? p->securebits : 0,
		   caps != 0, s->name);
	set_caps(caps, s->name);

	/* 2. The death signal, after the last change of uid, gid or caps,
	 * each of which clears it (Landlock and seccomp change none). PID 1
	 * is our parent: if it is gone, so are we. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "set parent-death signal");
	if (getppid() != 1)
		die(EXIT_TEMPORARY, s->name, "sandboxd exited during service setup");

	/* 3. No exec may gain privileges from here on; Landlock and seccomp
	 * need this as an unprivileged process. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_TEMPORARY, s->name, "set no_new_privs");

	/* 4. The profile: Landlock, and seccomp last, so that the steps
	 * before it need no syscall of the service's allowlist. The filter
	 * must allow execveat on SERVICE_EXEC_FD, the one call left. */
	if (p) {
		landlock_restrict_service(p, s->name);
		if (s->filter)
			confine_install_seccomp(s->filter, s->name);
	}
	execveat(SERVICE_EXEC_FD, "", s->argv, environ, AT_EMPTY_PATH);
	die_errno(EXIT_TEMPORARY, s->name, "exec %s", s->argv[0]);
}
