#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"

#define STEP "mount namespace"

static void must_mount(const char *src, const char *dst, const char *type,
		       unsigned long flags, const char *data)
{
	const char *what = type ? type : src ? "bind" : "propagation";

	if (mount(src, dst, type, flags, data) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": mount %s on %s", what, dst);
}

/* Replaces whatever the host has at DST with a fresh filesystem. */
static void remount_fresh(const char *dst, const char *type, unsigned long flags,
			  const char *data)
{
	if (umount2(dst, MNT_DETACH) < 0 && errno != EINVAL)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": unmount host %s", dst);
	must_mount(type, dst, type, flags, data);
}

static void make_readonly_tree(void)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	};

	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": make host rootfs read-only");
}

/* A bind mount of the pinned P onto itself, writable again (still nosuid,
 * nodev): of the file that was checked, or none. */
static void make_writable(const struct pinned *p)
{
	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };
	int here = paths_reopen(p->path, p->fd), tree;

	if (here < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": %s", p->path);
	tree = open_tree(here, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0 ||
	    move_mount(tree, "", here, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": make %s writable", p->path);
	close(tree);
	close(here);
}

struct dev_node {
	const char *path;
	dev_t rdev;
	uid_t owner;
	mode_t mode;
};

const char *const mounts_basic_devs[MOUNTS_NBASIC_DEVS] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static void mknod_dev(const struct dev_node *d)
{
	char dir[64];
	const char *slash = strrchr(d->path, '/');

	/* /dev/net/tun and the like need their directory first. */
	if (slash > d->path + 4) {
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - d->path), d->path);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": mkdir %s", dir);
	}
	if (mknod(d->path, S_IFCHR | d->mode, d->rdev) < 0 ||
	    chown(d->path, d->owner, 0) < 0 || chmod(d->path, d->mode) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": create %s", d->path);
}

static dev_t host_rdev(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		die_errno(EXIT_TEMPORARY, NULL, STEP ": host device %s", path);
	return st.st_rdev;
}

/* A tmpfs /dev holding only the basic nodes and the granted devices, each
 * of those owned by the one service that needs it, mode 0600. */
static void build_dev(const struct dev_grant *grants, size_t ngrants)
{
	struct dev_node nodes[MOUNTS_NBASIC_DEVS + 8];
	size_t n = 0;

	if (ngrants > 8)
		die(EXIT_PERMANENT, NULL, STEP ": too many device grants");
	/* Read the host's device numbers before covering its /dev. */
	for (size_t i = 0; i < MOUNTS_NBASIC_DEVS; i++)
		nodes[n++] = (struct dev_node){ mounts_basic_devs[i], host_rdev(mounts_basic_devs[i]),
						0, 0666 };
	for (size_t i = 0; i < ngrants; i++)
		nodes[n++] = (struct dev_node){ grants[i].path, host_rdev(grants[i].path),
						grants[i].owner, 0600 };

	remount_fresh("/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m");
	for (size_t i = 0; i < n; i++)
		mknod_dev(&nodes[i]);
	if (symlink("/proc/self/fd", "/dev/fd") < 0 || mkdir("/dev/shm", 01777) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": populate /dev");
}

void mounts_build_sandbox(const struct config *cfg,
			  const struct pinned *writable, size_t nwritable,
			  const struct dev_grant *grants, size_t ngrants)
{
	char opts[64];

	/* Nothing we mount may propagate back to the host. */
	must_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	make_readonly_tree();
	for (size_t i = 0; i < nwritable; i++)
		make_writable(&writable[i]);

	remount_fresh("/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	remount_fresh("/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	build_dev(grants, ngrants);

	/* Sockets live here and vanish with the namespace. */
	snprintf(opts, sizeof opts, "mode=0711,size=1m");
	must_mount("tmpfs", cfg->runtime_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts);
}
