#!/usr/bin/env bats
# Debian's kernel on the bundled VMM.  Here KVM runs guest kernel code in
# its instruction emulator (PVM, no VT-x), where Linux gets as far as its
# first console lines: the PVH path (vmlinux unpacked from the bzImage of
# `make guest`) must bring it to the "Linux version" banner with our e820
# map and command line, and Linux must accept our ACPI tables (RSDP, XSDT,
# FADT, DSDT, MADT with both CPUs and the IOAPIC).

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

@test "Debian's kernel through PVH: Linux version banner, e820, ACPI tables, 2 CPUs" {
	truncate -s 1M "$T/disk.img"
	"$ROOT/build/vmm" --kernel "$VMLINUX" --memory 512M --vcpus 2 --disk "$T/disk.img" --console "$T/console" \
		--cmdline "console=ttyS0 earlyprintk=ttyS0 sbx.test=pvh" </dev/null 2>"$T/stderr" &
	VMM_PID=$!
	wait_for_line "$T/console" "Linux version [0-9]" 60 || fail "no banner in 60 s: $(cat "$T/console" "$T/stderr")"
	wait_for_line "$T/console" "BIOS-e820: .mem 0x0000000000100000-0x000000001fffffff. usable" 30 \
		|| fail "e820 map not as given: $(cat "$T/console")"
	wait_for_line "$T/console" "smpboot: Allowing 2 CPUs" 60 || fail "CPUs not found: $(cat "$T/console")"
	run cat "$T/console"
	assert_line --partial "Command line: console=ttyS0 earlyprintk=ttyS0 sbx.test=pvh virtio_mmio.device=4K@0xd0000000:5"
	assert_line --regexp "ACPI: RSDP 0x00000000000E0000 000024 \(v02 SBXVMM\)"
	assert_line --regexp "ACPI: XSDT 0x[0-9A-F]+ 000034 "
	assert_line --regexp "ACPI: FACP 0x[0-9A-F]+ 000114 \(v06 SBXVMM SANDBOXD"
	assert_line --regexp "ACPI: DSDT 0x[0-9A-F]+ [0-9A-F]+ \(v02 SBXVMM SANDBOXD"
	assert_line --regexp "ACPI: APIC 0x[0-9A-F]+ [0-9A-F]+ \(v04 SBXVMM SANDBOXD"
	assert_line --partial "IOAPIC[0]: apic_id 2, version 17, address 0xfec00000, GSI 0-23"
	assert_line --partial "ACPI: Using ACPI (MADT) for SMP configuration information"
	refute_line --regexp "[Ii]ncorrect checksum|ACPI (BIOS )?(Error|Warning)"
	run cat "$T/stderr"
	assert_output ""
}
