/* The service's root, built the way bubblewrap's setup_newroot() and
 * minijail's pivot_root path do: a tmpfs, the pieces bind-mounted into it,
 * pivot_root, the old root detached. Landlock restricts what the service
 * may do with the paths it can name; this decides which paths exist at
 * all. Landlock has no right for chmod, chown, utimes or xattrs, so only
 * the view keeps a service holding CAP_CHOWN or CAP_FOWNER away from a
 * path: another share, another service's disk is simply not there. */
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mounts.h"

#define STEP "view"

/* The host's top-level links into /usr (merged /usr), or directories on a
 * host without it; the dynamic loader is named through them. */
static const char *const top_level[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
#define NELEM(a) (sizeof(a) / sizeof *(a))

/* One piece of the view: a detached copy of PATH's mount tree taken in
 * PID 1's view, or the link PATH is. */
struct piece {
	const char *path;
	int tree;		/* open_tree clone, or -1 */
	char *link;		/* readlink of a symlink, or NULL */
	uint64_t attr;		/* MOUNT_ATTR_* to set on the tree */
};

struct builder {
	const struct view *v;
	const char *service;
	char root[4096];	/* the stage */
	struct piece *pieces;
	size_t n;
};

/* The path as seen below the stage. */
static const char *staged(const struct builder *b, const char *path, char buf[4096])
{
	if (snprintf(buf, 4096, "%s%s", b->root, path) >= 4096)
		die(EXIT_TEMPORARY, b->service, STEP ": path too long: %s", path);
	return buf;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* What the fixed part of the view provides already, so that a rule for it
 * takes nothing more from PID 1's view. */
static bool provided(const char *path)
{
	if (!strcmp(path, "/") || !strcmp(path, "/dev") || !strcmp(path, "/tmp") ||
	    under(path, "/dev/shm") || under(path, "/usr") || under(path, "/proc"))
		return true;
	for (size_t i = 0; i < MOUNTS_NBASIC_DEVS; i++)
		if (!strcmp(path, mounts_basic_devs[i]))
			return true;
	return false;
}

static uint64_t class_attr(enum ll_class c)
{
	switch (c) {
	case LL_READ:
		return MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	case LL_READ_EXEC:
		return MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	case LL_READ_WRITE:
	case LL_MAKE_DEVICE:
	case LL_VIEW:
		/* Writable only where PID 1's view is (the rw disks and shares).
		 * nodev for make-device too: a node is made on a nodev mount,
		 * only opening it fails, and virtiofsd only makes them. */
		return MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	case LL_DEVICE:
		return MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	}
	return MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
}

/* A path of the config: opened here, and the file it was pinned to
 * (paths.c), or the service does not start. AT_FDCWD for any other path. */
static int pinned_here(const struct builder *b, const char *path)
{
	for (size_t i = 0; i < b->v->npins; i++) {
		const struct pinned *p = &b->v->pins[i];
		if (strcmp(p->path, path))
			continue;
		int fd = paths_reopen(path, p->fd);
		if (fd < 0)
			die_errno(EXIT_TEMPORARY, b->service, STEP ": %s", path);
		return fd;
	}
	return AT_FDCWD;
}

/* Takes PATH from PID 1's view now, before the stage covers anything: a
 * link is kept as a link, anything else as a detached mount tree. */
static void take(struct builder *b, const char *path, uint64_t attr, bool optional)
{
	struct piece *p = &b->pieces[b->n];
	struct stat st;
	char buf[4096];
	ssize_t len;

	/* Named by two classes of the same attributes (a share's read-write
	 * and make-device rules): one mount. */
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->pieces[i].path, path) && b->pieces[i].attr == attr)
			return;
	if (lstat(path, &st) < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return;
		die_errno(EXIT_TEMPORARY, b->service, STEP ": %s", path);
	}
	*p = (struct piece){ .path = path, .tree = -1, .attr = attr };
	if (S_ISLNK(st.st_mode)) {
		len = readlink(path, buf, sizeof buf - 1);
		if (len < 0 || !(p->link = strndup(buf, (size_t)len)))
			die_errno(EXIT_TEMPORARY, b->service, STEP ": read link %s", path);
	} else {
		int at = pinned_here(b, path);
		p->tree = (int)syscall(SYS_open_tree, at, at == AT_FDCWD ? path : "",
				       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
					       AT_SYMLINK_NOFOLLOW | (at == AT_FDCWD ? 0 : AT_EMPTY_PATH));
		if (p->tree < 0)
			die_errno(EXIT_TEMPORARY, b->service, STEP ": copy %s", path);
		if (at != AT_FDCWD)
			close(at);
	}
	b->n++;
}

/* mkdir -p of PATH's parents below the stage (root's, 0755: the service
 * only passes through them). */
