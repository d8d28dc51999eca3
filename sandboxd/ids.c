/* The registry: a directory with one file per range taken so far, named by
 * the range's first uid and holding "NAME PID" of the VM that had it last.
 * A running VM holds an flock on its file; the kernel drops it however the
 * VM ends, so a lock is never stale. Files stay after the VM (its name
 * keeps the range for it); a global lock serialises the choice itself. */
#include "ids.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define STEP "ids"
/* How long a start waits for the last run of its VM to end (wait_ending). */
#define ENDING_WAIT_S 10

struct holder {
	char name[64];
	long pid;
};

enum slot_state { SLOT_FREE, SLOT_OURS, SLOT_OTHERS, SLOT_HELD };

/* FNV-1a: a name's first choice of slot, the same on every host. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static int open_entry(int dir, uid_t base, bool create)
{
	char name[16];

	snprintf(name, sizeof name, "%u", (unsigned)base);
	return openat(dir, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
}

static void read_holder(int fd, struct holder *h)
{
	char buf[96];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	*h = (struct holder){ 0 };
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%63s %ld", h->name, &h->pid) < 1)
		h->name[0] = '\0';
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* The lock of H's entry FD, held by a run whose outer process is gone: its
 * PID 1, which holds the lock too, is ending the VM and removing its
 * cgroups (pid1.c outer_gone), and the lock goes with it. Waits for that
 * up to ENDING_WAIT_S (flock woken by an alarm); true once it is ours. */
static bool wait_ending(int fd, const struct holder *h)
{
	struct sigaction quiet = { .sa_handler = on_alarm }, old;
	bool ours;

	if (h->pid <= 0 || kill((pid_t)h->pid, 0) == 0 || errno != ESRCH)
		return false;
	log_info(NULL, STEP ": the last run of vm %s (outer pid %ld, gone) is still ending: "
		 "waiting for it", h->name, h->pid);
	sigaction(SIGALRM, &quiet, &old);
	alarm(ENDING_WAIT_S);
	ours = flock(fd, LOCK_EX) == 0;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return ours;
}

/* Whether a running VM holds FD's range (its holder read into *H). An
 * unheld entry is left locked by us: the caller keeps or closes it. With
 * ENDING_OF, a run of that VM that is ending is waited for. */
static bool is_held(int fd, struct holder *h, const char *ending_of)
{
	bool held = flock(fd, LOCK_EX | LOCK_NB) < 0;

	if (held && errno != EWOULDBLOCK)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": lock an entry of " SANDBOXD_ID_REGISTRY);
	read_holder(fd, h);
	if (held && ending_of && !strcmp(h->name, ending_of) && wait_ending(fd, h))
		held = false;
	return held;
}

/* A running VM whose range overlaps BASE's, other than BASE's own entry
 * (a configured uid_base need not fall on a slot). */
