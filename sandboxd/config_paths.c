/* The config keys that name host paths: kernel, initrd, disk, share. Each
 * path is pinned (paths.c): opened once without following a symlink, the
 * fd kept; a share or writable disk of a system directory is refused. */
#include "config_parser.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

#define ALLOW_SYSTEM_PATH "allow_system_path=yes"

/* VALUE (relative to the config's directory) pinned: *OUT its absolute
 * path, *FD its O_PATH fd, no symlink followed on the way. */
static int pin(const struct parser *p, const char *value, char **out, int *fd)
{
	char path[PATH_MAX];

	if (!*value)
		return config_expected(p, "a path", value);
	if (paths_absolute(p->dir, value, path, sizeof path) < 0)
		return fail(p, "%s: '%s': path too long", p->key, value);
	if ((*fd = paths_pin(path)) < 0)
		return errno == ELOOP
			       ? fail(p, "%s: '%s': a symlink is in its path (sandboxd follows none)",
				      p->key, value)
			       : fail(p, "%s: cannot access '%s': %s", p->key, value, strerror(errno));
	return config_store(p, out, path);
}

/* A share or writable disk that is, holds or lies in a host system
 * directory, unless its line says allow_system_path=yes. */
static int check_system_path(const struct parser *p, const char *path, const char *value,
			     bool allowed)
{
	const char *why = paths_system(path);

	if (why && !allowed)
		return fail(p, "%s: '%s' %s: refused (allow_system_path=yes on this line to "
			    "allow it)", p->key, value, why);
	return 0;
}

