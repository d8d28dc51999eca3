#include "vmm_driver.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "unix_socket.h"

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

void vmm_run_init(struct vmm_run *run, const struct plan *plan, bool dry_run)
{
	*run = (struct vmm_run){ .cfg = &plan->cfg, .kvm = plan->kvm, .binary = plan->vmm.binary,
				 .exec_argv = plan->exec_argv, .net = &plan->net, .ready_fd = -1,
				 .user_fd = -1,
				 .dry_run = dry_run };
	for (size_t i = 0; i < CONFIG_MAX_SHARES; i++)
		run->share_fds[i] = -1;
	service_init(&run->svc, &plan->vmm);
}

int vmm_readiness_port(struct vmm_run *run)
{
	int sv[2] = { -1, -1 };

	if (run->cfg->readiness != READINESS_GUEST)
		return 0;
	/* A socket, which QEMU's socket chardev needs; non-blocking both: the
	 * VMM drops what PID 1 has not read rather than stall the guest. */
	if (!run->dry_run &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return -1;
	run->ready_fd = sv[0];
	return vmm_pass_fd(run, sv[1]);
}

int vmm_pass_file(struct vmm_run *run, const char *path, int pinned, int flags)
{
	char self[32];
	int fd = -1, n;

	/* The pinned file itself, whatever its path names now. */
	snprintf(self, sizeof self, "/proc/self/fd/%d", pinned);
	if (!run->dry_run && (fd = open(self, flags | O_CLOEXEC)) < 0) {
		log_warn_errno(run->svc.name, "open %s", path);
		return -1;
	}
	n = vmm_pass_fd(run, fd);
	run->file_path[n - 3] = path;
	run->file_flags[n - 3] = flags;
	return n;
}

int vmm_pass_listener(struct vmm_run *run, const char *path)
{
	int fd = -1;

	if (!run->dry_run && (fd = unix_listen(path)) < 0) {
		log_warn_errno(run->svc.name, "create socket %s", path);
		return -1;
	}
	return vmm_pass_fd(run, fd);
}

int vmm_pass_pipe(struct vmm_run *run, int *read_end)
{
	int p[2] = { -1, -1 };

	if (!run->dry_run && pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*read_end = p[0];
	return vmm_pass_fd(run, p[1]);
}

int wait_status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_TEMPORARY;
}

/* The bundled VMM's virtio-mmio slots (vmm/vm.h): disks, shares and the
 * network device. */
#define BUILTIN_MAX_SHARES 4
#define BUILTIN_MAX_DEVICES 8

static bool builtin_fits(const struct config *cfg)
{
	return cfg->nshares <= BUILTIN_MAX_SHARES &&
	       cfg->ndisks + cfg->nshares + (cfg->net.kind != NET_NONE) <= BUILTIN_MAX_DEVICES;
}

static const struct vmm_driver *pick_driver(const struct config *cfg, bool exec, bool hw)
{
	if (exec)
		return &vmm_driver_exec;
	switch (cfg->vmm) {
	case VMM_QEMU:
		return &vmm_driver_qemu;
	case VMM_AUTO:
		if (hw && !builtin_fits(cfg)) {
			log_info(NULL, "vmm: qemu (the builtin VMM has at most %d shares, %d devices)",
				 BUILTIN_MAX_SHARES, BUILTIN_MAX_DEVICES);
			return &vmm_driver_qemu;
		}
		log_info(NULL, "vmm: %s (%s)", hw ? "builtin" : "qemu",
			 hw ? "KVM has hardware virtualization" :
			      "without VT-x/SVM only QEMU's TCG runs a full guest kernel");
		return hw ? &vmm_driver_builtin : &vmm_driver_qemu;
	case VMM_BUILTIN:
		break;
	}
	if (!builtin_fits(cfg))
		die(EXIT_PERMANENT, NULL, "%s: vmm = builtin has at most %d shares and %d disks, "
		    "shares and network together: use vmm = qemu", cfg->file, BUILTIN_MAX_SHARES,
		    BUILTIN_MAX_DEVICES);
	if (cfg->accel == ACCEL_TCG)
		die(EXIT_PERMANENT, NULL, "vmm = builtin runs on KVM only: accel = tcg is QEMU's");
	if (!hw)
		log_warn(NULL, "vmm: builtin on a KVM without VT-x/SVM: freestanding guests run, "
			 "a Linux kernel will not boot");
	return &vmm_driver_builtin;
}

const struct vmm_driver *vmm_driver_select(const struct config *cfg, bool exec, bool *kvm)
{
	const bool hw = host_has_hw_virt();
	const struct vmm_driver *drv;

	if (cfg->accel == ACCEL_KVM && !hw)
		die(EXIT_PERMANENT, NULL, "accel = kvm, but /dev/kvm has no VT-x/SVM here (no kvm_intel or kvm_amd module)");
	*kvm = cfg->accel == ACCEL_KVM || (cfg->accel == ACCEL_AUTO && hw);
	drv = pick_driver(cfg, exec, hw);
	if (drv == &vmm_driver_qemu && cfg->accel == ACCEL_AUTO)
		log_info(NULL, "accel: %s (%s)", hw ? "kvm" : "tcg",
			 hw ? "KVM has hardware virtualization" :
			      "no kvm_intel/kvm_amd: KVM here cannot run a full guest kernel");
	return drv;
}
