/* virtio-fs: sets up the first virtio-fs device and sends FUSE_INIT
 * (fuse.c), then a workload, one line per step.  Requests go on queue
 * 1, FORGET on the hiprio queue as the spec has it.  With "ro" on the
 * command line it runs the read-only workload instead: reads work, every
 * change gets EROFS; with "hold" it stops after FUSE_INIT, for the host to
 * kill the backend under it; with "bench" it runs the benchmark of
 * fsbench.c; with badinit=N it first sends N FUSE_INITs of protocol 6,
 * each refused with EPROTO (and logged by virtiofsd on its stderr).  The
 * host then checks what the share holds. */
#include "fuse.h"

/* READ of at most SIZE bytes at 0 into BUF (NUL-terminated); the count. */
static uint32_t do_read(uint64_t node, uint64_t fh, char *buf, uint32_t size)
{
	uint32_t off = begin(FUSE_READ, node), n;
	struct fuse_read_in in = { .fh = fh, .size = size };

	put(&off, &in, sizeof(in));
	expect("READ", call(off), 0);
	n = ((struct fuse_out_header *)rep)->len - sizeof(struct fuse_out_header);
	memcpy(buf, OUT(char), n);
	buf[n] = '\0';
	return n;
}

/* MKDIR NAME in PARENT with MODE: the error, the entry in *E. */
static int do_mkdir(uint64_t parent, const char *name, uint32_t mode, struct fuse_entry_out *e)
{
	uint32_t off = begin(FUSE_MKDIR, parent);
	struct fuse_mkdir_in in = { .mode = mode };
	int err;

	put(&off, &in, sizeof(in));
	put_name(&off, name);
	err = call(off);
	if (!err)
		*e = *OUT(struct fuse_entry_out);
	return err;
}


/* A request on NODE whose arguments are one or two NUL-terminated names. */
static int names_call(uint32_t opcode, uint64_t node, const void *arg, uint32_t arglen,
		      const char *a, const char *b)
{
	uint32_t off = begin(opcode, node);

	put(&off, arg, arglen);
	if (a)
		put_name(&off, a);
	if (b)
		put_name(&off, b);
	return call(off);
}

static int do_setattr(uint64_t node, const struct fuse_setattr_in *in)
{
	uint32_t off = begin(FUSE_SETATTR, node);

	put(&off, in, sizeof(*in));
	return call(off);
}

static int do_setxattr(uint64_t node, const char *name, const char *value)
{
	uint32_t off = begin(FUSE_SETXATTR, node), n = (uint32_t)strlen(value);
	struct { uint32_t size, flags; } in = { n, 0 };	/* FUSE_COMPAT_SETXATTR_IN_SIZE */

	put(&off, &in, sizeof(in));
	put_name(&off, name);
	put(&off, value, n);
	return call(off);
}

/* GETXATTR (NAME) or LISTXATTR (NULL) into BUF as text, NULs as spaces. */
static int do_getxattr(uint64_t node, const char *name, char *buf)
{
	struct fuse_getxattr_in in = { .size = 256 };
	int err = names_call(name ? FUSE_GETXATTR : FUSE_LISTXATTR, node, &in, sizeof(in), name, NULL);
	uint32_t n, i;

	if (err)
		return err;
	n = ((struct fuse_out_header *)rep)->len - sizeof(struct fuse_out_header);
	for (i = 0; i < n; i++)
		buf[i] = OUT(char)[i] ? OUT(char)[i] : ' ';
	buf[n && !name ? n - 1 : n] = '\0';
	return 0;
}

/* READDIRPLUS of directory NODE: the names, sorted, space-separated. */
static void do_readdirplus(uint64_t node, char *out)
{
	static char names[16][32];
	uint64_t fh = do_open(FUSE_OPENDIR, node, 0);
	uint32_t off = begin(FUSE_READDIRPLUS, node), len, pos, n = 0, i, j;
	struct fuse_read_in in = { .fh = fh, .size = 4096 };

	put(&off, &in, sizeof(in));
	expect("READDIRPLUS", call(off), 0);
	len = ((struct fuse_out_header *)rep)->len - sizeof(struct fuse_out_header);
	for (pos = 0; pos < len && n < 16;) {
		struct fuse_direntplus *d = (void *)(OUT(uint8_t) + pos);
		uint32_t nl = d->dirent.namelen < 31 ? d->dirent.namelen : 31;

		memcpy(names[n], d->dirent.name, nl);
		names[n++][nl] = '\0';
		pos += FUSE_DIRENTPLUS_SIZE(d);
	}
	for (i = 1; i < n; i++)	/* insertion sort: readdir order is the host's */
		for (j = i; j > 0 && strncmp(names[j - 1], names[j], 32) > 0; j--) {
			char t[32];

			memcpy(t, names[j], 32);
			memcpy(names[j], names[j - 1], 32);
			memcpy(names[j - 1], t, 32);
		}
	for (i = 0, *out = '\0'; i < n; i++) {
		size_t l = strlen(out);

		if (i)
			out[l++] = ' ';
		memcpy(out + l, names[i], strlen(names[i]) + 1);
	}
	do_release(FUSE_RELEASEDIR, node, fh);
}

