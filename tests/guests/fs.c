/* virtio-fs: finds the first virtio-fs device (id 26) among the
 * virtio_mmio.device= entries, negotiates VIRTIO_F_VERSION_1, sets up the
 * hiprio queue (0) and one request queue (1), reads the tag, sends
 * FUSE_INIT and then a workload, one line per step.  Requests go on queue
 * 1, FORGET on the hiprio queue as the spec has it.  With "ro" on the
 * command line it runs the read-only workload instead: reads work, every
 * change gets EROFS.  The host then checks what the share holds. */
#include <linux/fuse.h>

#include "lib/virtio.h"

#define QSIZE 8
#define VIRTIO_ID_FS 26
#define ENOENT 2
#define EEXIST 17
#define EROFS 30
#define ENODATA 61

static struct {
	struct vq_desc desc[QSIZE] __attribute__((aligned(16)));
	struct { uint16_t flags, idx, ring[QSIZE], event; } avail __attribute__((aligned(2)));
	struct { uint16_t flags, idx; struct vq_used_elem ring[QSIZE]; uint16_t event; } used
		__attribute__((aligned(4)));
} queues[2] __attribute__((aligned(4096)));

static uint8_t req[8192] __attribute__((aligned(8)));
static uint8_t rep[8192] __attribute__((aligned(8)));
static struct vdev dev;
static uint64_t unique;

static __attribute__((noreturn)) void fail(const char *what, int err)
{
	gprintf("fs: FAIL %s (error %d)\n", what, err);
	poweroff(3);
}

/* Put LEN bytes at *OFF in the request. */
static void put(uint32_t *off, const void *p, uint32_t len)
{
	memcpy(req + *off, p, len);
	*off += len;
}

static void put_name(uint32_t *off, const char *s)
{
	put(off, s, (uint32_t)strlen(s) + 1);
}

/* One chain on queue Q: the request (device-readable) and, unless REPLY
 * is 0, a reply buffer of REPLY bytes.  Returns the used length. */
static uint32_t submit(uint32_t q, uint32_t len, uint32_t reply)
{
	typeof(&queues[0]) vq = &queues[q];
	uint16_t seen = vq->used.idx;
	uint32_t spins;

	vq->desc[0] = (struct vq_desc){ (uint64_t)req, len, reply ? VQ_NEXT : 0, 1 };
	vq->desc[1] = (struct vq_desc){ (uint64_t)rep, reply, VQ_WRITE, 0 };
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
static uint32_t begin(uint32_t opcode, uint64_t nodeid)
{
	struct fuse_in_header h = { .opcode = opcode, .unique = ++unique, .nodeid = nodeid, .pid = 1 };

	memcpy(req, &h, sizeof(h));
	return sizeof(h);
}

/* Send the request of LEN bytes on the request queue; the reply's error
 * (0 or a positive errno) and its payload in rep + sizeof(fuse_out_header). */
static int call(uint32_t len)
{
	struct fuse_out_header *o = (void *)rep;
	uint32_t used;

	((struct fuse_in_header *)req)->len = len;
	memset(rep, 0, sizeof(struct fuse_out_header));
	used = submit(1, len, sizeof(rep));
	if (used < sizeof(*o) || o->len != used || o->unique != unique)
		fail("malformed reply", (int)used);
	return -o->error;
}

#define OUT(type) ((type *)(rep + sizeof(struct fuse_out_header)))

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
static void expect(const char *what, int err, int want)
{
	if (err != want) {
		gprintf("fs: FAIL %s: %s (%d), expected %s\n", what, errname(err), err, errname(want));
		poweroff(3);
	}
}

static int lookup(uint64_t parent, const char *name, struct fuse_entry_out *e)
{
	uint32_t off = begin(FUSE_LOOKUP, parent);
	int err;

	put_name(&off, name);
	err = call(off);
	if (!err)
		*e = *OUT(struct fuse_entry_out);
	return err;
}

static void fs_init(void)
{
	uint32_t off = begin(FUSE_INIT, 0);
	struct { uint32_t major, minor, max_readahead, flags; } in = { 7, 31, 0, 0 };
	int err;

	put(&off, &in, sizeof(in));
	err = call(off);
	expect("INIT", err, 0);
	gprintf("fs: INIT: FUSE %u.%u\n", OUT(struct fuse_init_out)->major, OUT(struct fuse_init_out)->minor);
}

static void setup(const char *cmdline)
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

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;
	struct fuse_entry_out e;

	setup(cmdline);
	fs_init();
	expect("LOOKUP hostfile", lookup(FUSE_ROOT_ID, "hostfile", &e), 0);
	gprintf("fs: LOOKUP hostfile: ok, size %lu, mode %o\n", e.attr.size, e.attr.mode);
	expect("LOOKUP missing", lookup(FUSE_ROOT_ID, "missing", &e), ENOENT);
	puts("fs: LOOKUP missing: ENOENT\n");
	puts("fs: done\n");
	poweroff(0);
}
