#include "rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "textfile.h"

#define STEP "runtime dir"
#define MARK "trusted.sandboxd"

/* Whether DIR (a path) carries our VM's mark. */
static bool marked_ours(const char *dir, const char *vm)
{
	char name[64];
	ssize_t n = lgetxattr(dir, MARK, name, sizeof name - 1);

	if (n < 0)
		return false;
	name[n] = '\0';
	return !strcmp(name, vm);
}

static _Noreturn void refuse(const struct config *cfg, const char *fmt, const char *what)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof msg, fmt, what);
	textfile_fail(cfg->file, cfg->runtime_dir_line, "runtime_dir: '%s' %s", cfg->runtime_dir,
		      msg);
	_exit(EXIT_PERMANENT);
}

void rundir_check(const struct config *cfg)
{
	const char *dir = cfg->runtime_dir, *why = paths_system(dir);
	struct pinned pins[CONFIG_MAX_PINNED];
	const size_t n = config_pinned(cfg, false, pins);
	struct stat st;
	int fd;

	if (why)
		refuse(cfg, "%s, a host system directory: sandboxd makes and removes its "
		       "runtime dir", why);
	for (size_t i = 0; i < n; i++)
		if (paths_at_or_above(dir, pins[i].path) || paths_at_or_above(pins[i].path, dir))
			refuse(cfg, "is, holds or lies in %s, a path of the VM", pins[i].path);
	fd = paths_pin(dir);
	if (fd < 0 && errno == ELOOP)
		refuse(cfg, "%s", "has a symlink in its path (sandboxd follows none)");
	if (fd < 0)
		return;		/* made at start, with what is missing above it */
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		refuse(cfg, "%s", "exists and is not a directory");
	close(fd);
	if (!marked_ours(dir, cfg->name))
		refuse(cfg, "exists and was not made by sandboxd for vm %s", cfg->name);
}

/* Removes DIR and the marked parents above it that are empty. */
static void remove_stale(const struct config *cfg)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", cfg->runtime_dir);
	if (rmdir(dir) < 0)
		die_errno(EXIT_PERMANENT, NULL, STEP ": remove %s, left by a killed instance",
			  dir);
	log_info(NULL, STEP ": removed %s, left by an instance that was killed", dir);
	for (char *slash; (slash = strrchr(dir, '/')) && slash != dir;) {
		*slash = '\0';
		if (!marked_ours(dir, cfg->name) || rmdir(dir) < 0)
			break;
	}
}

void rundir_make(const struct config *cfg, struct rundir *r)
{
	char path[PATH_MAX];
	size_t len;
	int fd;

	if ((fd = paths_pin(cfg->runtime_dir)) >= 0) {
		close(fd);
		remove_stale(cfg);
	}
	/* The deepest ancestor that is there. */
	snprintf(path, sizeof path, "%s", cfg->runtime_dir);
	r->made = 0;
	do {
		*strrchr(path, '/') = '\0';
		r->made++;
	} while (path[0] && (fd = paths_pin(path)) < 0 && errno == ENOENT);
	if (!path[0])
		fd = paths_pin("/");
	if (fd < 0)
		die_errno(exit_code_for_errno(errno), NULL, STEP ": open %s", path[0] ? path : "/");
	r->top = fd;
	len = strlen(path);
	snprintf(r->rel, sizeof r->rel, "%s", cfg->runtime_dir + len + 1);
	/* Down again, each new directory marked as ours. */
	for (char *c = r->rel;; c++) {
		if (*c && *c != '/')
			continue;
		char saved = *c;
		*c = '\0';
		/* runtime_dir is at most 64 bytes (config.c). */
		if (snprintf(path, sizeof path, "%.*s/%s", (int)len, cfg->runtime_dir, r->rel) < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": path");
		if (mkdir(path, saved ? 0755 : 0700) < 0)
			die_errno(exit_code_for_errno(errno), NULL, STEP ": create %s", path);
		if (lsetxattr(path, MARK, cfg->name, strlen(cfg->name), 0) < 0)
			log_warn_errno(NULL, STEP ": mark %s as sandboxd's", path);
		if (!(*c = saved))
			break;
	}
}

void rundir_remove(const struct rundir *r)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof rel, "%s", r->rel);
	for (unsigned i = 0; i < r->made; i++) {
		if (unlinkat(r->top, rel, AT_REMOVEDIR) < 0)
			return;
		char *slash = strrchr(rel, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
}
