#!/usr/bin/env bats
# Hostile guests feed the virtio-blk device malformed virtqueues.  In every
# case the VMM stays up, puts the device in DEVICE_NEEDS_RESET (or refuses
# the queue) with one log line, and serves requests again after the guest
# resets the device.  Each case runs on the plain VMM and on the ASan+UBSan
# build (build/vmm-asan), which would abort on any stray host access.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() {
	vmm_setup kvm guests/hostile.elf vmm-asan connect-exec listen-exec
	VFSD_PID=
	local s i
	for ((s = 0; s < 8; s++)); do
		for ((i = 0; i < 32; i++)); do
			printf 'SBX sector %04d\n' "$s"
		done
	done >"$T/disk.img"
}

teardown() {
	backend_stop
	vmm_teardown
}

# hostile_verdict CASE NEEDS_RESET QUEUE_READY REASON: what `run` left of
# a hostile guest's VMM: it powered off cleanly, the guest saw the device's
# state and recovered it, and stderr has the one line REASON (or nothing).
hostile_verdict() {
	assert_success
	assert_line "hostile: $1: needs reset $2, queue ready $3"
	assert_line "hostile: $1: device works after reset"
	if [[ -n $4 ]]; then
		assert_equal "$stderr" "vmm: virtio-mmio@0xd0000000: $4: device needs reset"
	else
		assert_equal "$stderr" ""
	fi
}

# hostile CASE NEEDS_RESET QUEUE_READY REASON [LINE...]: run CASE on both
# VMMs; each LINE must be in the console output too.
hostile() {
	local case=$1 reset=$2 ready=$3 reason=$4 vmm line
	shift 4
	for vmm in vmm vmm-asan; do
		run --separate-stderr timeout 120 "$ROOT/build/$vmm" --kernel "$G/hostile.elf" \
			--memory 64M --cmdline "case=$case" --disk "$T/disk.img"
		hostile_verdict "$case" "$reset" "$ready" "$reason"
		for line in "$@"; do
			assert_line "$line"
		done
	done
}

# hostile_fs CASE NEEDS_RESET QUEUE_READY REASON: the same for the virtio-fs
# device, its backend a real virtiofsd (a fresh one for each VMM: it ends
# with its connection).  Recovery is a FUSE_INIT the backend answers.
hostile_fs() {
	local case=$1 reset=$2 ready=$3 reason=$4 vmm
	mkdir -p "$T/share"
	for vmm in vmm vmm-asan; do
		virtiofsd_start "$T/share"
		run --separate-stderr timeout 120 "$ROOT/build/connect-exec" "$T/vfs.sock" 4 \
			"$ROOT/build/$vmm" --kernel "$G/hostile.elf" --memory 64M --cmdline "case=$case" \
			--fs tag=hostile,fd=4
		hostile_verdict "$case" "$reset" "$ready" "$reason"
		wait_for_exit "$VFSD_PID" 10 || fail "virtiofsd still runs"
	done
}

# hostile_net CASE NEEDS_RESET QUEUE_READY REASON: the same for the
# virtio-net device on a stream socket (tests/helpers/stream-exec), which
# first sends one 60-byte frame for the receive cases to land; recovery is
# a 60-byte broadcast frame transmitted, which the other end must get.
hostile_net() {
	local case=$1 reset=$2 ready=$3 reason=$4 vmm
	local frame=0000003cffffffffffff52540000000188b5$(printf '0%.0s' {1..92})
	for vmm in vmm vmm-asan; do
		run --separate-stderr timeout 120 "$ROOT/tests/helpers/stream-exec" --raw "$frame" \
			--log "$T/frames" 5 "$ROOT/build/$vmm" --kernel "$G/hostile.elf" --memory 64M \
			--cmdline "case=$case" --net fd=5,mode=stream
		hostile_verdict "$case" "$reset" "$ready" "$reason"
		run tail -n 1 "$T/frames"
		assert_output "frame 60"
	done
}

@test "hostile: descriptor address past the end of RAM" {
	hostile desc-past-ram 1 1 "buffer outside guest RAM"
}

@test "hostile: descriptor address + length wrapping around 2^64" {
	hostile desc-wrap 1 1 "buffer outside guest RAM"
}

@test "hostile: descriptor length past the end of RAM" {
	hostile len-past-ram 1 1 "buffer outside guest RAM"
}

