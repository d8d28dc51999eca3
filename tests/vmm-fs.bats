#!/usr/bin/env bats
# virtio-fs through the VMM's vhost-user frontend: the fs guest's FUSE
# requests go guest -> virtqueue -> the real virtiofsd (its own process,
# started here on a listening socket as fd 3), never through the VMM, which
# gets a connected socket as fd 4.  The host checks every result in the
# share; a read-only share refuses changes; a backend that never answers
# fails start-up with one line; a backend killed under a running guest
# ends the VMM with 111 naming the share.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() {
	vmm_setup kvm guests/fs.elf connect-exec listen-exec vhost-fake
	VFSD_PID=
	mkdir "$T/share"
	echo "written by the host" >"$T/share/hostfile"
}

teardown() {
	backend_stop
	vmm_teardown
}

# fs_vmm ARG...: the VMM with the fs guest and the share "myfs" on fd 4,
# connected to $T/vfs.sock; ARGs are the VMM's.
fs_vmm() {
	timeout 60 "$ROOT/build/connect-exec" "$T/vfs.sock" 4 "$VMM" --kernel "$G/fs.elf" \
		--fs tag=myfs,fd=4 "$@"
}

@test "fs guest: the FUSE workload on a rw share, every result checked on the host" {
	virtiofsd_start "$T/share"
	run --separate-stderr fs_vmm
	assert_success
	assert_equal "$stderr" ""
	assert_line 'fs: tag "myfs", 1 request queue'
	assert_line --regexp '^fs: INIT: FUSE 7\.[0-9]+$'
	assert_line "fs: LOOKUP hostfile: ok, size 20, mode 100644"
	assert_line "fs: READ hostfile: written by the host"
	assert_line "fs: LOOKUP missing: ENOENT"
	assert_line "fs: MKDIR dir: ok, mode 40750"
	assert_line "fs: MKDIR dir again: EEXIST"
	assert_line "fs: CREATE dir/file: ok, mode 100640"
	assert_line "fs: WRITE dir/file: 21 bytes"
	assert_line "fs: READ dir/file: hello from the guest"
	assert_line "fs: SETATTR dir/file: mode 100604, uid 1234, gid 5678, size 5, mtime 1000000000"
	assert_line "fs: RENAME dir/file dir/renamed: ok"
	assert_line "fs: LINK dir/hardlink: ok, nlink 2"
	assert_line "fs: SYMLINK dir/symlink, READLINK: renamed"
	assert_line "fs: READDIRPLUS dir: . .. hardlink renamed symlink"
	assert_line "fs: SETXATTR, GETXATTR user.sandboxd: guest-value"
	assert_line --regexp '^fs: LISTXATTR: (user.sandboxd user.gone|user.gone user.sandboxd)$'
	assert_line "fs: REMOVEXATTR user.gone: ok, then GETXATTR: ENODATA"
	assert_line "fs: STATFS: ok, namelen 255"
	assert_line "fs: FSYNC: ok"
	assert_line "fs: UNLINK dir/tmp: ok, then LOOKUP: ENOENT"
	assert_line "fs: RMDIR dir/sub: ok"
	assert_line "fs: RELEASE: ok"
	assert_line "fs: FORGET (hiprio queue): used length 0"
	assert_line "fs: DESTROY: ok"
	assert_line "fs: done"
	# The backend saw the connection close and ended.
	wait_for_exit "$VFSD_PID" 10 || fail "virtiofsd still runs"

	# What the guest did, seen on the host.
	local s=$T/share
	assert_equal "$(stat -c '%F %a %u:%g' "$s/dir")" "directory 750 0:0"
	assert_equal "$(stat -c '%F %a %u:%g %s %X %Y %h' "$s/dir/renamed")" \
		"regular file 604 1234:5678 5 1000000000 1000000000 2"
	assert_equal "$(cat "$s/dir/renamed")" "hello"
	assert_equal "$(stat -c '%i' "$s/dir/hardlink")" "$(stat -c '%i' "$s/dir/renamed")"
	assert_equal "$(readlink "$s/dir/symlink")" "renamed"
	run getfattr --absolute-names -d -m - "$s/dir/renamed"
	assert_output $'# file: '"$s/dir/renamed"$'\nuser.sandboxd="guest-value"'
	assert_equal "$(cd "$s" && find . | sort | tr '\n' ' ')" \
		". ./dir ./dir/hardlink ./dir/renamed ./dir/symlink ./hostfile "
	assert_equal "$(cat "$s/hostfile")" "written by the host"
}

