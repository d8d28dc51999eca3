/* A tap device from /dev/net/tun: non-persistent, so it goes away with its
 * last fd however sandboxd and the VMM end. */
#ifndef SANDBOXD_TAP_H
#define SANDBOXD_TAP_H

#include <net/if.h>
#include <sys/types.h>

/* Creates a tap named after PATTERN ("sbx%d": the kernel picks the
 * number), frames without packet info and with a virtio-net header,
 * owned by UID and GID; its name in NAME. Returns its fd (close-on-exec),
 * or -1 with errno set and the step in *STEP. */
int tap_open(const char *pattern, uid_t uid, gid_t gid, char name[IFNAMSIZ], const char **step);

#endif
