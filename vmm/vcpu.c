/* vCPU threads.  An exit the VMM cannot continue from ends the VM through
 * vm__request_exit: crashes with their registers on stderr (exit 1), guest
 * power-off and reset with 0, a failed KVM_RUN with 111. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bus.h"
#include "kvm.h"
#include "seccomp.h"
#include "vcpu.h"
#include "vm.h"
#include "vmm.h"

static pthread_barrier_t *start_barrier;

static int vcpu__set_cpuid(struct vcpu *v, int ncpus)
{
	size_t sz = sizeof(*kvm.cpuid) + kvm.cpuid->nent * sizeof(kvm.cpuid->entries[0]);
	struct kvm_cpuid2 *c = malloc(sz);
	unsigned int i;
	int err = 0;

	if (!c)
		return -ENOMEM;
	memcpy(c, kvm.cpuid, sz);
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:		/* initial APIC id, logical CPU count, HTT */
			e->ebx = (e->ebx & 0xffff) | ((uint32_t)v->id << 24) |
				 ((uint32_t)(ncpus & 0xff) << 16);
			if (ncpus > 1)
				e->edx |= 1u << 28;
			break;
		case 0xb:	/* x2APIC id of this CPU */
		case 0x1f:
			e->edx = (uint32_t)v->id;
			break;
		}
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		err = -errno;
	free(c);
	return err;
}

int vcpu__create(struct vcpu *v, int id, int ncpus)
{
	int err;

	v->id = id;
	v->fd = ioctl(kvm.vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		return -errno;
	v->run = mmap(NULL, (size_t)kvm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		err = -errno;
		goto fail_close;
	}
	err = vcpu__set_cpuid(v, ncpus);
	if (err < 0)
		goto fail_unmap;
	return 0;
fail_unmap:
	munmap(v->run, (size_t)kvm.run_size);
fail_close:
	close(v->fd);
	return err;
}

static void vcpu__seg_flat(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = !code64, .s = 1, .l = code64, .g = 1,
	};
}

int vcpu__setup_boot(struct vcpu *v, const struct boot_entry *b)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 2, .rip = b->rip, .rbx = b->rbx, .rsi = b->rsi };
	int code64 = b->mode == BOOT_LONG64;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	vcpu__seg_flat(&sregs.cs, 0x10, 0xb, code64);		/* execute/read, accessed */
	vcpu__seg_flat(&sregs.ds, 0x18, 0x3, 0);		/* read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr = (struct kvm_segment){
		.limit = 0x67, .selector = 0x20, .type = 0xb, .present = 1, /* busy 32-bit TSS */
	};
	sregs.gdt.base = b->gdt_base;
	sregs.gdt.limit = b->gdt_limit;
	sregs.cr0 = 0x11;				/* PE | ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (code64) {
		sregs.cr3 = b->cr3;
		sregs.cr4 = 1u << 5;			/* PAE */
		sregs.cr0 |= 1u << 31;			/* PG */
		sregs.efer = (1u << 8) | (1u << 10);	/* LME | LMA */
	}
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

static void vcpu__dump(struct vcpu *v)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		warn_errno("vcpu %d: read registers", v->id);
		return;
	}
	fprintf(stderr,
		"vmm: vcpu %d: rip=%016llx rsp=%016llx rflags=%016llx\n"
		"vmm: vcpu %d: rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
		"vmm: vcpu %d: rsi=%016llx rdi=%016llx rbp=%016llx\n"
		"vmm: vcpu %d: cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx efer=%016llx\n"
		"vmm: vcpu %d: cs=%04x base=%016llx l=%d db=%d\n",
		v->id, r.rip, r.rsp, r.rflags, v->id, r.rax, r.rbx, r.rcx, r.rdx,
		v->id, r.rsi, r.rdi, r.rbp, v->id, s.cr0, s.cr2, s.cr3, s.cr4, s.efer,
		v->id, s.cs.selector, s.cs.base, s.cs.l, s.cs.db);
}

static void vcpu__crash(struct vcpu *v, const char *what)
{
	warnx("vcpu %d: %s", v->id, what);
	vcpu__dump(v);
	vm__request_exit(VMM_EXIT_CRASH);
}

static void vcpu__io(struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size)
		bus__access(BUS_PIO, run->io.port, data, run->io.size,
			    run->io.direction == KVM_EXIT_IO_OUT);
}

/* 0 to keep running, 1 when this vCPU is done. */
static int vcpu__handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char what[96];

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu__io(run);
		return 0;
	case KVM_EXIT_MMIO:
		bus__access(BUS_MMIO, run->mmio.phys_addr, run->mmio.data,
			    run->mmio.len > 8 ? 8 : run->mmio.len, run->mmio.is_write);
		return 0;
	case KVM_EXIT_INTR:
	case KVM_EXIT_HLT:
		return 0;
	case KVM_EXIT_SHUTDOWN:
		vcpu__crash(v, "triple fault");
		return 1;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_CRASH) {
			vcpu__crash(v, "guest crash event");
			return 1;
		}
		vm__request_exit(VMM_EXIT_OK);
		return 1;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "KVM internal error, suberror %u%s",
			 run->internal.suberror,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
				 " (emulation failure)" : "");
		vcpu__crash(v, what);
		return 1;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "VM entry failed, reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		vcpu__crash(v, what);
		return 1;
	default:
		snprintf(what, sizeof(what), "unexpected exit reason %u", run->exit_reason);
		vcpu__crash(v, what);
		return 1;
	}
}

static void *vcpu__thread(void *arg)
{
	struct vcpu *v = arg;
	int err;

	/* running; the process filter is in; every role filter is in (a
	 * failed one passes the barrier too, or main would wait forever) */
	pthread_barrier_wait(start_barrier);
	pthread_barrier_wait(start_barrier);
	err = seccomp__lock_thread(SECCOMP_ROLE_VCPU);
	pthread_barrier_wait(start_barrier);
	if (err < 0) {
		errno = -err;
		warn_errno("vcpu %d: seccomp: install the vCPU thread's filter", v->id);
		vm__request_exit(VMM_EXIT_SYSCALL);
		return NULL;
	}
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warn_errno("vcpu %d: KVM_RUN", v->id);
			vm__request_exit(VMM_EXIT_SYSCALL);
			return NULL;
		}
		if (vcpu__handle_exit(v) || vm__exiting())
			return NULL;
	}
}

int vcpu__start(struct vcpu *v, pthread_barrier_t *start)
{
	start_barrier = start;
	return -pthread_create(&v->thread, NULL, vcpu__thread, v);
}
