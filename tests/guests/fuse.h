/* The fs guest's FUSE-over-virtio-fs transport (fuse.c), shared by its
 * workloads (fs.c) and its bench mode (fsbench.c): one request at a time
 * on the request queue, built in req with begin() and put(), the reply in
 * rep. */
#ifndef GUEST_FUSE_H
#define GUEST_FUSE_H

#include <linux/fuse.h>

#include "lib/virtio.h"

#define ENOENT 2
#define EEXIST 17
#define EROFS 30
#define ENODATA 61
#define EPROTO 71

extern uint8_t req[8192], rep[8192];
extern uint64_t unique;

#define OUT(type) ((type *)(rep + sizeof(struct fuse_out_header)))

/* One buffer of a descriptor chain; VQ_WRITE in flags: device-writable. */
struct fs_buf {
	void *p;
	uint32_t len;
	uint16_t flags;
};

__attribute__((noreturn)) void fail(const char *what, int err);
void expect(const char *what, int err, int want);
void put(uint32_t *off, const void *p, uint32_t len);
void put_name(uint32_t *off, const char *s);
uint32_t submit(uint32_t q, const struct fs_buf *b, uint32_t n);
uint32_t begin(uint32_t opcode, uint64_t nodeid);
int call(uint32_t len);
int call_data(uint32_t len, void *data, uint32_t dlen, int out);
void setup(const char *cmdline);
/* FUSE_INIT of protocol MAJOR.31: the error (a backend refuses MAJOR < 7). */
int fs_init_major(uint32_t major);
uint32_t fs_init(void);
int lookup(uint64_t parent, const char *name, struct fuse_entry_out *e);
uint64_t do_open(uint32_t opcode, uint64_t node, uint32_t flags);
void do_release(uint32_t opcode, uint64_t node, uint64_t fh);
int do_create(uint64_t parent, const char *name, uint32_t mode, struct fuse_entry_out *e,
	      uint64_t *fh);

/* The bench mode (fsbench.c), after FUSE_INIT reported MAX_WRITE. */
void fs_bench(const char *cmdline, uint32_t max_write);

#endif
