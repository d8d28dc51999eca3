# Test disks with a known pattern, shared by the virtio-blk suites.

# 128 sectors of 16-byte lines "SBX sector NNNN\n".
make_disk() {
	local s i
	for ((s = 0; s < 128; s++)); do
		for ((i = 0; i < 32; i++)); do
			printf 'SBX sector %04d\n' "$s"
		done
	done >"$1"
}

# sector FILE N: the 512 bytes of sector N.
sector() {
	dd if="$1" bs=512 skip="$2" count=1 status=none
}
