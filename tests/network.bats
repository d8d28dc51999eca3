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
teardown() {
	local p
	for p in ${PEERS:-}; do kill -KILL "$p" 2>/dev/null || true; done
	net_teardown
	confine_teardown
}

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

# tap_conf SBX_RUN_CMD [KEY = VALUE...]: a QEMU guest on a routed tap,
# host side 10.0.2.1/30, guest 10.0.2.2.
tap_conf() {
	local cmd=$1
	shift
	vm_conf "$(sbx_run "$cmd")" "network = tap" "host_address = 10.0.2.1/30" "$@"
}

@test "network tap: the guest pings the host side and exchanges TCP both ways; no tap is left" {
	net_server 0.0.0.0 7000 "$T/server"
	tap_conf 'ping -c1 -W10 10.0.2.1 && echo SBX-PING-OK
echo hello-from-guest | nc 10.0.2.1 7000
nc -l -p 7001 > /tmp/in &
until netstat -ltn | grep -q ":7001 "; do :; done
echo SBX-LISTENING
wait
echo "guest got: $(cat /tmp/in)"'
	vm_start
	wait_for_line "$T/console" SBX-LISTENING 120
	# While it runs: one tap, in the test's namespace, with the host side.
	assert_equal "$(net_taps | wc -l)" 1
	run in_ns ip -o -4 addr show dev "$(net_taps)"
	assert_output --partial "inet 10.0.2.1/30"
	in_ns python3 -c '
import socket
c = socket.create_connection(("10.0.2.2", 7001), timeout=30)
c.sendall(b"hello-from-host\n")
c.close()'
	vm_wait_exit 120
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial SBX-PING-OK
	assert_line --partial reply-from-host
	assert_line --partial "guest got: hello-from-host"
	assert_line --partial "SBX-EXIT 0"
	run cat "$T/server"
	assert_line "got: hello-from-guest"
	run cat "$T/log"
	assert_line --regexp "network: tap sbx[0-9]+ up \(routed\)"
	assert_equal "$(net_taps)" ""
}

@test "network tap: SIGKILL of the outer sandboxd leaves no tap" {
	tap_conf 'echo SBX-UP; exec tail -f /dev/null'
	vm_start
	wait_for_line "$T/console" SBX-UP 120
	assert_equal "$(net_taps | wc -l)" 1
	local vmm
	vmm=$(vm_vmm_pid)
	kill -KILL "$VM_PID"
	wait_for_exit "$vmm" 30
	assert_equal "$(net_taps)" ""
}

@test "network bridge:NAME: the tap joins the caller's bridge, the guest reaches the bridge's address" {
	in_ns ip link add testbr0 type bridge
	in_ns ip addr add 10.0.3.1/24 dev testbr0
	in_ns ip link set testbr0 up
	vm_conf "sbx.ip=10.0.3.2/24 $(sbx_run 'ping -c1 -W10 10.0.3.1 && echo SBX-PING-OK; echo SBX-UP; exec tail -f /dev/null')" \
		"network = bridge:testbr0"
	vm_start
	wait_for_line "$T/console" SBX-UP 120
	run in_ns ip -o link show master testbr0
	assert_output --regexp "sbx[0-9]+"
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	run cat "$T/console"
	assert_line --partial SBX-PING-OK
	assert_equal "$(net_taps)" ""
}

# peer N KERNEL-ARGS KEY-LINES...: VM N of this test (its own name, config,
# runtime dir, console $T/N.console and log $T/N.log) in the background;
# its outer's pid in PEERS.
peer() {
	local n=$1 extra=$2
	shift 2
	vm_conf "$extra" "$@"
	sed -e "s/^name = .*/name = $VM_NAME-$n/" -e "s|^runtime_dir = .*|runtime_dir = $T/run-$n|" \
		"$T/vm.conf" > "$T/$n.conf"
	"$SANDBOXD" "$T/$n.conf" > "$T/$n.console" 2> "$T/$n.log" < /dev/null &
	PEERS+=" $!"
}

# peers_stop: every peer powered off, each with exit 0.
peers_stop() {
	local p
	for p in $PEERS; do
		kill -TERM "$p"
		wait_for_exit "$p" 60 || fail "peer $p still runs"
		assert_equal "$WAIT_STATUS" 0
	done
	PEERS=
}

