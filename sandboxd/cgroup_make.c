/* The outer's part of the VM's cgroups: made with their limits before PID 1
 * exists, a stale set from a crashed run removed first, and all removed
 * again once PID 1 is reaped. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#define STEP "cgroups"

/* Writes the formatted value into DIR/FILE (beneath DIRFD). */
__attribute__((format(printf, 4, 5)))
static int put(int dirfd, const char *dir, const char *file, const char *fmt, ...)
{
	char path[PATH_MAX], value[64];
	va_list ap;
	int fd, saved;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = write(fd, value, strlen(value));
	saved = errno;
	close(fd);
	errno = saved;
	return n < 0 ? -1 : 0;
}

static void must_put(int dirfd, const char *dir, const char *file, const char *value)
{
	if (put(dirfd, dir, file, "%s", value) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": write %s to %s/%s", value, dir, file);
}

/* L's limits on DIR in the hierarchy of CTRL (v1), or all (v2). */
static void apply(const struct cgroup_plan *cg, int dirfd, const char *dir, enum cgroup_ctrl ctrl,
		  const struct cgroup_limits *l)
{
	const bool v2 = cg->version == 2;
	char v[48];

	if (l->memory_mib && (v2 || ctrl == CG_MEMORY)) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)l->memory_mib << 20);
		must_put(dirfd, dir, v2 ? "memory.max" : "memory.limit_in_bytes", v);
		/* v1 with swap accounting: swap counts too, or it is a way out. */
		if (!v2 && put(dirfd, dir, "memory.memsw.limit_in_bytes", "%s", v) < 0 &&
		    errno != ENOENT)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": write %s/memory.memsw.limit_in_bytes", dir);
	}
	if (l->pids_max && (v2 || ctrl == CG_PIDS)) {
		snprintf(v, sizeof v, "%u", (unsigned)l->pids_max);
		must_put(dirfd, dir, "pids.max", v);
	}
	if (l->cpu_weight && (v2 || ctrl == CG_CPU)) {
		/* v1 shares as systemd converts them: weight 100 is 1024. */
		snprintf(v, sizeof v, "%u", v2 ? l->cpu_weight : l->cpu_weight * 1024 / 100 + 1);
		must_put(dirfd, dir, v2 ? "cpu.weight" : "cpu.shares", v);
	}
	if (l->cpu_quota_us && (v2 || ctrl == CG_CPU)) {
		if (v2) {
			snprintf(v, sizeof v, "%u %u", (unsigned)l->cpu_quota_us,
				 (unsigned)l->cpu_period_us);
			must_put(dirfd, dir, "cpu.max", v);
			return;
		}
		snprintf(v, sizeof v, "%u", (unsigned)l->cpu_period_us);
		must_put(dirfd, dir, "cpu.cfs_period_us", v);
		snprintf(v, sizeof v, "%u", (unsigned)l->cpu_quota_us);
		must_put(dirfd, dir, "cpu.cfs_quota_us", v);
	}
}

/* A vm-NAME that is there already: the VM's lock (ids.c) is ours, so a
 * crashed run left it (its outer killed during its start, or its PID 1
 * killed with it). Its processes died with its PID namespace; an rmdir
 * refused means some live on. */
static void remove_stale(const struct cgroup_plan *cg, int dirfd, const char *parent)
{
	int fd = openat(dirfd, cg->vm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0) {
		if (errno == ENOENT)
			return;
		die_errno(EXIT_TEMPORARY, NULL, STEP ": open %s/%s", parent, cg->vm);
	}
	if (!(d = fdopendir(fd)))
		die_errno(EXIT_TEMPORARY, NULL, STEP ": read %s/%s", parent, cg->vm);
	/* ENOENT: the last PID 1, whose outer was killed, removing it too
	 * (pid1.c outer_gone); EBUSY: that PID 1 is still in it (111: s6
	 * tries again). */
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
		    unlinkat(fd, e->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": remove stale cgroup %s/%s/%s", parent,
				  cg->vm, e->d_name);
	closedir(d);
	if (unlinkat(dirfd, cg->vm, AT_REMOVEDIR) < 0 && errno != ENOENT)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": remove stale cgroup %s/%s", parent, cg->vm);
	log_warn(NULL, STEP ": removed stale cgroup %s/%s, left by a run that did not end cleanly",
		 parent, cg->vm);
}

