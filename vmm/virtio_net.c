/* virtio-net (virtio 1.x, 5.1) on one backend fd: a tap, or a stream
 * socket with each frame behind a 4-byte big-endian length (QEMU's
 * -netdev stream, passt's --fd); queue 0 receives, queue 1 transmits.
 * Only VIRTIO_NET_F_MAC is offered: no offload, no mergeable buffers, so
 * a frame is one chain behind a 12-byte virtio_net_hdr_v1 that the VMM
 * writes on receive and drops on transmit (the guest's never reaches the
 * host).  Transmit runs on the notifying vCPU; a stream socket that takes
 * part of a frame keeps the rest in tx_buf for the main loop (POLLOUT).
 * Receive runs on the main loop.  Host memory stays bounded: one frame at
 * most is held (rx_buf), and while it waits for a receive buffer the main
 * loop stops polling the backend, so frames queue in the kernel (a tap's
 * queue drops the excess, a stream peer finds its socket full).  The vCPU
 * that posts receive buffers wakes the main loop through wake_fd. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "virtio.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_NET_F_MAC (1ULL << 5)
#define RXQ 0
#define TXQ 1
#define ETH_HLEN 14
#define NET_FRAME_MAX 65535	/* a tap's limit; passt's frames fit it too */
#define NET_HDR_LEN 12		/* virtio_net_hdr_v1 */
#define STREAM_PREFIX 4		/* the big-endian frame length */
#define RX_BUDGET 64		/* frames per main-loop wake-up */

struct virtio_net {
	struct virtio_mmio mmio;
	enum net_mode mode;
	int fd, wake_fd;
	uint32_t prefix;	/* bytes before each frame on the fd: 0, the tap's
				 * vnet header (NET_HDR_LEN) or STREAM_PREFIX */
	bool rx_waits;		/* a frame is held for a receive buffer: the fd is not polled */
	bool failed;		/* the backend failed: the VM is ending */
	uint32_t rx_have;	/* bytes of rx_buf filled */
	uint32_t rx_want;	/* the held frame's size with its prefix; 0 until known */
	uint32_t tx_off, tx_len;	/* tx_buf[tx_off, tx_len): not yet taken by the fd */
	uint8_t config[8];	/* struct virtio_net_config: mac[6] */
	uint8_t rx_buf[NET_HDR_LEN + NET_FRAME_MAX];
	uint8_t tx_buf[NET_HDR_LEN + NET_FRAME_MAX];
};

static struct virtio_net *net_dev;

/* Ends the VM (111) with one line; -1 for the caller to return. */
static int virtio_net__backend_failed(struct virtio_net *n, const char *what, int err)
{
	if (!n->failed && !vm__exiting()) {
		if (err)
			warnx("net: %s: %s", what, strerror(err));
		else
			warnx("net: %s", what);
		vm__request_exit(VMM_EXIT_SYSCALL);
	}
	n->failed = true;
	return -1;
}

static bool virtio_net__queue_live(const struct virtio_mmio *m, unsigned int q)
{
	return (m->status & VIRTIO_STATUS_DRIVER_OK) && !(m->status & VIRTIO_STATUS_NEEDS_RESET) &&
	       m->vq[q].ready;
}

static void virtio_net__wake(struct virtio_net *n)
{
	uint64_t one = 1;

	/* cannot fail short of 2^64 - 1 wake-ups nobody read */
	if (write(n->wake_fd, &one, sizeof(one)) < 0)
		return;
}

static bool virtio_net__rx_whole(const struct virtio_net *n)
{
	return n->rx_want && n->rx_have == n->rx_want;
}

/* Read towards the frame being received: 1 once it is whole, 0 if the fd
 * has nothing more now, -1 if the backend failed. */
