/* vhost-fake MODE: a stand-in vhost-user backend for tests/vmm-fs.bats.
 * Accepts one connection on the listening socket fd 3 (listen-exec),
 * prints each message it receives as "NAME [payload] [fd]" on stdout, and
 * answers like a backend (VIRTIO_F_VERSION_1, PROTOCOL_FEATURES,
 * REPLY_ACK; acks 0) until MODE says otherwise:
 *   out-of-turn  after ring 1's SET_VRING_ENABLE, sends an unasked message
 *   garbage      answers SET_FEATURES with a reply to another request
 *   ring-error   once ring 1 is enabled, signals its SET_VRING_ERR eventfd
 * It never serves a ring. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct hdr {
	uint32_t request, flags, size;
} __attribute__((packed));

static const char *const names[] = {
	[1] = "GET_FEATURES", [2] = "SET_FEATURES", [3] = "SET_OWNER", [5] = "SET_MEM_TABLE",
	[8] = "SET_VRING_NUM", [9] = "SET_VRING_ADDR", [10] = "SET_VRING_BASE",
	[11] = "GET_VRING_BASE", [12] = "SET_VRING_KICK", [13] = "SET_VRING_CALL",
	[14] = "SET_VRING_ERR", [15] = "GET_PROTOCOL_FEATURES", [16] = "SET_PROTOCOL_FEATURES",
	[18] = "SET_VRING_ENABLE",
};

static int conn;

static void reply(uint32_t request, const void *p, uint32_t size)
{
	struct hdr h = { request, 1 | 4, size };
	char buf[sizeof(h) + 64];

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, size);
	if (write(conn, buf, sizeof(h) + size) < 0)
		perror("vhost-fake: write");
}

/* One message: its header and payload into H and P, the fd it carried
 * in *GOT_FD (-1 if none). */
static int receive(struct hdr *h, uint8_t *p, int *got_fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} ctl;
	struct iovec iov = { h, sizeof(*h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;

	if (recvmsg(conn, &msg, MSG_WAITALL) != sizeof(*h) || h->size > 256)
		return -1;
	*got_fd = -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		memcpy(got_fd, CMSG_DATA(c), sizeof(*got_fd));
	return h->size && recv(conn, p, h->size, MSG_WAITALL) != (ssize_t)h->size ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	uint64_t features = 1ULL << 32 | 1ULL << 30, protocol = 1ULL << 3, zero = 0, acks = 0;
	uint8_t p[256];
	struct hdr h;
	int fd, err_fd = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	conn = accept(3, NULL, NULL);
	if (conn < 0) {
		perror("vhost-fake: accept");
		return 111;
	}
	while (receive(&h, p, &fd) == 0) {
		uint32_t v32[2] = { 0, 0 };

		memcpy(v32, p, h.size < 8 ? h.size : 8);
		printf("%s", h.request < sizeof(names) / sizeof(names[0]) && names[h.request] ?
				     names[h.request] : "?");
		if (h.request == 2 || h.request == 16)	/* features */
			printf(" 0x%llx", (unsigned long long)(v32[0] | (uint64_t)v32[1] << 32));
		else if (h.request == 8 || h.request == 10 || h.request == 18)	/* index, value */
			printf(" %u %u", v32[0], v32[1]);
		else if (h.request == 9 || h.request == 11 || (h.request >= 12 && h.request <= 14))
			printf(" %u", v32[0] & 0xff);	/* ring index */
		printf("%s\n", fd >= 0 ? " fd" : "");
		if (h.request == 14 && v32[0] == 1)
			err_fd = fd;
		else if (fd >= 0)
			close(fd);
		if (h.request == 1)
			reply(1, &features, 8);
		else if (h.request == 15)
			reply(15, &protocol, 8);
		else if (h.request == 11)
			reply(11, v32, 8);
		else if (h.request == 16)
			memcpy(&acks, p, 8), acks &= protocol;
		else if (h.request == 2 && !strcmp(mode, "garbage"))
			reply(1, &features, 8);
		else if (acks && (h.flags & 8))
			reply(h.request, &zero, 8);
		if (h.request == 18 && v32[0] == 1 && !strcmp(mode, "out-of-turn"))
			reply(1, &features, 8);
		if (h.request == 18 && v32[0] == 1 && !strcmp(mode, "ring-error")) {
			uint64_t one = 1;

			if (write(err_fd, &one, sizeof(one)) < 0)
				perror("vhost-fake: signal the error eventfd");
		}
	}
	return 0;
}
