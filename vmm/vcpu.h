/* vCPUs: one thread each, running KVM_RUN and dispatching exits. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <pthread.h>
#include <stdint.h>

/* How the boot CPU starts: filled in by a loader (boot.h). */
enum boot_mode {
	BOOT_PROTECTED32,	/* PVH: flat 32-bit protected mode, paging off */
	BOOT_LONG64,		/* Linux 64-bit boot protocol: identity-mapped long mode */
};

struct boot_entry {
	enum boot_mode mode;
	uint64_t rip;
	uint64_t rbx;		/* PVH: start_info */
	uint64_t rsi;		/* 64-bit protocol: boot_params */
	uint64_t cr3;		/* BOOT_LONG64: page tables */
	uint64_t gdt_base;
	uint16_t gdt_limit;
};

struct vcpu {
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
};

/* Create vCPU ID of NCPUS (its CPUID names its APIC id); -errno. */
int vcpu__create(struct vcpu *v, int id, int ncpus);

/* Registers of the boot CPU; the others wait for INIT/SIPI. -errno. */
int vcpu__setup_boot(struct vcpu *v, const struct boot_entry *b);

/* Start the threads. Each passes START three times with the main thread
 * (running; process filter in; its own role filter in: main.c), then
 * enters KVM_RUN. */
int vcpu__start(struct vcpu *v, pthread_barrier_t *start);

#endif