@test "network: two VMs on one bridge reach each other; two VMs on separate routed taps do not" {
	in_ns ip link add testbr0 type bridge
	in_ns ip addr add 10.0.3.1/24 dev testbr0
	in_ns ip link set testbr0 up
	PEERS=
	peer b "sbx.ip=10.0.3.3/24 $(sbx_run 'echo SBX-UP; exec tail -f /dev/null')" "network = bridge:testbr0"
	wait_for_line "$T/b.console" SBX-UP 120 || fail "b: $(cat "$T/b.log")"
	peer a "sbx.ip=10.0.3.2/24 $(sbx_run 'ping -c1 -W10 10.0.3.3 && echo SBX-PEER-OK; echo SBX-PEER-DONE; exec tail -f /dev/null')" \
		"network = bridge:testbr0"
	wait_for_line "$T/a.console" SBX-PEER-DONE 120 || fail "a: $(cat "$T/a.log")"
	run cat "$T/a.console"
	assert_line --partial SBX-PEER-OK
	peers_stop
	# Routed taps, each its own /30: the caller's namespace does not
	# forward between them (ip_forward 0), so neither guest reaches the other.
	peer c "$(sbx_run 'echo SBX-UP; exec tail -f /dev/null')" "network = tap" "host_address = 10.0.4.1/30"
	wait_for_line "$T/c.console" SBX-UP 120 || fail "c: $(cat "$T/c.log")"
	peer d "$(sbx_run 'ping -c1 -W5 10.0.4.1 && echo SBX-HOST-OK; ping -c1 -W5 10.0.4.2 && echo SBX-PEER-OK; echo SBX-PEER-DONE; exec tail -f /dev/null')" \
		"network = tap" "host_address = 10.0.5.1/30"
	wait_for_line "$T/d.console" SBX-PEER-DONE 120 || fail "d: $(cat "$T/d.log")"
	run cat "$T/d.console"
	# d reaches the caller's side of c's tap (the host routes to its own
	# addresses), not c itself.
	assert_line --partial SBX-HOST-OK
	refute_line --partial SBX-PEER-OK
	peers_stop
	assert_equal "$(net_taps)" ""
}

