/* vhost-user frontend messages (docs/interop/vhost-user.rst in QEMU).  A
 * message is a 12-byte header (request, flags, size) and SIZE bytes of
 * payload, with at most one fd in SCM_RIGHTS.  Replies carry no fds: the
 * receive buffer has no room for any, so the kernel drops any sent and
 * sets MSG_CTRUNC, which is an error here.  Sends use MSG_NOSIGNAL (a
 * backend gone is an error to report, not a SIGPIPE) and MSG_DONTWAIT.
 * Each wait for reply bytes is a poll of at most VHOST_USER_REPLY_MS;
 * replies are at most 20 bytes, and a backend writes each in one go. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "guest_mem.h"
#include "vhost_user.h"
#include "vmm.h"

enum {
	VU_GET_FEATURES = 1, VU_SET_FEATURES = 2, VU_SET_OWNER = 3, VU_SET_MEM_TABLE = 5,
	VU_SET_VRING_NUM = 8, VU_SET_VRING_ADDR = 9, VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11, VU_SET_VRING_KICK = 12, VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14, VU_GET_PROTOCOL_FEATURES = 15, VU_SET_PROTOCOL_FEATURES = 16,
	VU_SET_VRING_ENABLE = 18,
};

static const char *const vu_names[] = {
	[VU_GET_FEATURES] = "GET_FEATURES", [VU_SET_FEATURES] = "SET_FEATURES",
	[VU_SET_OWNER] = "SET_OWNER", [VU_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VU_SET_VRING_NUM] = "SET_VRING_NUM", [VU_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VU_SET_VRING_BASE] = "SET_VRING_BASE", [VU_GET_VRING_BASE] = "GET_VRING_BASE",
	[VU_SET_VRING_KICK] = "SET_VRING_KICK", [VU_SET_VRING_CALL] = "SET_VRING_CALL",
	[VU_SET_VRING_ERR] = "SET_VRING_ERR", [VU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES", [VU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
};

#define VU_VERSION 1
#define VU_FLAG_VERSION_MASK 3
#define VU_FLAG_REPLY (1u << 2)
#define VU_FLAG_NEED_REPLY (1u << 3)
#define VU_VRING_NOFD (1ULL << 8)

struct vu_hdr {
	uint32_t request, flags, size;
} __attribute__((packed));
_Static_assert(sizeof(struct vu_hdr) == 12, "vhost-user header ABI");

struct vu_state {
	uint32_t index, num;
};

struct vu_addr {
	uint32_t index, flags;
	uint64_t desc, used, avail, log;
};
_Static_assert(sizeof(struct vu_addr) == 40, "vhost_vring_addr ABI");

struct vu_mem {
	uint32_t nregions, padding;
	uint64_t gpa, size, uaddr, mmap_offset;	/* one region: all of guest RAM */
};
_Static_assert(sizeof(struct vu_mem) == 40, "vhost-user memory table ABI");

/* Record what went wrong with REQ for the caller's line; returns -ERR. */
__attribute__((format(printf, 4, 5))) static int vu__fail(struct vhost_user *vu, uint32_t req, int err,
							   const char *fmt, ...)
{
	int n = snprintf(vu->err, sizeof(vu->err), "vhost-user %s: ", vu_names[req]);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vu->err + n, sizeof(vu->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -err;
}

static int vu__send(struct vhost_user *vu, uint32_t req, uint32_t flags, const void *payload,
		    uint32_t size, int fd)
{
	struct vu_hdr h = { req, VU_VERSION | flags, size };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, size } };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = size ? 2 : 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	/* never blocks: a backend that stopped reading is an error, not a hang */
	do
		n = sendmsg(vu->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vu__fail(vu, req, errno, "send: %s", strerror(errno));
	if ((size_t)n != sizeof(h) + size)
		return vu__fail(vu, req, EPROTO, "send: short write");
	return 0;
}

/* LEN bytes into BUF, each wait for more bounded by VHOST_USER_REPLY_MS. */
static int vu__recv(struct vhost_user *vu, uint32_t req, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = vu->fd, .events = POLLIN };
		struct iovec iov = { (char *)buf + got, len - got };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		int r = poll(&p, 1, VHOST_USER_REPLY_MS);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return vu__fail(vu, req, errno, "poll: %s", strerror(errno));
		if (r == 0)
			return vu__fail(vu, req, ETIMEDOUT, "no reply within %d ms", VHOST_USER_REPLY_MS);
		n = recvmsg(vu->fd, &msg, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return vu__fail(vu, req, errno, "receive: %s", strerror(errno));
		if (n == 0)
			return vu__fail(vu, req, ECONNRESET, "the backend closed the connection");
		if (msg.msg_flags & MSG_CTRUNC)
			return vu__fail(vu, req, EPROTO, "reply carries file descriptors");
		got += (size_t)n;
	}
	return 0;
}

/* A reply to REQ of exactly SIZE bytes of payload into OUT. */
static int vu__reply(struct vhost_user *vu, uint32_t req, void *out, uint32_t size)
{
	struct vu_hdr h;
	int err = vu__recv(vu, req, &h, sizeof(h));

	if (err < 0)
		return err;
	if (h.request != req || (h.flags & VU_FLAG_VERSION_MASK) != VU_VERSION ||
	    !(h.flags & VU_FLAG_REPLY) || h.size != size)
		return vu__fail(vu, req, EPROTO, "bad reply (request %u, flags 0x%x, size %u)", h.request,
				h.flags, h.size);
	return vu__recv(vu, req, out, size);
}

