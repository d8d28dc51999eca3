#include "virtiofsd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *path;
	enum virtiofsd_flavour flavour;
} known[] = {
	{ "/usr/libexec/virtiofsd", VIRTIOFSD_RUST },
	{ "/usr/lib/qemu/virtiofsd", VIRTIOFSD_C },
};

int virtiofsd_find(struct virtiofsd *v)
{
	const char *env = getenv("SANDBOXD_VIRTIOFSD");

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const char *path = env ? env : known[i].path;
		if (access(path, X_OK) != 0)
			continue;
		snprintf(v->path, sizeof v->path, "%s", path);
		/* An override names its flavour by where it comes from. */
		v->flavour = env ? (strstr(path, "qemu") ? VIRTIOFSD_C : VIRTIOFSD_RUST)
				 : known[i].flavour;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

/* The C virtiofsd's flags (QEMU 7.2 tools/virtiofsd). */
static void argv_c(const struct share *sh, int listen_fd, struct argv *a)
{
	argv_add(a, "--fd=%d", listen_fd);
	argv_add(a, "-o");
	argv_add(a, "source=%s", sh->path);
	argv_add(a, "-o");
	argv_add(a, "cache=%s", sh->cache ? sh->cache : "auto");
	argv_add(a, "-o");
	argv_add(a, "sandbox=chroot");
	argv_add(a, "-o");
	argv_add(a, "xattr");
	/* Our rlimit stands; it must not try to raise its own. */
	argv_add(a, "--rlimit-nofile=0");
}

/* The Rust virtiofsd's flags. */
static void argv_rust(const struct share *sh, int listen_fd, struct argv *a)
{
	argv_add(a, "--fd=%d", listen_fd);
	argv_add(a, "--shared-dir=%s", sh->path);
	argv_add(a, "--cache=%s", sh->cache ? sh->cache : "auto");
	argv_add(a, "--sandbox=chroot");
	argv_add(a, "--xattr");
	argv_add(a, "--rlimit-nofile=0");
	if (sh->readonly)
		argv_add(a, "--readonly");
}

void virtiofsd_argv(const struct virtiofsd *v, const struct share *share, int listen_fd,
		    struct argv *a)
{
	argv_add(a, "%s", v->path);
	if (v->flavour == VIRTIOFSD_C)
		argv_c(share, listen_fd, a);
	else
		argv_rust(share, listen_fd, a);
}
