/* The fs guest's transport (fuse.h): finds the first virtio-fs device (id
 * 26) among the virtio_mmio.device= entries, negotiates VIRTIO_F_VERSION_1,
 * sets up the hiprio queue (0) and one request queue (1), reads the tag,
 * sends FUSE_INIT; then one request at a time, polled. */
#include "fuse.h"

#define QSIZE VQ8
#define VIRTIO_ID_FS 26

static struct vq8 queues[2];

uint8_t req[8192] __attribute__((aligned(8)));
uint8_t rep[8192] __attribute__((aligned(8)));
static struct vdev dev;
uint64_t unique;

__attribute__((noreturn)) void fail(const char *what, int err)
{
	gprintf("fs: FAIL %s (error %d)\n", what, err);
	poweroff(3);
}

/* Put LEN bytes at *OFF in the request. */
void put(uint32_t *off, const void *p, uint32_t len)
{
	memcpy(req + *off, p, len);
	*off += len;
}

void put_name(uint32_t *off, const char *s)
{
	put(off, s, (uint32_t)strlen(s) + 1);
}

/* One chain of the N (at most QSIZE) buffers B on queue Q, device-readable
 * ones first; waits for the device to use it.  Returns the used length. */
uint32_t submit(uint32_t q, const struct fs_buf *b, uint32_t n)
{
	struct vq8 *vq = &queues[q];
	uint16_t seen = vq->used.idx;
	uint32_t spins, i;

	for (i = 0; i < n; i++)
		vq->desc[i] = (struct vq_desc){ (uint64_t)b[i].p, b[i].len,
						b[i].flags | (i + 1 < n ? VQ_NEXT : 0), (uint16_t)(i + 1) };
	vq->avail.ring[vq->avail.idx % QSIZE] = 0;
	barrier();
	vq->avail.idx++;
	barrier();
	virtio_write(&dev, VIRTIO_REG_NOTIFY, q);
	for (spins = 0; *(volatile uint16_t *)&vq->used.idx == seen; spins++)
		if (spins == 500000000)
			fail("no reply from the device", -1);
	barrier();
	virtio_write(&dev, VIRTIO_REG_INT_ACK, virtio_read(&dev, VIRTIO_REG_INT_STATUS));
	return vq->used.ring[seen % QSIZE].len;
}

/* Start a request with OPCODE on NODEID; arguments follow with put(). */
uint32_t begin(uint32_t opcode, uint64_t nodeid)
{
	struct fuse_in_header h = { .opcode = opcode, .unique = ++unique, .nodeid = nodeid, .pid = 1 };

	memcpy(req, &h, sizeof(h));
	return sizeof(h);
}

/* Send the request of LEN bytes on the request queue, with DLEN bytes at
 * DATA: if OUT, a WRITE's payload after it, else a buffer for a READ's reply
 * payload.  The reply's error (0 or a positive errno); without DATA its
 * payload is in rep + sizeof(fuse_out_header).  A payload goes in
 * descriptors of its own after the headers' (a WRITE's header and
 * fuse_write_in in one each), as Linux lays requests out. */
int call_data(uint32_t len, void *data, uint32_t dlen, int out)
{
	struct fuse_out_header *o = (void *)rep;
	struct fs_buf b[4];
	uint32_t n = 0, used, h = sizeof(struct fuse_in_header);

	if (data && out) {
		b[n++] = (struct fs_buf){ req, h, 0 };
		b[n++] = (struct fs_buf){ req + h, len - h, 0 };
		b[n++] = (struct fs_buf){ data, dlen, 0 };
	} else {
		b[n++] = (struct fs_buf){ req, len, 0 };
	}
	b[n++] = (struct fs_buf){ rep, data && !out ? sizeof(*o) : sizeof(rep), VQ_WRITE };
	if (data && !out)
		b[n++] = (struct fs_buf){ data, dlen, VQ_WRITE };
	((struct fuse_in_header *)req)->len = len + (data && out ? dlen : 0);
	memset(rep, 0, sizeof(*o));
	used = submit(1, b, n);
	if (used < sizeof(*o) || o->len != used || o->unique != unique)
		fail("malformed reply", (int)used);
	return -o->error;
}

