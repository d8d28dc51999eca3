#include "qmp.h"

#include "monotonic.h"
#include "unix_socket.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* QMP sends one JSON object per line. */
struct qmp {
	int fd;
	char buf[65536];
	size_t len;
	char event[64];
};

/* Takes one complete line out of the buffer, parsed; NULL if none is
 * complete (errno 0) or the line is not JSON (errno EPROTO). */
static json_object *take_line(struct qmp *q)
{
	char *nl = memchr(q->buf, '\n', q->len);
	json_object *obj;

	errno = 0;
	if (!nl)
		return NULL;
	*nl = '\0';
	obj = json_tokener_parse(q->buf);
	q->len -= (size_t)(nl + 1 - q->buf);
	memmove(q->buf, nl + 1, q->len);
	if (!obj)
		errno = EPROTO;
	return obj;
}

/* Reads once; returns bytes read, 0 at EOF, -1 on error (EAGAIN: none). */
static ssize_t fill(struct qmp *q, bool block)
{
	ssize_t n;

	if (q->len == sizeof q->buf) {
		errno = EMSGSIZE;
		return -1;
	}
	n = recv(q->fd, q->buf + q->len, sizeof q->buf - q->len, block ? 0 : MSG_DONTWAIT);
	if (n > 0)
		q->len += (size_t)n;
	return n;
}

/* The next message, waiting until DEADLINE (monotonic ms). */
static json_object *read_message(struct qmp *q, long long deadline)
{
	for (;;) {
		json_object *obj = take_line(q);
		if (obj || errno)
			return obj;
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		long long left = deadline - monotonic_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return NULL;
		}
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return NULL;
		if (r > 0) {
			ssize_t n = fill(q, true);
			if (n == 0)
				errno = ECONNRESET;
			if (n <= 0)
				return NULL;
		}
	}
}

static json_object *execute_until(struct qmp *q, const char *command, long long deadline)
{
	char msg[128];
	int len = snprintf(msg, sizeof msg, "{\"execute\":\"%s\"}\n", command);

	if (send(q->fd, msg, (size_t)len, MSG_NOSIGNAL) != len)
		return NULL;
	for (;;) {
		json_object *obj = read_message(q, deadline), *ret;
		if (!obj)
			return NULL;
		if (json_object_object_get_ex(obj, "return", &ret)) {
			json_object_get(ret);
			json_object_put(obj);
			return ret;
		}
		bool is_error = json_object_object_get_ex(obj, "error", NULL);
		json_object_put(obj);
		if (is_error) {
			errno = EPROTO;
			return NULL;
		}
	}
}

json_object *qmp_execute(struct qmp *q, const char *command, int timeout_ms)
{
	return execute_until(q, command, monotonic_ms() + timeout_ms);
}

struct qmp *qmp_open(const char *path, int timeout_ms)
{
	const long long deadline = monotonic_ms() + timeout_ms;
	struct qmp *q = calloc(1, sizeof *q);
	json_object *greeting = NULL, *ret = NULL;

	if (!q)
		return NULL;
	q->fd = unix_connect(path);
	if (q->fd < 0)
		goto fail;
	greeting = read_message(q, deadline);
	if (!greeting || !json_object_object_get_ex(greeting, "QMP", NULL)) {
		if (greeting)
			errno = EPROTO;
		goto fail;
	}
	ret = execute_until(q, "qmp_capabilities", deadline);
	if (!ret)
		goto fail;
	json_object_put(greeting);
	json_object_put(ret);
	return q;
fail:;
	int e = errno;
	json_object_put(greeting);
	qmp_close(q);
	errno = e;
	return NULL;
}

void qmp_close(struct qmp *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	free(q);
}

int qmp_fd(const struct qmp *q)
{
	return q->fd;
}

const char *qmp_next_event(struct qmp *q)
{
	for (;;) {
		json_object *obj = take_line(q), *ev;
		if (!obj && errno)
			return NULL;
		if (!obj) {
			ssize_t n = fill(q, false);
			if (n < 0 && errno == EAGAIN)
				return "";
			if (n <= 0)
				return NULL;
			continue;
		}
		if (json_object_object_get_ex(obj, "event", &ev)) {
			snprintf(q->event, sizeof q->event, "%s", json_object_get_string(ev));
			json_object_put(obj);
			return q->event;
		}
		json_object_put(obj);
	}
}
