#!/usr/bin/env bats
# A uid range per VM (sandboxd/ids.c): chosen by the VM's name from a pool,
# exclusive among running VMs, stable across restarts; one instance per
# name; a configured uid_base held by a running VM is refused.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/confine

setup() { confine_setup; }

teardown() {
	local p
	for p in ${RUNNING:-}; do
		kill -TERM "$p" 2>/dev/null || true
		wait_for_exit "$p" 20 || kill -KILL "$p" 2>/dev/null || true
	done
	confine_teardown
}

# conf_named NAME FILE [LINES...]: an exec-driver config for VM NAME.
conf_named() {
	local name=$1 file=$2
	shift 2
	sed -e "s/^name = .*/name = $name/" -e "s|^runtime_dir = .*|runtime_dir = $T/run-$name|" \
		"$T/vm.conf" > "$file"
	printf '%s\n' "$@" >> "$file"
}

# start_waiting FILE: the probe as FILE's service, waiting for SIGTERM, in
# the background; its output in FILE.out, the log in FILE.log.
start_waiting() {
	"$SANDBOXD" --exec "$1" -- "$PROBE" ids wait > "$1.out" 2> "$1.log" < /dev/null &
	RUNNING+=" $!"
}

# started FILE: waits until FILE's service runs.
started() {
	wait_for_line "$1.out" "^ids: " 20 || fail "not started: $(cat "$1.log")"
}

run_waiting() {
	start_waiting "$1"
	started "$1"
}

base_of() {
	"$SANDBOXD" --check "$1" 2>/dev/null | sed -n 's/^ids: uid \([0-9]*\)\..*/\1/p'
}

@test "ids: two VMs whose names pick the same slot, started together, get disjoint ranges; each keeps its own after a restart" {
	# FNV-1a of these two names is the same modulo the pool's 2^20 slots.
	conf_named ids-9869 "$T/a.conf"
	conf_named ids-11002 "$T/b.conf"
	start_waiting "$T/a.conf"
	start_waiting "$T/b.conf"
	started "$T/a.conf"
	started "$T/b.conf"
	local ua ub
	ua=$(sed -n 's/^ids: uid=\([0-9]*\) .*/\1/p' "$T/a.conf.out")
	ub=$(sed -n 's/^ids: uid=\([0-9]*\) .*/\1/p' "$T/b.conf.out")
	[[ -n $ua && -n $ub ]]
	(( ua - ub >= 16 || ub - ua >= 16 )) || fail "ranges overlap: $ua $ub"
	assert_equal "$(base_of "$T/a.conf")" $((ua - 1))
	assert_equal "$(base_of "$T/b.conf")" $((ub - 1))
	# Stop both, start them one at a time, in the other order: the same ids.
	local p
	for p in $RUNNING; do kill -TERM "$p"; wait_for_exit "$p" 20; done
	RUNNING=
	run --separate-stderr "$SANDBOXD" --exec "$T/b.conf" -- "$PROBE" ids
	assert_line "ids: uid=$ub euid=$ub gid=$ub egid=$ub"
	run --separate-stderr "$SANDBOXD" --exec "$T/a.conf" -- "$PROBE" ids
	assert_line "ids: uid=$ua euid=$ua gid=$ua egid=$ua"
}

@test "ids: a second start of a running VM is refused (100), naming the running sandboxd" {
	run_waiting "$T/vm.conf"
	local first=${RUNNING# }
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$PROBE" ids
	assert_equal "$status" 100
	refute_output --partial "ids: uid="
	grep -q "vm $VM_NAME is already running (sandboxd pid $first)" <<< "$stderr"
	# --check still answers, with the running VM's range.
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
}

@test "ids: a configured uid_base overlapping a running VM's range is refused; beside it, it is taken" {
	run_waiting "$T/vm.conf"
	local base
	base=$(base_of "$T/vm.conf")
	conf_named "other-$CHECKOUT_TAG" "$T/o.conf" "uid_base = $((base + 5))"
	run --separate-stderr "$SANDBOXD" --check "$T/o.conf"
	assert_equal "$status" 100
	grep -q "$T/o.conf: uid_base = $((base + 5)): ids $((base + 5))..$((base + 20)) overlap those of running vm $VM_NAME" <<< "$stderr"
	run --separate-stderr "$SANDBOXD" --exec "$T/o.conf" -- "$PROBE" ids
	assert_equal "$status" 100
	refute_output --partial "ids: uid="
	conf_named "other-$CHECKOUT_TAG" "$T/o.conf" "uid_base = $((base + 16))"
	run --separate-stderr "$SANDBOXD" --exec "$T/o.conf" -- "$PROBE" ids
	assert_success
	assert_line "ids: uid=$((base + 17)) euid=$((base + 17)) gid=$((base + 17)) egid=$((base + 17))"
}
