#!/usr/bin/env bash
# `make demo S6=1`: the sample VM (docs/examples/demo.conf) as an s6
# service, as an operator runs one: s6-services/make-service writes its
# service directory (run, finish, notification-fd, log/run with s6-log)
# into a fresh scan directory, s6-svscan supervises it, s6-svwait -U waits
# until the guest itself says it is up (READY=1 on its readiness port),
# the VM's log shows the console, sandboxd's and virtiofsd's lines, each
# with its prefix, and s6-svc -d stops it gracefully. Then s6-svscan ends,
# and nothing of the VM is left running.
set -euo pipefail
cd "$(dirname "$0")/../.."

conf=docs/examples/demo.conf
work=$(mktemp -d)
scan=$work/scan
svc=$scan/demo
logdir=$work/log
svscan=
watch=

# Whatever happened: s6-svscan brings its services down and exits.
cleanup() {
	[[ -n $watch ]] && kill "$watch" 2>/dev/null
	if [[ -n $svscan ]]; then
		s6-svscanctl -t "$scan" 2>/dev/null || true
		wait "$svscan" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "demo: $*" >&2
	exit 111
}

# wait_log PATTERN SECONDS: until a line of the VM's log matches, with a
# deadline; the tail that follows the log is ended either way.
wait_log() {
	local fd pid rc=0
	exec {fd}< <(exec timeout "$2" tail -n +1 -F -- "$logdir/current" 2>/dev/null)
	pid=$!
	grep -q -m1 -- "$1" <&"$fd" || rc=1
	exec {fd}<&-
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return "$rc"
}

# The VM's log, timestamps made readable; from line $1 on.
show_log() {
	tail -n "+$1" "$logdir/current" | s6-tai64nlocal | sed 's/^/   /'
}

share=build/demo-share
docs/examples/demo-share.sh "$share"

echo "== s6-services/make-service: the service directory for $conf"
s6-services/make-service -l "$logdir" "$svc" "$conf" build/sandboxd
(cd "$svc" && find . -type f | sort | sed 's/^/   /')
echo "   run: $(tail -n 1 "$svc/run")"

# s6-svwait reads supervise/status, which s6-supervise creates: watch for
# it (by inotify, with a deadline) from before s6-svscan starts.
mkdir "$svc/supervise"
exec {events}< <(exec timeout 30 inotifywait -q -m -e create -e moved_to --format %f "$svc/supervise")
watch=$!
echo "== s6-svscan $scan"
s6-svscan "$scan" > "$work/svscan.log" 2>&1 &
svscan=$!
grep -q -m1 '^status$' <&"$events" || fail "s6-supervise did not start within 30 s"
exec {events}<&-
kill "$watch" 2>/dev/null || true
watch=

echo "== s6-svwait -U: until the guest says it is up"
s6-svwait -U -t 180000 "$svc" || fail "the guest did not say it is up within 180 s"
echo "   $(s6-svstat "$svc")"
wait_log "console: guest: wrote from-guest.txt" 60 ||
	echo "demo: the guest did not report its round trip" >&2
echo "== the VM's log ($logdir/current): sandboxd's lines, the guest console, virtiofsd's"
show_log 1
shown=$(wc -l < "$logdir/current")

pid=$(s6-svstat -o pid "$svc")
echo "== s6-svc -d: sandboxd asks the guest to power off"
s6-svc -d "$svc"
s6-svwait -D -t 60000 "$svc" || fail "the VM did not stop within 60 s"
wait_log "sandboxd-finish: " 10 || true
show_log $((shown + 1))
status=$(s6-svstat -o exitcode "$svc")
echo "== sandboxd exited with status $status"
docs/examples/demo-share.sh --report "$share"

s6-svscanctl -t "$scan"
wait "$svscan" || true
svscan=
if [[ -e /proc/$pid ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; then
	fail "sandboxd (pid $pid) still runs"
fi
echo "== s6-svscan has ended; nothing of the VM runs"
[[ $status == 0 ]] || exit "$status"
