#include "shares.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "../virtiofsd-glue/virtiofsd.h"
#include "log.h"
#include "unix_socket.h"

/* virtiofsd answers within milliseconds of its exec; this bounds a hung
 * or wedged start-up, not a normal one. */
#define SHARE_READY_TIMEOUT_MS 10000

static void start_one(const struct config *cfg, size_t i, const struct virtiofsd *v,
		      const char *profile, enum filter_mode mode, struct share_service *sh)
{
	const struct share *share = &cfg->shares[i];
	const struct profile_params params = {
		.cfg = cfg, .binary = v->path, .share = share,
	};
	char path[PATH_MAX];
	int listen_fd;

	snprintf(sh->name, sizeof sh->name, "share %s", share->tag);
	/* The socket's path is for whoever inspects the runtime dir: both
	 * ends are made here, root-only, and passed as fds. */
	snprintf(path, sizeof path, "%s/%s.vhost-user.sock", cfg->runtime_dir, share->tag);
	listen_fd = unix_listen(path);
	if (listen_fd < 0)
		die_errno(EXIT_TEMPORARY, sh->name, "create socket %s", path);
	sh->vmm_fd = unix_connect(path);
	if (sh->vmm_fd < 0)
		die_errno(EXIT_TEMPORARY, sh->name, "connect to %s", path);

	virtiofsd_argv(v, share, 3, &sh->argv);
	confine_load(&sh->conf, profile, &params, mode, sh->name);
	sh->svc = (struct service){
		.name = sh->name, .role = ROLE_VIRTIOFSD + (unsigned)i, .argv = sh->argv.v,
		.profile = &sh->conf.profile, .filter = confine_filter(&sh->conf), .keep_visible = share->path,
		.fds = { listen_fd }, .nfds = 1,
	};
	if (service_start(&sh->svc, cfg) < 0)
		die_errno(EXIT_TEMPORARY, sh->name, "fork");
	close(listen_fd);
}

void shares_start(const struct config *cfg, const char *profile, enum filter_mode mode,
		  struct share_service *out)
{
	struct virtiofsd v;

	if (!cfg->nshares)
		return;
	if (virtiofsd_find(&v) < 0)
		die(EXIT_PERMANENT, NULL, "shares need virtiofsd, which is not installed "
		    "(Debian: qemu-system-common's /usr/lib/qemu/virtiofsd, or the virtiofsd package)");
	for (size_t i = 0; i < cfg->nshares; i++)
		start_one(cfg, i, &v, profile, mode, &out[i]);
}

int share_wait_ready(const struct share_service *sh, const struct share *share)
{
	if (virtiofsd_wait_ready(sh->vmm_fd, SHARE_READY_TIMEOUT_MS) < 0) {
		log_warn_errno(sh->name, "wait for virtiofsd to serve %s", share->path);
		return -1;
	}
	log_info(sh->name, "virtiofsd serves %s (%s)", share->path,
		 share->readonly ? "read-only" : "read-write");
	return 0;
}
