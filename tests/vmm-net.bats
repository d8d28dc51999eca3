#!/usr/bin/env bats
# The bundled VMM's virtio-net (vmm/virtio_net.c) on this host's real KVM,
# with the net test guest (tests/guests/net.c): through sandboxd (vmm =
# builtin, network = tap), and the VMM alone over a stream socket. Each
# test runs in a network namespace of its own (helpers/net.bash); nothing
# is sent anywhere else.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/vmm
load helpers/net

setup() {
	vmm_setup kvm guests/net.elf sandboxd
	net_setup
}

teardown() {
	vm_cleanup
	net_teardown
	vmm_teardown
}

# net_conf CMDLINE [KEY = VALUE...]: the net guest under sandboxd on a
# routed tap, host side 10.0.2.1/30 (the guest gets sbx.ip=10.0.2.2/30
# sbx.gw=10.0.2.1 on its command line from sandboxd).
net_conf() {
	local cmdline=$1
	shift
	{
		echo "name = $VM_NAME"
		echo "vmm = builtin"
		echo "kernel = $G/net.elf"
		echo "cmdline = $cmdline"
		echo "memory = 32M"
		echo "runtime_dir = $T/run"
		echo "shutdown_timeout = 20"
		echo "network = tap"
		echo "host_address = 10.0.2.1/30"
		printf '%s\n' "$@"
	} > "$T/vm.conf"
}

# udp_responder PORT OUT: in $NS, answers each datagram with its payload
# upper-cased, one line "got: PAYLOAD" in OUT; before each reply it flushes
# the neighbour table, so the host must ask the guest's MAC again (ARP)
# and the reply reaches the guest only if the guest answers.
udp_responder() {
	exec ip netns exec "$NS" python3 -u -c '
import socket, subprocess, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
print("listening", flush=True)
while True:
    d, a = s.recvfrom(2048)
    print("got:", d.decode(), flush=True)
    subprocess.run(["ip", "neigh", "flush", "to", a[0]], check=True)
    s.sendto(d.upper(), a)
' "$1" > "$2" 2>&1 3>&- &
	NET_SERVERS="${NET_SERVERS:-} $!"
	wait_for_line "$2" '^listening$' 10
}

@test "vmm net: under sandboxd (builtin, tap) the guest answers ARP, pings the host side and makes a UDP round trip; no tap is left" {
	udp_responder 7007 "$T/udp"
	net_conf "udp=7007" "mac = 52:54:00:ab:cd:ef"
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line "net: device at 0xd0000000, mac 52:54:00:ab:cd:ef"
	assert_line --regexp "^net: host side has mac ([0-9a-f]{2}:){5}[0-9a-f]{2}$"
	assert_line "net: echo reply from 10.0.2.1 seq 1"
	assert_line "net: answered ARP for 10.0.2.2"
	assert_line "net: udp reply from port 7007: SBX-UDP-PING 2"
	assert_line "net: done"
	run cat "$T/udp"
	assert_line "got: sbx-udp-ping 0002"
	run cat "$T/log"
	assert_line --regexp "network: tap sbx[0-9]+ up \(routed\)"
	assert_equal "$(net_taps)" ""
}

@test "vmm net: under sandboxd (builtin, user) passt answers ARP and the guest's echo, and its UDP reaches the caller's loopback" {
	# passt's template (a default route) and its ping sockets (its gid in
	# ping_group_range), both in the test's namespace only. passt maps the
	# gateway's TCP and UDP to the loopback, not its ICMP: the echo goes to
	# 10.0.2.2 itself, which the namespace's loopback answers for here.
	net_template
	in_ns sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	in_ns ip addr add 10.0.2.2/32 dev lo
	udp_responder 7007 "$T/udp"
	net_conf "udp=7007" "mac = 52:54:00:ab:cd:ef"
	sed -i -e 's/^network = tap$/network = user/' -e '/^host_address/d' "$T/vm.conf"
	vm_start
	vm_wait_exit 60
	run cat "$T/console"
	assert_line "net: echo reply from 10.0.2.2 seq 1"
	assert_line "net: udp reply from port 7007: SBX-UDP-PING 2"
	assert_line "net: done"
	assert_equal "$VM_STATUS" 0
	run cat "$T/udp"
	assert_line "got: sbx-udp-ping 0002"
	run cat "$T/log"
	assert_line --partial "passt: exited with status 0"
}

