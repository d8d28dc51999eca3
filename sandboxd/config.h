/* The VM config: one file per VM, `key = value` lines (sandboxd.conf(5)).
 * Parsing validates everything; nothing is created before it succeeds. */
#ifndef SANDBOXD_CONFIG_H
#define SANDBOXD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONFIG_MAX_DISKS  8
#define CONFIG_MAX_SHARES 8
/* Role offsets run 0 .. CONFIG_ID_SPAN-1; config_load guarantees that
 * uid_base/gid_base + CONFIG_ID_SPAN - 1 neither wraps nor reaches (uid_t)-1. */
#define CONFIG_ID_SPAN    16

enum vmm_kind { VMM_AUTO, VMM_QEMU, VMM_BUILTIN };
enum cgroups_mode { CGROUPS_REQUIRED, CGROUPS_BEST_EFFORT, CGROUPS_OFF };
/* cgroup_version: auto is v1 where the host has a v1 hierarchy, else v2. */
enum cgroup_version { CGROUP_VERSION_AUTO, CGROUP_VERSION_1, CGROUP_VERSION_2 };

/* A cgroup's limits (the VM's in the config, a service's in its profile);
 * 0: not set. cgroup.c applies them, cgroup_limits.c parses them. */
struct cgroup_limits {
	uint64_t memory_mib;	/* memory_max */
	uint32_t pids_max;
	uint32_t cpu_weight;	/* 1..10000, cgroup v2's scale (v1: shares = weight * 1024 / 100) */
	uint32_t cpu_quota_us;	/* cpu_max: QUOTA of every PERIOD */
	uint32_t cpu_period_us;
};
enum accel_kind { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };
/* When s6 is told the VM is ready (sandboxd.conf(5), readiness). */
enum readiness_kind { READINESS_GUEST, READINESS_VMM };

/* Kernel, initrd, disk and share paths are pinned at parse time (paths.c):
 * opened O_PATH without following a symlink, the fd kept for the VM's
 * life; what is mounted or passed is checked to be that file. */
struct disk {
	char *path;
	bool readonly;
	int fd;			/* pinned */
	unsigned line;
};

struct share {
	char *tag;
	char *path;
	bool readonly;
	char *cache;		/* virtiofsd cache mode; NULL: its default */
	bool devices;		/* rw only: ${share_devices}, the guest may mknod devices */
	bool allow_system_path;	/* may be a system directory (paths.c) */
	int fd;			/* pinned */
	unsigned line;
};

/* network = none | tap | bridge:NAME | user (sandboxd.conf(5)). */
enum net_kind { NET_NONE, NET_TAP, NET_BRIDGE, NET_USER };

/* forward = tcp:[ADDR:]HOSTPORT:GUESTPORT (network = user): passt listens
 * on ADDR:HOSTPORT of the host (default 127.0.0.1) for the guest's port. */
#define CONFIG_MAX_FORWARDS 16
struct net_forward {
	uint32_t addr;		/* network order */
	uint16_t host_port, guest_port;
	char host_port_text[6];	/* for the profile's ${forward_ports} */
	unsigned line;
};

struct net_config {
	enum net_kind kind;
	char *bridge;		/* bridge:NAME: an existing host bridge */
	uint8_t mac[6];		/* the guest's; default derived from the VM's name */
	uint32_t host_addr;	/* tap: the host side's IPv4 address, network order; */
	unsigned host_prefix;	/* and its prefix length, 1..30 (user: the gateway's) */
	struct net_forward forwards[CONFIG_MAX_FORWARDS];
	size_t nforwards;
	unsigned line, mac_line, host_address_line;	/* 0: not in the file */
};

struct config {
	const char *file;	/* for FILE:LINE messages */
	char *name;		/* [A-Za-z0-9_.-]{1,32}: names the VM in logs and paths */
	enum vmm_kind vmm;
	enum accel_kind accel;
	char *kernel;		/* absolute paths, checked readable at parse time */
	char *initrd;		/* NULL: none */
	int kernel_fd, initrd_fd;	/* pinned; -1: none */
	char *cmdline;		/* NULL: empty */
	uint64_t memory_mib;	/* 16 .. 65536 */
	unsigned vcpus;		/* 1 .. 64 */
	struct disk disks[CONFIG_MAX_DISKS];
	size_t ndisks;
	struct share shares[CONFIG_MAX_SHARES];
	size_t nshares;
	uid_t uid_base;		/* service uid = uid_base + role offset; 0: the VM's */
	gid_t gid_base;		/* range from the registry (ids.c); 0: uid_base */
	unsigned shutdown_timeout_ms;
	enum readiness_kind readiness;
	unsigned ready_late_ms;	/* readiness = guest: logged as late after this */
	char *runtime_dir;	/* default /run/sandboxd/NAME */
	unsigned runtime_dir_line;	/* 0: the default */
	char *profile_dir;	/* default: the installed profiles */
	int landlock_min_abi;	/* 0: best effort */
	int landlock_max_abi;	/* the highest ABI used; 0: Landlock off (tests) */
	uint64_t tmpfs_mib;	/* size of each service's /tmp and /dev/shm */
	struct cgroup_limits vm_limits;	/* the VM's cgroup, vm-NAME */
	enum cgroups_mode cgroups;	/* a limit the host cannot enforce: error or logged */
	char *cgroup_parent;	/* NULL: the cgroup sandboxd runs in */
	enum cgroup_version cgroup_version;
	unsigned cgroup_lines[6];	/* where memory_max, pids_max, cpu_weight, cpu_max,
				 * cgroup_parent, cgroup_version are set (0: not),
				 * for FILE:LINE (cgroup.h CGL_*) */
	struct net_config net;
};

/* Parses and validates FILE into *cfg. On error prints "FILE:LINE: message"
 * (LINE 0 for whole-file problems, such as a missing required key) and
 * returns -1, with *cfg freed and zeroed. */
int config_load(const char *file, struct config *cfg);
void config_free(struct config *cfg);

/* CFG's pinned paths into OUT (CONFIG_MAX_PINNED): every one (kernel,
 * initrd, disks, shares), or only the writable disks and shares. Returns
 * how many. */
#define CONFIG_MAX_PINNED (2 + CONFIG_MAX_DISKS + CONFIG_MAX_SHARES)
struct pinned;
size_t config_pinned(const struct config *cfg, bool writable_only, struct pinned *out);

#endif
