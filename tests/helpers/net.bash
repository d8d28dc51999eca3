# Network tests: each test gets a network namespace of its own ($NS), made
# here and deleted in teardown, and runs sandboxd and every server inside
# it. Nothing is sent anywhere but into that namespace, and the host's own
# interfaces are never touched. Load after helpers/common and helpers/vm.

net_setup() {
	NS=sbxt$BATS_TEST_NUMBER-$$
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	# sandboxd (and vm_start, probe, --check) run inside $NS.
	REAL_SANDBOXD=$SANDBOXD
	SANDBOXD=$T/sandboxd-in-ns
	printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$NS" "$REAL_SANDBOXD" > "$SANDBOXD"
	chmod 755 "$SANDBOXD"
	export NS REAL_SANDBOXD SANDBOXD
}

net_teardown() {
	local pid
	for pid in ${NET_SERVERS:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[[ -n ${NS:-} ]] && ip netns del "$NS" 2>/dev/null || true
}

# in_ns CMD...: CMD in the test's namespace.
in_ns() { ip netns exec "$NS" "$@"; }

# net_server ADDR PORT OUT: a TCP server in $NS on ADDR:PORT, up when this
# returns. Per connection: a line "got: <first line read>" in OUT, and
# "reply-from-host" sent back.
net_server() {
	# exec: $! is the server itself, for teardown to kill; fd 3 closed
	# for bats.
	exec ip netns exec "$NS" python3 -u -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    line = c.makefile().readline().strip()
    print("got:", line, flush=True)
    c.sendall(b"reply-from-host\n")
    c.close()
'  "$1" "$2" > "$3" 2>&1 3>&- &
	NET_SERVERS="${NET_SERVERS:-} $!"
	wait_for_line "$3" '^listening$' 10
}

# net_taps: the sandboxd taps (sbxN) left in $NS, one name a line.
net_taps() { in_ns ip -o link show | awk -F': ' '$2 ~ /^sbx/ { sub(/@.*/, "", $2); print $2 }'; }

# net_template: what passt (network = user) takes its configuration from,
# in $NS: a default route (helpers/passt-template.sh).
net_template() { "$ROOT/tests/helpers/passt-template.sh" "$NS"; }

# net_nsenter: sandboxd enters $NS with nsenter rather than `ip netns
# exec`, which remounts /sys and so hides the cgroups from sandboxd.
net_nsenter() {
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' "$NS" "$REAL_SANDBOXD" > "$SANDBOXD"
}
