#!/usr/bin/env bats
# Shares (virtio-fs): one virtiofsd per share, each its own confined service,
# attached to a real QEMU guest, all under sandboxd with every layer on.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/confine

setup() {
	confine_setup
	mkdir "$T/a" "$T/b"
}

teardown() { confine_teardown; }

# share_conf COMMAND TAGS [KEY = VALUE lines...]: the guest mounts TAGS
# (comma-separated) and runs COMMAND.
share_conf() {
	local cmd=$1 tags=$2
	shift 2
	vm_conf "sbx.mount=$tags $(sbx_run "$cmd")" "$@"
}

XATTR_SYSCALLS=(setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr
	flistxattr removexattr lremovexattr fremovexattr)

@test "a writable share: the guest's whole file workload, checked on the host, while the VMM's filters hold no xattr syscall" {
	"$ROOT/tests/helpers/fs-host.sh" prepare "$T/a"
	share_conf 'sh /mnt/a/fs-workload.sh rw' a "share = a:$T/a:rw" "readiness = vmm"
	vm_start
	# The seed regression, read back from the kernel while the VM runs:
	# with readiness = vmm, readiness comes when QEMU runs the guest,
	# seconds before the guest's kernel has booted, let alone started the
	# workload.
	wait_for_line "$T/ready" "" 90 || fail "not ready: $(cat "$T/log")"
	local vmm vfs task x
	vmm=$(vm_vmm_pid) vfs=$(vm_share_pid 0)
	for task in /proc/"$vmm"/task/*; do
		run "$ROOT/build/seccomp-dump" "${task##*/}" "${XATTR_SYSCALLS[@]}"
		assert_success
		# sandboxd's profile, then QEMU's own -sandbox filter.
		assert_line --regexp '^filters 2: '
		for x in "${XATTR_SYSCALLS[@]}"; do
			assert_line "$x kill_process"
		done
	done
	# virtiofsd: sandboxd's profile, then its own filter (installed on its
	# main thread without TSYNC: the RCU thread, started before it, has
	# the profile's alone); the xattr calls it makes pass, the l* variants
	# (it never follows a guest's symlink itself) do not.
	local own=0
	for task in /proc/"$vfs"/task/*; do
		run "$ROOT/build/seccomp-dump" "${task##*/}" "${XATTR_SYSCALLS[@]}"
		assert_success
		assert_line --regexp '^filters [12]: '
		[[ ${lines[0]} == "filters 2: "* ]] && own=$((own + 1))
		for x in fsetxattr fgetxattr flistxattr fremovexattr setxattr getxattr listxattr removexattr; do
			assert_line "$x allow"
		done
		for x in lsetxattr lgetxattr llistxattr lremovexattr; do
			assert_line "$x kill_process"
		done
	done
	((own > 0)) || fail "no virtiofsd thread has its own filter"
	vm_wait_exit 300
	assert_equal "$VM_STATUS" 0
	fs_workload_passed "$T/a"
}

@test "a read-only share: the guest reads everything, every write is EROFS" {
	"$ROOT/tests/helpers/fs-host.sh" prepare "$T/a"
	share_conf 'sh /mnt/a/fs-workload.sh ro' a "share = a:$T/a:ro"
	vm_start
	vm_wait_exit 120
	assert_equal "$VM_STATUS" 0
	run "$ROOT/tests/helpers/fs-host.sh" verify-ro "$T/a" "$T/console"
	assert_success
	refute_line --partial HOST-FAIL
}

@test "a read-only and a read-write share in one VM: host files seen, writes land, EROFS on the read-only one" {
	echo "written by the host" > "$T/b/host.txt"
	share_conf 'cat /mnt/b/host.txt; echo from-guest > /mnt/a/g.txt && echo rw=ok; echo x > /mnt/b/new.txt; echo ro=$?' a,b \
		"share = a:$T/a:rw" "share = b:$T/b:ro"
	vm_start
	vm_wait_exit 90
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial "written by the host"
	assert_line --partial "rw=ok"
	assert_line --partial "Read-only file system"
	assert_line --partial "ro=1"
	assert_line --partial "SBX-EXIT 0"
	assert_equal "$(cat "$T/a/g.txt")" from-guest
	[[ ! -e $T/b/new.txt ]]
	run cat "$T/log"
	base=$(vm_uid_base)
	assert_line --regexp "share a: started as pid [0-9]+, uid $((base + 2))$"
	assert_line --regexp "share b: started as pid [0-9]+, uid $((base + 3))$"
	assert_line --partial "share a: virtiofsd serves $T/a (read-write)"
	assert_line --partial "share b: virtiofsd serves $T/b (read-only)"
	assert_line --regexp "share a: profile .*/profiles/virtiofsd: "
}

