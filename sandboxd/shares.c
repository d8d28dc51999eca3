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

void share_argv(const struct plan *plan, size_t i, struct argv *a)
{
	virtiofsd_argv(&plan->virtiofsd, &plan->cfg.shares[i], 3, a);
}

static void start_one(const struct plan *plan, size_t i, struct share_service *sh, int err_fd)
{
	const struct config *cfg = &plan->cfg;
	const struct share *share = &cfg->shares[i];
	char path[PATH_MAX];
	int listen_fd;

	service_init(&sh->svc, &plan->shares[i]);
	sh->name = sh->svc.name;
	/* The socket's path is for whoever inspects the runtime dir: both
	 * ends are made here, root-only, and passed as fds. */
	snprintf(path, sizeof path, "%s/%s.vhost-user.sock", cfg->runtime_dir, share->tag);
	listen_fd = unix_listen(path);
	if (listen_fd < 0)
		die_errno(EXIT_TEMPORARY, sh->name, "create socket %s", path);
	sh->vmm_fd = unix_connect(path);
	if (sh->vmm_fd < 0)
		die_errno(EXIT_TEMPORARY, sh->name, "connect to %s", path);

	share_argv(plan, i, &sh->argv);
	sh->svc.argv = sh->argv.v;
	sh->svc.fds[0] = listen_fd;	/* fd 3 in the service */
	sh->svc.nfds = 1;
	sh->svc.err_fd = err_fd;
	if (service_start(&sh->svc, plan) < 0)
		die_errno(EXIT_TEMPORARY, sh->name, "fork");
	close(listen_fd);
}

void shares_start(const struct plan *plan, struct share_service *out, const int *err_fds)
{
	for (size_t i = 0; i < plan->cfg.nshares; i++)
		start_one(plan, i, &out[i], err_fds ? err_fds[i] : -1);
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
