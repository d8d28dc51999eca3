#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The host's own directories. A whole tree: nothing in it or above it may
 * be a share, a writable disk or a runtime dir. Otherwise the directory
 * itself and what is above it only: a VM's files may live beneath. */
static const struct system_dir {
	const char *path;
	bool tree;
} system_dirs[] = {
	{ "/proc", true }, { "/sys", true }, { "/dev", true }, { "/etc", true },
	{ "/usr", true }, { "/boot", true }, { "/bin", true }, { "/sbin", true },
	{ "/lib", true }, { "/lib32", true }, { "/lib64", true }, { "/libx32", true },
	{ "/", false }, { "/run", false }, { "/tmp", false }, { "/var", false },
	{ "/var/lib", false }, { "/var/tmp", false }, { "/var/log", false }, { "/home", false },
	{ "/root", false }, { "/srv", false }, { "/opt", false }, { "/mnt", false },
	{ "/media", false },
};

/* Appends the components of S to BUF (absolute, N bytes used). */
static int append(char *buf, size_t *n, size_t len, const char *s)
{
	while (*s) {
		size_t c = strcspn(s, "/");
		if (c == 2 && !strncmp(s, "..", 2)) {
			while (*n > 1 && buf[--*n] != '/')
				;
			buf[*n ? *n : 1] = '\0';
			*n = *n ? *n : 1;
		} else if (c && !(c == 1 && *s == '.')) {
			if (*n + 1 + c >= len)
				return -1;
			if (*n > 1)
				buf[(*n)++] = '/';
			memcpy(buf + *n, s, c);
			*n += c;
			buf[*n] = '\0';
		}
		s += c + (s[c] == '/');
	}
	return 0;
}

int paths_absolute(const char *dir, const char *value, char *buf, size_t len)
{
	size_t n = 1;

	if (len < 2)
		return -1;
	strcpy(buf, "/");
	if (*value != '/') {
		if (*dir != '/') {
			char cwd[4096];
			if (!getcwd(cwd, sizeof cwd) || append(buf, &n, len, cwd) < 0)
				return -1;
		}
		if (append(buf, &n, len, dir) < 0)
			return -1;
	}
	return append(buf, &n, len, value);
}

int paths_pin(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

int paths_reopen(const char *path, int pinned)
{
	struct stat a, b;
	int fd = paths_pin(path);

	if (fd < 0)
		return -1;
	if (fstat(fd, &a) < 0 || fstat(pinned, &b) < 0) {
		close(fd);
		return -1;
	}
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

bool paths_at_or_above(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (!strcmp(a, "/"))
		return true;
	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

const char *paths_system(const char *path)
{
	static char why[64];

	for (size_t i = 0; i < sizeof system_dirs / sizeof *system_dirs; i++) {
		const struct system_dir *d = &system_dirs[i];
		const char *what = NULL;
		if (!strcmp(path, d->path))
			what = "is";
		else if (paths_at_or_above(path, d->path))
			what = "is above";
		else if (d->tree && paths_at_or_above(d->path, path))
			what = "is in";
		if (what) {
			snprintf(why, sizeof why, "%s %s", what, d->path);
			return why;
		}
	}
	return NULL;
}
