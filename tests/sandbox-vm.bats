#!/usr/bin/env bats
# A real Debian guest under sandboxd (QEMU: TCG here, KVM with VT-x/SVM):
# boot, readiness, sbx.run, graceful and forced shutdown, VMM crash.

load helpers/common
load helpers/vm

setup() { common_setup; }
teardown() { vm_cleanup; common_teardown; }

@test "the guest boots under sandboxd, s6 readiness is notified, and it powers off with exit 0" {
	vm_conf "$(sbx_run true)"
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial SBX-GUEST-READY
	assert_line --partial "SBX-EXIT 0"
	# One newline on the notification fd, written once QMP said "running".
	assert_equal "$(od -An -c "$T/ready" | tr -d ' ')" '\n'
	run cat "$T/log"
	assert_line --partial "vmm: guest running"
	assert_line --partial "vm stopped, exit status 0"
}

@test "sbx.run output and exit status come back on the console" {
	vm_conf "$(sbx_run 'echo hello from $(uname -s); exit 3')"
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial "hello from Linux"
	assert_line --partial "SBX-EXIT 3"
}

@test "SIGTERM shuts the guest down gracefully: SBX-SHUTDOWN, exit 0" {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial SBX-SHUTDOWN
	run cat "$T/log"
	assert_line --partial "shutdown requested"
}

@test "a guest that ignores the shutdown is asked again every 2 s, then killed at the timeout (exit 99)" {
	vm_conf "sbx.ignore_shutdown=1" "shutdown_timeout = 5"
	sed -i '/^shutdown_timeout = 20$/d' "$T/vm.conf"
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 99
	run cat "$T/console"
	refute_line --partial "SBX-SHUTDOWN"$'\r'
	# Requests at 0, 2 and 4 s: the guest saw each of them.
	[[ $(grep -c SBX-SHUTDOWN-IGNORED "$T/console") -ge 3 ]]
	run cat "$T/log"
	assert_line --partial "power-off request 1 to the guest"
	assert_line --partial "power-off request 3 to the guest"
	refute_line --partial "power-off request 4 to the guest"
	assert_line --partial "did not power off within the shutdown timeout (3 requests)"
	assert_line --partial "vmm: killed by signal 9"
	assert_line --partial "vm stopped, exit status 99"
}

@test "a VMM killed from outside sandboxd is 128+N, said as such, not the timeout's 99" {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	kill -KILL "$(vm_vmm_pid)"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 137
	run cat "$T/log"
	assert_line --partial "vmm: killed by signal 9, not sent by sandboxd"
	refute_line --partial "shutdown requested"
}

@test "a VMM that crashes ends the VM with a non-zero status" {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	kill -SEGV "$(vm_vmm_pid)"
	vm_wait_exit 30
	assert_equal "$VM_STATUS" 139
	run cat "$T/log"
	assert_line --partial "vmm: killed by signal 11"
}

@test "disks: the guest writes a read-write disk and reads a read-only one, both root-only files" {
	printf 'read-only disk %s\n' {1..20} > "$T/ro.img"
	truncate -s 1M "$T/ro.img" "$T/rw.img"
	chmod 0600 "$T/ro.img" "$T/rw.img"
	vm_conf "$(sbx_run 'head -c 15 /dev/vdb; echo; echo written-by-guest | dd of=/dev/vda conv=fsync 2>/dev/null; echo rw=$?; echo x | dd of=/dev/vdb 2>/dev/null; echo ro=$?')" \
		"disk = $T/rw.img" "disk = $T/ro.img:ro"
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial "read-only disk"
	assert_line --partial "rw=0"
	refute_line --partial "ro=0"
	assert_equal "$(head -c 16 "$T/rw.img")" "written-by-guest"
	assert_equal "$(head -c 15 "$T/ro.img")" "read-only disk "
}

@test "every layer on: QEMU runs its profile (Landlock, seccomp, no caps) and its own -sandbox filter" {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	vmm=$(vm_vmm_pid)
	for task in /proc/"$vmm"/task/*; do
		run grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters|CapEff|CapPrm|CapBnd|CapAmb):' "$task/status"
		assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
		assert_line --regexp '^Seccomp:[[:space:]]+2$'
		# sandboxd's profile, then QEMU's -sandbox on top of it.
		assert_line --regexp '^Seccomp_filters:[[:space:]]+([2-9]|[1-9][0-9]+)$'
		assert_line --regexp '^CapEff:[[:space:]]+0+$'
		assert_line --regexp '^CapBnd:[[:space:]]+0+$'
	done
	run cat "$T/log"
	assert_line --regexp "vmm: profile .*/profiles/qemu: [0-9]+ syscall rules \([0-9]+ BPF instructions\), [0-9]+ Landlock path rules, capabilities 0x0$"
	assert_line --partial "landlock: ABI"
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
}
