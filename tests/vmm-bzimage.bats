#!/usr/bin/env bats
# The bzImage loader (64-bit boot protocol) gives the guest what it
# promises: boot_params with the setup header, the e820 map, the command
# line, the initrd placed high with its bytes intact.  The bzinfo guest
# reports each value; the test recomputes it on the host.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() { vmm_setup kvm guests/bzinfo.bzImage; }
teardown() { vmm_teardown; }

# CRC-32 of a file as gzip stores it in its trailer.
crc32_of() {
	gzip -c <"$1" | tail -c8 | od -An -tx4 -N4 | tr -d ' '
}

@test "bzImage guest: boot_params, e820, cmdline, initrd address and checksum" {
	head -c 12345 /dev/urandom >"$T/initrd"
	run timeout 60 "$VMM" --kernel "$G/bzinfo.bzImage" --memory 64M \
		--initrd "$T/initrd" --cmdline "console=ttyS0 sbx.test=bz"
	assert_success
	assert_line "bzinfo: boot_params at 0x7000, type_of_loader 0xff, protocol 0x20f"
	assert_line 'bzinfo: cmdline "console=ttyS0 sbx.test=bz"'
	assert_line "bzinfo: e820 0000000000000000-000000000009fc00 type 1"
	assert_line "bzinfo: e820 000000000009fc00-0000000000100000 type 2"
	assert_line "bzinfo: e820 0000000000100000-0000000004000000 type 1"
	assert_equal "$(grep -c 'bzinfo: e820' <<<"$output")" 3
	# As high as it fits: page-aligned, ending at most at 64 MiB.
	local addr
	addr=$(printf '0x%x' $(((64 * 1024 * 1024 - 12345) & ~4095)))
	assert_line "bzinfo: initrd at $addr size 12345 crc32 $(crc32_of "$T/initrd")"
}

@test "bzImage guest: no initrd, 256M default memory" {
	run timeout 60 "$VMM" --kernel "$G/bzinfo.bzImage" --cmdline ""
	assert_success
	assert_line 'bzinfo: cmdline ""'
	assert_line "bzinfo: e820 0000000000100000-0000000010000000 type 1"
	assert_line "bzinfo: no initrd"
}

@test "PVH guest: the initrd is module 0 of start_info" {
	head -c 5000 /dev/urandom >"$T/initrd"
	run timeout 60 "$VMM" --kernel "$G/hello.elf" --memory 32M --initrd "$T/initrd"
	assert_success
	assert_line "hello: module 0 at $(printf '0x%x' $(((32 * 1024 * 1024 - 5000) & ~4095))) size 5000"
}

@test "initrd larger than guest RAM: one line, exit 100" {
	truncate -s 40M "$T/initrd"
	run --separate-stderr "$VMM" --kernel "$G/bzinfo.bzImage" --memory 32M --initrd "$T/initrd"
	assert_failure 100
	assert_equal "$stderr" "vmm: initrd $T/initrd: 41943040 bytes do not fit in guest RAM"
}

@test "bzImage without the 64-bit boot protocol is refused" {
	cp "$G/bzinfo.bzImage" "$T/old"
	printf '\x00\x00' | dd of="$T/old" bs=1 seek=$((0x236)) conv=notrunc status=none
	run --separate-stderr "$VMM" --kernel "$T/old"
	assert_failure 100
	assert_equal "$stderr" "vmm: kernel $T/old: bzImage without the 64-bit boot protocol (version 0x20f, xloadflags 0x0)"
}