/* kernel and initrd: opened (not only stat'ed) to prove they are readable. */
int config_parse_boot_file(struct parser *p, const struct key *k, const char *value)
{
	char **path = config_field(p, k);
	int *pinned = path == &p->cfg->kernel ? &p->cfg->kernel_fd : &p->cfg->initrd_fd;
	struct stat st;
	int fd;

	if (pin(p, value, path, pinned) < 0)
		return -1;
	fd = open(*path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail(p, "%s: cannot read '%s': %s", k->name, value, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(p, "%s: '%s' is not a regular file", k->name, value);
	}
	close(fd);
	return 0;
}

/* PATH[:ro|:rw][:allow_system_path=yes]; PATH itself may contain ':'. */
int config_parse_disk(struct parser *p, const struct key *k, const char *value)
{
	struct config *cfg = p->cfg;
	struct disk *d = &cfg->disks[cfg->ndisks];
	char path[MAX_LINE];
	bool allow_system;
	struct stat st;

	(void)k;
	if (cfg->ndisks == CONFIG_MAX_DISKS)
		return fail(p, "disk: too many disks (at most %d)", CONFIG_MAX_DISKS);
	snprintf(path, sizeof path, "%s", value);
	allow_system = textfile_strip_suffix(path, ":" ALLOW_SYSTEM_PATH);
	d->readonly = textfile_strip_suffix(path, ":ro");
	if (!d->readonly)
		textfile_strip_suffix(path, ":rw");
	if (pin(p, path, &d->path, &d->fd) < 0)
		return -1;
	d->line = p->line;
	cfg->ndisks++;
	for (size_t i = 0; i + 1 < cfg->ndisks; i++)
		if (!strcmp(cfg->disks[i].path, d->path))
			return fail(p, "disk: '%s' is already a disk (line %u)", path,
				    cfg->disks[i].line);
	if (stat(d->path, &st) < 0)
		return fail(p, "disk: cannot access '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return fail(p, "disk: '%s' is not a regular file or block device", path);
	if (access(d->path, d->readonly ? R_OK : R_OK | W_OK) < 0)
		return fail(p, "disk: '%s' is not %s: %s", path,
			    d->readonly ? "readable" : "writable (append :ro for a read-only disk)",
			    strerror(errno));
	return d->readonly ? 0 : check_system_path(p, d->path, path, allow_system);
}

#define SHARE_FORMAT "TAG:PATH:rw|ro[:devices][:cache=auto|always|none]"

/* REST is PATH:MODE[:OPTION]...: the options, in any order and each once,
 * are cut off its end while the last field is one (PATH may hold ':'). */
static int parse_share_options(struct parser *p, struct share *s, char *rest, const char *value)
{
	static const char *const caches[] = { "auto", "always", "none" };
	char *opt;

	while ((opt = strrchr(rest, ':'))) {
		if (!strcmp(opt + 1, "devices") && !s->devices)
			s->devices = true;
		else if (!strcmp(opt + 1, ALLOW_SYSTEM_PATH) && !s->allow_system_path)
			s->allow_system_path = true;
		else if (!strncmp(opt + 1, "cache=", 6) && !s->cache) {
			for (size_t i = 0; i < sizeof caches / sizeof *caches; i++)
				if (!strcmp(opt + 7, caches[i]) && config_store(p, &s->cache, caches[i]) < 0)
					return -1;
			if (!s->cache)
				return config_expected(p, "cache=auto, cache=always or cache=none", opt + 1);
		} else
			break;
		*opt = '\0';
	}
	s->readonly = textfile_strip_suffix(rest, ":ro");
	if (!s->readonly && !textfile_strip_suffix(rest, ":rw"))
		return config_expected(p, SHARE_FORMAT, value);
	if (s->devices && s->readonly)
		return fail(p, "share: devices needs a read-write share (:rw), not :ro");
	return 0;
}

/* share = SHARE_FORMAT (sandboxd.conf(5)). */
int config_parse_share(struct parser *p, const struct key *k, const char *value)
{
	struct config *cfg = p->cfg;
	struct share *s = &cfg->shares[cfg->nshares];
	char buf[MAX_LINE], *path;
	struct stat st;

	(void)k;
	snprintf(buf, sizeof buf, "%s", value);
	path = strchr(buf, ':');
	if (cfg->nshares == CONFIG_MAX_SHARES)
		return fail(p, "share: too many shares (at most %d)", CONFIG_MAX_SHARES);
	if (!path)
		return config_expected(p, SHARE_FORMAT, value);
	*path++ = '\0';
	if (!textfile_is_word(buf, ALNUM "_-", 36))
		return config_expected(p, "a tag of 1..36 characters of [A-Za-z0-9_-]", buf);
	s->line = p->line;
	cfg->nshares++;
	if (config_store(p, &s->tag, buf) < 0 || parse_share_options(p, s, path, value) < 0)
		return -1;
	for (size_t i = 0; i + 1 < cfg->nshares; i++)
		if (!strcmp(cfg->shares[i].tag, s->tag))
			return fail(p, "share: duplicate tag '%s' (first on line %u)", s->tag,
				    cfg->shares[i].line);
	if (pin(p, path, &s->path, &s->fd) < 0 ||
	    check_system_path(p, s->path, path, s->allow_system_path) < 0)
		return -1;
	if (stat(s->path, &st) < 0)
		return fail(p, "share: '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(p, "share: '%s' is not a directory", path);
	/* As root only a read-only mount (EROFS) or an immutable directory
	 * (EPERM) says no here; virtiofsd would fail the guest's writes. */
	if (!s->readonly && access(s->path, W_OK) < 0)
		return fail(p, "share: '%s' is not writable (:ro for a read-only share): %s", path,
			    strerror(errno));
	return 0;
}

size_t config_pinned(const struct config *cfg, bool writable_only, struct pinned *out)
{
	size_t n = 0;

	if (!writable_only) {
		out[n++] = (struct pinned){ cfg->kernel, cfg->kernel_fd };
		if (cfg->initrd)
			out[n++] = (struct pinned){ cfg->initrd, cfg->initrd_fd };
	}
	for (size_t i = 0; i < cfg->ndisks; i++)
		if (!writable_only || !cfg->disks[i].readonly)
			out[n++] = (struct pinned){ cfg->disks[i].path, cfg->disks[i].fd };
	for (size_t i = 0; i < cfg->nshares; i++)
		if (!writable_only || !cfg->shares[i].readonly)
			out[n++] = (struct pinned){ cfg->shares[i].path, cfg->shares[i].fd };
	return n;
}
