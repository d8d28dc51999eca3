#!/bin/bash
# The capability drop table of profiles/virtiofsd: the whole share workload
# (run-qemu.py --workload rw: tests/helpers/fs-workload.sh in the guest,
# fs-host.sh verify on the host) with virtiofsd as a non-root uid keeping
# all of FULL but one capability, for each in turn. When virtiofsd does
# not start without that capability with sandboxd's argv, the run is
# repeated with -o modcaps=-CAP (virtiofsd then does not ask for it) to
# see what the workload itself needs it for.
#
#   virtiofsd-caps.sh [OUT]     (default /var/tmp/virtiofsd-caps)
# One markdown table row per capability on stdout; each run's files in
# OUT/CAP[-modcaps]/ (console, virtiofsd.log, run.out).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/var/tmp/virtiofsd-caps}
UID_FS=$("$HERE/share-uid.sh") || exit
FULL=(chown dac_override fowner fsetid setgid setuid mknod setfcap sys_chroot setpcap)
# The ones virtiofsd's setup_capabilities() asks for (capng_updatev).
ASKED=" chown dac_override fowner fsetid setgid setuid mknod setfcap "

# run NAME CAPS [ARGS...]: one guest lifetime; prints "all passed", or
# how virtiofsd failed to start, or the failed guest steps (the number,
# then the first 4 with their errors), then the mknod-chr outcome.
run() {
	local caps=$2 dir=$OUT/$1
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	"$HERE/run-qemu.py" --workload rw --fs-uid "$UID_FS" --fs-caps "$caps" --keep "$dir" "$@" \
		> "$dir/run.out" 2>&1
	local lines fails n info
	lines=$(tr -d '\r' < "$dir/console")
	fails=$(sed -n 's/^FS-FAIL \([^ ]*\) \(.*\)/\1 (\2)/p' <<< "$lines")
	n=$(grep -c . <<< "$fails")
	info=$(sed -n 's/^FS-INFO mknod-chr /mknod-chr: /p' <<< "$lines")
	if grep -q '^host check: ok' "$dir/run.out"; then
		echo "all passed; $info"
	elif ! grep -q SBX-GUEST-READY <<< "$lines" || grep -q SBX-MOUNT-FAILED <<< "$lines"; then
		echo "no share: virtiofsd $(sed -n 's/^virtiofsd exit status -\([0-9]*\)/killed by signal \1/p; s/^virtiofsd exit status \([0-9]*\)/exit \1/p' "$dir/run.out"):" \
			"$(grep -v '^virtio_session_mount' "$dir/virtiofsd.log" | head -1)"
	elif ((n > 0)); then
		echo "$n fail: $(head -4 <<< "$fails" | paste -sd ';' | sed 's/;/; /g')$( ((n > 4)) && echo "; ...")"
	else
		echo "host check: $(grep HOST-FAIL "$dir/run.out" | head -3 | paste -sd ';')"
	fi
}

echo "| dropped | with sandboxd's argv | with -o modcaps=-CAP |"
echo "|---|---|---|"
all=$(IFS=,; echo "${FULL[*]}")
echo "| (none) | $(run none "$all") | |"
for cap in "${FULL[@]}"; do
	rest=$(printf '%s\n' "${FULL[@]}" | grep -vx "$cap" | paste -sd,)
	plain=$(run "$cap" "$rest")
	mod=""
	if [[ $plain == no\ share* && $ASKED == *" $cap "* ]]; then
		mod=$(run "$cap-modcaps" "$rest" --fs-modcaps="-$cap")
	fi
	echo "| $cap | $plain | $mod |"
done
