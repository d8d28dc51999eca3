#!/usr/bin/env bats
# A short bounded libFuzzer run (20 s) over virtio-mmio, the virtqueue and
# virtio-blk request parsing, from the seed corpus; `make fuzz` runs long.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() { vmm_setup fuzz-virtio; }
teardown() { vmm_teardown; }

@test "fuzz-virtio: 20 s from the seed corpus, no crash, leak or UB" {
	mkdir "$T/corpus"
	run timeout 120 "$ROOT/build/fuzz-virtio" -max_total_time=20 -max_len=8192 -timeout=10 \
		-artifact_prefix="$T/" "$T/corpus" "$ROOT/tests/fuzz/corpus"
	assert_success
	assert_output --regexp "Done [0-9]+ runs in [0-9]+ second"
	run ls "$T"/crash-* "$T"/leak-* "$T"/timeout-*
	assert_failure
}
