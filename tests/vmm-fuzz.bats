#!/usr/bin/env bats
# Short bounded libFuzzer runs (20 s each) from the seed corpora: virtio-mmio,
# the virtqueue, virtio-blk request parsing and virtio-net's transmit and
# receive; the vhost-user frontend against a hostile backend. `make fuzz`
# runs long.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() { vmm_setup fuzz-virtio fuzz-vhost-user; }
teardown() { vmm_teardown; }

# fuzz TARGET SEEDS MAX_LEN: 20 s of build/TARGET from tests/fuzz/SEEDS,
# ending on its own with no crash, leak or timeout left behind.
fuzz() {
	mkdir "$T/corpus"
	run timeout 120 "$ROOT/build/$1" -max_total_time=20 -max_len="$3" -timeout=10 \
		-artifact_prefix="$T/" "$T/corpus" "$ROOT/tests/fuzz/$2"
	assert_success
	assert_output --regexp "Done [0-9]+ runs in [0-9]+ second"
	run ls "$T"/crash-* "$T"/leak-* "$T"/timeout-*
	assert_failure
}

@test "fuzz-virtio: 20 s from the seed corpus, no crash, leak or UB" {
	fuzz fuzz-virtio corpus 8192
}

@test "fuzz-vhost-user: 20 s of a hostile backend's replies from the seed corpus, no crash, leak, UB or hang" {
	fuzz fuzz-vhost-user corpus-vhost-user 4096
}
