/* libFuzzer target: the vhost-user frontend's reply parsing against a
 * hostile backend. The input is everything the backend says, in order:
 * it is written to the backend's end of a socketpair, which is then shut
 * for writing, and the frontend runs its whole conversation on the other
 * end: start-up, DRIVER_OK with two rings, a device reset. Every reply the
 * input garbles must end in an -errno and a message, never a crash, a
 * read past a buffer or a hang (end of input is ECONNRESET at once). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest_mem.h"
#include "vhost_user.h"

#define RAM_SIZE 65536

static struct vhost_user_ring rings[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	guest_mem.fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
	if (guest_mem.fd < 0 || ftruncate(guest_mem.fd, RAM_SIZE) < 0)
		abort();
	guest_mem.base = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, guest_mem.fd, 0);
	if (guest_mem.base == MAP_FAILED)
		abort();
	guest_mem.size = RAM_SIZE;
	for (unsigned int i = 0; i < 2; i++) {
		rings[i] = (struct vhost_user_ring){
			.index = i, .num = 8, .desc = (uintptr_t)guest_mem.base + 0x1000 * (i + 1),
			.avail = (uintptr_t)guest_mem.base + 0x1000 * (i + 1) + 0x80,
			.used = (uintptr_t)guest_mem.base + 0x1000 * (i + 1) + 0x100,
			.kick_fd = eventfd(0, EFD_CLOEXEC), .call_fd = eventfd(0, EFD_CLOEXEC),
			.err_fd = eventfd(0, EFD_CLOEXEC),
		};
		if (rings[i].kick_fd < 0 || rings[i].call_fd < 0 || rings[i].err_fd < 0)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhost_user vu;
	int sv[2];

	/* The socket buffers hold far more than -max_len: the writes below
	 * and the frontend's sends never block. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	if (vhost_user__connect(&vu, sv[0]) == 0 &&
	    vhost_user__start(&vu, 1ULL << 32, rings, 2) == 0)
		(void)vhost_user__stop_ring(&vu, 1);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
