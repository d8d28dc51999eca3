#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

void relay_output_nonblocking(void)
{
	struct stat st;
	int fd;

	/* A file never blocks, and a new description of it would write
	 * from its own offset, over the outer process's lines. */
	if (fstat(STDOUT_FILENO, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return;
	fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		die_errno(EXIT_TEMPORARY, NULL, "log: reopen standard output non-blocking");
	close(fd);
}

int relay_open(struct relay *r, const char *prefix)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
		die_errno(EXIT_TEMPORARY, prefix, "log: pipe");
	*r = (struct relay){ .fd = p[0] };
	snprintf(r->prefix, sizeof r->prefix, "%s", prefix);
	return p[1];
}

/* One write per line, so that no other writer's line comes into it. A
 * full log drops the line: the guest must never wait for the log. */
static void emit(struct relay *r, const char *text, size_t len)
{
	char line[RELAY_LINE_MAX + 128];
	int n;

	if (r->dropped) {
		n = snprintf(line, sizeof line, "%s: [sandboxd: %lu lines dropped: the log was "
			     "full]\n", r->prefix, r->dropped);
		if (write(STDOUT_FILENO, line, (size_t)n) != n)
			goto drop;
		r->dropped = 0;
	}
	while (len && text[len - 1] == '\r')
		len--;
	n = snprintf(line, sizeof line, "%s: %.*s\n", r->prefix, (int)len, text);
	if (write(STDOUT_FILENO, line, (size_t)n) == n)
		return;
drop:
	r->dropped++;
}

ssize_t relay_read_some(int *fd, char *buf, size_t len)
{
	ssize_t n;

	if (*fd < 0)
		return -1;
	n = read(*fd, buf, len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return -1;
	}
	return n;
}

void relay_read(struct relay *r)
{
	char in[65536];
	ssize_t n = relay_read_some(&r->fd, in, sizeof in);

	if (n == 0)
		return;
	if (n < 0) {
		if (r->len)
			emit(r, r->buf, r->len);
		r->len = 0;
		return;
	}
	for (const char *c = in, *end = in + n; c < end;) {
		const char *nl = memchr(c, '\n', (size_t)(end - c));
		size_t take = (size_t)((nl ? nl : end) - c);

		if (take > sizeof r->buf - r->len)
			take = sizeof r->buf - r->len;
		memcpy(r->buf + r->len, c, take);
		r->len += take;
		c += take;
		if (c < end && *c == '\n') {
			c++;
			emit(r, r->buf, r->len);
			r->len = 0;
		} else if (r->len == sizeof r->buf) {
			emit(r, r->buf, r->len);	/* a line too long: cut */
			r->len = 0;
		}
	}
}

void relay_drain(struct relay *r, int timeout_ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	while (r->fd >= 0 && poll(&p, 1, timeout_ms) > 0)
		relay_read(r);
}
