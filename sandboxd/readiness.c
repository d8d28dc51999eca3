#include "readiness.h"

#include <unistd.h>

#include "log.h"
#include "monotonic.h"
#include "relay.h"

/* What one poll round reads at most: a guest sending without end cannot
 * keep PID 1 from its other fds. */
#define READ_CHUNK 4096

static const char ready_line[] = "READY=1";
#define READY_LEN ((int)sizeof ready_line - 1)

void readiness_init(struct readiness *r, const struct config *cfg, int port, int notify_fd)
{
	*r = (struct readiness){ .kind = cfg->readiness, .port = port, .notify_fd = notify_fd,
				 .late_ms = cfg->ready_late_ms };
}

static void notify(struct readiness *r)
{
	r->ready = true;
	if (r->notify_fd < 0)
		return;
	if (write(r->notify_fd, "\n", 1) != 1)
		log_warn_errno(NULL, "readiness: write to the notification fd");
	close(r->notify_fd);
	r->notify_fd = -1;
}

void readiness_vmm_running(struct readiness *r)
{
	r->since_ms = monotonic_ms();
	if (r->kind == READINESS_GUEST && r->port >= 0) {
		log_info(NULL, "readiness: waiting for the guest's READY=1 on its readiness port "
			 "(COM2)");
		return;
	}
	notify(r);
}

int readiness_fd(const struct readiness *r)
{
	return r->port;
}

/* One byte of the port: MATCHED counts how much of READY=1 the line has
 * been so far; the line counts if it ends there (a \r before the \n is a
 * tty's). Returns true at the end of a READY=1 line. */
static bool ready_byte(struct readiness *r, char c)
{
	if (c == '\n') {
		bool done = r->matched == READY_LEN;
		r->matched = 0;
		return done;
	}
	if (r->matched < 0 || (c == '\r' && r->matched == READY_LEN))
		return false;
	if (r->matched < READY_LEN && c == ready_line[r->matched])
		r->matched++;
	else
		r->matched = -1;
	return false;
}

void readiness_read(struct readiness *r)
{
	char in[READ_CHUNK];
	/* At its end (-1) the VMM is gone or going; its exit ends the VM. */
	ssize_t n = relay_read_some(&r->port, in, sizeof in);

	for (ssize_t i = 0; i < n && !r->ready; i++) {
		if (!ready_byte(r, in[i]))
			continue;
		long long ms = monotonic_ms() - r->since_ms;
		log_info(NULL, "readiness: the guest sent READY=1, %lld.%03lld s after its VMM ran: "
			 "ready", ms / 1000, ms % 1000);
		notify(r);
	}
}

int readiness_late_check(struct readiness *r)
{
	long long left;

	if (r->ready || r->late_logged || r->port < 0)
		return -1;
	left = r->late_ms - (monotonic_ms() - r->since_ms);
	if (left > 0)
		return (int)left;
	r->late_logged = true;
	log_warn(NULL, "readiness: no READY=1 from the guest within ready_late = %u.%03u s: the VM "
		 "runs, not ready, and is ready when the guest says so (readiness = vmm for a guest "
		 "that never does)", r->late_ms / 1000, r->late_ms % 1000);
	return -1;
}
