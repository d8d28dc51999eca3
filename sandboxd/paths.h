/* The host paths a VM config names (kernel, initrd, disks, shares, the
 * runtime dir): pinned once, never through a symlink, and never a system
 * directory unless the config says so. */
#ifndef SANDBOXD_PATHS_H
#define SANDBOXD_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* VALUE made absolute into BUF (LEN bytes): relative to DIR (itself
 * relative to the cwd, or absolute), '.', '..' and repeated '/' resolved by
 * the letters alone, as no symlink may be in the path anyway. -1 if too long. */
int paths_absolute(const char *dir, const char *value, char *buf, size_t len);

/* PATH (absolute) opened O_PATH without following any symlink or magic
 * link on the way (openat2 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS).
 * -1 with errno set; ELOOP: a symlink is in the path. */
int paths_pin(const char *path);

/* PATH opened again in the caller's mount namespace as PINNED was, and
 * still the same inode: -1 with errno set (ESTALE: it is no longer the file
 * that was checked). */
int paths_reopen(const char *path, int pinned);

/* A configured path and its pinned fd. */
struct pinned {
	const char *path;
	int fd;
};

/* Why PATH, a share or writable disk, touches a system directory ("is
 * /etc", "is above /usr", "is in /proc"), or NULL when it does not. */
const char *paths_system(const char *path);

/* Whether A is B or a directory above it. */
bool paths_at_or_above(const char *a, const char *b);

#endif