@test "vmm net: under sandboxd (builtin, bridge:NAME) the tap joins the bridge and the guest pings the bridge's address" {
	in_ns ip link add testbr0 type bridge
	in_ns ip addr add 10.0.3.1/24 dev testbr0
	in_ns ip link set testbr0 up
	# with a bridge sandboxd passes no address: the config's cmdline has it
	net_conf "sbx.ip=10.0.3.2/24 sbx.gw=10.0.3.1"
	sed -i 's/^network = tap$/network = bridge:testbr0/; /^host_address/d' "$T/vm.conf"
	vm_start
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line "net: echo reply from 10.0.3.1 seq 1"
	assert_line "net: done"
	run cat "$T/log"
	assert_line --regexp "network: tap sbx[0-9]+ up \(testbr0\)"
	assert_equal "$(net_taps)" ""
}

# flood MODE: the net guest in MODE (starve or sink) under sandboxd, and
# N full-size frames to its MAC into the tap from the host side (a packet
# socket): 30 MB that a VMM reading on without a place to put them would
# hold. Each frame is taken by the tap's reader (the VMM: tx_packets),
# queued for it (at most tx_queue_len) or dropped (tx_dropped); the script
# waits, with a deadline, until those account for all (a sinking guest:
# until the queue is empty too). Sets TAKEN,
# DROPPED, QLEN and RSS0, RSS1 (the VMM's VmRSS before and after, kB);
# then SIGTERM, the guest powers off, and no tap is left.
flood() {
	local vmm tap n=20000 word=starving
	[[ $1 == sink ]] && word=sinking
	net_conf "mode=$1" "mac = 52:54:00:00:00:09"
	vm_start
	wait_for_line "$T/console" "net: $word" 60
	vmm=$(vm_vmm_pid)
	tap=$(net_taps)
	RSS0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$vmm/status")
	run in_ns python3 -c '
import socket, sys, time
tap, n = sys.argv[1], int(sys.argv[2])
def stat(name):
    with open("/sys/class/net/%s/%s" % (tap, name)) as f:
        return int(f.read())
def accounted():
    queued = 0 if sys.argv[3] == "sink" else qlen
    return stat("statistics/tx_packets") - tx0 + stat("statistics/tx_dropped") - drop0 + queued
qlen, tx0, drop0 = stat("tx_queue_len"), stat("statistics/tx_packets"), stat("statistics/tx_dropped")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((tap, 0))
frame = bytes.fromhex("525400000009") + bytes(6) + b"\x88\xb5" + bytes(1500)
for _ in range(n):
    s.send(frame)
deadline = time.monotonic() + 30
while accounted() < n and time.monotonic() < deadline:
    time.sleep(0.01)
print(stat("statistics/tx_packets") - tx0, stat("statistics/tx_dropped") - drop0, qlen)
' "$tap" "$n" "$1"
	assert_success
	RSS1=$(awk '/^VmRSS:/ { print $2 }' "/proc/$vmm/status")
	read -r TAKEN DROPPED QLEN <<< "$output"
	echo "guest $1, tap $tap, $n frames: taken $TAKEN, dropped $DROPPED, queue $QLEN; VMM RSS $RSS0 -> $RSS1 kB"
	((TAKEN + DROPPED + QLEN >= n))
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --regexp "^net: Ctrl-Alt-Del after [0-9]+ frames$"
	assert_equal "$(net_taps)" ""
}

@test "vmm net: a host flood reaches a guest that takes frames (the control for the next test)" {
	flood sink
	# more than the tap's queue could ever hold: the VMM read them
	((TAKEN > QLEN))
}

@test "vmm net: a guest that posts no receive buffer while the host floods its tap: the VMM takes at most one frame, its RSS stays put" {
	flood starve
	# the flood overflowed the tap's queue, the VMM took at most the one
	# frame it holds, and its memory did not grow with the flood
	((DROPPED >= 20000 - QLEN - 1))
	((TAKEN <= 1))
	((RSS1 - RSS0 < 1024))
}

@test "vmm net: mode=stream: the same guest over a stream socket (4-byte big-endian lengths), relayed to a tap" {
	udp_responder 7008 "$T/udp"
	run --separate-stderr timeout 60 ip netns exec "$NS" "$ROOT/tests/helpers/stream-exec" \
		--tap strm0 10.0.2.1/30 --log "$T/frames" 5 "$VMM" --kernel "$G/net.elf" --memory 32M \
		--net fd=5,mac=52:54:00:00:00:07,mode=stream --cmdline "sbx.ip=10.0.2.2/30 sbx.gw=10.0.2.1 udp=7008"
	assert_success
	assert_line "net: device at 0xd0000000, mac 52:54:00:00:00:07"
	assert_line "net: echo reply from 10.0.2.1 seq 1"
	assert_line "net: udp reply from port 7008: SBX-UDP-PING 2"
	assert_equal "$stderr" ""
	# ARP request (42), echo request (59), ARP reply, UDP (59): minimum
	# Ethernet payloads, no virtio header on the wire
	run cat "$T/frames"
	assert_line "frame 42"
	assert_line "frame 59"
}