static void read_hostfile(void)
{
	struct fuse_entry_out e;
	char buf[64];
	uint64_t fh;

	expect("LOOKUP hostfile", lookup(FUSE_ROOT_ID, "hostfile", &e), 0);
	gprintf("fs: LOOKUP hostfile: ok, size %lu, mode %o\n", e.attr.size, e.attr.mode);
	fh = do_open(FUSE_OPEN, e.nodeid, 0);
	do_read(e.nodeid, fh, buf, 63);
	gprintf("fs: READ hostfile: %s", buf);
	do_release(FUSE_RELEASE, e.nodeid, fh);
	expect("LOOKUP missing", lookup(FUSE_ROOT_ID, "missing", &e), ENOENT);
	puts("fs: LOOKUP missing: ENOENT\n");
}

static void destroy(void)
{
	expect("DESTROY", call(begin(FUSE_DESTROY, 0)), 0);
	puts("fs: DESTROY: ok\n");
}

/* The read-only share: reads work, every change is refused. */
static void workload_ro(void)
{
	struct fuse_entry_out e, host;
	struct fuse_setattr_in sa = { .valid = FATTR_MODE, .mode = 0600 };
	uint64_t fh;

	read_hostfile();
	expect("LOOKUP hostfile", lookup(FUSE_ROOT_ID, "hostfile", &host), 0);
	expect("MKDIR on a ro share", do_mkdir(FUSE_ROOT_ID, "dir", 0750, &e), EROFS);
	puts("fs: MKDIR dir: EROFS\n");
	expect("CREATE on a ro share", do_create(FUSE_ROOT_ID, "file", 0640, &e, &fh), EROFS);
	puts("fs: CREATE file: EROFS\n");
	expect("SETATTR on a ro share", do_setattr(host.nodeid, &sa), EROFS);
	puts("fs: SETATTR hostfile: EROFS\n");
	expect("SETXATTR on a ro share", do_setxattr(host.nodeid, "user.sandboxd", "x"), EROFS);
	puts("fs: SETXATTR hostfile: EROFS\n");
	expect("UNLINK on a ro share", names_call(FUSE_UNLINK, FUSE_ROOT_ID, "", 0, "hostfile", NULL), EROFS);
	puts("fs: UNLINK hostfile: EROFS\n");
	destroy();
}

static const char data[] = "hello from the guest\n";

