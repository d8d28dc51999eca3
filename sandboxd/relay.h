/* With --log-console: the guest's console, the VMM's stderr and each
 * share's virtiofsd's stderr, read by PID 1 from pipes and written to its
 * standard output as whole lines, each with its source in front
 * ("console: ", "vmm: ", "virtiofsd-TAG: "), never blocking: a guest or a
 * daemon that prints megabytes, or never a newline, cannot stall the VM
 * behind a slow log; what the log cannot take is dropped and counted. */
#ifndef SANDBOXD_RELAY_H
#define SANDBOXD_RELAY_H

#include <stddef.h>
#include <sys/types.h>

/* Longest line relayed as one; longer ones are cut at this length. */
#define RELAY_LINE_MAX 1024

struct relay {
	int fd;			/* the pipe's read end, -1 once at its end */
	char prefix[48];	/* "console", "vmm", "virtiofsd-TAG" */
	size_t len;		/* bytes of an unfinished line in buf */
	unsigned long dropped;	/* lines the log could not take */
	char buf[RELAY_LINE_MAX];
};

/* In PID 1, before the host's /proc goes: standard output in non-blocking
 * mode of its own (a new open file description when it is a pipe, so that
 * the outer process and the supervisor keep theirs). */
void relay_output_nonblocking(void);

/* A pipe for PREFIX's output into R (PREFIX is copied, cut to fit);
 * returns its write end, for the service (the caller closes it once the
 * service runs). Dies on failure. */
int relay_open(struct relay *r, const char *prefix);

/* One non-blocking read of *FD into BUF: the count; 0 when nothing is there
 * now; -1 at its end (or on an error, or *FD already -1), with *FD closed
 * and set to -1. */
ssize_t relay_read_some(int *fd, char *buf, size_t len);

/* Reads what is there, writes its whole lines; at the end of input the
 * unfinished line too, and R's fd is closed (-1). */
void relay_read(struct relay *r);

/* Reads until every writer is gone or TIMEOUT_MS passed, as the VM ends:
 * its last lines (a power-off, a VMM's error) are in the log. */
void relay_drain(struct relay *r, int timeout_ms);

#endif