@test "vmm net: a stream backend's frame length out of range or its end of the socket closed ends the VMM with 111, one line" {
	run --separate-stderr timeout 60 "$ROOT/tests/helpers/stream-exec" --raw 00011170 5 \
		"$VMM" --kernel "$G/net.elf" --memory 32M --net fd=5,mode=stream --cmdline mode=starve
	assert_equal "$status" 111
	assert_equal "$stderr" "vmm: net: stream: frame length 70000 out of range 14..65535"
	run --separate-stderr timeout 60 "$ROOT/tests/helpers/stream-exec" --raw 00000000 5 \
		"$VMM" --kernel "$G/net.elf" --memory 32M --net fd=5,mode=stream --cmdline mode=starve
	assert_equal "$status" 111
	assert_equal "$stderr" "vmm: net: stream: frame length 0 out of range 14..65535"
	run --separate-stderr timeout 60 "$ROOT/tests/helpers/stream-exec" --close 5 \
		"$VMM" --kernel "$G/net.elf" --memory 32M --net fd=5,mode=stream --cmdline mode=starve
	assert_equal "$status" 111
	assert_equal "$stderr" "vmm: net: the backend closed the connection"
}

@test "vmm net: --net usage errors exit 100 with one line" {
	bad() {
		run --separate-stderr "$VMM" --kernel "$G/net.elf" "$@"
		assert_equal "$status" 100
		assert_equal "$stderr" "$EXPECTED"
	}
	EXPECTED="vmm: --net mac=52:54:00:00:00:01: expected fd=N[,mac=XX:XX:XX:XX:XX:XX][,mode=tap|stream] (see vmm --help)"
	bad --net mac=52:54:00:00:00:01
	EXPECTED="vmm: --net fd=0,mode=udp: expected fd=N[,mac=XX:XX:XX:XX:XX:XX][,mode=tap|stream] (see vmm --help)"
	bad --net fd=0,mode=udp
	EXPECTED="vmm: --net fd=0,mac=01:00:5e:00:00:01: MAC must be XX:XX:XX:XX:XX:XX, unicast (see vmm --help)"
	bad --net fd=0,mac=01:00:5e:00:00:01
	EXPECTED="vmm: --net fd=0,fd=1: expected fd=N[,mac=XX:XX:XX:XX:XX:XX][,mode=tap|stream] (see vmm --help)"
	bad --net fd=0,fd=1
	EXPECTED="vmm: --net fd=0: only one network device (see vmm --help)"
	bad --net fd=0,mode=tap --net fd=0
	# fd 5 is /dev/null: not a tap, not a socket
	EXPECTED="vmm: --net fd=5,mode=tap: not a tap with IFF_NO_PI"
	bad --net fd=5 5</dev/null
	EXPECTED="vmm: --net fd=5,mode=stream: not a stream socket"
	bad --net fd=5,mode=stream 5</dev/null
}

@test "vmm net: profiles/builtin-vmm gains TUNGETIFF, TUNSETVNETHDRSZ and F_SETFL with a network, nothing else; no socket or connect either way" {
	net_conf ""
	grep -v '^network\|^host_address' "$T/vm.conf" > "$T/none.conf"
	run "$REAL_SANDBOXD" check-profile --kvm "$ROOT/profiles/builtin-vmm" "$T/none.conf"
	assert_success
	echo "$output" > "$T/none"
	run "$REAL_SANDBOXD" check-profile --kvm "$ROOT/profiles/builtin-vmm" "$T/vm.conf"
	assert_success
	echo "$output" > "$T/tap"
	run bash -c 'diff <(grep "^  syscall" "$1") <(grep "^  syscall" "$2") | grep "^[<>]"' _ \
		"$T/none" "$T/tap"
	assert_output ">   syscall fcntl if arg1 == F_SETFL
>   syscall ioctl if arg1 == TUNGETIFF
>   syscall ioctl if arg1 == TUNSETVNETHDRSZ"
	run grep -E "^  syscall (socket|connect|socketpair|bind)( |$)" "$T/tap"
	assert_failure
}

@test "vmm net: the network device takes one of the bundled VMM's 8 virtio-mmio slots: 8 disks and a network are a plan error (100), 7 are not" {
	local i
	net_conf ""
	for ((i = 0; i < 8; i++)); do
		: > "$T/d$i.img"
		echo "disk = $T/d$i.img:rw" >> "$T/vm.conf"
	done
	run "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	assert_output --partial "vmm = builtin has at most 4 shares and 8 disks, shares and network together: use vmm = qemu"
	sed -i '$d' "$T/vm.conf"
	run "$SANDBOXD" --check "$T/vm.conf"
	assert_success
}
