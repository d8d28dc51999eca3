#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Networking (issue 13): every VM in a network namespace of its own; a tap
# set up by rtnetlink; network config errors. Each test makes its own
# network namespace (helpers/net.bash) and runs sandboxd inside it.

load helpers/common
load helpers/vm
load helpers/confine
load helpers/net

setup() { confine_setup; net_setup; }
teardown() { net_teardown; confine_teardown; }

@test "network none: a service cannot reach a server on the caller's loopback (positive first)" {
	local port=$((20000 + RANDOM % 20000))
	net_server 127.0.0.1 "$port" "$T/server"
	# The same probe, outside sandboxd, in the same namespace: connected.
	run in_ns "$PROBE" tcp-connect:"$port"
	assert_output "tcp-connect:$port: ok"
	# Landlock lets the connect through: the VM's own network namespace
	# is what refuses it (its loopback is up, and nothing listens there).
	profile_plus "landlock net connect $port"
	probe --profile "$T/profile" -- tcp-connect:"$port"
	assert_success
	assert_output "tcp-connect:$port: ECONNREFUSED"
	# The server saw the first connection only.
	assert_equal "$(grep -c '^got:' "$T/server")" 1
}

@test "network none: the VM's namespace holds only its loopback" {
	# (up: the ECONNREFUSED above; a loopback that is down gives ENETUNREACH)
	run --separate-stderr timeout 60 "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/probe-profile" \
		-- /usr/bin/cat /proc/net/dev
	assert_success
	# Header lines, then one line per interface.
	output=$(tail -n +3 <<< "$output")
	assert_equal "$(grep -c ':' <<< "$output")" 1
	assert_line --regexp '^ *lo:'
	run in_ns "$REAL_SANDBOXD" --check "$T/vm.conf"
	assert_line "network: none (loopback only, in the VM's own network namespace)"
}
