/* The exec driver: `sandboxd --exec CONFIG [--profile FILE] -- CMD...` runs
 * CMD in the VMM's place, with every layer of a service, under FILE or the
 * test-probe profile. Tests run their probes this way, and the benchmark
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
