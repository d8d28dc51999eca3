/* The VM as a whole: its configuration (from main's arguments) and its
 * lifecycle.  Devices and vCPUs ask for the VM to end through
 * vm__request_exit; main waits on vm__exit_fd and decides to die. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

/* Guest RAM the VMM accepts: the fixed low-memory layout (boot.h) must fit
 * the smallest, and RAM ends below the MMIO window at 0xd0000000. */
#define VM_MEM_MIN (16 * MiB)
#define VM_MEM_MAX (3072 * MiB)

/* A disk given with --disk. */
struct disk_cfg {
	const char *path;
	bool ro;
};

#define VMM_MAX_DISKS 8

/* A virtio-fs share given with --fs tag=TAG,fd=N: N is a connected
 * vhost-user socket to its backend (virtiofsd). */
struct fs_cfg {
	const char *tag;
	int fd;
};

#define VMM_MAX_SHARES 4
#define VIRTIO_FS_TAG_MAX 36

/* The network device given with --net fd=N[,mac=M][,mode=tap|stream]: N is
 * a tap (IFF_TAP|IFF_NO_PI, with or without IFF_VNET_HDR), one frame per
 * read and write, or a connected stream socket carrying frames each behind
 * a 4-byte big-endian length (QEMU's -netdev stream, passt's --fd). */
enum net_mode { NET_MODE_TAP, NET_MODE_STREAM };

struct net_cfg {
	int fd;			/* -1: no network device */
	enum net_mode mode;
	uint8_t mac[6];
};

struct vm_cfg {
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	const char *console;
	uint64_t mem_size;
	int vcpus;
	int ready_fd;
	int com2_fd;		/* --com2-fd, -1: no COM2 */
	int ndisks;
	struct disk_cfg disks[VMM_MAX_DISKS];
	int nshares;
	struct fs_cfg shares[VMM_MAX_SHARES];
	struct net_cfg net;
};

/* Create the exit eventfd; before any device or vCPU can ask.  -errno. */
int vm__init(void);

/* Ask for the VM to end with CODE (VMM_EXIT_*); the first request wins.
 * Safe from any thread; the caller simply stops afterwards. */
void vm__request_exit(int code);

/* True once an exit was requested: vCPUs stop instead of re-entering. */
bool vm__exiting(void);

/* Readable once an exit was requested: for main's poll loop. */
int vm__exit_fd(void);

/* The code of the first request; -1 if there was none. */
int vm__exit_code(void);

#endif
