#!/bin/bash
# fs-host.sh: the host's side of the virtio-fs share tests; the guest's is
# fs-workload.sh.
#
#   fs-host.sh prepare DIR          before boot: DIR (a share) gets the
#                                   guest's tools (fs-workload.sh and
#                                   build/guest-xattr) and from-host.txt,
#                                   a file with a known checksum and the
#                                   xattr user.sbx.host=yes
#   fs-host.sh verify DIR CONSOLE   after `fs-workload.sh rw` ran on DIR:
#                                   the guest's lines in CONSOLE (no
#                                   FS-FAIL, FS-DONE, its checksums) and
#                                   what it left in DIR/work, as the host
#                                   sees it: contents, sizes, modes,
#                                   owners, link targets, xattrs
#   fs-host.sh verify-ro DIR CONSOLE  after `fs-workload.sh ro`: the
#                                   guest's lines, and DIR as prepared
#
# verify prints HOST-OK or HOST-FAIL per check and exits 1 on any failure.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
XATTR=${GUEST_XATTR:-$HERE/../../build/guest-xattr}
failed=0

host_file() { seq 1 100000; }
sha() { sha256sum | cut -d' ' -f1; }

# expect WHAT EXPECTED ACTUAL
expect() {
	if [[ $2 == "$3" ]]; then
		echo "HOST-OK $1"
	else
		echo "HOST-FAIL $1: expected '$2', got '$3'"
		failed=1
	fi
}

prepare() {
	local dir=$1
	# The guest's non-root user (uid 1000) must reach work/public.
	mkdir -p "$dir"
	chmod 755 "$dir"
	install -m 755 "$HERE/fs-workload.sh" "$XATTR" "$dir/"
	host_file > "$dir/from-host.txt"
	"$XATTR" set "$dir/from-host.txt" user.sbx.host yes > /dev/null
}

# The guest's own verdict: every step passed, and its checksums.
console_lines() {
	local console=$1 dir=$2
	# The console has CRLF line ends.
	local lines
	lines=$(tr -d '\r' < "$console" | grep -E '^FS-(OK|FAIL|SUM|DONE) ')
	expect guest-failures "" "$(grep '^FS-FAIL' <<< "$lines")"
	expect guest-done 1 "$(grep -c '^FS-DONE [0-9]* 0$' <<< "$lines")"
	expect guest-read-host-file "$(host_file | sha)" \
		"$(sed -n 's/^FS-SUM from-host.txt //p' <<< "$lines")"
	if [[ -e $dir/work/big.bin ]]; then
		expect guest-wrote-big "$(sed -n 's/^FS-SUM big.bin //p' <<< "$lines")" \
			"$(sha < "$dir/work/big.bin")"
	fi
}

# stat FORMAT FILE, without following symbolic links.
st() { stat -c "$1" -- "$2" 2>&1; }

verify_rw() {
	local dir=$1 w=$1/work
	console_lines "$2" "$dir"
	expect greeting "heABCDworld" "$(tr -d '\n' < "$w/greeting.txt")"
	expect greeting-links 2 "$(st %h "$w/greeting.txt")"
	expect hardlink-inode "$(st %i "$w/greeting.txt")" "$(st %i "$w/dir/greeting.link")"
	expect symlink "../greeting.txt" "$(readlink "$w/dir/greeting.sym")"
	expect trunc "$( (head -c 1000 /dev/zero | tr '\0' a; head -c 500 /dev/zero) | sha)" \
		"$(sha < "$w/trunc.txt")"
	expect renamed-dir inside "$(cat "$w/newdir/f")"
	expect renamed-over new "$(cat "$w/dst")"
	expect fifo "fifo" "$(st %F "$w/fifo")"
	expect mtime 946782245 "$(st %Y "$w/mtime.txt")"
	expect fallocate 8192 "$(st %s "$w/falloc.bin")"
	expect no-device no "$([[ -e $w/null ]] && echo yes || echo no)"
	local gone
	for gone in hello.txt gone gonedir tree olddir src; do
		expect "gone-$gone" no "$([[ -e $w/$gone || -L $w/$gone ]] && echo yes || echo no)"
	done
	# Guest root's files are host root's.
	expect owner-root 0:0:644 "$(st %u:%g:%a "$w/greeting.txt")"
	expect mode 640 "$(st %a "$w/mode.txt")"
	expect mode-dir 750 "$(st %a "$w/dir")"
	expect chown 1234:5678 "$(st %u:%g "$w/owned.txt")"
	expect chown-symlink 4321:8765:symbolic\ link "$(st %u:%g:%F "$w/owned.sym")"
	expect setgid 1234:5678:2755 "$(st %u:%g:%a "$w/setgid.bin")"
	expect setuid 0:0:4755 "$(st %u:%g:%a "$w/setuid.bin")"
	expect sticky 1777 "$(st %a "$w/public")"
	expect user-file 1000:1000:u "$(st %u:%g "$w/public/user.txt"):$(cat "$w/public/user.txt")"
	expect xattrs "user.sbx.color user.sbx.shape" "$("$XATTR" list "$w/xattr.txt" 2>&1)"
	expect xattr-value blue "$("$XATTR" get "$w/xattr.txt" user.sbx.color 2>&1)"
	expect xattr-dir yes "$("$XATTR" get "$w/dir" user.sbx.dir 2>&1)"
	expect capability 0x0100000200200000000000000000000000000000 \
		"$("$XATTR" get "$w/cap.bin" security.capability 2>&1)"
	expect big-size 4194304 "$(st %s "$w/big.bin")"
}

verify_ro() {
	local dir=$1
	console_lines "$2" "$dir"
	expect unchanged "$(host_file | sha)" "$(sha < "$dir/from-host.txt")"
	expect unchanged-xattrs user.sbx.host "$("$XATTR" list "$dir/from-host.txt" 2>&1)"
	expect no-new-files "from-host.txt fs-workload.sh guest-xattr" "$(LC_ALL=C ls -A "$dir" | tr '\n' ' ' |
		sed 's/ $//')"
}

case ${1:-}:$# in
prepare:2) prepare "$2" ;;
verify:3) verify_rw "$2" "$3" ;;
verify-ro:3) verify_ro "$2" "$3" ;;
*) echo "usage: fs-host.sh prepare DIR | verify DIR CONSOLE | verify-ro DIR CONSOLE" >&2; exit 2 ;;
esac
exit $failed