@test "fs guest on a read-only share: reads work, every change gets EROFS" {
	virtiofsd_start "$T/share" ro
	local before
	before=$(cd "$T/share" && find . -printf '%p %m %s %T@\n' | sort)
	run --separate-stderr fs_vmm --cmdline "console=ttyS0 ro"
	assert_success
	assert_line "fs: READ hostfile: written by the host"
	assert_line "fs: LOOKUP missing: ENOENT"
	assert_line "fs: MKDIR dir: EROFS"
	assert_line "fs: CREATE file: EROFS"
	assert_line "fs: SETATTR hostfile: EROFS"
	assert_line "fs: SETXATTR hostfile: EROFS"
	assert_line "fs: UNLINK hostfile: EROFS"
	assert_line "fs: DESTROY: ok"
	assert_line "fs: done"
	assert_equal "$(cd "$T/share" && find . -printf '%p %m %s %T@\n' | sort)" "$before"
	run getfattr --absolute-names -d -m - "$T/share/hostfile"
	assert_output ""
}

@test "a backend that never answers: start-up fails with one line, no hang" {
	# A listening socket that nobody accepts on: the VMM's connection sits
	# in its backlog and GET_FEATURES gets no reply.
	backend_start tail -f /dev/null
	run --separate-stderr fs_vmm
	assert_failure 111
	assert_equal "$stderr" "vmm: fs myfs: vhost-user GET_FEATURES: no reply within 5000 ms"
	assert_output ""
}

@test "virtiofsd SIGKILLed under a running guest: the VMM exits 111 naming the share" {
	virtiofsd_start "$T/share"
	"$ROOT/build/connect-exec" "$T/vfs.sock" 4 "$VMM" --kernel "$G/fs.elf" --fs tag=myfs,fd=4 \
		--cmdline "console=ttyS0 hold" --console "$T/console" </dev/null 2>"$T/stderr" &
	VMM_PID=$!
	vmm_wait_line "^fs: holding" 30 || fail "fs guest not holding"
	kill -KILL "$VFSD_PID"
	wait_for_exit "$VMM_PID" 10 || fail "VMM still runs without its backend"
	assert_equal "$WAIT_STATUS" 111
	assert_equal "$(cat "$T/stderr")" "vmm: fs myfs: the backend closed the connection"
}

@test "bad --fs arguments: malformed, tag too long, fd not open, not a socket" {
	run --separate-stderr "$VMM" --kernel "$G/fs.elf" --fs myfs
	assert_failure 100
	assert_equal "$stderr" "vmm: --fs myfs: expected tag=TAG,fd=N (see vmm --help)"
	run --separate-stderr "$VMM" --kernel "$G/fs.elf" --fs "tag=$(printf 'x%.0s' {1..37}),fd=4"
	assert_failure 100
	assert_equal "$stderr" "vmm: --fs tag=$(printf 'x%.0s' {1..37}),fd=4: the tag must be 1..36 bytes (see vmm --help)"
	run --separate-stderr "$VMM" --kernel "$G/fs.elf" --fs tag=myfs,fd=77
	assert_failure 100
	assert_equal "$stderr" "vmm: --fs tag=myfs,fd=77: Bad file descriptor"
	run --separate-stderr "$VMM" --kernel "$G/fs.elf" --fs tag=myfs,fd=4 4<"$T/share/hostfile"
	assert_failure 100
	assert_equal "$stderr" "vmm: --fs tag=myfs,fd=4: not a stream socket"
}

# share_state DIR: what the workload leaves, for comparing two runs.
share_state() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %n %l\n' | sort &&
		getfattr -R -d -m - . 2>/dev/null)
}

