/* virtio-blk (virtio 1.x, 5.2): read, write, flush (fdatasync), get-id on
 * one queue, processed synchronously on the notifying vCPU.  Read-only
 * disks offer VIRTIO_BLK_F_RO and answer writes with IOERR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio.h"
#include "virtio_blk.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)

enum { VIRTIO_BLK_T_IN = 0, VIRTIO_BLK_T_OUT = 1, VIRTIO_BLK_T_FLUSH = 4, VIRTIO_BLK_T_GET_ID = 8 };
enum { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };

struct virtio_blk_outhdr {
	uint32_t type, ioprio;
	uint64_t sector;
};
_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio_blk_outhdr ABI");

static uint8_t virtio_blk__rw(const struct blk_disk *d, const struct virtq_chain *c, bool is_read,
		      uint64_t sector, uint32_t *written)
{
	struct iovec iov[VIRTQ_MAX_SIZE];
	uint64_t len, off;
	ssize_t n;
	int niov;

	if (is_read)
		len = virtq__chain_iov(c, true, 0, c->in_bytes - 1, iov, &niov);
	else
		len = virtq__chain_iov(c, false, sizeof(struct virtio_blk_outhdr), c->out_bytes, iov, &niov);
	if (len % 512 || sector > d->sectors || len / 512 > d->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	if (!is_read && d->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!len)
		return VIRTIO_BLK_S_OK;
	off = sector * 512;
	n = is_read ? preadv(d->fd, iov, niov, (off_t)off) : pwritev(d->fd, iov, niov, (off_t)off);
	if (n < 0 || (uint64_t)n != len)
		return VIRTIO_BLK_S_IOERR;
	if (is_read)
		*written = (uint32_t)len;
	return VIRTIO_BLK_S_OK;
}

int virtio_blk__request(const struct blk_disk *d, const struct virtq_chain *c, uint32_t *written,
			const char **why)
{
	struct virtio_blk_outhdr hdr;
	uint8_t status;

	*written = 0;
	if (virtq__chain_copy(c, false, 0, (uint8_t *)&hdr, sizeof(hdr)) < 0 || c->in_bytes == 0) {
		*why = "virtio-blk request without header or status byte";
		return -1;
	}
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		status = virtio_blk__rw(d, c, hdr.type == VIRTIO_BLK_T_IN, hdr.sector, written);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = d->ro || fdatasync(d->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		uint64_t n = c->in_bytes - 1 < sizeof(d->id) ? c->in_bytes - 1 : sizeof(d->id);
		uint8_t id[sizeof(d->id)];

		memcpy(id, d->id, sizeof(id));
		virtq__chain_copy(c, true, 0, id, n);
		*written = (uint32_t)n;
		status = VIRTIO_BLK_S_OK;
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	virtq__chain_copy(c, true, c->in_bytes - 1, &status, 1);
	*written += 1;
	return 0;
}

static void virtio_blk__notify(struct virtio_mmio *m, unsigned int q)
{
	static struct virtq_chain chain;	/* big; the bus lock serialises users */
	struct blk_disk *d = m->dev;
	struct virtq *vq = &m->vq[q];
	const char *why = NULL;
	uint32_t written;
	int got, done = 0;

	while ((got = virtq__pop(vq, &chain, &why)) > 0) {
		if (virtio_blk__request(d, &chain, &written, &why) < 0 ||
		    virtq__push(vq, chain.head, written, &why) < 0) {
			got = -1;
			break;
		}
		done = 1;
	}
	if (done)
		virtio_mmio__signal_used(m);
	if (got < 0)
		virtio_mmio__needs_reset(m, why);
}

static const struct virtio_dev_ops virtio_blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.notify = virtio_blk__notify,
};

/* "fd:N" is a disk inherited as fd N (sandboxd hands every file over so,
 * opened before the uid switch); its access mode must fit. */
static int blk_disk__open_fd(const char *path, bool ro)
{
	char *end;
	long n = strtol(path + 3, &end, 10);
	int fl, fd;

	if (end == path + 3 || *end || n < 0 || n > INT_MAX)
		return -EINVAL;
	fl = fcntl((int)n, F_GETFL);
	if (fl < 0)
		return -errno;
	if (!ro && (fl & O_ACCMODE) != O_RDWR)
		return -EBADF;
	fd = fcntl((int)n, F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? -errno : fd;
}

int blk_disk__open(struct blk_disk *d, const struct disk_cfg *cfg)
{
	const char *base = strrchr(cfg->path, '/');
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->ro = cfg->ro;
	if (strncmp(cfg->path, "fd:", 3) == 0)
		d->fd = blk_disk__open_fd(cfg->path, cfg->ro);
	else
		d->fd = open(cfg->path, (cfg->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0)
		return d->fd == -1 ? -errno : d->fd;
	if (fstat(d->fd, &st) < 0) {
		int err = -errno;

		close(d->fd);
		return err;
	}
	d->sectors = (uint64_t)st.st_size / 512;
	base = base ? base + 1 : cfg->path;
	memcpy(d->id, base, strnlen(base, sizeof(d->id)));
	return 0;
}

int virtio_blk__init(const struct disk_cfg *cfg, char *cmdline, size_t cmdline_size)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	err = blk_disk__open(&b->disk, cfg);
	if (err < 0)
		goto fail_free;
	memcpy(b->config, &b->disk.sectors, sizeof(b->disk.sectors));	/* capacity, LE */
	b->mmio = (struct virtio_mmio){
		.ops = &virtio_blk_ops, .dev = &b->disk, .nqueues = 1,
		.features = VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH | (cfg->ro ? VIRTIO_BLK_F_RO : 0),
		.config = b->config, .config_len = sizeof(b->config),
	};
	err = virtio_mmio__init(&b->mmio, cmdline, cmdline_size);
	if (err < 0)
		goto fail_close;
	return 0;
fail_close:
	close(b->disk.fd);
fail_free:
	free(b);
	return err;
}