static int virtio_net__rx_read(struct virtio_net *n)
{
	for (;;) {
		uint32_t want = n->mode == NET_MODE_TAP ? sizeof(n->rx_buf) :
				n->rx_want ? n->rx_want : STREAM_PREFIX;
		ssize_t r = read(n->fd, n->rx_buf + n->rx_have, want - n->rx_have);
		uint32_t len;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? 0 : virtio_net__backend_failed(n, "read", errno);
		if (r == 0)
			return virtio_net__backend_failed(n, "the backend closed the connection", 0);
		if (n->mode == NET_MODE_TAP) {
			if ((size_t)r < n->prefix + ETH_HLEN)
				continue;	/* a runt: dropped */
			n->rx_have = n->rx_want = (uint32_t)r;
			return 1;
		}
		n->rx_have += (uint32_t)r;
		if (virtio_net__rx_whole(n))
			return 1;
		if (n->rx_want || n->rx_have < STREAM_PREFIX)
			continue;
		len = (uint32_t)n->rx_buf[0] << 24 | (uint32_t)n->rx_buf[1] << 16 |
		      (uint32_t)n->rx_buf[2] << 8 | n->rx_buf[3];
		if (len < ETH_HLEN || len > NET_FRAME_MAX) {
			static char why[64];

			snprintf(why, sizeof(why), "stream: frame length %u out of range %u..%u", len,
				 ETH_HLEN, NET_FRAME_MAX);
			return virtio_net__backend_failed(n, why, 0);
		}
		n->rx_want = STREAM_PREFIX + len;
	}
}

/* Give the held frame to the guest: 1 when it went (or, too big for the
 * buffer the guest posted, was dropped and the buffer returned empty); 0
 * when no receive buffer is posted; -1 when the ring is broken. */
static int virtio_net__rx_deliver(struct virtio_net *n)
{
	static struct virtq_chain chain;	/* big; the bus lock serialises users */
	/* virtio_net_hdr_v1: no flags, no GSO, num_buffers (le16 at 10) 1 */
	uint8_t hdr[NET_HDR_LEN] = { [10] = 1 };
	struct virtq *vq = &n->mmio.vq[RXQ];
	uint32_t len = n->rx_have - n->prefix, written = 0;
	const char *why = NULL;
	int got;

	if (!virtio_net__queue_live(&n->mmio, RXQ))
		return 0;
	got = virtq__pop(vq, &chain, &why);
	if (got == 0)
		return 0;
	if (got > 0 && chain.out_bytes) {
		why = "device-readable buffer in a receive chain";
		got = -1;
	}
	if (got > 0 && chain.in_bytes >= NET_HDR_LEN + len) {
		virtq__chain_copy(&chain, true, 0, hdr, sizeof(hdr));
		virtq__chain_copy(&chain, true, NET_HDR_LEN, n->rx_buf + n->prefix, len);
		written = NET_HDR_LEN + len;
	}
	if (got < 0 || virtq__push(vq, chain.head, written, &why) < 0) {
		virtio_mmio__needs_reset(&n->mmio, why);
		return -1;
	}
	n->rx_have = n->rx_want = 0;
	return 1;
}

/* The main loop's receive: read and deliver until the backend has no
 * more, the guest has no buffer (then stop polling until it posts one), or
 * RX_BUDGET frames went. */
static void virtio_net__rx(struct virtio_net *n)
{
	unsigned int budget;
	bool done = false;

	for (budget = RX_BUDGET; budget && !n->failed; budget--) {
		if (!virtio_net__rx_whole(n) && virtio_net__rx_read(n) <= 0)
			break;
		if (virtio_net__rx_deliver(n) <= 0) {
			n->rx_waits = true;
			break;
		}
		done = true;
	}
	if (done)
		virtio_mmio__signal_used(&n->mmio);
}

/* Write what tx_buf still holds: true once the fd took all of it (or a
 * tap dropped it), false while a stream socket is full. */
