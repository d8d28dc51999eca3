/* The frontend side of vhost-user (QEMU's docs/interop/vhost-user.rst):
 * the messages a device needs to hand its virtqueues to a backend process
 * over an inherited, already connected unix socket.  Every reply is
 * checked (request code, flags, size, no fds) and waited for with a
 * deadline, so a backend that never answers cannot hang the VMM. */
#ifndef VMM_VHOST_USER_H
#define VMM_VHOST_USER_H

#include <stdbool.h>
#include <stdint.h>

#define VHOST_USER_F_PROTOCOL_FEATURES (1ULL << 30)
#define VHOST_USER_PROTOCOL_F_REPLY_ACK (1ULL << 3)

/* How long a reply may take, in milliseconds. */
#define VHOST_USER_REPLY_MS 5000

struct vhost_user {
	int fd;			/* the connected socket */
	uint64_t features;	/* the backend's GET_FEATURES */
	uint64_t protocol_features;	/* negotiated */
	char err[128];		/* what the last failure was, for the caller's line */
};

/* A ring as the backend is to see it: host virtual addresses in the
 * frontend's mapping of guest RAM (SET_MEM_TABLE's userspace_addr). */
struct vhost_user_ring {
	unsigned int index;
	unsigned int num;
	uint64_t desc, avail, used;	/* host virtual addresses */
	int kick_fd, call_fd, err_fd;
};

/* Start-up on FD: GET_FEATURES, GET/SET_PROTOCOL_FEATURES (REPLY_ACK
 * where the backend has it), SET_OWNER.  Every function here returns
 * -errno with VU->err saying which message failed and how. */
int vhost_user__connect(struct vhost_user *vu, int fd);

/* The driver set DRIVER_OK: SET_FEATURES (FEATURES plus
 * PROTOCOL_FEATURES when the backend offered it), SET_MEM_TABLE (guest
 * RAM's memfd), then per ring SET_VRING_NUM, SET_VRING_BASE 0,
 * SET_VRING_ADDR, SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR and
 * SET_VRING_ENABLE (when PROTOCOL_FEATURES is on, rings start disabled). */
int vhost_user__start(struct vhost_user *vu, uint64_t features, const struct vhost_user_ring *rings,
		      unsigned int nrings);

/* Device reset: GET_VRING_BASE on ring INDEX (the backend stops it). */
int vhost_user__stop_ring(struct vhost_user *vu, unsigned int index);

#endif