static void workload_rw(void)
{
	struct fuse_entry_out dir, file, e;
	struct fuse_setattr_in sa = {
		.valid = FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_SIZE | FATTR_ATIME | FATTR_MTIME,
		.mode = 0604, .uid = 1234, .gid = 5678, .size = 5, .atime = 1000000000,
		.mtime = 1000000000,
	};
	struct fuse_write_in wr;
	struct fuse_rename_in rn;
	struct fuse_link_in ln;
	struct fuse_fsync_in fs = { 0 };
	struct fuse_forget_in fg = { .nlookup = 1 };
	char buf[256];
	uint64_t fh, tfh;
	uint32_t off;

	read_hostfile();
	expect("MKDIR dir", do_mkdir(FUSE_ROOT_ID, "dir", 0750, &dir), 0);
	gprintf("fs: MKDIR dir: ok, mode %o\n", dir.attr.mode);
	expect("MKDIR dir again", do_mkdir(FUSE_ROOT_ID, "dir", 0750, &e), EEXIST);
	puts("fs: MKDIR dir again: EEXIST\n");

	expect("CREATE dir/file", do_create(dir.nodeid, "file", 0640, &file, &fh), 0);
	gprintf("fs: CREATE dir/file: ok, mode %o\n", file.attr.mode);
	off = begin(FUSE_WRITE, file.nodeid);
	wr = (struct fuse_write_in){ .fh = fh, .size = sizeof(data) - 1 };
	put(&off, &wr, sizeof(wr));
	put(&off, data, sizeof(data) - 1);
	expect("WRITE", call(off), 0);
	gprintf("fs: WRITE dir/file: %u bytes\n", OUT(struct fuse_write_out)->size);
	do_read(file.nodeid, fh, buf, 255);
	if (memcmp(buf, data, sizeof(data)))
		fail("READ back differs", -1);
	gprintf("fs: READ dir/file: %s", buf);

	sa.fh = fh;
	expect("SETATTR", do_setattr(file.nodeid, &sa), 0);
	gprintf("fs: SETATTR dir/file: mode %o, uid %u, gid %u, size %lu, mtime %lu\n",
		OUT(struct fuse_attr_out)->attr.mode, OUT(struct fuse_attr_out)->attr.uid,
		OUT(struct fuse_attr_out)->attr.gid, OUT(struct fuse_attr_out)->attr.size,
		OUT(struct fuse_attr_out)->attr.mtime);

	rn = (struct fuse_rename_in){ .newdir = dir.nodeid };
	expect("RENAME", names_call(FUSE_RENAME, dir.nodeid, &rn, sizeof(rn), "file", "renamed"), 0);
	puts("fs: RENAME dir/file dir/renamed: ok\n");
	ln = (struct fuse_link_in){ .oldnodeid = file.nodeid };
	expect("LINK", names_call(FUSE_LINK, dir.nodeid, &ln, sizeof(ln), "hardlink", NULL), 0);
	gprintf("fs: LINK dir/hardlink: ok, nlink %u\n", OUT(struct fuse_entry_out)->attr.nlink);
	expect("SYMLINK", names_call(FUSE_SYMLINK, dir.nodeid, "", 0, "symlink", "renamed"), 0);
	expect("LOOKUP dir/symlink", lookup(dir.nodeid, "symlink", &e), 0);
	expect("READLINK", call(begin(FUSE_READLINK, e.nodeid)), 0);
	off = ((struct fuse_out_header *)rep)->len - sizeof(struct fuse_out_header);
	memcpy(buf, OUT(char), off);
	buf[off] = '\0';
	gprintf("fs: SYMLINK dir/symlink, READLINK: %s\n", buf);

	do_readdirplus(dir.nodeid, buf);
	gprintf("fs: READDIRPLUS dir: %s\n", buf);

	expect("SETXATTR", do_setxattr(file.nodeid, "user.sandboxd", "guest-value"), 0);
	expect("SETXATTR", do_setxattr(file.nodeid, "user.gone", "x"), 0);
	expect("GETXATTR", do_getxattr(file.nodeid, "user.sandboxd", buf), 0);
	gprintf("fs: SETXATTR, GETXATTR user.sandboxd: %s\n", buf);
	expect("LISTXATTR", do_getxattr(file.nodeid, NULL, buf), 0);
	gprintf("fs: LISTXATTR: %s\n", buf);
	expect("REMOVEXATTR", names_call(FUSE_REMOVEXATTR, file.nodeid, "", 0, "user.gone", NULL), 0);
	expect("GETXATTR removed", do_getxattr(file.nodeid, "user.gone", buf), ENODATA);
	puts("fs: REMOVEXATTR user.gone: ok, then GETXATTR: ENODATA\n");

	expect("STATFS", call(begin(FUSE_STATFS, FUSE_ROOT_ID)), 0);
	gprintf("fs: STATFS: ok, namelen %u\n", OUT(struct fuse_statfs_out)->st.namelen);
	fs.fh = fh;
	expect("FSYNC", names_call(FUSE_FSYNC, file.nodeid, &fs, sizeof(fs), NULL, NULL), 0);
	puts("fs: FSYNC: ok\n");

	expect("CREATE dir/tmp", do_create(dir.nodeid, "tmp", 0600, &e, &tfh), 0);
	do_release(FUSE_RELEASE, e.nodeid, tfh);
	expect("UNLINK", names_call(FUSE_UNLINK, dir.nodeid, "", 0, "tmp", NULL), 0);
	expect("LOOKUP dir/tmp", lookup(dir.nodeid, "tmp", &e), ENOENT);
	puts("fs: UNLINK dir/tmp: ok, then LOOKUP: ENOENT\n");
	expect("MKDIR dir/sub", do_mkdir(dir.nodeid, "sub", 0700, &e), 0);
	expect("RMDIR", names_call(FUSE_RMDIR, dir.nodeid, "", 0, "sub", NULL), 0);
	puts("fs: RMDIR dir/sub: ok\n");

	do_release(FUSE_RELEASE, file.nodeid, fh);
	puts("fs: RELEASE: ok\n");
	/* FORGET has no reply: the device hands the buffer back unwritten */
	off = begin(FUSE_FORGET, file.nodeid);
	put(&off, &fg, sizeof(fg));
	((struct fuse_in_header *)req)->len = off;
	gprintf("fs: FORGET (hiprio queue): used length %u\n", submit(0, &(struct fs_buf){ req, off, 0 }, 1));
	destroy();
}

/* Is WORD a whole word of the command line? */
static int has_word(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = cmdline; *p; p++)
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, word, n) && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;
	uint32_t max_write;

	const char *badinit = cmdline_find(cmdline, "badinit");
	uint64_t nbad = badinit ? parse_num(badinit) : 0;

	setup(cmdline);
	for (uint64_t i = 0; i < nbad; i++)
		expect("INIT 6.31", fs_init_major(6), EPROTO);
	if (nbad)
		gprintf("fs: %lu INITs of protocol 6 refused\n", nbad);
	max_write = fs_init();
	if (has_word(cmdline, "hold")) {	/* for the host to kill the backend under it */
		puts("fs: holding\n");
		halt_forever();
	}
	if (has_word(cmdline, "bench"))
		fs_bench(cmdline, max_write);
	else if (has_word(cmdline, "ro"))
		workload_ro();
	else
		workload_rw();
	puts("fs: done\n");
	poweroff(0);
}