# bad LINE MESSAGE KEY-LINES...: --check refuses $T/vm.conf plus KEY-LINES
# with exit 100 and FILE:LINE: MESSAGE (LINE counted from the added lines).
bad() {
	local line=$1 msg=$2
	shift 2
	vm_conf "" "$@"
	local base
	base=$(($(wc -l < "$T/vm.conf") - $#))
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_failure 100
	assert_equal "$stderr" "sandboxd: $T/vm.conf:$((base + line)): $msg"
}

@test "network config errors: FILE:LINE and exit 100 from --check" {
	bad 1 "network: expected none, tap, user or bridge:NAME (NAME a host bridge, 1..15 characters of [A-Za-z0-9_.-]), got 'wifi'" "network = wifi"
	bad 1 "network = tap needs host_address = A.B.C.D/N (the tap's address on the host)" "network = tap"
	bad 1 "host_address: only with network = tap or user (a bridge's addresses are the host's business)" "host_address = 10.0.2.1/30"
	bad 1 "forward: only with network = user (passt forwards the port)" "forward = tcp:8080:80"
	bad 2 "forward: only with network = user (passt forwards the port)" "network = tap" "forward = tcp:8080:80" "host_address = 10.0.2.1/30"
	bad 2 "forward: expected tcp:HOSTPORT:GUESTPORT or tcp:A.B.C.D:HOSTPORT:GUESTPORT (ports 1..65535), got 'udp:53:53'" "network = user" "forward = udp:53:53"
	bad 2 "forward: expected tcp:HOSTPORT:GUESTPORT or tcp:A.B.C.D:HOSTPORT:GUESTPORT (ports 1..65535), got 'tcp:8080'" "network = user" "forward = tcp:8080"
	bad 2 "forward: expected tcp:HOSTPORT:GUESTPORT or tcp:A.B.C.D:HOSTPORT:GUESTPORT (ports 1..65535), got 'tcp:0:80'" "network = user" "forward = tcp:0:80"
	bad 2 "forward: expected tcp:HOSTPORT:GUESTPORT or tcp:A.B.C.D:HOSTPORT:GUESTPORT (ports 1..65535), got 'tcp:8080:65536'" "network = user" "forward = tcp:8080:65536"
	bad 2 "forward: expected tcp:HOSTPORT:GUESTPORT or tcp:A.B.C.D:HOSTPORT:GUESTPORT (ports 1..65535), got 'tcp:localhost:8080:80'" "network = user" "forward = tcp:localhost:8080:80"
	# The first forward is the second of the three lines, after the
	# config's own (vm_conf with none ends in an empty line).
	vm_conf ""
	local first
	first=$(($(wc -l < "$T/vm.conf") - 1 + 2))
	bad 3 "forward: host port 8080 is forwarded already on line $first" "network = user" "forward = tcp:8080:80" "forward = tcp:8080:81"
	bad 2 "host_address: expected A.B.C.D/N, N 1..30, got '10.0.2.1'" "network = tap" "host_address = 10.0.2.1"
	bad 2 "host_address: expected A.B.C.D/N, N 1..30, got '10.0.2.1/31'" "network = tap" "host_address = 10.0.2.1/31"
	bad 2 "host_address: 10.0.2.2/30 leaves no room for the guest's address, the next one in /30 (neither may be the prefix's first or broadcast address)" "network = tap" "host_address = 10.0.2.2/30"
	bad 2 "mac: expected a unicast MAC address XX:XX:XX:XX:XX:XX (hex; the first byte even), got '03:00:00:00:00:01'" "network = tap" "mac = 03:00:00:00:00:01" "host_address = 10.0.2.1/30"
	bad 1 "mac: the VM has no network (network = none)" "mac = 02:00:00:00:00:01"
}

@test "network plan errors: a missing bridge, a link that is no bridge, the exec driver: exit 100" {
	vm_conf "" "network = bridge:sbxnone"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_failure 100
	grep -qxF "sandboxd: vm $VM_NAME: $T/vm.conf:$(wc -l < "$T/vm.conf"): network: no link sbxnone in sandboxd's network namespace" <<< "$stderr"
	vm_conf "" "network = bridge:lo"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_failure 100
	[[ $stderr == *"network: lo is not a bridge (link kind none)"* ]]
	vm_conf "" "network = tap" "host_address = 10.0.2.1/30"
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$PROBE" ids
	assert_failure 100
	[[ $stderr == *"network: the exec driver has no network device yet"* ]]
	# Nothing was created.
	assert_equal "$(net_taps)" ""
}

@test "network tap: a VMM killed by SIGKILL ends the VM and leaves no tap" {
	tap_conf 'echo SBX-UP; exec tail -f /dev/null'
	vm_start
	wait_for_line "$T/console" SBX-UP 120
	assert_equal "$(net_taps | wc -l)" 1
	kill -KILL "$(vm_vmm_pid)"
	vm_wait_exit 30
	assert_equal "$VM_STATUS" 137
	assert_equal "$(net_taps)" ""
}

@test "network tap: SIGKILL of sandboxd's PID 1 ends the VM and leaves no tap" {
	tap_conf 'echo SBX-UP; exec tail -f /dev/null'
	vm_start
	wait_for_line "$T/console" SBX-UP 120
	assert_equal "$(net_taps | wc -l)" 1
	local pid1 vmm
	pid1=$(vm_pid1) vmm=$(vm_vmm_pid)
	kill -KILL "$pid1"
	vm_wait_exit 30
	assert_equal "$VM_STATUS" 137
	# The kernel ends the VM's PID namespace with its init: the VMM, and
	# with it the tap's last fd.
	wait_for_exit "$vmm" 30 || process_gone "$vmm"
	assert_equal "$(net_taps)" ""
}

@test "network: a step the kernel refuses names the step, the device and the kernel's extended ack; exit 111, no tap left" {
	# A bridge may have an MTU of 65535, a tap at most 65521: the tap
	# takes the bridge's MTU, which the kernel refuses with an extended
	# ack. The plan sees a bridge and passes; the start fails at that step.
	in_ns ip link add bigbr type bridge
	in_ns ip link set bigbr mtu 65535
	vm_conf "" "network = bridge:bigbr"
	run in_ns "$REAL_SANDBOXD" --check "$T/vm.conf"
	assert_success
	assert_line "network: tap on bridge bigbr (index $(in_ns cat /sys/class/net/bigbr/ifindex)), mtu 65535, guest mac $(sed -n 's/.*guest mac \(.*\)/\1/p' <<< "$output")"
	run --separate-stderr "$SANDBOXD" "$T/vm.conf"
	assert_failure 111
	grep -qE "^sandboxd: vm $VM_NAME: network: set the MTU of sbx[0-9]+: Invalid argument \(kernel: mtu greater than device maximum\)\$" <<< "$stderr" ||
		fail "$stderr"
	assert_equal "$(net_taps)" ""
	[[ ! -e $T/run ]] || fail "runtime dir made"
	# The text is the kernel's: ip gets the same extended ack for a tap.
	in_ns ip tuntap add mode tap name xtap0
	run in_ns ip link set xtap0 mtu 65535
	assert_failure
	assert_output --partial "mtu greater than device maximum"
	in_ns ip link del xtap0
}
