#include "vmm_driver.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

bool host_has_hw_virt(void)
{
	return access("/dev/kvm", R_OK | W_OK) == 0 &&
	       (access("/sys/module/kvm_intel", F_OK) == 0 ||
		access("/sys/module/kvm_amd", F_OK) == 0);
}

int vmm_pass_fd(struct vmm_run *run, int fd)
{
	struct service *s = &run->svc;

	if (s->nfds == SERVICE_MAX_FDS)
		die(EXIT_PERMANENT, s->name, "too many files to pass");
	s->fds[s->nfds] = fd;
	return 3 + (int)s->nfds++;
}

int vmm_pass_file(struct vmm_run *run, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0) {
		log_warn_errno(run->svc.name, "open %s", path);
		return -1;
	}
	return vmm_pass_fd(run, fd);
}

int wait_status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_TEMPORARY;
}

const struct vmm_driver *vmm_driver_select(const struct config *cfg, struct vmm_run *run)
{
	const bool hw = host_has_hw_virt();

	switch (cfg->accel) {
	case ACCEL_KVM:
		if (!hw)
			die(EXIT_PERMANENT, NULL, "accel = kvm, but /dev/kvm has no VT-x/SVM here (no kvm_intel or kvm_amd module)");
		run->kvm = true;
		break;
	case ACCEL_TCG:
		run->kvm = false;
		break;
	case ACCEL_AUTO:
		run->kvm = hw;
		log_info(NULL, "accel: %s (%s)", hw ? "kvm" : "tcg",
			 hw ? "KVM has hardware virtualization" :
			      "no kvm_intel/kvm_amd: KVM here cannot run a full guest kernel");
		break;
	}
	if (run->exec_argv)
		return &vmm_driver_exec;
	switch (cfg->vmm) {
	case VMM_QEMU:
		return &vmm_driver_qemu;
	case VMM_AUTO:
		log_info(NULL, "vmm: qemu (the bundled VMM is not built yet)");
		return &vmm_driver_qemu;
	case VMM_BUILTIN:
		break;
	}
	die(EXIT_PERMANENT, NULL, "vmm = builtin: the bundled VMM is not available in this build");
}
