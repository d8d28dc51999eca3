#!/bin/bash
# Re-measures what profiles/virtiofsd is based on: each scenario is one
# guest lifetime (QEMU TCG, run-qemu.py) with virtiofsd started as
# sandboxd starts it (virtiofsd-glue's argv, the socket as fd 3) as the
# uid sandboxd gives a share's virtiofsd (share-uid.sh) with the profile's
# capabilities (setpriv), traced from its
# exec on (strace -f), then summarize.py. Output in OUT (default
# /var/tmp/virtiofsd-measure): SCENARIO.strace, SCENARIO.sum, SCENARIO.out.
#   rw        tests/helpers/fs-workload.sh rw, checked on the host
#   ro        fs-workload.sh ro on a read-only bind mount of the share
#   many      fs-workload.sh many 5000: 5,000 files created, stat'ed, removed
#   sigterm   rw, then SIGTERM to virtiofsd while it serves
# The capability table is virtiofsd-caps.sh; the profile applied for real
# is validate-virtiofsd.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/var/tmp/virtiofsd-measure}
mkdir -p "$OUT"
UID_FS=$("$HERE/share-uid.sh") || exit
m() {	# m NAME ARGS...
	local name=$1; shift
	rm -rf "${OUT:?}/$name"
	"$HERE/run-qemu.py" --fs-uid "$UID_FS" --fs-strace "$OUT/$name.strace" --keep "$OUT/$name" \
		"$@" > "$OUT/$name.out" 2>&1
	echo "$name: exit $? ($(grep -E '^(host check|virtiofsd exit)' "$OUT/$name.out" | paste -sd ';'))"
	"$HERE/summarize.py" --from-exec /usr/lib/qemu/virtiofsd "$OUT/$name.strace" > "$OUT/$name.sum"
}
m rw --workload rw
m ro --workload ro
m many --workload "many 5000" --timeout 600
m sigterm --workload rw --fs-sigterm --shutdown-wait 5
echo "summaries in $OUT/*.sum"
