#include "virtiofsd.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const struct {
	const char *path;
	enum virtiofsd_flavour flavour;
} known[] = {
	{ "/usr/libexec/virtiofsd", VIRTIOFSD_RUST },
	{ "/usr/lib/qemu/virtiofsd", VIRTIOFSD_C },
};

int virtiofsd_find(struct virtiofsd *v)
{
	const char *env = getenv("SANDBOXD_VIRTIOFSD");

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const char *path = env ? env : known[i].path;
		if (access(path, X_OK) != 0)
			continue;
		snprintf(v->path, sizeof v->path, "%s", path);
		/* An override names its flavour by where it comes from. */
		v->flavour = env ? (strstr(path, "qemu") ? VIRTIOFSD_C : VIRTIOFSD_RUST)
				 : known[i].flavour;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

/* The C virtiofsd's flags (QEMU 7.2 tools/virtiofsd). */
static void argv_c(const struct share *sh, int listen_fd, struct argv *a)
{
	argv_add(a, "--fd=%d", listen_fd);
	argv_add(a, "-o");
	argv_add(a, "source=%s", sh->path);
	argv_add(a, "-o");
	argv_add(a, "cache=%s", sh->cache ? sh->cache : "auto");
	argv_add(a, "-o");
	argv_add(a, "sandbox=chroot");
	argv_add(a, "-o");
	argv_add(a, "xattr");
	/* Warnings and errors only: its info level logs every queue start
	 * and stop into sandboxd's log. */
	argv_add(a, "-o");
	argv_add(a, "log_level=warn");
	/* Our rlimit stands; it must not try to raise its own. */
	argv_add(a, "--rlimit-nofile=0");
}

/* The Rust virtiofsd's flags. */
static void argv_rust(const struct share *sh, int listen_fd, struct argv *a)
{
	argv_add(a, "--fd=%d", listen_fd);
	argv_add(a, "--shared-dir=%s", sh->path);
	argv_add(a, "--cache=%s", sh->cache ? sh->cache : "auto");
	argv_add(a, "--sandbox=chroot");
	argv_add(a, "--xattr");
	argv_add(a, "--log-level=warn");
	argv_add(a, "--rlimit-nofile=0");
	if (sh->readonly)
		argv_add(a, "--readonly");
}

void virtiofsd_argv(const struct virtiofsd *v, const struct share *share, int listen_fd,
		    struct argv *a)
{
	argv_add(a, "%s", v->path);
	if (v->flavour == VIRTIOFSD_C)
		argv_c(share, listen_fd, a);
	else
		argv_rust(share, listen_fd, a);
}

/* vhost-user's message header (docs/interop/vhost-user.rst): request,
 * flags (version 1, bit 2 = reply), payload size; GET_FEATURES has none
 * and its reply a u64. */
struct vhost_user_header {
	uint32_t request, flags, size;
} __attribute__((packed));

#define VHOST_USER_GET_FEATURES 1
#define VHOST_USER_VERSION 0x1
#define VHOST_USER_REPLY 0x4

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Reads exactly LEN bytes before DEADLINE (CLOCK_MONOTONIC ms). */
static int read_full(int fd, void *buf, size_t len, long long deadline)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		int r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = r == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		ssize_t n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			errno = n == 0 ? ECONNRESET : errno;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int virtiofsd_wait_ready(int fd, int timeout_ms)
{
	const long long deadline = now_ms() + timeout_ms;
	const struct vhost_user_header ask = { VHOST_USER_GET_FEATURES, VHOST_USER_VERSION, 0 };
	struct vhost_user_header reply;
	uint64_t features;

	/* The socket is queued in its backlog until the daemon accepts: this
	 * send succeeds at once, the reply is what waits. */
	if (send(fd, &ask, sizeof ask, MSG_NOSIGNAL) != (ssize_t)sizeof ask)
		return -1;
	if (read_full(fd, &reply, sizeof reply, deadline) < 0)
		return -1;
	if (reply.request != VHOST_USER_GET_FEATURES ||
	    reply.flags != (VHOST_USER_VERSION | VHOST_USER_REPLY) || reply.size != sizeof features) {
		errno = EPROTO;
		return -1;
	}
	return read_full(fd, &features, sizeof features, deadline);
}
