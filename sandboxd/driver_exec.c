/* The exec driver: `sandboxd --exec CONFIG [--profile FILE] -- CMD...` runs
 * CMD in the VMM's place, with every layer of a service, under FILE or the
 * test-probe profile; the VM's other services run as for any VM (a
 * virtiofsd per share, whose connection CMD inherits as a VMM would).
 * Tests run their probes this way (a second probe standing in for a
 * share's virtiofsd where a test needs two services), and the benchmark
 * measures the cost of the setup itself. */
#include <signal.h>
#include <stdio.h>

#include "vmm_driver.h"

static const char *exec_binary(char *const *exec, char *buf, size_t len)
{
	snprintf(buf, len, "%s", exec[0]);
	return buf;
}

static int exec_prepare(struct vmm_run *run)
{
	for (char *const *p = run->exec_argv; *p; p++)
		argv_add(&run->argv, "%s", *p);
	/* fd 3 + i: share i's vhost-user connection. */
	for (size_t i = 0; i < run->cfg->nshares; i++)
		vmm_pass_fd(run, run->share_fds[i]);
	return 0;
}

static int exec_wait_ready(struct vmm_run *run, int timeout_ms)
{
	(void)run;
	(void)timeout_ms;
	return 0;
}

static int exec_event_fd(const struct vmm_run *run)
{
	(void)run;
	return -1;
}

static int exec_request_shutdown(struct vmm_run *run)
{
	return kill(run->svc.pid, SIGTERM);
}

static void exec_release(struct vmm_run *run)
{
	(void)run;
}

const struct vmm_driver vmm_driver_exec = {
	.name = "exec",
	.shares = true,
	.profile = "test-probe",
	.binary = exec_binary,
	.prepare = exec_prepare,
	.wait_ready = exec_wait_ready,
	.event_fd = exec_event_fd,
	.handle_event = NULL,
	.request_shutdown = exec_request_shutdown,
	.exit_status = wait_status_code,
	.release = exec_release,
};