static bool overlap_held(int dir, uid_t base, struct holder *h)
{
	DIR *d;
	struct dirent *e;
	bool found = false;
	int dup_fd = dup(dir);

	if (dup_fd < 0 || !(d = fdopendir(dup_fd)))
		die_errno(EXIT_TEMPORARY, NULL, STEP ": read " SANDBOXD_ID_REGISTRY);
	while (!found && (e = readdir(d))) {
		char *end;
		unsigned long b = strtoul(e->d_name, &end, 10);
		if (*end || end == e->d_name || b == base || b >= base + CONFIG_ID_SPAN ||
		    base >= b + CONFIG_ID_SPAN)
			continue;
		int fd = open_entry(dir, (uid_t)b, false);
		found = fd >= 0 && is_held(fd, h, NULL);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return found;
}

/* What BASE's range is to the VM NAME; unless SLOT_HELD, its entry fd,
 * locked by us, in *FD (-1 where there is no entry yet and DIR is only
 * read). */
static enum slot_state probe_slot(int dir, uid_t base, const char *name, bool create, int *fd,
				  struct holder *h)
{
	*fd = -1;
	*h = (struct holder){ 0 };
	if (dir < 0)
		return SLOT_FREE;
	if (overlap_held(dir, base, h))
		return SLOT_HELD;
	*fd = open_entry(dir, base, create);
	if (*fd < 0) {
		if (errno == ENOENT && !create)
			return SLOT_FREE;
		die_errno(EXIT_TEMPORARY, NULL, STEP ": open the entry of uid %u in "
			  SANDBOXD_ID_REGISTRY, (unsigned)base);
	}
	if (is_held(*fd, h, create ? name : NULL)) {
		close(*fd);
		*fd = -1;
		return SLOT_HELD;
	}
	if (!h->name[0])
		return SLOT_FREE;
	return strcmp(h->name, name) ? SLOT_OTHERS : SLOT_OURS;
}

static int open_registry(bool reserve)
{
	int dir;

	if (reserve && (mkdir(SANDBOXD_STATE_DIR, 0755) < 0 && errno != EEXIST))
		die_errno(exit_code_for_errno(errno), NULL, STEP ": create " SANDBOXD_STATE_DIR);
	if (reserve && (mkdir(SANDBOXD_ID_REGISTRY, 0700) < 0 && errno != EEXIST))
		die_errno(exit_code_for_errno(errno), NULL, STEP ": create " SANDBOXD_ID_REGISTRY);
	dir = open(SANDBOXD_ID_REGISTRY, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	/* --check by a user who may not read it: as if it were empty. */
	if (dir < 0 && (reserve || (errno != ENOENT && errno != EACCES)))
		die_errno(exit_code_for_errno(errno), NULL, STEP ": open " SANDBOXD_ID_REGISTRY);
	return dir;
}

/* Our entry: our name and pid, the lock kept (FD stays open). */
static void claim(int fd, const char *name)
{
	char buf[96];
	int n = snprintf(buf, sizeof buf, "%s %ld\n", name, (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		die_errno(EXIT_TEMPORARY, NULL, STEP ": write an entry of " SANDBOXD_ID_REGISTRY);
}

static _Noreturn void refuse(const struct config *cfg, uid_t base, const struct holder *h)
{
	if (!strcmp(h->name, cfg->name))
		die(EXIT_PERMANENT, NULL, "vm %s is already running (sandboxd pid %ld)", cfg->name,
		    h->pid);
	die(EXIT_PERMANENT, NULL, "%s: uid_base = %u: ids %u..%u overlap those of running vm %s "
	    "(sandboxd pid %ld)", cfg->file, (unsigned)base, (unsigned)base,
	    (unsigned)(base + CONFIG_ID_SPAN - 1), h->name, h->pid);
}

void ids_take(struct config *cfg, bool reserve)
{
	const bool configured = cfg->uid_base != 0;
	const uint32_t first = name_hash(cfg->name) % IDS_POOL_SLOTS;
	int dir = open_registry(reserve), fd = -1, global = -1;
	enum slot_state st = SLOT_OTHERS;
	struct holder h;
	uid_t base = cfg->uid_base;

	/* One start chooses at a time, so two never take the same range. */
	if (reserve) {
		global = openat(dir, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (global < 0 || flock(global, LOCK_EX) < 0)
			die_errno(EXIT_TEMPORARY, NULL, STEP ": lock " SANDBOXD_ID_REGISTRY);
	}
	if (configured) {
		st = probe_slot(dir, base, cfg->name, reserve, &fd, &h);
		if (st == SLOT_HELD && (reserve || strcmp(h.name, cfg->name)))
			refuse(cfg, base, &h);
	}
	for (uint32_t i = 0; !configured && i < IDS_POOL_SLOTS; i++) {
		base = IDS_POOL_BASE + (first + i) % IDS_POOL_SLOTS * CONFIG_ID_SPAN;
		st = probe_slot(dir, base, cfg->name, reserve, &fd, &h);
		/* Held under our name: this VM runs; --check reports its range. */
		if (st == SLOT_HELD && !strcmp(h.name, cfg->name)) {
			if (reserve)
				refuse(cfg, base, &h);
			st = SLOT_OURS;
		}
		if (st == SLOT_FREE || st == SLOT_OURS)
			break;
		if (fd >= 0)
			close(fd);
	}
	/* A configured range is taken from a VM that last had it, not running. */
	if (st != SLOT_FREE && st != SLOT_OURS && !configured)
		die(EXIT_TEMPORARY, NULL, STEP ": every range of the pool is taken");
	if (reserve)
		claim(fd, cfg->name);
	else if (fd >= 0)
		close(fd);
	if (global >= 0)
		close(global);
	if (dir >= 0)
		close(dir);
	cfg->uid_base = base;
	if (!cfg->gid_base)
		cfg->gid_base = base;
}
