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

/* Open /dev/kvm and check what the VMM needs; no VM yet.  Exits 100 naming
 * what is missing, 111 when a syscall fails. */
void kvm__open(void);

/* Create the VM with irqchip, PIT and MEM_SIZE bytes of RAM; exits on error. */
void kvm__create_vm(uint64_t mem_size);

/* Set an interrupt line of the in-kernel PIC/IOAPIC; pulse for edge. */
void kvm__irq_line(unsigned int irq, int level);
void kvm__irq_pulse(unsigned int irq);

#endif