/* v2: DIR gives the controllers we use to its children. */
static void delegate(const struct cgroup_plan *cg, int dirfd, const char *dir)
{
	for (int c = 0; c < CG_CPUACCT; c++)
		if (cg->ctrls >> c & 1 && put(dirfd, dir, "cgroup.subtree_control", "+%s",
					      cgroup_ctrl_names[c]) < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": enable %s in %s/cgroup.subtree_control",
				  cgroup_ctrl_names[c], dir);
}

static void make_dir(int dirfd, const char *parent, const char *dir)
{
	if (mkdirat(dirfd, dir, 0755) < 0)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": create %s/%s", parent, dir);
}

void cgroup_make(const struct cgroup_plan *cg, struct cgroup_dirs *d)
{
	char dir[128];

	*d = (struct cgroup_dirs){ .n = cg->nhier, .nsvcs = cg->nsvcs };
	snprintf(d->vm, sizeof d->vm, "%s", cg->vm);
	for (size_t i = 0; i < cg->nsvcs; i++)
		snprintf(d->svcs[i], sizeof d->svcs[i], "%s", cg->svcs[i].name);
	for (size_t h = 0; h < cg->nhier; h++) {
		const struct cgroup_hier *hier = &cg->hier[h];
		int fd = open(hier->parent, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": open %s", hier->parent);
		d->fd[h] = fd;
		remove_stale(cg, fd, hier->parent);
		if (cg->version == 2)
			delegate(cg, fd, ".");
		make_dir(fd, hier->parent, cg->vm);
		apply(cg, fd, cg->vm, hier->ctrl, &cg->vm_limits);
		if (cg->version == 2)
			delegate(cg, fd, cg->vm);
		for (size_t i = 0; i < cg->nsvcs; i++) {
			snprintf(dir, sizeof dir, "%s/%s", cg->vm, cg->svcs[i].name);
			make_dir(fd, hier->parent, dir);
			apply(cg, fd, dir, hier->ctrl, &cg->svcs[i].limits);
		}
	}
	if (cg->version)
		log_info(NULL, STEP ": %s/%s made (cgroup v%d)", cg->hier[0].parent, cg->vm,
			 cg->version);
}

/* PID 1 goes to vm-NAME/sandboxd rather than vm-NAME itself: on v2 a
 * cgroup that gives controllers to its children may hold no process, and
 * one layout serves both versions. v2 clones it there (CLONE_INTO_CGROUP),
 * v1 writes its pid before its go on the lifeline. The outer stays where
 * its supervisor put it: it removes vm-NAME at the end, which a member
 * cannot. */
pid_t cgroup_clone_pid1(const struct cgroup_plan *cg, const struct cgroup_dirs *d,
			uint64_t flags)
{
	char dir[128];
	pid_t pid;

	snprintf(dir, sizeof dir, "%s/sandboxd", cg->vm);
	if (cg->version == 2) {
		struct clone_args a = { .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
		int fd = openat(d->fd[0], dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		int saved;

		if (fd < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": open %s/%s", cg->hier[0].parent, dir);
		a.cgroup = (uint64_t)fd;
		pid = (pid_t)syscall(SYS_clone3, &a, sizeof a);
		saved = errno;
		close(fd);
		errno = saved;
		return pid;
	}
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	for (size_t h = 0; pid > 0 && h < cg->nhier; h++) {
		char path[PATH_MAX + 160];
		snprintf(path, sizeof path, "%s/%s", cg->hier[h].parent, dir);
		if (put(AT_FDCWD, path, "cgroup.procs", "%d", (int)pid) < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": move PID 1 into %s", path);
	}
	return pid;
}

/* Confined: unlinkat beneath each parent's fd (self_confine.c). A cgroup
 * still busy is said once; the next start removes it. */
void cgroup_remove(const struct cgroup_dirs *d)
{
	char dir[128];

	for (size_t h = 0; h < d->n; h++) {
		for (size_t i = 0; i < d->nsvcs; i++) {
			snprintf(dir, sizeof dir, "%s/%s", d->vm, d->svcs[i]);
			if (unlinkat(d->fd[h], dir, AT_REMOVEDIR) < 0 && errno != ENOENT)
				log_warn_errno(NULL, STEP ": remove %s", dir);
		}
		if (unlinkat(d->fd[h], d->vm, AT_REMOVEDIR) < 0 && errno != ENOENT)
			log_warn_errno(NULL, STEP ": remove %s", d->vm);
	}
}
