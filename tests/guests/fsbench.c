/* The fs guest's bench mode ("bench" on the command line, bench/vmm-fs.sh):
 * after FUSE_INIT, CREATE of bench.bin, then
 *   reqs=N (default 20000) GETATTRs of it, one at a time;
 *   mib=M (default 64) MiB written to it, then read back, in chunks of
 *   128 KiB or the negotiated max_write if less, one request at a time.
 * A freestanding guest has no clock it can trust to be the host's, so it
 * only prints a marker line after each phase; the host timestamps the
 * lines as they arrive on the console ("fs: bench ..."), so each phase
 * includes the printing of one marker line, which the line "fs: bench
 * console" right after "fs: bench start" measures.  Each chunk carries its
 * index in its first and last 8 bytes, checked when it is read back; the
 * host checks the file. */
#include "fuse.h"

#define CHUNK (128u << 10)
#define MAX_REQS 10000000u
#define MAX_MIB 1024u

static uint8_t chunk[CHUNK] __attribute__((aligned(4096)));

/* The numeric value of KEY= on the command line, DEF without it; at most MAX. */
static uint32_t param(const char *cmdline, const char *key, uint32_t def, uint32_t max)
{
	const char *v = cmdline_find(cmdline, key);
	uint64_t n = v ? parse_num(v) : def;

	if (!n || n > max)
		fail("bench parameter out of range", (int)n);
	return (uint32_t)n;
}

static void stamp(uint64_t i)
{
	memcpy(chunk, &i, 8);
	memcpy(chunk + CHUNK - 8, &i, 8);
}

static void getattrs(uint64_t node, uint64_t fh, uint32_t n)
{
	struct fuse_getattr_in in = { .getattr_flags = FUSE_GETATTR_FH, .fh = fh };
	uint32_t i, off;

	for (i = 0; i < n; i++) {
		off = begin(FUSE_GETATTR, node);
		put(&off, &in, sizeof(in));
		expect("GETATTR", call(off), 0);
	}
	gprintf("fs: bench GETATTR %u requests done\n", n);
}

static void writes(uint64_t node, uint64_t fh, uint32_t size, uint32_t n)
{
	struct fuse_write_in in = { .fh = fh, .size = size };
	uint32_t i, off;

	for (i = 0; i < n; i++) {
		stamp(i);
		in.offset = (uint64_t)i * size;
		off = begin(FUSE_WRITE, node);
		put(&off, &in, sizeof(in));
		expect("WRITE", call_data(off, chunk, size, 1), 0);
		if (OUT(struct fuse_write_out)->size != size)
			fail("short WRITE", (int)OUT(struct fuse_write_out)->size);
	}
	gprintf("fs: bench WRITE %u KiB in %u requests done\n", n * (size >> 10), n);
}

static void reads(uint64_t node, uint64_t fh, uint32_t size, uint32_t n)
{
	struct fuse_read_in in = { .fh = fh, .size = size };
	uint64_t head, tail;
	uint32_t i, off;

	for (i = 0; i < n; i++) {
		stamp(~0ull);
		in.offset = (uint64_t)i * size;
		off = begin(FUSE_READ, node);
		put(&off, &in, sizeof(in));
		expect("READ", call_data(off, chunk, size, 0), 0);
		memcpy(&head, chunk, 8);
		memcpy(&tail, chunk + size - 8, 8);
		if (((struct fuse_out_header *)rep)->len != sizeof(struct fuse_out_header) + size ||
		    head != i || tail != i)
			fail("READ back differs", (int)i);
	}
	gprintf("fs: bench READ %u KiB in %u requests done\n", n * (size >> 10), n);
}

void fs_bench(const char *cmdline, uint32_t max_write)
{
	uint32_t reqs = param(cmdline, "reqs", 20000, MAX_REQS);
	uint32_t mib = param(cmdline, "mib", 64, MAX_MIB);
	uint32_t size = max_write < CHUNK ? max_write & ~4095u : CHUNK, i;
	struct fuse_entry_out e;
	uint64_t fh;

	if (!size)
		fail("max_write below 4 KiB", (int)max_write);
	for (i = 0; i < CHUNK; i++)
		chunk[i] = (uint8_t)(i * 7);
	expect("CREATE bench.bin", do_create(FUSE_ROOT_ID, "bench.bin", 0644, &e, &fh), 0);
	gprintf("fs: bench start: max_write %u, %u-byte chunks\n", max_write, size);
	puts("fs: bench console\n");
	getattrs(e.nodeid, fh, reqs);
	writes(e.nodeid, fh, size, (uint32_t)(((uint64_t)mib << 20) / size));
	reads(e.nodeid, fh, size, (uint32_t)(((uint64_t)mib << 20) / size));
	do_release(FUSE_RELEASE, e.nodeid, fh);
}
