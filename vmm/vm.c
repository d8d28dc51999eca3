/* The VM's lifecycle: one exit request, taken by the first device or vCPU
 * that asks, and an eventfd that wakes main's poll loop for it.  Any
 * thread may ask; only main ends the process. */
#include <errno.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vm.h"

static int exit_efd = -1;
static atomic_int exit_code = -1;

int vm__init(void)
{
	exit_efd = eventfd(0, EFD_CLOEXEC);
	return exit_efd < 0 ? -errno : 0;
}

void vm__request_exit(int code)
{
	int expected = -1;
	uint64_t one = 1;

	/* One write of 1 to a fresh eventfd cannot fail; if it did, main
	 * would never wake and the VM would hang with its vCPUs stopped, so
	 * this is the one place outside main that ends the process. */
	if (atomic_compare_exchange_strong(&exit_code, &expected, code) &&
	    write(exit_efd, &one, sizeof(one)) < 0)
		_exit(VMM_EXIT_SYSCALL);
}

bool vm__exiting(void)
{
	return atomic_load(&exit_code) >= 0;
}

int vm__exit_fd(void)
{
	return exit_efd;
}

int vm__exit_code(void)
{
	return atomic_load(&exit_code);
}
