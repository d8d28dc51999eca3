/* How sandboxd drives one kind of VMM daemon: one small table of functions
 * per kind (QEMU, the bundled VMM, a plain command for tests and bench). */
#ifndef SANDBOXD_VMM_DRIVER_H
#define SANDBOXD_VMM_DRIVER_H

#include <stdbool.h>

#include "argv.h"
#include "config.h"
#include "net.h"
#include "plan.h"
#include "service.h"

/* The VMM service as PID 1 runs it: the plan's facts and the driver's state. */
struct vmm_run {
	const struct config *cfg;
	bool kvm;		/* hardware-accelerated KVM, else emulation */
	const char *binary;	/* the plan's VMM program, argv[0] */
	char *const *exec_argv;	/* the command of the exec driver */
	struct argv argv;	/* the service's command line, built by prepare */
	struct service svc;	/* the VMM service; prepare fills argv and fds */
	int share_fds[CONFIG_MAX_SHARES]; /* each share's vhost-user connection */
	const struct net_plan *net;	/* the tap (net->tap_fd) and guest's address */
	int user_fd;		/* network = user: the VMM's end of passt's link; -1 */
	int ready_fd;		/* PID 1's end of the guest's readiness port; -1: none */
	void *priv;		/* driver state, e.g. its QMP connection */
	/* --print-argv: prepare runs as for a start, but the vmm_pass_*
	 * helpers only number the fds the service would get and open
	 * nothing, so that the printed command line comes from the code
	 * that builds it for a start. */
	bool dry_run;
	/* Each passed file, for --print-argv: its path and open flags. */
	const char *file_path[SERVICE_MAX_FDS];
	int file_flags[SERVICE_MAX_FDS];
};

struct vmm_driver {
	const char *name;
	bool needs_kvm;		/* /dev/kvm whatever the accel (else: if kvm) */
	bool shares;		/* attaches the config's shares (vhost-user-fs) */
	bool network;		/* has a network device for the plan's tap or passt */
	bool readiness_port;	/* gives the guest COM2 for its READY=1 (readiness.h) */
	/* The service's profile in profile_dir; NULL: none yet, and the
	 * service runs without rlimits, Landlock and seccomp (logged). */
	const char *profile;
	/* Its program: written into BUF (LEN bytes) and returned; EXEC is the
	 * exec driver's command. Where it is, not whether it exists. */
	const char *(*binary)(char *const *exec, char *buf, size_t len);
	/* As root in PID 1, after the mounts: opens what the VMM inherits
	 * and builds its argv. -1 with errno set. */
	int (*prepare)(struct vmm_run *run);
	/* After start: returns once the guest runs; -1 with errno set. */
	int (*wait_ready)(struct vmm_run *run, int timeout_ms);
	/* An fd to poll for driver events while the VM runs, or -1. */
	int (*event_fd)(const struct vmm_run *run);
	/* Called when event_fd is readable; -1 once it has closed. */
	int (*handle_event)(struct vmm_run *run);
	/* Asks the guest to shut down; -1 with errno set if it cannot. */
	int (*request_shutdown)(struct vmm_run *run);
	/* sandboxd's exit status for the VMM's wait status. */
	int (*exit_status)(int wstatus);
	void (*release)(struct vmm_run *run);
};

extern const struct vmm_driver vmm_driver_qemu;
extern const struct vmm_driver vmm_driver_exec;
extern const struct vmm_driver vmm_driver_builtin;

/* True when /dev/kvm runs guests on VT-x/SVM (not an emulating KVM). */
bool host_has_hw_virt(void);

/* Picks the driver for CFG (EXEC: the exec driver; vmm = auto: builtin
 * with hardware KVM, QEMU otherwise) and whether to use KVM (*KVM), logging
 * which and why. Dies with 100 if the config asks for something this host
 * or build cannot do. */
const struct vmm_driver *vmm_driver_select(const struct config *cfg, bool exec, bool *kvm);

/* RUN for PLAN's VMM service, before prepare; the share fds -1 until the
 * shares run. DRY_RUN: --print-argv (above). */
void vmm_run_init(struct vmm_run *run, const struct plan *plan, bool dry_run);

/* Hands FD to the VMM service (closed in PID 1 once it started); returns
 * the number the service will see it as. */
int vmm_pass_fd(struct vmm_run *run, int fd);

/* With readiness = guest: a connected pair of non-blocking stream sockets,
 * one end in run->ready_fd for PID 1, the other handed to the VMM for the
 * guest's COM2; returns the number the service will see it as (>= 3), 0
 * with readiness = vmm (no port), -1 with errno set on failure. */
int vmm_readiness_port(struct vmm_run *run);

/* Opens the file PATH was pinned to (its O_PATH fd PINNED, config.h) with
 * FLAGS as root, before the uid switch, and hands it over: the service
 * needs no access of its own to the file or its directory. Returns the
 * service's fd number, or -1 (logged). */
int vmm_pass_file(struct vmm_run *run, const char *path, int pinned, int flags);

/* A listening unix socket at PATH (unix_socket.h), handed over; the
 * service's fd number, or -1 (logged). */
int vmm_pass_listener(struct vmm_run *run, const char *path);

/* A pipe whose write end is handed over; its read end in *READ_END (-1 in
 * a dry run). The service's fd number, or -1 with errno set. */
int vmm_pass_pipe(struct vmm_run *run, int *read_end);

/* The conventional status for a service's wait status: its exit code, or
 * 128 + N when killed by signal N. */
int wait_status_code(int wstatus);

#endif
