#!/usr/bin/env bats
# The bundled VMM boots the freestanding test guests on real KVM: console,
# power-off, reset, crash, Ctrl-Alt-Del on SIGTERM, and its argument errors.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() { vmm_setup guests/hello.elf; }
teardown() { vmm_teardown; }

@test "vmm --help prints usage and exits 0" {
	run "$VMM" --help
	assert_success
	assert_output --partial "usage: vmm --kernel FILE"
}

@test "hello guest: console output, cmdline in start_info, exit 0" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/hello.elf" --cmdline "one=1 two"
	assert_success
	assert_line 'hello: start_info magic 336ec578, cmdline "one=1 two"'
	assert_line "hello: Hello from the test guest"
}

@test "hello guest: --console writes the console to a file, stdout stays empty" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/hello.elf" --console "$T/console"
	assert_success
	assert_output ""
	run grep -c "Hello from the test guest" "$T/console"
	assert_output 1
}

@test "poweroff guest: debug-exit 0 is exit 0, any other value exit 1 naming it" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/poweroff.elf" --cmdline "code=0"
	assert_success
	assert_output "poweroff: writing 0 to port 0x501"
	run --separate-stderr timeout 30 "$VMM" --kernel "$G/poweroff.elf" --cmdline "code=7"
	assert_failure 1
	assert_equal "$stderr" "vmm: guest reported failure 7 through port 0x501"
}

@test "poweroff guest: ACPI sleep control register (S5, as Linux powers off) is exit 0" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/poweroff.elf" --cmdline "via=acpi"
	assert_success
	assert_output "poweroff: ACPI sleep control, S5"
}

@test "reset guest: i8042 reset ends the VMM with 0" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/reset.elf"
	assert_success
	assert_output "reset: pulsing the i8042 reset line"
}

@test "triple fault guest: registers on stderr, exit 1" {
	need_kvm
	run --separate-stderr timeout 30 "$VMM" --kernel "$G/triple.elf"
	assert_failure 1
	assert_output "triple: loading an empty IDT and dividing by zero"
	[[ $stderr == *"vmm: vcpu 0: triple fault"* ]] || fail "stderr: $stderr"
	[[ $stderr == *"vmm: vcpu 0: rip="* ]] || fail "stderr: $stderr"
	[[ $stderr == *"cr0="* ]] || fail "stderr: $stderr"
}

@test "echo guest: console input from stdin reaches the guest" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/echo.elf" <<<"typed on stdin"
	assert_success
	assert_line "echo: typed on stdin"
}

@test "cad guest: SIGTERM types Ctrl-Alt-Del, the guest powers off, exit 0" {
	need_kvm
	vmm_start "$VMM" --kernel "$G/cad.elf"
	vmm_wait_line "cad: READY" 30 || fail "guest not ready"
	kill -TERM "$VMM_PID"
	wait_for_exit "$VMM_PID" 30 || fail "VMM still running after SIGTERM"
	assert_equal "$WAIT_STATUS" 0
	run grep -c "cad: Ctrl-Alt-Del" "$T/console"
	assert_output 1
}

@test "--ready-fd gets a newline once the vCPUs run" {
	need_kvm
	run timeout 30 "$VMM" --kernel "$G/hello.elf" --console "$T/console" --ready-fd 3 3>"$T/ready"
	assert_success
	assert_equal "$(od -An -c "$T/ready" | tr -d ' ')" '\n'
}

@test "--com2-fd: what the guest sends on COM2 (0x2f8) goes to fd N" {
	need_kvm
	vmm_start "$VMM" --kernel "$G/ready.elf" --com2-fd 3 3>"$T/com2"
	vmm_wait_line "ready: announced" 30 || fail "guest did not announce"
	kill -TERM "$VMM_PID"
	wait_for_exit "$VMM_PID" 30 || fail "VMM still running after SIGTERM"
	assert_equal "$WAIT_STATUS" 0
	assert_equal "$(cat "$T/com2")" "READY=1"
}

@test "--com2-fd: a reader that never reads does not stall the guest: COM2 drops what does not fit" {
	need_kvm
	# A pipe whose read end this shell holds open and never reads: 300 kB
	# do not fit in its 64 KiB.
	mkfifo "$T/fifo"
	exec {held}<>"$T/fifo"
	vmm_start "$VMM" --kernel "$G/ready.elf" --cmdline "flood=300000" --com2-fd 3 3>"$T/fifo"
	vmm_wait_line "ready: announced" 60 || fail "guest stalled"
	kill -TERM "$VMM_PID"
	wait_for_exit "$VMM_PID" 30 || fail "VMM still running after SIGTERM"
	exec {held}<&-
	assert_equal "$WAIT_STATUS" 0
	run cat "$T/console"
	assert_line "ready: flooded 300000 bytes"
}

