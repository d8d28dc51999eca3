/* A small QMP client (QEMU Machine Protocol), JSON parsed with json-c. */
#ifndef SANDBOXD_QMP_H
#define SANDBOXD_QMP_H

#include <json-c/json.h>

struct qmp;

/* Connects to PATH, reads the greeting and negotiates capabilities, all
 * within TIMEOUT_MS. Returns NULL with errno set (ETIMEDOUT, EPROTO...). */
struct qmp *qmp_open(const char *path, int timeout_ms);
void qmp_close(struct qmp *q);
int qmp_fd(const struct qmp *q);

/* Runs COMMAND and returns its "return" object (caller puts it), skipping
 * events that arrive before the reply. NULL with errno set on error. */
json_object *qmp_execute(struct qmp *q, const char *command, int timeout_ms);

/* Reads what is available without blocking and returns the name of the
 * next event received ("SHUTDOWN", ...), "" if nothing complete yet, or
 * NULL at end of stream or on error. The name lives until the next call. */
const char *qmp_next_event(struct qmp *q);

#endif
