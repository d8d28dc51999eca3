#!/bin/bash
# profiles/virtiofsd applied for real: virtiofsd under `sandboxd --exec`
# (rlimits, Landlock ABI 7, seccomp in kill mode, capabilities, securebits)
# serving tests/helpers/fs-workload.sh to a QEMU TCG guest
# (run-qemu.py --fs-sandboxd; see virtiofsd_run.py for what the exec
# driver changes: --socket-path= and its pid file instead of --fd=3).
#   rw            the whole workload, checked on the host; a device node
#                 is refused (EACCES); each thread's caps and filters
#   ro            a read-only share: reads work, every write is EROFS
#   sigterm       SIGTERM while serving: virtiofsd exits 0, not SIGSYS
# and that each layer is the one that denies:
#   no-landlock   landlock_max_abi = 0: the device node is made, so the
#                 EACCES above was Landlock's
#   no-file-max   without its /proc/sys/fs/file-max rule virtiofsd exits
#                 at start ("can't read"): Landlock is on for it
#   no-xattr      without the f*xattr syscalls in the profile the guest's
#                 first xattr request kills virtiofsd (SIGSYS), and
#                 sandboxd names the syscall
#
#   validate-virtiofsd.sh [DIR]    (default /var/tmp/virtiofsd-check)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=${1:-/var/tmp/virtiofsd-check}
PROFILE=$ROOT/profiles/virtiofsd
mkdir -p "$D"
fails=0

# run NAME PROFILE ARGS...: one guest lifetime; its files in $D/NAME.
run() {
	local name=$1 profile=$2
	shift 2
	rm -rf "${D:?}/$name"
	"$HERE/run-qemu.py" --fs-sandboxd "$profile" --keep "$D/$name" "$@" > "$D/$name.out" 2>&1
}

# check NAME FILE PATTERN...: each PATTERN (grep -E) is in $D/NAME/FILE.
check() {
	local name=$1 file=$2 p ok=1
	shift 2
	for p in "$@"; do
		tr -d '\r' < "$D/$name/$file" | grep -qE -- "$p" || { ok=0; echo "     missing in $file: $p"; }
	done
	if ((ok)); then
		echo "ok   $name"
	else
		echo "FAIL $name (see $D/$name.out, $D/$name/)"
		fails=$((fails + 1))
	fi
}

# without REGEX: the profile without the lines matching REGEX, in $D.
without() {
	local out=$D/virtiofsd-without-$2
	grep -vE -- "$1" "$PROFILE" > "$out"
	cmp -s "$out" "$PROFILE" && { echo "no line matches $1" >&2; exit 1; }
	echo "$out"
}

run rw "$PROFILE" --workload rw --fs-inspect
cp "$D/rw.out" "$D/rw/run.out"
check rw run.out '^host check: ok' '^FS-INFO mknod-chr Permission denied' \
	'^virtiofsd exit status 0' 'Seccomp_filters 2' 'execveat kill_process'
grep -A1 '^thread' "$D/rw.out"

run ro "$PROFILE" --workload ro
cp "$D/ro.out" "$D/ro/run.out"
check ro run.out '^host check: ok' '^FS-OK ro-xattr-set'

run sigterm "$PROFILE" --workload rw --fs-sigterm --shutdown-wait 5
cp "$D/sigterm.out" "$D/sigterm/run.out"
check sigterm run.out '^virtiofsd exit status 0'

run no-landlock "$PROFILE" --workload rw --fs-conf "landlock_max_abi = 0"
cp "$D/no-landlock.out" "$D/no-landlock/run.out"
check no-landlock run.out '^host check: ok' '^FS-INFO mknod-chr ok'

run no-file-max "$(without '^landlock read /proc/sys/fs/file-max$' file-max)" --workload rw \
	--timeout 30
check no-file-max virtiofsd.log "can't read /proc/sys/fs/file-max" 'exited with status 1'

run no-xattr "$(without '^syscall fgetxattr fsetxattr' xattr)" --workload rw \
	--timeout 60 --shutdown-wait 5
check no-xattr virtiofsd.log 'seccomp: f[a-z]*xattr is not in the profile: killed' \
	'killed by signal 31'

exit $((fails > 0))
