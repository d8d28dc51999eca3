/* The builtin driver: the bundled VMM (vmm/). It takes every file as an
 * inherited fd, says it is ready by writing a newline to --ready-fd once
 * its vCPUs run, gives the guest COM2 for its readiness line (--com2-fd),
 * and turns SIGTERM into Ctrl-Alt-Del for the guest. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "vmm_driver.h"

#ifndef SANDBOXD_VMM_BINARY
#define SANDBOXD_VMM_BINARY "/usr/local/libexec/sandboxd/vmm"
#endif

struct builtin {
	int ready_fd;	/* read end of the VMM's --ready-fd pipe */
};

/* The vmm next to our own binary (the build tree), else the installed one. */
static const char *builtin_binary(char *const *exec, char *buf, size_t len)
{
	(void)exec;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			snprintf(buf, len, "%.*s/vmm", (int)(slash - self), self);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, len, "%s", SANDBOXD_VMM_BINARY);
	return buf;
}

static int builtin_prepare(struct vmm_run *run)
{
	const struct config *cfg = run->cfg;
	struct argv *a = &run->argv;
	struct builtin *b = calloc(1, sizeof *b);
	int n;

	if (!b)
		return -1;
	b->ready_fd = -1;
	run->priv = b;
	argv_add(a, "%s", run->binary);
	if ((n = vmm_pass_file(run, cfg->kernel, cfg->kernel_fd, O_RDONLY)) < 0)
		return -1;
	argv_add(a, "--kernel");
	argv_add(a, "/proc/self/fd/%d", n);
	if (cfg->initrd) {
		if ((n = vmm_pass_file(run, cfg->initrd, cfg->initrd_fd, O_RDONLY)) < 0)
			return -1;
		argv_add(a, "--initrd");
		argv_add(a, "/proc/self/fd/%d", n);
	}
	/* The guest's address, if any, after the config's own words (as for
	 * QEMU); without either the VMM's default command line stays. */
	if (cfg->cmdline || run->net->guest_args[0]) {
		argv_add(a, "--cmdline");
		argv_add(a, "%s%s%s", cfg->cmdline ? cfg->cmdline : "",
			 cfg->cmdline && run->net->guest_args[0] ? " " : "", run->net->guest_args);
	}
	argv_add(a, "--memory");
	argv_add(a, "%lluM", (unsigned long long)cfg->memory_mib);
	argv_add(a, "--vcpus");
	argv_add(a, "%u", cfg->vcpus);
	for (size_t i = 0; i < cfg->ndisks; i++) {
		const struct disk *d = &cfg->disks[i];
		if ((n = vmm_pass_file(run, d->path, d->fd, d->readonly ? O_RDONLY : O_RDWR)) < 0)
			return -1;
		argv_add(a, "--disk");
		argv_add(a, "fd:%d%s", n, d->readonly ? ",ro" : "");
	}
	/* Each share: the connection to its virtiofsd that PID 1 made; the
	 * VMM speaks vhost-user on it and never sees a path. */
	for (size_t i = 0; i < cfg->nshares; i++) {
		argv_add(a, "--fs");
		argv_add(a, "tag=%s,fd=%d", cfg->shares[i].tag, vmm_pass_fd(run, run->share_fds[i]));
	}
	/* The tap PID 1 got from the outer (net.c), or PID 1's link to passt
	 * (passt.c), framed as QEMU's stream: the VMM only reads and writes
	 * it; no socket, no /dev/net/tun, no netlink in the VMM. */
	if (run->net && (run->net->kind == NET_TAP || run->net->kind == NET_BRIDGE)) {
		argv_add(a, "--net");
		argv_add(a, "fd=%d,mac=%s,mode=tap", vmm_pass_fd(run, run->net->tap_fd), run->net->mac);
	} else if (run->net && run->net->kind == NET_USER) {
		argv_add(a, "--net");
		argv_add(a, "fd=%d,mac=%s,mode=stream", vmm_pass_fd(run, run->user_fd), run->net->mac);
	}
	if ((n = vmm_readiness_port(run)) < 0)
		return -1;
	if (n) {
		argv_add(a, "--com2-fd");
		argv_add(a, "%d", n);
	}
	if ((n = vmm_pass_pipe(run, &b->ready_fd)) < 0)
		return -1;
	argv_add(a, "--ready-fd");
	argv_add(a, "%d", n);
	return 0;
}

static int builtin_wait_ready(struct vmm_run *run, int timeout_ms)
{
	const struct builtin *b = run->priv;
	struct pollfd p = { .fd = b->ready_fd, .events = POLLIN };
	char c;
	int r = poll(&p, 1, timeout_ms);

	if (r == 0)
		errno = ETIMEDOUT;
	if (r <= 0)
		return -1;
	if (read(p.fd, &c, 1) != 1) {
		errno = ECHILD;	/* the VMM exited before its vCPUs ran */
		return -1;
	}
	return 0;
}

static int builtin_event_fd(const struct vmm_run *run)
{
	(void)run;
	return -1;
}

static int builtin_request_shutdown(struct vmm_run *run)
{
	return kill(run->svc.pid, SIGTERM);
}

/* vmm: 0 guest power-off or reset, 1 guest crashed, 100 bad arguments,
 * 111 a host syscall failed. */
static int builtin_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 1)
		return EXIT_TEMPORARY;
	return wait_status_code(wstatus);
}

static void builtin_release(struct vmm_run *run)
{
	struct builtin *b = run->priv;

	if (b && b->ready_fd >= 0)
		close(b->ready_fd);
	free(b);
	run->priv = NULL;
}

const struct vmm_driver vmm_driver_builtin = {
	.name = "builtin",
	.needs_kvm = true,
	.shares = true,
	.readiness_port = true,
	.network = true,
	.profile = "builtin-vmm",
	.binary = builtin_binary,
	.prepare = builtin_prepare,
	.wait_ready = builtin_wait_ready,
	.event_fd = builtin_event_fd,
	.handle_event = NULL,
	.request_shutdown = builtin_request_shutdown,
	.exit_status = builtin_exit_status,
	.release = builtin_release,
};
