#!/usr/bin/env bats
# Device nodes on a share, by choice (sandboxd.conf(5): the share option
# `devices`): a real QEMU guest makes character and block devices on a
# share served by the real virtiofsd, every layer on, and the host sees
# exactly those nodes; without the option Landlock refuses them (EACCES in
# the guest) and nothing reaches the host.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm

setup() {
	common_setup
	mkdir "$T/a"
}

teardown() {
	vm_cleanup
	common_teardown
}

# The guest makes /dev/null's numbers (1,3) as a character device and
# /dev/loop0's (7,0) as a block device, each with a mode, and gives the
# block device to another user; one line per outcome.
MKNODS='cd /mnt/a || exit 9
mknod -m 640 null c 1 3 && echo chr=ok || echo chr=failed
mknod -m 600 loop b 7 0 && echo blk=ok || echo blk=failed
chown 1234:5678 loop && echo chown=ok || echo chown=failed
ls -ln /mnt/a'

# run_vm SHARE-LINE [KEY = VALUE...]: the guest runs MKNODS on the share;
# its console in $output after a clean exit.
run_vm() {
	vm_conf "sbx.mount=a $(sbx_run "$MKNODS")" "$@"
	vm_start
	vm_wait_exit 120
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial "SBX-EXIT 0"
}

@test "share devices: the guest makes a character and a block device, and the host sees them as made" {
	run_vm "share = a:$T/a:rw:devices:cache=none"
	assert_line --partial "chr=ok"
	assert_line --partial "blk=ok"
	assert_line --partial "chown=ok"
	# Type, major and minor (hex), mode, owner: guest root's, and the
	# guest's chown for the block device.
	assert_equal "$(stat -c '%F %t %T %a %u:%g' "$T/a/null")" "character special file 1 3 640 0:0"
	assert_equal "$(stat -c '%F %t %T %a %u:%g' "$T/a/loop")" "block special file 7 0 600 1234:5678"
	run cat "$T/log"
	assert_line --regexp "share a: device nodes: the guest may make character and block devices on $T/a \(.*/profiles/virtiofsd:[0-9]+: landlock make-device\)$"
}

@test "share devices: without the option the guest's mknod is EACCES from Landlock, and nothing reaches the host" {
	# Landlock off: the same share, the same mknods pass (virtiofsd holds
	# CAP_MKNOD), so it is Landlock's rule that refuses them below.
	run_vm "share = a:$T/a:rw" "landlock_max_abi = 0"
	assert_line --partial "chr=ok"
	assert_line --partial "blk=ok"
	[[ -c $T/a/null && -b $T/a/loop ]]
	run cat "$T/log"
	assert_line --partial "share a: device nodes: Landlock is off: the guest may make character and block devices on $T/a"
	rm -f "$T/a/null" "$T/a/loop"

	run_vm "share = a:$T/a:rw"
	assert_line --regexp "mknod: null: Permission denied"
	assert_line --regexp "mknod: loop: Permission denied"
	assert_line --partial "chr=failed"
	assert_line --partial "blk=failed"
	assert_equal "$(ls -A "$T/a")" ""
	run cat "$T/log"
	assert_line --partial "share a: device nodes: a guest's mknod of a character or block device on $T/a fails with EACCES (Landlock: the share has no devices option)"
}
