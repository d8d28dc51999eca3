#!/usr/bin/env bats
# Debian's kernel on the bundled VMM.  Here KVM runs guest kernel code in
# its instruction emulator (PVM, no VT-x), where Linux gets as far as its
# first console lines: the PVH path (vmlinux unpacked from the bzImage of
# `make guest`) must bring it to the "Linux version" banner with our e820
# map and command line.

bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	common_setup
	VMLINUX=$ROOT/build/guests/vmlinux
	[[ -r /dev/kvm && -w /dev/kvm ]] || skip "/dev/kvm is not usable here"
	[[ -f $ROOT/build/guest/vmlinuz ]] || fail "no guest kernel: run make guest"
	[[ -f $VMLINUX ]] || fail "build first: make test-binaries (after make guest)"
}

teardown() {
	[[ -n ${VMM_PID:-} ]] && kill -KILL "$VMM_PID" 2>/dev/null
	common_teardown
}

@test "Debian's kernel through PVH prints its Linux version banner" {
	"$ROOT/build/vmm" --kernel "$VMLINUX" --memory 512M --console "$T/console" \
		--cmdline "console=ttyS0 earlyprintk=ttyS0 sbx.test=pvh" </dev/null 2>"$T/stderr" &
	VMM_PID=$!
	wait_for_line "$T/console" "Linux version [0-9]" 60 || fail "no banner in 60 s: $(cat "$T/console" "$T/stderr")"
	wait_for_line "$T/console" "BIOS-e820: .mem 0x0000000000100000-0x000000001fffffff. usable" 30 \
		|| fail "e820 map not as given: $(cat "$T/console")"
	run grep -c "Command line: console=ttyS0 earlyprintk=ttyS0 sbx.test=pvh" "$T/console"
	assert_output 1
}