static void make_parents(const struct builder *b, const char *path)
{
	char buf[4096];

	staged(b, path, buf);
	for (char *s = buf + strlen(b->root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die_errno(EXIT_TEMPORARY, b->service, STEP ": mkdir %s", buf + strlen(b->root));
		*s = '/';
	}
}

/* Puts P at its place: the link, or the tree on a mount point made to
 * match (a directory, or an empty file for a file). */
static void place(const struct builder *b, const struct piece *p)
{
	struct mount_attr attr = { .attr_set = p->attr };
	char dst[4096];
	struct stat st;
	int fd;

	make_parents(b, p->path);
	staged(b, p->path, dst);
	if (p->link) {
		if (symlink(p->link, dst) < 0 && errno != EEXIST)
			die_errno(EXIT_TEMPORARY, b->service, STEP ": link %s", p->path);
		return;
	}
	if (fstat(p->tree, &st) < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": stat %s", p->path);
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, 0755) < 0 && errno != EEXIST)
			die_errno(EXIT_TEMPORARY, b->service, STEP ": mkdir %s", p->path);
	} else if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0)) >= 0)
		close(fd);
	else if (errno != EEXIST && errno != EROFS && errno != EACCES)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": mount point %s", p->path);
	if (syscall(SYS_mount_setattr, p->tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof attr) < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": mount flags of %s", p->path);
	if (syscall(SYS_move_mount, p->tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": mount %s", p->path);
}

static void mount_tmpfs(const struct builder *b, const char *path, const char *opts,
			unsigned long flags)
{
	char dst[4096];

	if (mkdir(staged(b, path, dst), 0755) < 0 && errno != EEXIST)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": mkdir %s", path);
	if (mount("tmpfs", dst, "tmpfs", flags, opts) < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": mount tmpfs on %s", path);
}

/* Shorter paths first, so that a path's parent is in place before it. */
static int by_length(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);

	return lx < ly ? -1 : lx > ly ? 1 : strcmp(x->path, y->path);
}

/* Everything the view will hold, taken from PID 1's view. */
static void take_all(struct builder *b, const struct profile *p)
{
	const uint64_t sys_ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

	take(b, "/usr", sys_ro, false);
	for (size_t i = 0; i < NELEM(top_level); i++)
		take(b, top_level[i], sys_ro, true);
	take(b, "/proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false);
	for (size_t i = 0; i < MOUNTS_NBASIC_DEVS; i++)
		take(b, mounts_basic_devs[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false);
	for (size_t i = 0; p && i < p->npaths; i++)
		if (!provided(p->paths[i].path))
			take(b, p->paths[i].path, class_attr(p->paths[i].class), true);
}

static void private_tmpfs(const struct builder *b, const struct view *v)
{
	char opts[96];

	snprintf(opts, sizeof opts, "mode=0755,size=64k,nr_inodes=64");
	mount_tmpfs(b, "/dev", opts, MS_NOSUID | MS_NOEXEC);
	snprintf(opts, sizeof opts, "mode=0700,size=%llum,uid=%u,gid=%u",
		 (unsigned long long)v->tmp_mib, (unsigned)v->uid, (unsigned)v->gid);
	mount_tmpfs(b, "/tmp", opts, MS_NOSUID | MS_NODEV | MS_NOEXEC);
	snprintf(opts, sizeof opts, "mode=0700,size=%llum,uid=%u,gid=%u",
		 (unsigned long long)v->shm_mib, (unsigned)v->uid, (unsigned)v->gid);
	mount_tmpfs(b, "/dev/shm", opts, MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

/* The stage becomes / (pivot_root(".", ".") as runc does: the old root
 * ends up on top of the new one and is detached). */
static void switch_root(const struct builder *b)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	char dst[4096];

	if (symlink("/proc/self/fd", staged(b, "/dev/fd", dst)) < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": link /dev/fd");
	/* Nothing more is made in the root itself, nor in /dev. */
	if (syscall(SYS_mount_setattr, AT_FDCWD, staged(b, "/dev", dst), 0, &ro, sizeof ro) < 0 ||
	    syscall(SYS_mount_setattr, AT_FDCWD, b->root, 0, &ro, sizeof ro) < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": make the root read-only");
	if (chdir(b->root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die_errno(EXIT_TEMPORARY, b->service, STEP ": pivot_root");
}

void view_enter(const struct view *v, const char *service)
{
	const size_t max = 1 + NELEM(top_level) + 1 + MOUNTS_NBASIC_DEVS +
			   (v->profile ? v->profile->npaths : 0);
	struct builder b = { .v = v, .service = service, .pieces = calloc(max, sizeof *b.pieces) };

	if (!b.pieces)
		die_errno(EXIT_TEMPORARY, service, STEP ": allocate");
	snprintf(b.root, sizeof b.root, "%s", v->stage);

	/* PID 1's mounts are private (mounts.c), and so are the copies in
	 * this namespace: nothing here propagates either way.
	 * 1. Every piece taken from PID 1's view while it is whole. */
	take_all(&b, v->profile);
	qsort(b.pieces, b.n, sizeof *b.pieces, by_length);
	/* 2. The new root, its fresh /dev, /tmp and /dev/shm, then the pieces:
	 * a path under /tmp (a build tree, a share) lands in the private one. */
	if (mount("tmpfs", b.root, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=64k,nr_inodes=1024") < 0)
		die_errno(EXIT_TEMPORARY, service, STEP ": mount the root's tmpfs");
	private_tmpfs(&b, v);
	for (size_t i = 0; i < b.n; i++) {
		place(&b, &b.pieces[i]);
		if (b.pieces[i].tree >= 0)
			close(b.pieces[i].tree);
		free(b.pieces[i].link);
	}
	free(b.pieces);
	switch_root(&b);
}
