#!/usr/bin/env bats
# What a service sees inside sandboxd's namespaces, and that nothing of a VM
# outlives sandboxd however it dies.

load helpers/common
load helpers/vm
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { vm_cleanup; common_teardown; }

# Runs CMD as the VMM service of $T/vm.conf (sandboxd --exec).
in_sandbox() {
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- /bin/sh -c "$1"
}

@test "a service is not PID 1 and sees only the sandbox's processes" {
	vm_conf ""
	in_sandbox 'echo "me=$$"; for p in /proc/[0-9]*; do echo "proc ${p#/proc/} $(cat $p/comm)"; done'
	assert_success
	assert_line "me=2"
	assert_line "proc 1 sandboxd"
	assert_line --regexp "^proc 2 (sh|dash)$"
	# Nothing else: the host's processes (this bats among them) are invisible.
	refute_line --regexp '^proc ([3-9]|[1-9][0-9]+) (bats|bash|systemd|init|sshd)'
	[ "$(grep -c '^proc ' <<< "$output")" -le 3 ]
}

@test "a service runs under its own uid and gid, without groups, with no_new_privs" {
	vm_conf "" "uid_base = 3000000" "gid_base = 3100000"
	in_sandbox 'id -u; id -g; id -G; grep -E "^(NoNewPrivs|CapEff)" /proc/self/status'
	assert_success
	assert_line 3000001
	assert_line 3100001
	refute_line --regexp '^[0-9]+ [0-9]+'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
}

@test "a service's /tmp and /dev/shm are private tmpfs, and the host rootfs is read-only" {
	touch "/tmp/host-marker-$BATS_TEST_NUMBER.$$"
	vm_conf "" "tmpfs_size = 8M"
	in_sandbox "ls -A /tmp /dev/shm; touch /tmp/mine /dev/shm/mine && echo tmp-writable;
		touch /usr/sandboxd-test 2>&1; grep -E ' /(tmp|dev/shm) ' /proc/self/mounts"
	rm -f "/tmp/host-marker-$BATS_TEST_NUMBER.$$"
	assert_success
	refute_output --partial host-marker
	assert_line tmp-writable
	assert_output --partial "Read-only file system"
	assert_line --regexp "^tmpfs /tmp tmpfs rw,nosuid,nodev,noexec,.*size=8192k,mode=700,uid=$(($(vm_uid_base) + 1))"
	assert_line --regexp '^tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec,.*size=8192k'
	[ ! -e /tmp/mine ] && [ ! -e /dev/shm/mine ] && [ ! -e /usr/sandboxd-test ]
}

@test "the sandbox has a fresh /dev with only the basic nodes" {
	vm_conf ""
	in_sandbox 'ls /dev'
	assert_success
	assert_equal "$(tr '\n' ' ' <<< "$output")" "fd full null random shm tty urandom zero "
}

@test "the QEMU service: not PID 1, its own uid, its own /tmp" {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	vmm=$(vm_vmm_pid)
	uid=$(($(vm_uid_base) + 1))
	run grep -E '^(NSpid|Uid|Gid|Groups):' "/proc/$vmm/status"
	assert_line --regexp "^NSpid:[[:space:]]+$vmm[[:space:]]+2$"
	assert_line --regexp "^Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid$"
	assert_line --regexp '^Groups:[[:space:]]*$'
	run grep -E ' /(tmp|dev/shm) ' "/proc/$vmm/mountinfo"
	assert_line --regexp " /tmp rw,nosuid,nodev,noexec,.* - tmpfs tmpfs rw,.*uid=$uid"
	assert_line --regexp " /dev/shm rw,nosuid,nodev,noexec,.* - tmpfs tmpfs rw,.*uid=$uid"
	run ls -A "/proc/$vmm/root/tmp"
	assert_output ""
	# The runtime dir is a tmpfs of the VM's own: the QMP socket is there
	# for PID 1, and nothing is on the host.
	run ls -A "/proc/$(vm_pid1)/root$T/run"
	assert_output qmp.sock
	run ls -A "$T/run"
	assert_output ""
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
}

# no_trace PIDS...: none of PIDS runs any more, and no process on the host
# has a mount of the VM's runtime dir.
no_trace() {
	for p in "$@"; do
		process_gone "$p" || { echo "pid $p still runs"; return 1; }
	done
	! grep -ls " $T/run " /proc/[0-9]*/mountinfo
}

@test "SIGKILL to the outer sandboxd leaves no process and no mount behind" {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60
	pid1=$(vm_pid1) vmm=$(vm_vmm_pid)
	kill -KILL "$VM_PID"
	wait_for_exit "$VM_PID" 10
	# PID 1 sees its lifeline hang up, kills the namespace's processes,
	# removes the VM's cgroups and exits.
	wait_for_exit "$pid1" 10
	wait_for_exit "$vmm" 10
	no_trace "$VM_PID" "$pid1" "$vmm"
}

@test "death of sandboxd's parent leaves no process and no mount behind" {
	vm_conf ""
	: > "$T/ready"
	bash -c '"$1" --notify-fd 3 "$2" > "$3/console" 2> "$3/log" 3> "$3/ready" < /dev/null & wait' \
		parent "$SANDBOXD" "$T/vm.conf" "$T" &
	parent=$!
	wait_for_line "$T/console" SBX-GUEST-READY 60
	VM_PID=$(pgrep -P "$parent")
	pid1=$(vm_pid1) vmm=$(vm_vmm_pid)
	kill -KILL "$parent"
	wait_for_exit "$VM_PID" 10
	wait_for_exit "$pid1" 10
	wait_for_exit "$vmm" 10
	no_trace "$VM_PID" "$pid1" "$vmm"
}

@test "a parent already gone (--parent-pid not our parent) is exit 111 before anything starts" {
	vm_conf ""
	# A supervisor that has exited: a pid that is nobody's now.
	true &
	local gone=$!
	wait "$gone"
	run "$SANDBOXD" --parent-pid "$gone" "$T/vm.conf"
	assert_equal "$status" 111
	assert_output --partial "parent $gone is gone"
	[ ! -e "$T/run" ]
	# --parent-pid 1 is a usage error (init is every orphan's parent).
	run "$SANDBOXD" --parent-pid 1 "$T/vm.conf"
	assert_equal "$status" 100
	assert_output --partial "--parent-pid 1: give the supervisor's pid"
}
