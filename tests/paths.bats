#!/usr/bin/env bats
# The host paths a config names: the runtime dir is made and removed by
# sandboxd only; shares, disks, kernel and initrd are pinned without
# following symlinks; system directories are refused. Each case is refused
# by --check exactly as by a start, and changes nothing.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/confine

setup() { confine_setup; }
teardown() { confine_teardown; }

# refused LINE-REGEX: --check and a start both exit 100 with a FILE:LINE
# message matching LINE-REGEX, and nothing runs.
refused() {
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	grep -qE -- "$T/vm.conf:[0-9]+: $1" <<< "$stderr" || fail "check said: $stderr"
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$PROBE" ids
	assert_equal "$status" 100
	grep -qE -- "$T/vm.conf:[0-9]+: $1" <<< "$stderr" || fail "start said: $stderr"
	refute_output --partial "ids: uid="
}

# with_rundir DIR: $T/vm.conf with runtime_dir = DIR.
with_rundir() {
	sed -i "s|^runtime_dir = .*|runtime_dir = $1|" "$T/vm.conf"
}

@test "paths: runtime_dir that exists and was not made by sandboxd is refused and kept" {
	mkdir "$T/run"
	refused "runtime_dir: '$T/run' exists and was not made by sandboxd for vm $VM_NAME"
	[[ -d $T/run ]]
}

@test "paths: runtime_dir in /proc, /sys, /dev or a system directory is refused" {
	local d
	for d in /etc /run /usr/bin /tmp /proc/x /sys/x /dev/x /var/lib /; do
		with_rundir "$d"
		if [[ $d == / ]]; then
			# config.c already refuses /, before the plan.
			run "$SANDBOXD" --check "$T/vm.conf"
			assert_equal "$status" 100
			continue
		fi
		refused "runtime_dir: '$d' is (in |above )?/[a-z/]*, a host system directory"
	done
}

@test "paths: runtime_dir at or above a share, a disk or the kernel is refused" {
	mkdir -p "$T/s/inner"
	conf_add "share = x:$T/s/inner:ro"
	with_rundir "$T/s"
	refused "runtime_dir: '$T/s' is, holds or lies in $T/s/inner, a path of the VM"
	with_rundir "$T/s/inner"
	refused "runtime_dir: '$T/s/inner' is, holds or lies in $T/s/inner"
}

@test "paths: a nested runtime_dir is made with its parents, and exactly those are removed" {
	mkdir "$T/keep"
	with_rundir "$T/keep/a/b/run"
	probe -- ids
	assert_success
	[[ -d $T/keep && ! -e $T/keep/a ]]
}

@test "paths: a runtime dir left by a killed instance is removed at the next start, and the log says so" {
	vm_conf "$(sbx_run 'true')"
	vm_start
	wait_for_line "$T/log" "vmm: started as pid" 30
	# SIGKILL to the outer: it cannot remove the runtime dir; PID 1 ends
	# the VM (its death signal during the start, its lifeline once the
	# guest runs) and cannot either: the dir stays, marked as ours.
	kill -KILL "$VM_PID"
	vm_wait_exit 30
	[[ -d $T/run ]]
	assert_equal "$(getfattr --absolute-names --only-values -n trusted.sandboxd "$T/run")" \
		"$VM_NAME"
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$PROBE" ids
	assert_success
	grep -q "runtime dir: removed $T/run, left by an instance that was killed" <<< "$stderr"
	[[ ! -e $T/run ]]
}

@test "paths: a symlink anywhere in a share, disk, kernel or initrd path is a FILE:LINE error" {
	mkdir -p "$T/real/share"
	ln -s real "$T/link"
	truncate -s 1M "$T/real/disk.img"
	local line
	for line in "share = s:$T/link/share:rw" "disk = $T/link/disk.img" "kernel = $T/link/vmlinuz"; do
		vm_conf ""
		cp "$GUEST_KERNEL" "$T/real/vmlinuz"
		if [[ $line == kernel* ]]; then
			sed -i "s|^kernel = .*|$line|" "$T/vm.conf"
		else
			conf_add "$line"
		fi
		run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
		assert_equal "$status" 100
		grep -qE "vm.conf:[0-9]+: [a-z]+: '$T/link/[a-z.]+': a symlink is in its path" <<< "$stderr" ||
			fail "$line: $stderr"
	done
}

@test "paths: a share path swapped for a symlink to /etc between two starts is refused" {
	mkdir "$T/data"
	conf_add "share = d:$T/data:rw"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	# Its owner swaps it.
	rmdir "$T/data"
	ln -s /etc "$T/data"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	grep -q "share: '$T/data': a symlink is in its path" <<< "$stderr"
}

@test "paths: a share or rw disk of / or a system directory is refused unless allow_system_path=yes" {
	local p
	for p in / /etc /usr /boot /proc /sys /dev /run /var/lib /usr/share; do
		vm_conf "" "share = s:$p:ro"
		run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
		assert_equal "$status" 100
		grep -qE "vm.conf:[0-9]+: share: '$p' is( in| above)? /[a-z/]*: refused \(allow_system_path=yes" \
			<<< "$stderr" || fail "$p: $stderr"
	done
	vm_conf "" "disk = /etc/shadow:rw"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	grep -q "disk: '/etc/shadow' is in /etc: refused" <<< "$stderr"
	# Read-only, a disk may be anywhere; the option allows the rest.
	vm_conf "" "disk = /etc/hostname:ro" "share = s:/etc:ro:allow_system_path=yes"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
}