int call(uint32_t len)
{
	return call_data(len, NULL, 0, 0);
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EROFS: return "EROFS";
	case ENODATA: return "ENODATA";
	default: return "unexpected error";
	}
}

/* Expect error WANT (0: success) from the step named WHAT. */
void expect(const char *what, int err, int want)
{
	if (err != want) {
		gprintf("fs: FAIL %s: %s (%d), expected %s\n", what, errname(err), err, errname(want));
		poweroff(3);
	}
}

int lookup(uint64_t parent, const char *name, struct fuse_entry_out *e)
{
	uint32_t off = begin(FUSE_LOOKUP, parent);
	int err;

	put_name(&off, name);
	err = call(off);
	if (!err)
		*e = *OUT(struct fuse_entry_out);
	return err;
}

int fs_init_major(uint32_t major)
{
	uint32_t off = begin(FUSE_INIT, 0);
	struct { uint32_t major, minor, max_readahead, flags; } in = { major, 31, 0, 0 };

	put(&off, &in, sizeof(in));
	return call(off);
}

/* FUSE_INIT: the negotiated max_write. */
uint32_t fs_init(void)
{
	expect("INIT", fs_init_major(7), 0);
	gprintf("fs: INIT: FUSE %u.%u\n", OUT(struct fuse_init_out)->major, OUT(struct fuse_init_out)->minor);
	return OUT(struct fuse_init_out)->max_write;
}

void setup(const char *cmdline)
{
	char tag[37];
	uint32_t i, nreq;
	int n;

	for (n = 0;; n++) {
		if (virtio_find(cmdline, n, &dev))
			fail("no virtio-fs device on the command line", -1);
		if (virtio_read(&dev, 8) == VIRTIO_ID_FS)
			break;
	}
	if (!virtio_init(&dev, VIRTIO_ID_FS, 0))
		fail("device init", -1);
	for (i = 0; i < 2; i++)
		if (!virtio_queue(&dev, i, QSIZE, (uint64_t)queues[i].desc, (uint64_t)&queues[i].avail,
				  (uint64_t)&queues[i].used))
			fail("queue refused", (int)i);
	virtio_driver_ok(&dev);
	if (virtio_read(&dev, VIRTIO_REG_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
		fail("device needs reset after DRIVER_OK", -1);
	for (i = 0; i < 36; i += 4) {
		uint32_t w = virtio_read(&dev, VIRTIO_REG_CONFIG + i);

		memcpy(tag + i, &w, 4);
	}
	tag[36] = '\0';
	nreq = virtio_read(&dev, VIRTIO_REG_CONFIG + 36);
	gprintf("fs: tag \"%s\", %u request queue\n", tag, nreq);
}

uint64_t do_open(uint32_t opcode, uint64_t node, uint32_t flags)
{
	uint32_t off = begin(opcode, node);
	struct fuse_open_in in = { .flags = flags };
	int err;

	put(&off, &in, sizeof(in));
	err = call(off);
	expect(opcode == FUSE_OPEN ? "OPEN" : "OPENDIR", err, 0);
	return OUT(struct fuse_open_out)->fh;
}

void do_release(uint32_t opcode, uint64_t node, uint64_t fh)
{
	uint32_t off = begin(opcode, node);
	struct fuse_release_in in = { .fh = fh };

	put(&off, &in, sizeof(in));
	expect(opcode == FUSE_RELEASE ? "RELEASE" : "RELEASEDIR", call(off), 0);
}

/* CREATE NAME in PARENT, open read-write: the error; entry and fh. */
int do_create(uint64_t parent, const char *name, uint32_t mode, struct fuse_entry_out *e,
		     uint64_t *fh)
{
	uint32_t off = begin(FUSE_CREATE, parent);
	struct fuse_create_in in = { .flags = 02 /* O_RDWR */, .mode = mode };
	int err;

	put(&off, &in, sizeof(in));
	put_name(&off, name);
	err = call(off);
	if (!err) {
		*e = *OUT(struct fuse_entry_out);
		*fh = ((struct fuse_open_out *)(OUT(struct fuse_entry_out) + 1))->fh;
	}
	return err;
}
