/* tap.h. IFF_VNET_HDR as libvirt and QEMU's own helper make their taps:
 * the VMM then negotiates offloads (TUNSETOFFLOAD) with the guest's
 * virtio-net and moves whole TSO segments. The owner and group are the
 * VMM service's; the fd is all it gets, and a non-persistent tap cannot be
 * attached again by anyone once that fd is closed. */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int tap_open(const char *pattern, uid_t uid, gid_t gid, char name[IFNAMSIZ], const char **step)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd, saved;

	*step = "open /dev/net/tun";
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", pattern);
	*step = "create a tap (TUNSETIFF)";
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto fail;
	*step = "give the tap to the VMM's uid (TUNSETOWNER)";
	if (ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0)
		goto fail;
	*step = "give the tap to the VMM's gid (TUNSETGROUP)";
	if (ioctl(fd, TUNSETGROUP, (unsigned long)gid) < 0)
		goto fail;
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
