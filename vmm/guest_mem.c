/* Guest RAM from a memfd (vhost-user backends need its fd), and the one
 * checked accessor through which the VMM reaches it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_mem.h"
#include "vmm.h"

struct guest_mem guest_mem = { .fd = -1 };

void *guest_mem__slice(uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa >= guest_mem.size || len > guest_mem.size - gpa)
		return NULL;
	return guest_mem.base + gpa;
}

void *guest_mem__fixed(uint64_t gpa, uint64_t len)
{
	void *p = guest_mem__slice(gpa, len);

	if (!p) {
		warnx("bug: fixed layout [0x%llx, +%llu) outside guest RAM", (unsigned long long)gpa,
		      (unsigned long long)len);
		abort();
	}
	return p;
}

int guest_mem__init(uint64_t size)
{
	int fd, err;
	void *p;

	fd = memfd_create("guest-ram", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		goto fail;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	guest_mem.base = p;
	guest_mem.size = size;
	guest_mem.fd = fd;
	return 0;
fail:
	err = -errno;
	close(fd);
	return err;
}
