/* KVM system and VM setup.  Every capability the VMM relies on is checked
 * up front so that a host lacking one fails with one clear line. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest_mem.h"
#include "kvm.h"
#include "vmm.h"

struct kvm kvm = { .sys_fd = -1, .vm_fd = -1 };

/* Three pages above guest RAM (at most 3 GiB), below the BIOS area at 4G-256K. */
#define KVM_TSS_ADDR 0xfffbd000UL
#define KVM_MAX_CPUID_ENTRIES 256

static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
	{ KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD" },
	{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
};

static int kvm__get_cpuid(void)
{
	struct kvm_cpuid2 *c;

	c = calloc(1, sizeof(*c) + KVM_MAX_CPUID_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		return error__syscall(ENOMEM, "allocate cpuid table");
	c->nent = KVM_MAX_CPUID_ENTRIES;
	if (ioctl(kvm.sys_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		int err = error__syscall(errno, "/dev/kvm: KVM_GET_SUPPORTED_CPUID");

		free(c);
		return err;
	}
	kvm.cpuid = c;
	return 0;
}

int kvm__open(void)
{
	unsigned int i;
	int v;

	kvm.sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm.sys_fd < 0)
		return error__record(errno == ENOENT || errno == EACCES || errno == ENXIO ||
					     errno == ENODEV ? VMM_EXIT_USAGE : VMM_EXIT_SYSCALL,
				     errno, true, "open /dev/kvm");
	v = ioctl(kvm.sys_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION)
		return error__usage(ENOTSUP, "/dev/kvm: API version %d, need %d", v, KVM_API_VERSION);
	for (i = 0; i < ARRAY_SIZE(required_caps); i++)
		if (ioctl(kvm.sys_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return error__usage(ENOTSUP, "/dev/kvm: missing capability %s",
					    required_caps[i].name);
	kvm.max_vcpus = ioctl(kvm.sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (kvm.max_vcpus <= 0)
		kvm.max_vcpus = ioctl(kvm.sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (kvm.max_vcpus <= 0)
		kvm.max_vcpus = 1;
	kvm.run_size = ioctl(kvm.sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (kvm.run_size <= 0)
		return error__syscall(errno, "/dev/kvm: KVM_GET_VCPU_MMAP_SIZE");
	return kvm__get_cpuid();
}

int kvm__create_vm(uint64_t mem_size)
{
	struct kvm_pit_config pit = { .flags = 0 };
	struct kvm_userspace_memory_region region;
	int err;

	kvm.vm_fd = ioctl(kvm.sys_fd, KVM_CREATE_VM, 0);
	if (kvm.vm_fd < 0)
		return error__syscall(errno, "/dev/kvm: KVM_CREATE_VM");
	if (ioctl(kvm.vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		return error__syscall(errno, "KVM_SET_TSS_ADDR");
	if (ioctl(kvm.vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return error__syscall(errno, "KVM_CREATE_IRQCHIP");
	if (ioctl(kvm.vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return error__syscall(errno, "KVM_CREATE_PIT2");

	err = guest_mem__init(mem_size);
	if (err < 0)
		return error__syscall(-err, "guest RAM of %llu MiB",
				      (unsigned long long)(mem_size / MiB));
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
		.userspace_addr = (uintptr_t)guest_mem.base,
	};
	if (ioctl(kvm.vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return error__syscall(errno, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

void kvm__irq_line(unsigned int irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(kvm.vm_fd, KVM_IRQ_LINE, &l) < 0)
		warn_errno("KVM_IRQ_LINE %u", irq);
}

void kvm__irq_pulse(unsigned int irq)
{
	kvm__irq_line(irq, 1);
	kvm__irq_line(irq, 0);
}
