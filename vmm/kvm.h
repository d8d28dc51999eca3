/* The VM: /dev/kvm, its capabilities, the in-kernel irqchip and PIT, RAM. */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <linux/kvm.h>

struct kvm {
	int sys_fd;
	int vm_fd;
	int run_size;		/* of each vCPU's kvm_run mapping */
	int max_vcpus;
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID, unfiltered */
};

extern struct kvm kvm;

/* Open /dev/kvm and check what the VMM needs; no VM yet.  -errno, with a
 * usage error recorded naming what is missing (vmm.h error__*). */
int kvm__open(void);

/* Create the VM with irqchip, PIT and MEM_SIZE bytes of RAM; -errno. */
int kvm__create_vm(uint64_t mem_size);

/* Set an interrupt line of the in-kernel PIC/IOAPIC; pulse for edge. */
void kvm__irq_line(unsigned int irq, int level);
void kvm__irq_pulse(unsigned int irq);

#endif
