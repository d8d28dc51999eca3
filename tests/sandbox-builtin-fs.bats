#!/usr/bin/env bats
# The bundled VMM serves a share under sandboxd: the fs test guest's FUSE
# requests go guest -> virtqueue -> the share's confined virtiofsd over the
# vhost-user connection PID 1 made, never through the VMM, whose profile
# and own filters keep no xattr syscall and no share path.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/seccomp

XATTR=(setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr
	flistxattr removexattr lremovexattr fremovexattr)

setup() {
	common_setup
	[[ -e /dev/kvm ]] || skip "no /dev/kvm: the bundled VMM runs on KVM only"
	mkdir "$T/share"
	echo "written by the host" > "$T/share/hostfile"
}

teardown() { vm_cleanup; common_teardown; }

# fs_conf SHARE-MODE [CMDLINE]: the fs guest on the bundled VMM with the
# share "myfs".
fs_conf() {
	{
		echo "name = $VM_NAME"
		echo "vmm = builtin"
		echo "kernel = $ROOT/build/guests/fs.elf"
		echo "memory = 32M"
		echo "runtime_dir = $T/run"
		echo "shutdown_timeout = 10"
		echo "share = myfs:$T/share:$1"
		[[ -z ${2:-} ]] || echo "cmdline = $2"
	} > "$T/vm.conf"
}

@test "builtin + share: the fs guest's workload through vhost-user to the confined virtiofsd, checked on the host" {
	fs_conf rw
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line 'fs: tag "myfs", 1 request queue'
	assert_line "fs: READ hostfile: written by the host"
	assert_line "fs: SETATTR dir/file: mode 100604, uid 1234, gid 5678, size 5, mtime 1000000000"
	assert_line "fs: SETXATTR, GETXATTR user.sandboxd: guest-value"
	assert_line "fs: done"
	refute_output --partial "FAIL"
	# On the host, as the guest left it.
	[[ $(stat -c '%a %u %g %s %Y' "$T/share/dir/renamed") == "604 1234 5678 5 1000000000" ]]
	[[ $(readlink "$T/share/dir/symlink") == renamed ]]
	assert_equal "$(getfattr --absolute-names --only-values -n user.sandboxd "$T/share/dir/renamed")" \
		guest-value
	run cat "$T/log"
	assert_line --partial "share myfs: virtiofsd serves $T/share (read-write)"
	assert_line --regexp "vmm: started as pid [0-9]+, uid $(($(vm_uid_base) + 1))$"
}

@test "builtin + read-only share: every change is EROFS, nothing changes on the host" {
	fs_conf ro ro
	local before
	# the share and its entries; not "..", which is $T, where the run's
	# console, log and runtime dir come and go
	before=$(ls -la --time-style=+%s "$T/share" | grep -v ' \.\.$')
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line "fs: READ hostfile: written by the host"
	assert_line "fs: MKDIR dir: EROFS"
	assert_line "fs: CREATE file: EROFS"
	assert_line "fs: SETATTR hostfile: EROFS"
	assert_line "fs: SETXATTR hostfile: EROFS"
	assert_line "fs: UNLINK hostfile: EROFS"
	refute_output --partial "FAIL"
	assert_equal "$(ls -la --time-style=+%s "$T/share" | grep -v ' \.\.$')" "$before"
}

@test "builtin + share: every VMM thread's chain denies xattr calls and socket(); virtiofsd killed mid-run ends the VM with 111, nothing left" {
	fs_conf rw hold
	vm_start
	wait_for_line "$T/console" "fs: holding" 30 || fail "not holding: $(cat "$T/log")"
	local vmm vfs task pids
	vmm=$(vm_vmm_pid) vfs=$(vm_share_pid 0)
	for task in /proc/"$vmm"/task/*; do
		run "$ROOT/build/seccomp-dump" "${task##*/}" "${XATTR[@]}" socket connect
		assert_success
		for x in "${XATTR[@]}" socket connect; do
			assert_line "$x kill_process"
		done
	done
	pids="$VM_PID $(vm_pid1) $vmm $vfs"
	kill -KILL "$vfs"
	vm_wait_exit 30
	assert_equal "$VM_STATUS" 111
	run cat "$T/log"
	assert_line --partial "share myfs: virtiofsd is gone"
	local p
	for p in $pids; do
		wait_for_exit "$p" 10 || fail "pid $p still runs"
	done
	[[ ! -e $T/run ]]
}

@test "builtin + share, the Debian guest: it mounts the share and runs the whole fs workload, checked on the host" {
	[[ -d /sys/module/kvm_intel || -d /sys/module/kvm_amd ]] ||
		skip "KVM here has no hardware virtualization (no kvm_intel/kvm_amd module): a Linux kernel does not boot on the bundled VMM without VT-x or SVM"
	mkdir "$T/a"
	"$ROOT/tests/helpers/fs-host.sh" prepare "$T/a"
	vm_conf "sbx.mount=a $(sbx_run 'sh /mnt/a/fs-workload.sh rw')" "share = a:$T/a:rw"
	sed -i 's/^vmm = qemu$/vmm = builtin/' "$T/vm.conf"
	vm_start
	vm_wait_exit 300
	assert_equal "$VM_STATUS" 0
	fs_workload_passed "$T/a"
}
