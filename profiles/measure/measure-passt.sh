#!/bin/bash
# Measures what profiles/passt is based on: one guest lifetime of a QEMU
# (TCG) VM with network = user under sandboxd itself, --seccomp-log (the
# profile's filter logs what it lacks instead of killing), the whole
# sandboxd traced with strace -f; passt's own lines, from its execveat on,
# are cut out and summarised (summarize.py). Everything runs in a network
# namespace made here (a veth pair with a default route: passt's
# template), never the host's. The guest fetches a page from an HTTP
# server on the namespace's loopback (through the gateway address, which
# passt maps to the host's loopback) and 1 MiB more, sends a DNS query
# (UDP) and an ICMP echo the same way, and takes 256 KiB on a forwarded
# port.
# Output in OUT (default /var/tmp/passt-measure): sandboxd.strace,
# passt.strace, passt.sum, console, log.
#   measure-passt.sh [OUT]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-/var/tmp/passt-measure}
NS=sbxmeasure$$
mkdir -p "$OUT"
cleanup() {
	# shellcheck disable=SC2086 # two pids
	[[ -n ${SRV:-} ]] && kill $SRV 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
"$ROOT/tests/helpers/passt-template.sh" "$NS"
echo measure-page > "$OUT/index.html"
head -c 1M /dev/urandom > "$OUT/big.bin"
# Not through in_ns: $! is then the server itself, for cleanup to kill.
ip netns exec "$NS" python3 -m http.server -b 127.0.0.1 -d "$OUT" 8000 > "$OUT/http.log" 2>&1 &
SRV=$!
ip netns exec "$NS" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(b"udp-reply\n", a)' &
SRV="$SRV $!"
# shellcheck disable=SC2016 # the guest's shell expands it
cmd='wget -q -O - http://10.0.2.2:8000/index.html && echo SBX-FETCH-OK
wget -q -O - http://10.0.2.2:8000/big.bin | wc -c
nslookup -timeout=2 example.invalid 10.0.2.2
ping -c1 -W2 10.0.2.2
nc -l -p 80 > /tmp/in &
until netstat -ltn | grep -q ":80 "; do :; done
echo SBX-LISTENING
wait
echo "guest got: $(wc -c < /tmp/in) bytes"'
enc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="._~/-"))' "$cmd")
cat > "$OUT/vm.conf" <<CONF
name = passt-measure
vmm = qemu
kernel = $ROOT/build/guest/vmlinuz
initrd = $ROOT/build/guest/initramfs.cpio.gz
cmdline = console=ttyS0 quiet sbx.run=$enc
memory = 256M
runtime_dir = $OUT/run
shutdown_timeout = 20
network = user
forward = tcp:8080:80
CONF
: > "$OUT/console"
in_ns strace -f -qq -o "$OUT/sandboxd.strace" "$ROOT/build/sandboxd" --seccomp-log "$OUT/vm.conf" \
	> "$OUT/console" 2> "$OUT/log" < /dev/null &
VM=$!
# Polls with a deadline: the console file has no other event to wait on.
for _ in $(seq 360); do
	grep -q SBX-LISTENING "$OUT/console" && break
	kill -0 $VM 2>/dev/null || break
	sleep 0.5
done
in_ns python3 -c '
import socket
c = socket.create_connection(("127.0.0.1", 8080), timeout=30)
c.sendall(bytes(1 << 18))
c.close()'
wait $VM || true
grep -E "SBX-FETCH-OK|guest got|SBX-EXIT" "$OUT/console" || true
# passt's pid: the one that execveat'ed passt; its lines from there on.
pid=$(awk '/execveat\(19, "", \["\/usr\/bin\/passt/ { print $1; exit }' "$OUT/sandboxd.strace")
awk -v p="$pid" '$1 == p && /execveat\(19/ { on = 1 } on && $1 == p' "$OUT/sandboxd.strace" \
	> "$OUT/passt.strace"
"$HERE/summarize.py" "$OUT/passt.strace" > "$OUT/passt.sum"
echo "passt pid $pid: $(wc -l < "$OUT/passt.strace") lines; summary in $OUT/passt.sum"
