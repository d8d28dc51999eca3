#!/usr/bin/env bash
# `make demo`: boots the sample VM (docs/examples/demo.conf) under sandboxd,
# shows its console and the sandbox's process tree, then shuts the guest
# down gracefully the way s6 would (SIGTERM) and reports sandboxd's status.
set -euo pipefail
cd "$(dirname "$0")/../.."

conf=docs/examples/demo.conf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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

pid1=$(pgrep -P "$vm")
vmm=$(pgrep -P "$pid1")
echo
echo "== the VM's processes, as the host sees them (PID 1 of its namespace, then the VMM):"
ps -o pid,user:12,args -p "$vm,$pid1,$vmm" | cut -c1-160
echo
echo "== SIGTERM: sandboxd asks the guest to power off"
kill -TERM "$vm"
status=0
wait "$vm" || status=$?
wait
echo "== sandboxd exited with status $status"
exit "$status"
