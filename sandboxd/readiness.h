/* When s6 hears that the VM is ready (sandboxd.conf(5), readiness):
 * readiness = vmm, once the VMM runs the guest; readiness = guest, once the
 * guest says so on its readiness port, COM2 (its /dev/ttyS1), with the line
 * READY=1 — the word systemd guests send over vsock; a serial port because
 * QEMU and the bundled VMM both offer one.
 *
 * What the guest sends is hostile: PID 1 reads it in bounded chunks from a
 * non-blocking socket inside its poll loop and keeps no buffer at all, only
 * how much of "READY=1" the current line has matched so far. */
#ifndef SANDBOXD_READINESS_H
#define SANDBOXD_READINESS_H

#include <stdbool.h>

#include "config.h"

struct readiness {
	enum readiness_kind kind;
	int port;		/* PID 1's end of the readiness port; -1: none */
	int notify_fd;		/* s6's notification fd; -1: none */
	int matched;		/* bytes of READY=1 this line matched; -1: not it */
	bool ready, late_logged;
	unsigned late_ms;	/* the config's ready_late */
	long long since_ms;	/* when the VMM ran the guest (monotonic_ms) */
};

/* PORT: the driver's run->ready_fd; NOTIFY_FD: --notify-fd or -1. */
void readiness_init(struct readiness *r, const struct config *cfg, int port, int notify_fd);

/* The VMM runs the guest: with readiness = vmm, or without a port (the exec
 * driver has no guest), that is readiness; else the guest is waited for. */
void readiness_vmm_running(struct readiness *r);

/* The fd to poll while the VM is not stopping (-1: none). Once the guest
 * is ready, what it sends there is still read, and thrown away. */
int readiness_fd(const struct readiness *r);

/* Reads what is there (a bounded amount); a line READY=1 makes the VM
 * ready: logged, and a newline to s6's notification fd. */
void readiness_read(struct readiness *r);

/* Milliseconds until a guest that has not announced itself is logged as
 * late (the poll loop's timeout), -1 once that is not due. Logs it when
 * it is due: once; the VM keeps running, not ready. */
int readiness_late_check(struct readiness *r);

#endif
