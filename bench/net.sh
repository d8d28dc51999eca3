#!/bin/bash
# The guest network benchmark (issue 13, item 6): appends the section
# "Guest TCP through tap and user" to bench/results/net.md (replacing an
# earlier one) and prints it. A QEMU (TCG) guest on each network kind,
#  (a) sandboxed: under build/sandboxd, network = tap or user (passt as
#      sandboxd's confined service);
#  (b) bare: the same QEMU argv (from `sandboxd --print-argv`) and, for
#      user, the same passt argv, started as
#      root without sandboxd by bench/net-bare.py;
# interleaved (a b a b ...) for each kind, NET_RUNS rounds, every guest
# booted afresh. Per run: throughput, the guest sending NET_MIB MiB of
# zeros with busybox nc to a sink on the host side (the tap's host address,
# or passt's gateway, which is the host's loopback), timed by the sink from
# its first byte to its last; latency, NET_RTTS round trips of 64 bytes
# from the host to an echo server in the guest (busybox nc -e cat; tap: the
# guest's address, user: a forward on the host's loopback), each timed by
# the host (the median and p90 of the run). Everything runs in a network
# namespace made here (a veth pair with a default route: passt's template).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/host-kind.sh
. "$ROOT/bench/host-kind.sh"
B=$ROOT/build
OUT=$ROOT/bench/results/net.md
RUNS=${NET_RUNS:-3}
MIB=${NET_MIB:-16}
RTTS=${NET_RTTS:-500}
VM_TIMEOUT=240
SINK_PORT=9000 ECHO_PORT=7000 FWD_PORT=7700

die() { echo "bench: net: $*" >&2; exit 111; }
for f in "$B/sandboxd" "$B/guest/vmlinuz" "$B/guest/initramfs.cpio.gz"; do
	[[ -e $f ]] || die "$f missing: run \`make all guest\`"
done
command -v passt > /dev/null || die "passt not installed"

bench_workdir sbx-bench-net "bench: net"
NS=sbxbenchnet$$
start_s=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cp "$B/sandboxd" "$T/sandboxd"
cleanup() {
	local rc=$? p
	set +e
	for p in ${KILL:-}; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	(exit "$rc")	# bench_cleanup keeps the logs of a failed run
	bench_cleanup
}
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }
ip netns add "$NS"
"$ROOT/tests/helpers/passt-template.sh" "$NS"

# The sink: one line per connection, "BYTES SECONDS", from its first byte
# to NET_MIB MiB, then it closes (busybox nc exits on that). Not through
# in_ns: $! is then the sink itself, for cleanup to kill.
ip netns exec "$NS" python3 -u -c '
import socket, sys, time
want = int(sys.argv[1]) << 20
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[2])))
s.listen(4)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    got, t0 = 0, None
    while got < want:
        d = c.recv(1 << 20)
        if not d:
            break
        t0 = t0 or time.monotonic()
        got += len(d)
    print(got, time.monotonic() - t0, flush=True)
    c.close()' "$MIB" "$SINK_PORT" > "$T/sink" 2>&1 &
KILL=$!
timeout 10 grep -q -m1 listening <(tail -n +1 -F "$T/sink" 2>/dev/null)

# rtt HOST PORT: NET_RTTS timed round trips after 20 untimed; "p50 p90" in µs.
rtt() {
	in_ns python3 -c '
import socket, statistics, sys, time
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg, out = b"x" * 64, []
for i in range(20 + int(sys.argv[3])):
    t = time.monotonic()
    c.sendall(msg)
    got = 0
    while got < len(msg):
        got += len(c.recv(len(msg) - got))
    if i >= 20:
        out.append((time.monotonic() - t) * 1e6)
q = statistics.quantiles(out, n=10)
print("%.0f %.0f" % (statistics.median(out), q[8]))' "$@" "$RTTS"
}

# guest_cmd GW: the guest's workload, percent-encoded for sbx.run=.
guest_cmd() {
	python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="._~/-"))' "nc -ll -p $ECHO_PORT -e /bin/cat &
until netstat -ltn | grep -q ':$ECHO_PORT '; do :; done
head -c $((MIB << 20)) /dev/zero | nc $1 $SINK_PORT
echo SBX-SENT
exec sleep 100000"
}

conf() {	# conf KIND: $T/KIND.conf
	local kind=$1 gw=10.0.2.1
	[[ $kind == user ]] && gw=10.0.2.2
	{
		echo "name = bench-net-$$-$kind"
		echo "vmm = qemu"
		echo "kernel = $B/guest/vmlinuz"
		echo "initrd = $B/guest/initramfs.cpio.gz"
		echo "cmdline = console=ttyS0 quiet sbx.run=$(guest_cmd "$gw")"
		echo "memory = 256M"
		echo "runtime_dir = $T/run-$kind"
		echo "profile_dir = $ROOT/profiles"
		echo "shutdown_timeout = 10"
		if [[ $kind == user ]]; then
			echo "network = user"
			echo "forward = tcp:$FWD_PORT:$ECHO_PORT"
		else
			echo "network = tap"
			echo "host_address = 10.0.2.1/30"
		fi
	} > "$T/$kind.conf"
}

# wait_console FILE PID: SBX-SENT in FILE within VM_TIMEOUT, while PID runs.
wait_console() {
	timeout "$VM_TIMEOUT" grep -q -m1 SBX-SENT <(tail -n +1 -F --pid="$2" "$1" 2>/dev/null) ||
		die "no SBX-SENT in $1 (logs kept)"
}

