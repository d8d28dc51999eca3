#!/usr/bin/env bash
# `make demo`: boots the sample VM (docs/examples/demo.conf) under sandboxd,
# with a writable virtio-fs share: the host puts a file in it, the guest
# reads it and writes one back with an extended attribute; and with user-mode
# networking (passt): the guest fetches a page from a web server this
# script runs on the host's loopback (127.0.0.1 only). Shows the
# console and the sandbox's process tree, then shuts the guest down
# gracefully the way s6 would (SIGTERM), shows what the guest left in the
# share, and reports sandboxd's status.
set -euo pipefail
cd "$(dirname "$0")/../.."

conf=docs/examples/demo.conf
work=$(mktemp -d)
web=
trap '[[ -n $web ]] && kill "$web" 2>/dev/null; wait; rm -rf "$work"' EXIT

# The web server: on the host's loopback, on a port the kernel picks (its
# first line says which), serving one page.
mkdir "$work/www"
echo "hello from a web server on the host's loopback, $(uname -n)" > "$work/www/index.html"
python3 -u -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.HTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()' "$work/www" > "$work/web-port" 2>/dev/null &
web=$!
timeout 10 grep -q -m1 . <(tail -n +1 -F "$work/web-port" 2>/dev/null)
port=$(head -n1 "$work/web-port")

# The share: a file from the host, the guest's script, and guest-xattr.
share=build/demo-share
docs/examples/demo-share.sh "$share"
# The port the guest's round trip fetches its page from.
echo "$port" > "$share/web-port"

echo "== sandboxd $conf: the guest console follows"
build/sandboxd "$conf" > "$work/console" < /dev/null &
vm=$!
tail -n +1 -F --pid="$vm" "$work/console" 2>/dev/null &

# Wait (with a deadline) for the guest's init to announce itself.
if ! timeout 120 grep -q -m1 SBX-GUEST-READY <(tail -n +1 -F "$work/console" 2>/dev/null); then
	echo "demo: the guest did not come up within 120 s" >&2
	kill -TERM "$vm" 2>/dev/null || true
	wait "$vm" || true
	exit 111
fi

# The guest's round trip and its fetch come right after its ready line.
timeout 60 grep -q -m1 "guest: fetched" <(tail -n +1 -F "$work/console" 2>/dev/null) ||
	echo "demo: the guest did not report its round trip and fetch" >&2

pid1=$(pgrep -P "$vm")
services=$(pgrep -d, -P "$pid1")
echo
echo "== the VM's processes, as the host sees them (sandboxd, PID 1 of its namespace, virtiofsd, passt, the VMM):"
ps -o pid,user:12,args -p "$vm,$pid1,$services" | cut -c1-160
echo
echo "== SIGTERM: sandboxd asks the guest to power off"
kill -TERM "$vm"
status=0
wait "$vm" || status=$?
kill "$web"
web=
wait
echo "== sandboxd exited with status $status"
docs/examples/demo-share.sh --report "$share"
[[ $status == 0 ]] || exit "$status"

# The bundled VMM serves the same share: its FUSE requests go to a virtiofsd
# of its own over vhost-user, never through the VMM (tests/guests/fs.c).
if [[ -e /dev/kvm ]]; then
	echo
	echo "== sandboxd docs/examples/demo-builtin.conf: the bundled VMM, the same share"
	echo "written by the host" > "$share/hostfile"
	rm -rf "$share/dir"
	status=0
	build/sandboxd docs/examples/demo-builtin.conf > "$work/fs-console" 2> "$work/fs-log" ||
		status=$?
	grep -E "vmm: builtin|virtiofsd serves|started as|vm stopped" "$work/fs-log" | sed 's/^/  /'
	grep -E "^fs: (tag|INIT|READ hostfile|MKDIR dir:|WRITE|SETATTR|SETXATTR|done)" \
		"$work/fs-console" | sed 's/^/  guest /'
	echo "== what it left in the share, read on the host:"
	ls -ln "$share/dir" | sed 's/^/   /'
	echo "   user.sandboxd = $(build/guest-xattr get "$share/dir/renamed" user.sandboxd)"
fi
exit "$status"
