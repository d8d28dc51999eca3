#!/bin/bash
# Prints the uid (= gid) that sandboxd gives the virtiofsd of a VM's first
# share: role 2 + share index 0 of the uid range the VM takes, as
# `sandboxd --check` reports it (a range per VM, chosen by its name; this
# one is "measure"). Needs build/sandboxd and build/guest/vmlinuz.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/share-uid.XXXXXX)
trap 'rm -rf "$T"' EXIT
cat > "$T/vm.conf" <<CONF
name = measure
kernel = $ROOT/build/guest/vmlinuz
runtime_dir = $T/run
profile_dir = $ROOT/profiles
share = share0:$T:rw
CONF
base=$("$ROOT/build/sandboxd" --check "$T/vm.conf" 2> /dev/null | sed -n 's/^ids: uid \([0-9]*\)\.\..*/\1/p')
[[ -n $base ]] || { echo "share-uid.sh: sandboxd --check printed no uid range" >&2; exit 111; }
echo $((base + 2))