@test "the same fs guest on QEMU microvm's vhost-user-fs-device: the same lines, the same share" {
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	virtiofsd_start "$T/share"
	run --separate-stderr fs_vmm
	assert_success
	printf '%s\n' "${lines[@]}" >"$T/ours"
	share_state "$T/share" >"$T/ours.share"

	# QEMU's frontend against a fresh virtiofsd on a fresh share; microvm
	# lists its virtio-mmio devices on the command line only without ACPI
	# and speaks virtio 1.x there only unless force-legacy.
	rm -rf "$T/share"
	mkdir "$T/share"
	echo "written by the host" >"$T/share/hostfile"
	virtiofsd_start "$T/share"
	run --separate-stderr timeout 120 qemu-system-x86_64 -M microvm,acpi=off,memory-backend=mem \
		-m 256M -object memory-backend-memfd,id=mem,size=256M,share=on -nodefaults \
		-no-user-config -display none -serial stdio \
		-device isa-debug-exit,iobase=0x501,iosize=1 -global virtio-mmio.force-legacy=false \
		-chardev socket,id=vfs,path="$T/vfs.sock" -device vhost-user-fs-device,chardev=vfs,tag=myfs \
		-kernel "$G/fs.elf" -append "console=ttyS0"
	assert_failure 1	# QEMU's isa-debug-exit: (0 << 1) | 1
	assert_line "fs: done"
	diff -u "$T/ours" <(printf '%s\n' "${lines[@]}")
	diff -u "$T/ours.share" <(share_state "$T/share")
}

@test "the frontend's vhost-user messages, in order; a backend talking out of turn ends the VMM" {
	# build/vhost-fake logs each message (name, ring index and value,
	# " fd" for SCM_RIGHTS) and, once ring 1 is enabled, sends an unasked
	# message: the main loop sees it while the guest runs.
	backend_start "$ROOT/build/vhost-fake" out-of-turn
	run --separate-stderr fs_vmm
	assert_failure 111
	assert_equal "$stderr" "vmm: fs myfs: the backend sent a message out of turn"
	local ring want=(GET_FEATURES GET_PROTOCOL_FEATURES "SET_PROTOCOL_FEATURES 0x8" SET_OWNER
		"SET_FEATURES 0x140000000" "SET_MEM_TABLE fd")
	for ring in 0 1; do
		want+=("SET_VRING_NUM $ring 8" "SET_VRING_BASE $ring 0" "SET_VRING_ADDR $ring"
			"SET_VRING_KICK $ring fd" "SET_VRING_CALL $ring fd" "SET_VRING_ERR $ring fd"
			"SET_VRING_ENABLE $ring 1")
	done
	assert_equal "$(tail -n +2 "$T/vfsd.out")" "$(printf '%s\n' "${want[@]}")"
}

@test "a backend answering garbage when the guest starts the device: 111, the share named" {
	backend_start "$ROOT/build/vhost-fake" garbage
	run --separate-stderr fs_vmm
	assert_failure 111
	assert_equal "$stderr" \
		"vmm: fs myfs: vhost-user SET_FEATURES: bad reply (request 1, flags 0x5, size 8)"
}

@test "a backend reporting a ring error (SET_VRING_ERR's eventfd): the device needs reset, no exit 111" {
	backend_start "$ROOT/build/vhost-fake" ring-error
	"$ROOT/build/connect-exec" "$T/vfs.sock" 4 "$VMM" --kernel "$G/fs.elf" --fs tag=myfs,fd=4 \
		--console "$T/console" </dev/null 2>"$T/stderr" &
	VMM_PID=$!
	wait_for_line "$T/stderr" "needs reset" 30 || fail "no line on stderr: $(cat "$T/stderr")"
	run head -n 1 "$T/stderr"
	assert_output "vmm: virtio-mmio@0xd0000000: the backend reported a virtqueue error: device needs reset"
	# The guest may see DEVICE_NEEDS_RESET at once (and report failure 3)
	# or wait for a FUSE_INIT reply the fake never sends; either way the
	# VMM does not take it for a backend failure.
	kill -KILL "$VMM_PID" 2>/dev/null || true
	wait_for_exit "$VMM_PID" 10
	[[ $WAIT_STATUS == 1 || $WAIT_STATUS == 137 ]] || fail "VMM exit $WAIT_STATUS"
	run grep -c "fs myfs" "$T/stderr"
	assert_output 0
}
