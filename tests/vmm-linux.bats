#!/usr/bin/env bats
# Debian's kernel on the bundled VMM.  Here KVM runs guest kernel code in
# its instruction emulator (PVM, no VT-x), where Linux gets as far as its
# first console lines: the PVH path (vmlinux unpacked from the bzImage of
# `make guest`) must bring it to the "Linux version" banner with our e820
# map and command line, and Linux must accept our ACPI tables (RSDP, XSDT,
# FADT, DSDT, MADT with both CPUs and the IOAPIC).

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() { vmm_setup kvm guest/vmlinuz guests/vmlinux; }
teardown() { vmm_teardown; }

@test "Debian's kernel through PVH: Linux version banner, e820, ACPI tables, 2 CPUs" {
	truncate -s 1M "$T/disk.img"
	vmm_start "$VMM" --kernel "$G/vmlinux" --memory 512M --vcpus 2 --disk "$T/disk.img" \
		--cmdline "console=ttyS0 earlyprintk=ttyS0 sbx.test=pvh"
	vmm_wait_line "Linux version [0-9]" 60 || fail "no banner"
	vmm_wait_line "BIOS-e820: .mem 0x0000000000100000-0x000000001fffffff. usable" 30 ||
		fail "e820 map not as given"
	vmm_wait_line "smpboot: Allowing 2 CPUs" 60 || fail "CPUs not found"
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
