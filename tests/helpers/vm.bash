# Starting and watching a real VM under sandboxd. Load after helpers/common.

GUEST_KERNEL=$ROOT/build/guest/vmlinuz
GUEST_INITRD=$ROOT/build/guest/initramfs.cpio.gz
# A VM's name is its uid range's key and runs once at a time on the host
# (ids.c): the checkout's tag keeps two checkouts' suites apart.
CHECKOUT_TAG=$(cksum <<< "$ROOT" | cut -c1-6)
VM_NAME=t$BATS_TEST_NUMBER-$CHECKOUT_TAG

# sbx_cmd KEY CMD: the guest's KEY=CMD with the shell command CMD
# percent-encoded (see vmm/guest-image/init).
sbx_cmd() {
	local s=$2 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~/-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s=%s' "$1" "$out"
}

# sbx.run=CMD: what the guest runs once it is up.
sbx_run() { sbx_cmd sbx.run "$1"; }

# vm_conf CMDLINE_EXTRA [KEY = VALUE lines...]: writes $T/vm.conf for the
# guest image, runtime dir $T/run, and any further lines given.
vm_conf() {
	local extra=$1
	shift
	{
		echo "name = $VM_NAME"
		echo "vmm = qemu"
		echo "kernel = $GUEST_KERNEL"
		echo "initrd = $GUEST_INITRD"
		echo "cmdline = console=ttyS0 quiet $extra"
		echo "memory = 256M"
		echo "runtime_dir = $T/run"
		echo "shutdown_timeout = 20"
		printf '%s\n' "$@"
	} > "$T/vm.conf"
}

# vm_start: runs sandboxd on $T/vm.conf in the background: console in
# $T/console, log in $T/log, readiness notification in $T/ready.
# Sets VM_PID (the outer sandboxd).
vm_start() {
	: > "$T/ready"
	"$SANDBOXD" --notify-fd 3 "$T/vm.conf" > "$T/console" 2> "$T/log" 3> "$T/ready" < /dev/null &
	VM_PID=$!
}

# vm_wait_exit TIMEOUT: waits for the outer sandboxd; its status in VM_STATUS.
vm_wait_exit() {
	wait_for_exit "$VM_PID" "$1" || { echo "sandboxd still runs after $1 s"; cat "$T/log"; return 1; }
	VM_STATUS=$WAIT_STATUS
}

# vm_uid_base [CONF]: the first uid of the VM's range, as sandboxd --check
# reports it (the VM's own range from the registry; a service's uid is
# base + role: VMM 1, share N 2 + N).
vm_uid_base() {
	"$SANDBOXD" --check "${1:-$T/vm.conf}" 2>/dev/null | sed -n 's/^ids: uid \([0-9]*\)\.\..*/\1/p'
}

# The pids of sandboxd's PID 1, of the VMM and of share N's virtiofsd, as
# the host sees them: PID 1's children, told apart by their service uid.
vm_pid1() { pgrep -P "$VM_PID"; }
vm_vmm_pid() { pgrep -P "$(vm_pid1)" -U $(($(vm_uid_base) + 1)); }
vm_share_pid() { pgrep -P "$(vm_pid1)" -U $(($(vm_uid_base) + 2 + $1)); }

# vm_cleanup: kills a VM a failed test left running.
vm_cleanup() {
	if [[ -n ${VM_PID:-} ]] && ! process_gone "$VM_PID"; then
		kill -KILL "$VM_PID" 2>/dev/null || true
		wait "$VM_PID" 2>/dev/null || true
	fi
}

# fs_workload_passed DIR: the guest's `fs-workload.sh rw` on share DIR
# (tests/helpers/fs-workload.sh) ended with no failure in $T/console, and
# the host finds in DIR what it left (fs-host.sh verify).
fs_workload_passed() {
	run grep -E '^FS-(FAIL|DONE)' "$T/console"
	assert_line --regexp '^FS-DONE [0-9]+ 0'
	refute_line --partial FS-FAIL
	run "$ROOT/tests/helpers/fs-host.sh" verify "$1" "$T/console"
	assert_success
	refute_line --partial HOST-FAIL
}