@test "hostile: descriptor pointing at MMIO, not RAM" {
	hostile desc-mmio 1 1 "buffer outside guest RAM"
}

@test "hostile: next-index loop" {
	hostile next-loop 1 1 "descriptor chain loops or is longer than the queue"
}

@test "hostile: descriptor that is its own next" {
	hostile self-loop 1 1 "descriptor chain loops or is longer than the queue"
}

@test "hostile: next index out of range" {
	hostile next-out-of-range 1 1 "descriptor index out of range"
}

@test "hostile: avail ring head index out of range" {
	hostile head-out-of-range 1 1 "descriptor index out of range"
}

@test "hostile: avail index jumps ahead by more than the queue size" {
	hostile avail-jump 1 1 "avail index ran ahead by more than the queue size"
}

@test "hostile: huge chain (19 MiB)" {
	hostile huge-chain 1 1 "descriptor chain longer than 16 MiB"
}

@test "hostile: indirect descriptor that was not negotiated" {
	hostile indirect 1 1 "indirect descriptor (not negotiated)"
}

@test "hostile: request without a status byte" {
	hostile no-status 1 1 "virtio-blk request without header or status byte"
}

@test "hostile: misaligned descriptor table" {
	hostile misaligned-ring 1 0 "misaligned ring"
}

@test "hostile: ring past the end of RAM" {
	hostile ring-past-ram 1 0 "ring outside guest RAM"
}

@test "hostile: ring address wrapping around 2^64" {
	hostile ring-wrap 1 0 "ring outside guest RAM"
}

@test "hostile: queue size not a power of two" {
	hostile queue-size 1 0 "queue size not a power of two in 1..256"
}

@test "hostile: garbage in every register, odd sizes, config writes" {
	hostile mmio-garbage 0 0 ""
}

@test "hostile: port accesses straddling the end of a device's range do not reach it" {
	hostile bus-straddle 0 0 "" \
		"hostile: bus-straddle: scratch 5a then 5a, inl 0x3fe ffffffff, inw 0x64 ffff"
}

@test "hostile fs: request queue past the end of RAM" {
	hostile_fs fs-ring-past-ram 1 0 "ring outside guest RAM"
}

@test "hostile fs: used ring address wrapping around 2^64" {
	hostile_fs fs-ring-wrap 1 0 "ring outside guest RAM"
}

@test "hostile fs: queue size not a power of two" {
	hostile_fs fs-queue-size 1 0 "queue size not a power of two in 1..256"
}

@test "hostile fs: garbage in every register and the config space once the backend has the rings" {
	hostile_fs fs-mmio-garbage 0 0 ""
}

@test "hostile fs: DRIVER_OK cleared and set again without a reset" {
	hostile_fs fs-driver-ok-twice 0 1 ""
}

@test "hostile net: transmit buffer past the end of RAM" {
	hostile_net net-desc-past-ram 1 1 "buffer outside guest RAM"
}

@test "hostile net: transmit buffer length past the end of RAM" {
	hostile_net net-len-past-ram 1 1 "buffer outside guest RAM"
}

@test "hostile net: device-writable buffer in a transmit chain" {
	hostile_net net-tx-writable 1 1 "device-writable buffer in a transmit chain"
}

@test "hostile net: transmit chain shorter than the virtio-net header" {
	hostile_net net-tx-short 1 1 "transmit chain shorter than the virtio-net header"
}

@test "hostile net: avail ring head index out of range" {
	hostile_net net-head-out-of-range 1 1 "descriptor index out of range"
}

@test "hostile net: avail index jumps ahead by more than the queue size" {
	hostile_net net-avail-jump 1 1 "avail index ran ahead by more than the queue size"
}

@test "hostile net: transmit chain that loops (longer than the queue)" {
	hostile_net net-next-loop 1 1 "descriptor chain loops or is longer than the queue"
}

@test "hostile net: device-readable buffer in a receive chain, when a frame arrives" {
	hostile_net net-rx-readable 1 1 "device-readable buffer in a receive chain"
}

@test "hostile net: receive buffer past the end of RAM, when a frame arrives" {
	hostile_net net-rx-past-ram 1 1 "buffer outside guest RAM"
}

@test "hostile net: garbage in every register and the config space" {
	hostile_net net-mmio-garbage 0 0 ""
}
