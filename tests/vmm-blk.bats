#!/usr/bin/env bats
# virtio-blk over virtio-mmio: the blk guest reads a known pattern, writes
# and reads back, flushes, gets the id, reads past the end, and is refused
# a write to the read-only disk.  The host checks the bytes on both disks.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/disk
load helpers/vmm

setup() { vmm_setup guests/blk.elf; }
teardown() { vmm_teardown; }

@test "blk guest: read, write, flush, get-id, out of range, read-only refused" {
	need_kvm
	make_disk "$T/rw.img"
	make_disk "$T/ro.img"
	cp "$T/rw.img" "$T/rw.orig"
	cp "$T/ro.img" "$T/ro.orig"
	run timeout 60 "$VMM" --kernel "$G/blk.elf" --cmdline "console=ttyS0" \
		--disk "$T/rw.img" --disk "$T/ro.img,ro"
	assert_success
	assert_line "blk: disk0 at 0xd0000000 irq 5, capacity 128 sectors, ro 0, flush 1"
	assert_line "blk: disk1 at 0xd0001000 irq 6, capacity 128 sectors, ro 1, flush 1"
	assert_line "blk: disk0 read sectors 0-3: pattern ok"
	assert_line "blk: disk0 wrote sector 5, read back ok"
	assert_line "blk: disk0 flush ok"
	assert_line 'blk: disk0 id "rw.img"'
	assert_line "blk: disk0 read past the end: status 1"
	assert_line "blk: disk1 read sector 7: pattern ok"
	assert_line "blk: disk1 write to read-only disk: status 1"
	assert_line "blk: done"

	# Sector 5 holds what the guest wrote, every other byte is unchanged.
	assert_equal "$(sector "$T/rw.img" 5 | sort -u)" "SBX wrote  0005"
	cmp <(sector "$T/rw.img" 4; sector "$T/rw.img" 6) <(sector "$T/rw.orig" 4; sector "$T/rw.orig" 6)
	cmp <(head -c 2560 "$T/rw.img") <(head -c 2560 "$T/rw.orig")
	cmp <(tail -c +3073 "$T/rw.img") <(tail -c +3073 "$T/rw.orig")
	cmp "$T/ro.img" "$T/ro.orig"
}

@test "the kernel command line announces each disk as virtio_mmio.device=" {
	need_kvm
	make_disk "$T/a.img"
	run timeout 30 "$VMM" --kernel "$G/hello.elf" --cmdline "x=1" \
		--disk "$T/a.img" --disk "$T/a.img,ro"
	assert_success
	assert_line 'hello: start_info magic 336ec578, cmdline "x=1 virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6"'
}

@test "bad --disk arguments: missing file, empty path, too many disks" {
	need_kvm
	run --separate-stderr "$VMM" --kernel "$G/hello.elf" --disk "$T/absent.img"
	assert_failure 100
	assert_equal "$stderr" "vmm: disk $T/absent.img: No such file or directory"
	run --separate-stderr "$VMM" --kernel "$G/hello.elf" --disk ",ro"
	assert_failure 100
	assert_equal "$stderr" "vmm: --disk ,ro: expected PATH or PATH,ro (see vmm --help)"
	touch "$T/d"
	run --separate-stderr "$VMM" --kernel "$G/hello.elf" $(printf -- '--disk %s ' "$T"/d{,,,,,,,,})
	assert_failure 100
	assert_equal "$stderr" "vmm: --disk $T/d: too many disks (at most 8) (see vmm --help)"
}
