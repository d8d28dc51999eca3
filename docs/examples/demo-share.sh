#!/usr/bin/env bash
# demo-share.sh DIR: makes DIR the demo VM's share (docs/examples/demo.conf):
# a file from the host, the guest's round-trip script, and guest-xattr
# (static; the guest's busybox has no setfattr/getfattr). Used by demo.sh,
# demo-s6.sh and by bench/run.sh, which records the demo VM's cgroup
# figures. demo-share.sh --report DIR: what the guest left in DIR, read on
# the host.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

if [[ $1 == --report ]]; then
	echo "== what the guest left in the share, read on the host:"
	echo "   $2/from-guest.txt: $(cat "$2/from-guest.txt")"
	echo "   user.demo = $("$root/build/guest-xattr" get "$2/from-guest.txt" user.demo)"
	exit 0
fi
share=$1

rm -rf "$share"
mkdir -p "$share"
cp "$root/build/guest-xattr" "$share/"
echo "hello from the host, $(uname -n)" > "$share/from-host.txt"
cat > "$share/round-trip.sh" <<'GUEST'
cd /mnt/demo
echo "guest: the host wrote: $(cat from-host.txt)"
echo "hello from the guest, kernel $(uname -r)" > from-guest.txt
./guest-xattr set from-guest.txt user.demo "set in the guest" > /dev/null
echo "guest: wrote from-guest.txt, user.demo = $(./guest-xattr get from-guest.txt user.demo)"
# demo.sh's web server on the host's loopback, which the gateway's address
# stands for (network = user: passt).
[ -f web-port ] &&
	echo "guest: fetched http://10.0.2.2:$(cat web-port)/: $(wget -q -O - "http://10.0.2.2:$(cat web-port)/")"
# Idle until sandboxd asks the guest to power off (init then ends this).
exec sleep 1000000
GUEST
