/* PID 1's part of the VM's cgroups: each service forked into its own, its
 * figures read back, and PID 1's way out of them should the outer go.
 * Every file is opened before PID 1's mount namespace replaces the host's
 * /sys, and before it confines itself: the confined PID 1 only preads and
 * writes the open fds (self_confine.c). */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#define STEP "cgroups"

/* Each figure's file, v1 and v2, and the field in it ("": the number). */
static const struct {
	const char *v1, *v2, *field1, *field2;
} stat_files[CGS_N] = {
	[CGS_PEAK] = { "memory.max_usage_in_bytes", "memory.peak", "", "" },
	[CGS_PIDS] = { "pids.current", "pids.current", "", "" },
	[CGS_CPU] = { "cpuacct.usage", "cpu.stat", "", "usage_usec" },
	[CGS_OOM] = { "memory.oom_control", "memory.events", "oom_kill", "oom_kill" },
};

/* FILE of the service's cgroup in whichever hierarchy has it; -1. */
static int open_in(const struct cgroup_plan *cg, const char *svc, const char *file, int flags)
{
	char path[PATH_MAX + 256];
	int fd = -1;

	for (size_t h = 0; h < cg->nhier && fd < 0; h++) {
		snprintf(path, sizeof path, "%s/%s/%s/%s", cg->hier[h].parent, cg->vm, svc, file);
		fd = open(path, flags | O_CLOEXEC);
	}
	return fd;
}

void cgroup_open(const struct cgroup_plan *cg, struct cgroup_run *run)
{
	char path[PATH_MAX + 128];

	for (size_t i = 0; i < cg->nsvcs; i++) {
		struct cgroup_run *r = &run[i];
		const char *name = cg->svcs[i].name;

		*r = (struct cgroup_run){ .svc = &cg->svcs[i], .version = cg->version, .dir = -1 };
		for (size_t h = 0; h < CGROUP_MAX_HIER; h++)
			r->procs[h] = -1;
		for (size_t h = 0; h < cg->nhier && cg->version == 1; h++) {
			snprintf(path, sizeof path, "%s/%s/%s/cgroup.procs", cg->hier[h].parent,
				 cg->vm, name);
			if ((r->procs[h] = open(path, O_WRONLY | O_CLOEXEC)) < 0)
				die_errno(EXIT_TEMPORARY, name, STEP ": open %s", path);
		}
		if (cg->version == 2) {
			snprintf(path, sizeof path, "%s/%s/%s", cg->hier[0].parent, cg->vm, name);
			if ((r->dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
				die_errno(EXIT_TEMPORARY, name, STEP ": open %s", path);
		}
		for (int s = 0; s < CGS_N; s++)
			r->stat[s] = open_in(cg, name, cg->version == 2 ? stat_files[s].v2
								       : stat_files[s].v1, O_RDONLY);
	}
}

void cgroup_open_leave(const struct cgroup_plan *cg, int out[CGROUP_MAX_HIER])
{
	char path[PATH_MAX + 32];

	for (size_t h = 0; h < CGROUP_MAX_HIER; h++) {
		out[h] = -1;
		if (h >= cg->nhier)
			continue;
		snprintf(path, sizeof path, "%s/cgroup.procs", cg->hier[h].own);
		if ((out[h] = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": open %s", path);
	}
}

int cgroup_leave(const int fds[CGROUP_MAX_HIER])
{
	for (size_t h = 0; h < CGROUP_MAX_HIER; h++)
		if (fds[h] >= 0 && write(fds[h], "0", 1) < 0) {
			log_warn_errno(NULL, STEP ": leave the VM's cgroups");
			return -1;
		}
	return 0;
}

pid_t cgroup_fork(const struct cgroup_run *r, const char *service)
{
	pid_t pid;

	if (!r || !r->version)
		return fork();
	if (r->version == 2) {
		/* Born in its cgroup: nothing of it ever runs elsewhere. PID 1
		 * is single-threaded, so the raw clone3 is a fork. */
		struct clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
					.cgroup = (uint64_t)r->dir };
		return (pid_t)syscall(SYS_clone3, &a, sizeof a);
	}
	/* v1 has no CLONE_INTO_CGROUP: the child moves itself ("0": the
	 * writer) into each hierarchy before anything else, so that all it
	 * does and allocates from here on, the service's program included, is
	 * its cgroup's. No round trip with PID 1 is needed. */
	pid = fork();
	if (pid != 0)
		return pid;
	for (size_t h = 0; h < CGROUP_MAX_HIER; h++)
		if (r->procs[h] >= 0 && write(r->procs[h], "0", 1) < 0)
			die_errno(EXIT_TEMPORARY, service, STEP ": join %s", r->svc->name);
	return 0;
}

/* The number in fd S's file, or after FIELD and a space; false if none. */
static bool figure(const struct cgroup_run *r, enum cgroup_stat s, uint64_t *out)
{
	const char *field = r->version == 2 ? stat_files[s].field2 : stat_files[s].field1;
	char buf[512], *p = buf;
	ssize_t n;

	if (r->stat[s] < 0 || (n = pread(r->stat[s], buf, sizeof buf - 1, 0)) <= 0)
		return false;
	buf[n] = '\0';
	if (*field) {
		size_t len = strlen(field);
		while (p && !(strncmp(p, field, len) == 0 && p[len] == ' '))
			if ((p = strchr(p, '\n')))
				p++;
		if (!p)
			return false;
		p += len + 1;
	}
	*out = strtoull(p, NULL, 10);
	return true;
}

void cgroup_report(const struct cgroup_run *r, const char *service)
{
	uint64_t peak, pids, cpu;
	char m[32] = "n/a", p[24] = "n/a", c[32] = "n/a";

	if (!r->version)
		return;
	/* A figure whose controller the host lacks (best-effort) is "n/a". */
	if (figure(r, CGS_PEAK, &peak))
		snprintf(m, sizeof m, "%" PRIu64 ".%" PRIu64 " MiB", peak >> 20,
			 (peak & ((1 << 20) - 1)) * 10 >> 20);
	if (figure(r, CGS_PIDS, &pids))
		snprintf(p, sizeof p, "%" PRIu64, pids);
	if (figure(r, CGS_CPU, &cpu)) {
		if (r->version == 1)
			cpu /= 1000;	/* cpuacct.usage: ns */
		snprintf(c, sizeof c, "%" PRIu64 ".%03" PRIu64 " s", cpu / 1000000, cpu / 1000 % 1000);
	}
	log_info(service, "cgroup %s: peak memory %s, pids %s, CPU %s", r->svc->name, m, p, c);
}

void cgroup_explain_kill(const struct cgroup_run *r, const char *service)
{
	uint64_t kills = 0;

	if (r && r->version && figure(r, CGS_OOM, &kills) && kills)
		log_warn(service, "killed by the kernel's OOM killer inside its cgroup %s: it reached "
			 "its memory_max of %" PRIu64 "M (%" PRIu64 " OOM kill%s there)", r->svc->name,
			 r->svc->limits.memory_mib, kills, kills == 1 ? "" : "s");
}