@test "the same hello guest boots on QEMU microvm" {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
	run timeout 60 qemu-system-x86_64 -M microvm -kernel "$G/hello.elf" -append "one=1" \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0x501,iosize=1
	# isa-debug-exit makes QEMU exit with (value << 1) | 1.
	assert_failure 1
	assert_line "hello: Hello from the test guest"
}

@test "QEMU q35 and microvm take sandboxd's readiness port: COM2 on a socket chardev fd (driver_qemu.c)" {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
	# microvm is the machine with hardware KVM, q35 without; both run
	# the ready guest under TCG here. Its READY=1 must come out of the
	# socket PID 1 would hold.
	local machine
	for machine in q35 microvm; do
		run timeout 60 "$ROOT/tests/helpers/qemu-ready-port.py" "$machine" "$G/ready.elf"
		assert_success
		assert_output "READY=1"
	done
}

# Each bad argument: one line naming the problem, exit 100.
bad_args() {
	run --separate-stderr "$VMM" "$@"
	assert_failure 100
	assert_equal "${#stderr_lines[@]}" 1
}

@test "bad arguments: missing kernel, unknown option, stray argument" {
	bad_args
	assert_equal "$stderr" "vmm: --kernel FILE is required (see vmm --help)"
	bad_args --kernel "$G/hello.elf" --bogus
	assert_equal "$stderr" "vmm: --bogus: unknown option or missing value (see vmm --help)"
	bad_args --kernel "$G/hello.elf" stray
	assert_equal "$stderr" "vmm: stray: unexpected argument (see vmm --help)"
	bad_args --kernel
	assert_equal "$stderr" "vmm: --kernel: unknown option or missing value (see vmm --help)"
}

@test "bad arguments: kernel missing, not an image, ELF without PVH note" {
	bad_args --kernel "$T/absent"
	assert_equal "$stderr" "vmm: kernel $T/absent: No such file or directory"
	need_kvm
	echo "not a kernel" >"$T/text"
	bad_args --kernel "$T/text"
	assert_equal "$stderr" "vmm: kernel $T/text: unknown image format (neither ELF nor bzImage)"
	bad_args --kernel /bin/true
	assert_equal "$stderr" "vmm: kernel /bin/true: ELF without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"
}

@test "bad arguments: initrd missing, memory and vcpus out of range" {
	bad_args --kernel "$G/hello.elf" --initrd "$T/absent"
	assert_equal "$stderr" "vmm: initrd $T/absent: No such file or directory"
	bad_args --kernel "$G/hello.elf" --memory 1M
	assert_equal "$stderr" "vmm: --memory 1M: out of range 16M..3G (page multiple) (see vmm --help)"
	bad_args --kernel "$G/hello.elf" --memory 4G
	assert_equal "$stderr" "vmm: --memory 4G: out of range 16M..3G (page multiple) (see vmm --help)"
	bad_args --kernel "$G/hello.elf" --memory lots
	assert_equal "$stderr" "vmm: --memory lots: not a size (see vmm --help)"
	bad_args --kernel "$G/hello.elf" --vcpus 0
	assert_equal "$stderr" "vmm: --vcpus 0: not a number in 1..64 (see vmm --help)"
	bad_args --kernel "$G/hello.elf" --vcpus 65
	assert_equal "$stderr" "vmm: --vcpus 65: not a number in 1..64 (see vmm --help)"
	bad_args --kernel "$G/hello.elf" --ready-fd 99
	assert_equal "$stderr" "vmm: --ready-fd 99: Bad file descriptor"
}

@test "bad arguments: a command line longer than 2047 bytes" {
	need_kvm
	bad_args --kernel "$G/hello.elf" --cmdline "$(printf 'x%.0s' {1..2100})"
	assert_equal "$stderr" "vmm: $G/hello.elf: command line of 2100 bytes, at most 2047"
}

@test "/dev/kvm absent: one line naming it, exit 100" {
	command -v unshare >/dev/null || skip "unshare not installed"
	unshare -m true 2>/dev/null || skip "cannot create a mount namespace here"
	run --separate-stderr unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" --kernel "$1"' \
		"$VMM" "$G/hello.elf"
	assert_failure 100
	assert_equal "$stderr" "vmm: open /dev/kvm: No such file or directory"
}