@test "virtiofsd killed mid-run ends the VM at once: the share named, exit 111, nothing left" {
	share_conf 'echo guest-up' a "share = a:$T/a:rw"
	sed -i 's/sbx.run=[^ ]*//' "$T/vm.conf"	# no command: the guest waits
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 90 || fail "guest not ready: $(cat "$T/log")"
	local pid1 vmm vfs
	pid1=$(vm_pid1) vmm=$(vm_vmm_pid) vfs=$(vm_share_pid 0)
	[[ -n $vmm && -n $vfs ]] || fail "vmm '$vmm', virtiofsd '$vfs'"
	kill -KILL "$vfs"
	vm_wait_exit 30
	assert_equal "$VM_STATUS" 111
	run cat "$T/log"
	assert_line --partial "share a: killed by signal 9"
	assert_line --partial "share a: virtiofsd is gone: the guest would hang on its next access to $T/a; killing the VM"
	assert_line --partial "vmm: killed by signal 9"
	assert_line --partial "vm stopped, exit status 111"
	# No graceful wait: the VMM was killed, not asked.
	refute_line --partial "shutdown requested"
	local p
	for p in "$pid1" "$vmm" "$vfs"; do
		process_gone "$p" || fail "pid $p still runs"
	done
	! grep -qs " $T/run " /proc/self/mountinfo
}

@test "a virtiofsd that is not there, or never serves, is a clear error before the VMM starts" {
	share_conf 'true' a "share = a:$T/a:rw"
	run --separate-stderr env SANDBOXD_VIRTIOFSD=/nonexistent "$SANDBOXD" "$T/vm.conf"
	assert_equal "$status" 100
	assert_equal "${stderr##*$'\n'}" "sandboxd: vm $VM_NAME: shares need virtiofsd, which is not installed (Debian: qemu-system-common's /usr/lib/qemu/virtiofsd, or the virtiofsd package)"
	# A "virtiofsd" that exits at once: its connection is reset.
	run --separate-stderr env SANDBOXD_VIRTIOFSD="$PROBE" PROBE_ACTIONS=ids "$SANDBOXD" "$T/vm.conf"
	assert_equal "$status" 111
	grep -q "share a: wait for virtiofsd to serve $T/a: Connection reset by peer" <<< "$stderr"
	refute grep -q "vmm: started" <<< "$stderr"
}

@test "the VMM's profiles (QEMU's, the bundled VMM's) keep no xattr syscall, no socket creation and no path of any share" {
	share_conf 'true' a,b "share = a:$T/a:rw" "share = b:$T/b:ro"
	local vmm
	for vmm in qemu builtin-vmm; do
		run "$SANDBOXD" check-profile --kvm "$ROOT/profiles/$vmm" "$T/vm.conf"
		assert_success
		assert_line "  \${shares_rw} = $T/a"
		refute_output --partial "xattr"
		refute_line --regexp "^  (read|view).* $T/(a|b)$"
		refute_line --regexp "^  syscall (socket|connect|bind)\b"
	done
	# virtiofsd's has the xattr syscalls, and a rule for its own share.
	run "$SANDBOXD" check-profile "$ROOT/profiles/virtiofsd" "$T/vm.conf"
	assert_success
	assert_line --regexp "^  syscall (f|l)?setxattr$"
	assert_line "  read-write $T/a"
	refute_line --regexp "^  read.* $T/b$"
}

@test "a probe under the VMM's profile that calls fsetxattr dies of SIGSYS, and the log names it" {
	# The qemu profile as it is, plus Landlock's exec right on the probe:
	# its seccomp part is untouched.
	{ cat "$ROOT/profiles/qemu"; echo 'landlock read-exec ${binary}'; } > "$T/profile"
	local nr
	nr=$(printf '#include <sys/syscall.h>\nSYS_fsetxattr\n' | cc -E -P - | tail -1)
	# Without the seccomp layer (--seccomp-log) the call goes through (to
	# EFAULT: its name argument is NULL); the probe stays up until the audit record,
	# which kauditd prints asynchronously, is in the log.
	"$SANDBOXD" --seccomp-log --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE" \
		"syscall:$nr" wait > "$T/out" 2> "$T/log" < /dev/null &
	VM_PID=$!
	wait_for_line "$T/log" "vmm: seccomp: fsetxattr is not in the profile \(allowed by --seccomp-log\)" 10 ||
		fail "no record: $(cat "$T/log")"
	kill -TERM "$VM_PID"
	vm_wait_exit 10
	assert_equal "$VM_STATUS" 0
	grep -qx "syscall:$nr: EFAULT" "$T/out"
	probe --profile "$T/profile" -- "syscall:$nr"
	assert_equal "$status" 159
	grep -q "vmm: killed by signal 31" <<< "$stderr"
	grep -q "vmm: seccomp: fsetxattr is not in the profile: killed" <<< "$stderr"
}

