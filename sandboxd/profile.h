/* A service profile (profiles(5)): what one kind of service may do. Parsed
 * once per service from a text file, with parameters taken from the VM
 * config, then applied in the service's child before exec (confine.c).
 * The format, its parameters and its errors: docs/profiles.5. The loader:
 * profile_parse.c and the directive files beside it (profile_loader.h).
 *
 * Errors are "FILE:LINE: message" and profile_load returns -1. */
#ifndef SANDBOXD_PROFILE_H
#define SANDBOXD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "config.h"

#define PROFILE_MAX_CONDS 6	/* syscall arguments */
#define PROFILE_MAX_ENV 8
#define PROFILE_ENV_NAME 48

/* sandboxd built with ASan (make SANITIZE=1): so is the bundled VMM beside
 * it, whose sanitizer runtime a profile's "if asan" block allows. */
#ifdef __SANITIZE_ADDRESS__
#define BUILT_WITH_ASAN true
#else
#define BUILT_WITH_ASAN false
#endif

enum sc_op { SC_EQ, SC_NE, SC_LT, SC_LE, SC_GT, SC_GE, SC_MASKED_EQ };

struct sc_cond {
	unsigned arg;		/* 0..5 */
	enum sc_op op;
	uint64_t value;
	uint64_t mask;		/* SC_MASKED_EQ only */
};

struct sc_rule {
	int nr;			/* resolved for the native arch by libseccomp */
	char name[40];
	struct sc_cond conds[PROFILE_MAX_CONDS];
	unsigned nconds;
	int errno_value;	/* > 0: fails with this errno instead of running */
	unsigned line;
};

/* Landlock access classes; landlock.c maps them to the ABI's rights and
 * view.c to mount flags. LL_MAKE_DEVICE adds making character and block
 * devices beneath a directory (a share with the `devices` option). LL_VIEW
 * (`view PATH`) puts a path in the service's view and grants no Landlock
 * right. */
enum ll_class { LL_READ, LL_READ_EXEC, LL_READ_WRITE, LL_DEVICE, LL_MAKE_DEVICE, LL_VIEW };

struct ll_path {
	enum ll_class class;
	char *path;
	unsigned line;
};

struct ll_port {
	bool connect;		/* else bind */
	uint16_t port;
	unsigned line;
};

struct rlimit_rule {
	int resource;		/* RLIMIT_* */
	struct rlimit lim;
};

struct profile {
	char *file;
	struct sc_rule *syscalls;
	size_t nsyscalls;
	struct ll_path *paths;
	size_t npaths;
	struct ll_port *ports;
	size_t nports;
	bool scope_signal;
	bool scope_abstract_unix;
	/* `landlock unhandled`: rights the service's domain leaves to the
	 * other layers (a domain that handles filesystem rights forbids
	 * mount and pivot_root, which passt's own sandbox needs). */
	bool unhandled_fs, unhandled_connect;
	uint64_t caps;			/* bit N: capability N kept */
	unsigned securebits;		/* SECBIT_* mask */
	struct rlimit_rule rlimits[RLIM_NLIMITS];
	size_t nrlimits;
	uint64_t tmp_mib, shm_mib;	/* 0: the config's tmpfs_size */
	char env[PROFILE_MAX_ENV][PROFILE_ENV_NAME];	/* variables passed from sandboxd's */
	unsigned nenv;			/* environment (`env NAME...`) */
	struct cgroup_limits cgroup;	/* `cgroup KEY VALUE`; 0: sandboxd's default */
	unsigned cgroup_lines[4];	/* where each key is set, per enum cgroup_key */
};

/* Values the profile's parameters expand to. */
struct profile_params {
	const struct config *cfg;
	bool kvm;
	const char *binary;		/* the program the service runs */
	const struct share *share;	/* a virtiofsd service's share, else NULL */
	bool asan;			/* an ASan build (make SANITIZE=1): flag "asan" */
};

int profile_load(const char *file, const struct profile_params *params, struct profile *out);
void profile_free(struct profile *p);

/* "ENOSYS" for ENOSYS: the errnos the format knows. */
const char *profile_errno_name(int value);

/* Calls FN once per parameter, in the order of profiles(5), with the words
 * it expands to (N 0: the word is dropped). For check-profile. */
typedef void profile_param_fn(const char *name, const char *const *values, size_t n, void *arg);
void profile_params_each(const struct profile_params *params, profile_param_fn *fn, void *arg);

#endif
