/* The VMM's own seccomp filters, installed in two steps once set-up is done
 * and before the first KVM_RUN (vmm/seccomp.c has the allowlists). */
#ifndef VMM_SECCOMP_H
#define VMM_SECCOMP_H

/* What a thread does once the guest runs. */
enum seccomp_role {
	SECCOMP_ROLE_MAIN,	/* the poll loop: stdin, SIGTERM, the end of the VM */
	SECCOMP_ROLE_VCPU,	/* KVM_RUN and the devices its exits reach, disk I/O included */
};

/* Step 1, on the main thread once every vCPU thread exists: set
 * no_new_privs and install the union of all roles on every thread at once
 * (TSYNC). -errno, recorded (vmm.h error__*), if the kernel refuses or a
 * thread cannot take it. */
int seccomp__lock_process(void);

/* Step 2, on each thread after step 1: add the filter of ROLE for this
 * thread only. -errno (not recorded: vCPU threads call it). */
int seccomp__lock_thread(enum seccomp_role role);

#endif