# measure KIND VARIANT: one run; a line "KIND VARIANT MBPS P50 P90" to $T/results.
measure() {
	local kind=$1 variant=$2 pid host=10.0.2.2 port=$ECHO_PORT before
	[[ $kind == user ]] && host=127.0.0.1 port=$FWD_PORT
	before=$(wc -l < "$T/sink")
	if [[ $variant == sandboxed ]]; then
		nsenter --net="/run/netns/$NS" "$T/sandboxd" "$T/$kind.conf" > "$T/console" 2> "$T/log" < /dev/null &
		pid=$!
		wait_console "$T/console" "$pid"
	else
		local extra=$T/user.passt.argv
		if [[ $kind == tap ]]; then
			extra=sbxbench0
			in_ns ip tuntap add dev sbxbench0 mode tap vnet_hdr
			in_ns ip addr replace 10.0.2.1/30 dev sbxbench0
			in_ns ip link set sbxbench0 up
		fi
		# Not through in_ns: $! is then net-bare.py itself, for kill below.
		ip netns exec "$NS" python3 "$ROOT/bench/net-bare.py" "$kind" "$T/$kind.qemu.argv" \
			"$B/guest/vmlinuz" "$B/guest/initramfs.cpio.gz" "$extra" > "$T/console" 2> "$T/log" \
			< /dev/null &
		pid=$!
		wait_console "$T/console" "$pid"
	fi
	timeout 30 grep -q . <(tail -n +"$((before + 1))" -F "$T/sink" 2>/dev/null)
	local lat
	lat=$(rtt "$host" "$port")
	kill -TERM "$pid"
	wait "$pid" || true
	# The bare run's tap goes with it: sandboxd's next one has its address.
	[[ $variant == bare && $kind == tap ]] && in_ns ip link del sbxbench0
	tail -n +"$((before + 1))" "$T/sink" | head -n1 |
		awk -v k="$kind" -v v="$variant" -v l="$lat" '{ printf "%s %s %.1f %s\n", k, v, $1 / $2 / 1e6 * 8, l }' \
		>> "$T/results"
}

: > "$T/results"
for kind in tap user; do
	conf "$kind"
	# The argvs sandboxd runs, for the bare runs (NUL-separated, as
	# net-bare.py reads them).
	ROOT=$ROOT python3 - "$T/sandboxd" "$T/$kind.conf" "$T/$kind" <<-'EOF' ||
	import os, sys
	sys.path.insert(0, os.environ["ROOT"] + "/profiles/measure")
	import print_argv
	argvs, _ = print_argv.read(sys.argv[1], sys.argv[2])
	for role, name in (("vmm", "qemu"), ("passt", "passt")):
	    if role in argvs:
	        with open("%s.%s.argv" % (sys.argv[3], name), "wb") as f:
	            f.write(b"".join(a.encode() + b"\0" for a in argvs[role]))
	EOF
		die "sandboxd --print-argv $T/$kind.conf failed"
	for ((r = 1; r <= RUNS; r++)); do
		measure "$kind" sandboxed
		measure "$kind" bare
	done
done
table() {
	python3 - "$T/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    k, v, mbps, p50, p90 = line.split()
    rows.setdefault((k, v), []).append((float(mbps), float(p50), float(p90)))
print("| network | run as | runs | guest → host Mbit/s, median (min–max) | RTT p50 µs, median (min–max) | RTT p90 µs, median |")
print("|---|---|---|---|---|---|")
for (k, v), xs in rows.items():
    m, p, q = zip(*xs)
    print("| %s | %s | %d | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.0f |" % (
        k, v, len(xs), statistics.median(m), min(m), max(m),
        statistics.median(p), min(p), max(p), statistics.median(q)))
PY
}

{
	echo "## Guest TCP through tap and user, sandboxed and bare"
	echo
	echo "Written by \`bench/net.sh\`, $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`; $(host_kind), load average $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end; $((SECONDS - start_s)) s."
	echo
	echo "A QEMU (TCG, q35, virtio-net-pci) guest of the guest image sends $MIB MiB of zeros with busybox nc to a sink on the host side (tap: the tap's host address; user: passt's gateway, which passt maps to the host's loopback), timed by the sink from its first byte to its last; then $RTTS round trips of 64 bytes from the host to busybox \`nc -e cat\` in the guest (tap: the guest's address; user: a \`forward\` on the host's loopback), each timed by the host, after 20 untimed. Sandboxed: \`build/sandboxd\`, QEMU and passt each its confined service. Bare: the same QEMU argv and passt argv, from \`sandboxd --print-argv\`, started as root by \`bench/net-bare.py\` (kernel and initrd by path, no QMP and no \`-S\`, the readiness port on a null chardev; its own tap, made as sandboxd makes one; passt as root drops to nobody itself). $RUNS rounds per network, sandboxed and bare interleaved, every guest booted afresh, all in a network namespace made for the run."
	echo
	table
	echo
	echo "Under TCG the guest's own CPU time bounds both figures: they compare the two ways of running the same processes, not network kinds in general."
} > "$T/section"

if [[ -e $OUT ]]; then
	awk '/^## Guest TCP through tap and user/ { skip = 1; next } /^## / { skip = 0 } !skip' "$OUT" > "$T/rest"
else
	: > "$T/rest"
fi
{ cat "$T/rest"; echo; cat "$T/section"; } > "$OUT"
cat "$T/section"
