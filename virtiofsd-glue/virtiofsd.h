/* Finding and driving virtiofsd, an existing daemon that is not ours: the
 * C virtiofsd of QEMU <= 7.2 (Debian 12: /usr/lib/qemu/virtiofsd) or the
 * Rust virtiofsd (Debian 13+: /usr/libexec/virtiofsd), which take
 * different flags. */
#ifndef SANDBOXD_VIRTIOFSD_H
#define SANDBOXD_VIRTIOFSD_H

#include <stddef.h>

#include "../sandboxd/argv.h"
#include "../sandboxd/config.h"

enum virtiofsd_flavour { VIRTIOFSD_C, VIRTIOFSD_RUST };

struct virtiofsd {
	char path[256];
	enum virtiofsd_flavour flavour;
};

/* Finds the installed virtiofsd: $SANDBOXD_VIRTIOFSD if set, else the Rust
 * one, else the C one. Returns -1 (errno ENOENT) if none is installed. */
int virtiofsd_find(struct virtiofsd *v);

/* Appends the command line serving SHARE on the listening vhost-user socket
 * that the daemon inherits as fd LISTEN_FD: one vhost-user connection, no
 * daemonizing, its own sandbox set to chroot (ours has already put it in a
 * mount namespace; its namespace mode would need CAP_SYS_ADMIN). */
void virtiofsd_argv(const struct virtiofsd *v, const struct share *share, int listen_fd,
		    struct argv *a);

/* Readiness: waits up to TIMEOUT_MS until the daemon, listening on the
 * socket that FD is connected to, answers a vhost-user GET_FEATURES (it
 * has accepted the connection and serves it). The front-end may ask the
 * same again: the message changes no state. 0, or -1 with errno set:
 * ETIMEDOUT, ECONNRESET (it died or refused), EPROTO (a wrong reply). */
int virtiofsd_wait_ready(int fd, int timeout_ms);

#endif