static bool virtio_net__tx_flush(struct virtio_net *n)
{
	while (n->tx_off < n->tx_len) {
		ssize_t r = write(n->fd, n->tx_buf + n->tx_off, n->tx_len - n->tx_off);

		if (r > 0 && n->mode == NET_MODE_STREAM) {
			n->tx_off += (uint32_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && n->mode == NET_MODE_STREAM)
			return false;
		if (r < 0 && n->mode == NET_MODE_STREAM)
			virtio_net__backend_failed(n, "write", errno);
		n->tx_off = n->tx_len;	/* a tap takes a whole frame or drops it */
	}
	return true;
}

/* Copy a transmit chain's frame, without the guest's header, into tx_buf
 * behind the backend's prefix; a frame a backend cannot carry (shorter
 * than an Ethernet header, longer than NET_FRAME_MAX) is dropped.  -1 with
 * *WHY for a chain that breaks the protocol. */
static int virtio_net__tx_take(struct virtio_net *n, const struct virtq_chain *c, const char **why)
{
	uint64_t len;

	if (c->in_bytes) {
		*why = "device-writable buffer in a transmit chain";
		return -1;
	}
	if (c->out_bytes < NET_HDR_LEN) {
		*why = "transmit chain shorter than the virtio-net header";
		return -1;
	}
	len = c->out_bytes - NET_HDR_LEN;
	if (len < ETH_HLEN || len > NET_FRAME_MAX)
		return 0;
	memset(n->tx_buf, 0, n->prefix);	/* a tap's vnet header: no offload asked */
	if (n->mode == NET_MODE_STREAM) {
		n->tx_buf[2] = (uint8_t)(len >> 8);
		n->tx_buf[3] = (uint8_t)len;
	}
	virtq__chain_copy(c, false, NET_HDR_LEN, n->tx_buf + n->prefix, len);
	n->tx_off = 0;
	n->tx_len = n->prefix + (uint32_t)len;
	return 0;
}

/* Transmit what the guest made available, as long as the fd takes it. */
static void virtio_net__tx(struct virtio_net *n)
{
	static struct virtq_chain chain;	/* big; the bus lock serialises users */
	struct virtq *vq = &n->mmio.vq[TXQ];
	const char *why = NULL;
	bool done = false;
	int got = 0;

	while (!n->failed && virtio_net__tx_flush(n) && virtio_net__queue_live(&n->mmio, TXQ) &&
	       (got = virtq__pop(vq, &chain, &why)) > 0) {
		if (virtio_net__tx_take(n, &chain, &why) < 0 || virtq__push(vq, chain.head, 0, &why) < 0) {
			got = -1;
			break;
		}
		done = true;
	}
	if (done)
		virtio_mmio__signal_used(&n->mmio);
	if (got < 0)
		virtio_mmio__needs_reset(&n->mmio, why);
}

static void virtio_net__notify(struct virtio_mmio *m, unsigned int q)
{
	struct virtio_net *n = m->dev;

	if (q == TXQ) {
		virtio_net__tx(n);
		if (n->tx_off < n->tx_len)
			virtio_net__wake(n);	/* the main loop waits for POLLOUT */
	} else if (n->rx_waits) {
		n->rx_waits = false;
		virtio_net__wake(n);
	}
}

static const char *virtio_net__driver_ok(struct virtio_mmio *m)
{
	virtio_net__notify(m, RXQ);
	return NULL;
}

static const struct virtio_dev_ops virtio_net_ops = {
	.device_id = VIRTIO_ID_NET,
	.notify = virtio_net__notify,
	.driver_ok = virtio_net__driver_ok,
};

/* Check the fd is what --net says and make it non-blocking; a tap with
 * IFF_VNET_HDR (as sandboxd makes them) gets the 12-byte header, which
 * the VMM zeroes on transmit and ignores on receive. */
static int virtio_net__open_backend(struct virtio_net *n, const struct net_cfg *cfg)
{
	struct ifreq ifr = { 0 };
	socklen_t len = sizeof(int);
	int type = 0, fl, hdr = NET_HDR_LEN;
	struct stat st;

	if (fstat(cfg->fd, &st) < 0)
		return error__usage_errno(errno, "--net fd=%d", cfg->fd);
	if (cfg->mode == NET_MODE_STREAM) {
		if (!S_ISSOCK(st.st_mode) || getsockopt(cfg->fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
		    type != SOCK_STREAM)
			return error__usage(ENOTSOCK, "--net fd=%d,mode=stream: not a stream socket", cfg->fd);
		n->prefix = STREAM_PREFIX;
		/* a peer gone makes write() fail with EPIPE, not kill the VMM */
		if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
			return error__syscall(errno, "--net: ignore SIGPIPE");
	} else {
		if (!S_ISCHR(st.st_mode) || ioctl(cfg->fd, TUNGETIFF, &ifr) < 0 ||
		    (ifr.ifr_flags & (IFF_TUN | IFF_TAP)) != IFF_TAP || !(ifr.ifr_flags & IFF_NO_PI))
			return error__usage(ENOTTY, "--net fd=%d,mode=tap: not a tap with IFF_NO_PI", cfg->fd);
		if (ifr.ifr_flags & IFF_VNET_HDR) {
			if (ioctl(cfg->fd, TUNSETVNETHDRSZ, &hdr) < 0)
				return error__syscall(errno, "--net fd=%d: TUNSETVNETHDRSZ", cfg->fd);
			n->prefix = NET_HDR_LEN;
		}
	}
	fl = fcntl(cfg->fd, F_GETFL);
	if (fl < 0 || fcntl(cfg->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return error__syscall(errno, "--net fd=%d: O_NONBLOCK", cfg->fd);
	n->fd = cfg->fd;
	return 0;
}

int virtio_net__init(const struct net_cfg *cfg, char *cmdline, size_t cmdline_size)
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	int err;

	if (!n)
		return error__syscall(ENOMEM, "net");
	n->mode = cfg->mode;
	err = virtio_net__open_backend(n, cfg);
	if (err < 0)
		goto fail_free;
	n->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->wake_fd < 0) {
		err = error__syscall(errno, "net: eventfd");
		goto fail_free;
	}
	memcpy(n->config, cfg->mac, sizeof(cfg->mac));
	n->mmio = (struct virtio_mmio){
		.ops = &virtio_net_ops, .dev = n, .nqueues = 2,
		.features = VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC,
		.config = n->config, .config_len = sizeof(cfg->mac),
	};
	err = virtio_mmio__init(&n->mmio, cmdline, cmdline_size);
	if (err < 0) {
		error__syscall(-err, "net: virtio-mmio");
		close(n->wake_fd);
		goto fail_free;
	}
	net_dev = n;	/* on the bus now: never freed */
	return 0;
fail_free:
	free(n);
	return err;
}

unsigned int virtio_net__watch(struct pollfd *p)
{
	struct virtio_net *n = net_dev;

	if (!n)
		return 0;
	bus__lock();
	p[0] = (struct pollfd){ .fd = n->failed ? -1 : n->fd,
				.events = (short)((n->rx_waits ? 0 : POLLIN) |
						  (n->tx_off < n->tx_len ? POLLOUT : 0)) };
	bus__unlock();
	p[1] = (struct pollfd){ .fd = n->wake_fd, .events = POLLIN };
	return 2;
}

void virtio_net__watch_event(const struct pollfd *p)
{
	struct virtio_net *n = net_dev;
	uint64_t v;

	bus__lock();
	if (p[1].revents && read(n->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		virtio_net__backend_failed(n, "read the wake-up eventfd", errno);
	/* a stream peer gone while no frame is read (POLLHUP, events 0) */
	if ((p[0].revents & (POLLHUP | POLLERR)) && n->rx_waits)
		virtio_net__backend_failed(n, "the backend closed the connection", 0);
	if (n->tx_off < n->tx_len)
		virtio_net__tx(n);
	if (!n->rx_waits)
		virtio_net__rx(n);
	bus__unlock();
}
