#!/usr/bin/env bats
# The bundled VMM as sandboxd's VMM (vmm = builtin), on this host's real
# KVM with the freestanding test guests of tests/guests/.

load helpers/common
load helpers/vm
load helpers/disk

setup() { common_setup; }
teardown() { vm_cleanup; common_teardown; }

# builtin_conf GUEST [KEY = VALUE lines...]: readiness = vmm unless a line
# says otherwise: of the test guests only `ready` announces itself.
builtin_conf() {
	local guest=$1
	shift
	{
		echo "name = b$BATS_TEST_NUMBER-$CHECKOUT_TAG"
		echo "vmm = builtin"
		echo "kernel = $ROOT/build/guests/$guest.elf"
		echo "memory = 32M"
		echo "runtime_dir = $T/run"
		echo "shutdown_timeout = 20"
		[[ " $* " == *" readiness = "* ]] || echo "readiness = vmm"
		printf '%s\n' "$@"
	} > "$T/vm.conf"
}

@test "vmm = builtin: the hello guest runs under sandboxd, readiness is notified, exit 0" {
	builtin_conf hello
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial "hello: Hello from the test guest"
	assert_equal "$(od -An -c "$T/ready" | tr -d ' ')" '\n'
	run cat "$T/log"
	assert_line --partial "vmm: guest running"
	assert_line --regexp "vmm: started as pid 2, uid $(($(vm_uid_base) + 1))$"
}

@test "vmm = builtin: SIGTERM becomes Ctrl-Alt-Del for the guest, which powers off (exit 0)" {
	builtin_conf cad
	vm_start
	wait_for_line "$T/console" "cad: READY" 60
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial "cad: Ctrl-Alt-Del"
}

@test "vmm = builtin: a guest that triple-faults ends the VM with 111" {
	builtin_conf triple
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 111
	run cat "$T/log"
	assert_line --partial "vmm: exited with status 1"
}

@test "vmm = builtin with accel = tcg is a config error (100) before anything starts" {
	builtin_conf hello "accel = tcg"
	run "$SANDBOXD" "$T/vm.conf"
	assert_equal "$status" 100
	assert_output --partial "vmm = builtin runs on KVM only"
	[ ! -e "$T/run" ]
}

@test "vmm = auto says which VMM it picked and why" {
	vm_conf "$(sbx_run true)"
	sed -i 's/^vmm = qemu$/vmm = auto/' "$T/vm.conf"
	if [[ -e /sys/module/kvm_intel || -e /sys/module/kvm_amd ]]; then
		expected="vmm: builtin (KVM has hardware virtualization)"
	else
		expected="vmm: qemu (without VT-x/SVM only QEMU's TCG runs a full guest kernel)"
	fi
	run "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	vm_start
	wait_for_line "$T/log" "vmm: (builtin|qemu) " 30
	vm_wait_exit 60
	run cat "$T/log"
	assert_line --partial "$expected"
}

@test "vmm = builtin: disks reach the VMM as fds, so its uid needs no access to the files" {
	make_disk "$T/rw.img"
	make_disk "$T/ro.img"
	cp "$T/rw.img" "$T/rw.orig"
	chmod 0600 "$T/rw.img" "$T/ro.img"
	builtin_conf blk "disk = $T/rw.img" "disk = $T/ro.img:ro" "cmdline = console=ttyS0"
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line "blk: disk0 wrote sector 5, read back ok"
	assert_line "blk: disk1 write to read-only disk: status 1"
	assert_line "blk: done"
	assert_equal "$(sector "$T/rw.img" 5 | sort -u)" "SBX wrote  0005"
	cmp "$T/ro.img" <(cat "$T/rw.orig")
}

@test "vmm = builtin runs under profiles/builtin-vmm, then its own two filters: three on every thread" {
	builtin_conf cad "vcpus = 2"
	vm_start
	wait_for_line "$T/console" "cad: READY" 60
	local vmm task n=0 flags
	vmm=$(vm_vmm_pid)
	for task in /proc/"$vmm"/task/*; do
		# KVM's own worker thread (PF_USER_WORKER) carries no user code.
		flags=$(awk '{ sub(/.*\) /, ""); print $7 }' "$task/stat")
		((flags & 0x4000)) && continue
		run grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters|CapEff|CapPrm|CapBnd|CapAmb):' "$task/status"
		assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
		assert_line --regexp '^Seccomp:[[:space:]]+2$'
		# sandboxd's profile, the VMM's process filter, its thread role's.
		assert_line --regexp '^Seccomp_filters:[[:space:]]+3$'
		assert_line --regexp '^CapEff:[[:space:]]+0+$'
		assert_line --regexp '^CapBnd:[[:space:]]+0+$'
		n=$((n + 1))
	done
	assert_equal "$n" 3
	run cat "$T/log"
	assert_line --regexp "vmm: profile .*/profiles/builtin-vmm: [0-9]+ syscall rules \([0-9]+ BPF instructions\), [0-9]+ Landlock path rules, capabilities 0x0$"
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
}

@test "vmm = builtin, readiness = guest: ready once the guest's READY=1 comes on COM2, after a 100 kB line that is not it" {
	builtin_conf ready "readiness = guest" "cmdline = flood=100000"
	vm_start
	wait_for_line "$T/console" "ready: announced" 60
	wait_for_line "$T/log" "readiness: the guest sent READY=1" 30
	assert_equal "$(od -An -c "$T/ready" | tr -d ' ')" '\n'
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run grep -oE "vmm: guest running|readiness: waiting for the guest|readiness: the guest sent READY=1" "$T/log"
	assert_output "vmm: guest running
readiness: waiting for the guest
readiness: the guest sent READY=1"
}

@test "vmm = builtin, readiness = guest: 2 MB on COM2 without a newline neither stall the guest nor make it ready" {
	builtin_conf ready "readiness = guest" "ready_late = 0.5" "cmdline = flood=2000000 announce=0"
	vm_start
	# The guest got all of it out, and said nothing more.
	wait_for_line "$T/console" "ready: silent" 120
	wait_for_line "$T/log" "readiness: no READY=1 from the guest within ready_late = 0.500 s" 30
	[[ ! -s $T/ready ]] || fail "notified: $(od -c "$T/ready")"
	# PID 1 still answers: the stop request reaches the guest.
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	[[ ! -s $T/ready ]] || fail "notified: $(od -c "$T/ready")"
	run cat "$T/console"
	assert_line "ready: flooded 2000000 bytes"
	assert_line "ready: Ctrl-Alt-Del"
	run grep -c "readiness: the guest sent" "$T/log"
	assert_output 0
}