/* A message without a reply of its own: with REPLY_ACK, ask for the ack
 * and check it is 0. */
static int vu__set(struct vhost_user *vu, uint32_t req, const void *payload, uint32_t size, int fd)
{
	bool ack = vu->protocol_features & VHOST_USER_PROTOCOL_F_REPLY_ACK;
	uint64_t status;
	int err = vu__send(vu, req, ack ? VU_FLAG_NEED_REPLY : 0, payload, size, fd);

	if (err < 0 || !ack)
		return err;
	err = vu__reply(vu, req, &status, sizeof(status));
	if (err < 0)
		return err;
	return status ? vu__fail(vu, req, EPROTO, "the backend refused (status %llu)",
				 (unsigned long long)status) : 0;
}

static int vu__set_u64(struct vhost_user *vu, uint32_t req, uint64_t v)
{
	return vu__set(vu, req, &v, sizeof(v), -1);
}

static int vu__get_u64(struct vhost_user *vu, uint32_t req, uint64_t *v)
{
	int err = vu__send(vu, req, 0, NULL, 0, -1);

	return err < 0 ? err : vu__reply(vu, req, v, sizeof(*v));
}

int vhost_user__connect(struct vhost_user *vu, int fd)
{
	uint64_t pf;
	int err;

	vu->fd = fd;
	vu->protocol_features = 0;
	err = vu__get_u64(vu, VU_GET_FEATURES, &vu->features);
	if (err < 0)
		return err;
	if (vu->features & VHOST_USER_F_PROTOCOL_FEATURES) {
		err = vu__get_u64(vu, VU_GET_PROTOCOL_FEATURES, &pf);
		if (err < 0)
			return err;
		/* set before it takes effect: SET_PROTOCOL_FEATURES itself is not acked */
		err = vu__set_u64(vu, VU_SET_PROTOCOL_FEATURES, pf & VHOST_USER_PROTOCOL_F_REPLY_ACK);
		if (err < 0)
			return err;
		vu->protocol_features = pf & VHOST_USER_PROTOCOL_F_REPLY_ACK;
	}
	return vu__set(vu, VU_SET_OWNER, NULL, 0, -1);
}

/* SET_VRING_KICK/CALL/ERR: the ring index, and the fd in SCM_RIGHTS. */
static int vu__set_vring_fd(struct vhost_user *vu, uint32_t req, unsigned int index, int fd)
{
	uint64_t v = index | (fd < 0 ? VU_VRING_NOFD : 0);

	return vu__set(vu, req, &v, sizeof(v), fd);
}

static int vu__start_ring(struct vhost_user *vu, const struct vhost_user_ring *r)
{
	struct vu_state num = { r->index, r->num }, base = { r->index, 0 };
	struct vu_addr addr = { .index = r->index, .desc = r->desc, .used = r->used, .avail = r->avail };
	int err;

	if ((err = vu__set(vu, VU_SET_VRING_NUM, &num, sizeof(num), -1)) < 0 ||
	    (err = vu__set(vu, VU_SET_VRING_BASE, &base, sizeof(base), -1)) < 0 ||
	    (err = vu__set(vu, VU_SET_VRING_ADDR, &addr, sizeof(addr), -1)) < 0 ||
	    (err = vu__set_vring_fd(vu, VU_SET_VRING_KICK, r->index, r->kick_fd)) < 0 ||
	    (err = vu__set_vring_fd(vu, VU_SET_VRING_CALL, r->index, r->call_fd)) < 0 ||
	    (err = vu__set_vring_fd(vu, VU_SET_VRING_ERR, r->index, r->err_fd)) < 0)
		return err;
	if (!(vu->features & VHOST_USER_F_PROTOCOL_FEATURES))
		return 0;	/* rings are enabled as they start */
	base.num = 1;
	return vu__set(vu, VU_SET_VRING_ENABLE, &base, sizeof(base), -1);
}

int vhost_user__start(struct vhost_user *vu, uint64_t features, const struct vhost_user_ring *rings,
		      unsigned int nrings)
{
	struct vu_mem mem = { .nregions = 1, .gpa = 0, .size = guest_mem.size,
			      .uaddr = (uintptr_t)guest_mem.base, .mmap_offset = 0 };
	int err;

	features |= vu->features & VHOST_USER_F_PROTOCOL_FEATURES;
	err = vu__set_u64(vu, VU_SET_FEATURES, features);
	if (err < 0)
		return err;
	err = vu__set(vu, VU_SET_MEM_TABLE, &mem, sizeof(mem), guest_mem.fd);
	for (unsigned int i = 0; i < nrings && err >= 0; i++)
		err = vu__start_ring(vu, &rings[i]);
	return err;
}

int vhost_user__stop_ring(struct vhost_user *vu, unsigned int index)
{
	struct vu_state st = { index, 0 };
	int err = vu__send(vu, VU_GET_VRING_BASE, 0, &st, sizeof(st), -1);

	if (err < 0)
		return err;
	err = vu__reply(vu, VU_GET_VRING_BASE, &st, sizeof(st));
	if (err < 0)
		return err;
	if (st.index != index)
		return vu__fail(vu, VU_GET_VRING_BASE, EPROTO, "reply for ring %u, not %u", st.index, index);
	return 0;
}
