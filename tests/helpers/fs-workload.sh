#!/bin/sh
# fs-workload.sh rw|ro: the guest's side of the virtio-fs share tests, for
# busybox sh in the guest image. It runs from the share itself, which the
# host prepared with fs-host.sh (this script, guest-xattr and
# from-host.txt), mounted by the guest's init at /mnt/TAG (sbx.mount=TAG):
#
#   sbx.run=sh /mnt/TAG/fs-workload.sh rw
#
# rw: every kind of file operation a guest makes, each checked at once in
#     the guest, leaving in DIR/work the final state that `fs-host.sh
#     verify` checks on the host (contents, modes, owners, xattrs). Last,
#     it tries to make a character device (1,3, /dev/null's numbers) and
#     reports the outcome as FS-INFO, which passes either way: virtiofsd
#     can (CAP_MKNOD), sandboxd's Landlock rules for a share cannot unless
#     the share has the `devices` option (tests/share-devices.bats).
# ro: the share is read-only on the host: reads work, and every write
#     fails with EROFS ("Read-only file system").
# many N: creates N empty files in DIR/many, stats them all, removes them:
#     virtiofsd holds an fd per inode the guest has looked up, so this
#     measures its file descriptor needs (profiles/measure/VIRTIOFSD.md).
#
# One line per step on stdout:
#   FS-OK STEP
#   FS-FAIL STEP REASON       REASON: the failing command's error (the text
#                             after its last ": ", e.g. "Permission denied"),
#                             or what a check found
#   FS-SUM NAME SHA256        a checksum the host compares with its own
#   FS-INFO STEP RESULT       an outcome that depends on the sandbox
#   FS-DONE PASSED FAILED     last; exit status 0 only when FAILED is 0
set -u

DIR=$(dirname "$0")
X=$DIR/guest-xattr
W=$DIR/work
passed=0
failed=0

ok() { echo "FS-OK $1"; passed=$((passed + 1)); }
bad() { echo "FS-FAIL $1 $2"; failed=$((failed + 1)); }

# step NAME CMD...: CMD must succeed.
step() {
	name=$1
	shift
	if err=$("$@" 2>&1 >/dev/null); then
		ok "$name"
	else
		err=$(printf '%s' "$err" | tail -n 1)
		bad "$name" "${err##*: }"
	fi
}

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		bad "$1" "expected '$2', got '$3'"
	fi
}

# erofs NAME CMD...: CMD must fail with EROFS.
erofs() {
	name=$1
	shift
	if err=$("$@" 2>&1 >/dev/null); then
		bad "$name" "succeeded on a read-only share"
	else
		case $err in
		*"Read-only file system"* | *EROFS*) ok "$name" ;;
		*) bad "$name" "$(printf '%s' "$err" | tail -n 1)" ;;
		esac
	fi
}

sum() { sha256sum "$1" | cut -d' ' -f1; }

# Contents the host writes and checks, generated the same way on both sides.
host_file() { seq 1 100000; }

read_host_file() {
	echo "FS-SUM from-host.txt $(sum "$DIR/from-host.txt")"
	check host-file-xattr yes "$("$X" get "$DIR/from-host.txt" user.sbx.host 2>&1)"
}

# Data, names and links.
files() {
	step mkdir mkdir "$W"
	step create-write sh -c "printf 'hello\n' > '$W/hello.txt'"
	check read-back hello "$(cat "$W/hello.txt")"
	step append sh -c "printf 'world\n' >> '$W/hello.txt'"
	check read-appended "hello world" "$(tr '\n' ' ' < "$W/hello.txt" | sed 's/ $//')"
	step rename mv "$W/hello.txt" "$W/greeting.txt"
	check rename-gone no "$([ -e "$W/hello.txt" ] && echo yes || echo no)"
	step overwrite-middle sh -c "printf ABCD | dd of='$W/greeting.txt' bs=1 seek=2 conv=notrunc"
	check read-overwritten heABCDworld "$(tr -d '\n' < "$W/greeting.txt")"
	step mkdir-nested mkdir -p "$W/dir/sub"
	step hardlink ln "$W/greeting.txt" "$W/dir/greeting.link"
	check hardlink-count 2 "$(stat -c %h "$W/greeting.txt")"
	check hardlink-inode "$(stat -c %i "$W/greeting.txt")" "$(stat -c %i "$W/dir/greeting.link")"
	step symlink ln -s ../greeting.txt "$W/dir/greeting.sym"
	check readlink ../greeting.txt "$(readlink "$W/dir/greeting.sym")"
	check read-via-symlink heABCDworld "$(tr -d '\n' < "$W/dir/greeting.sym")"
	step truncate-write sh -c "head -c 65536 /dev/zero | tr '\\0' a > '$W/trunc.txt'"
	step truncate-shrink truncate -s 1000 "$W/trunc.txt"
	step truncate-grow truncate -s 1500 "$W/trunc.txt"
	check truncate-size 1500 "$(stat -c %s "$W/trunc.txt")"
	check truncate-content 1000 "$(tr -d '\0' < "$W/trunc.txt" | wc -c)"
	step unlink-create sh -c "printf x > '$W/gone'"
	step unlink rm "$W/gone"
	check unlink-gone no "$([ -e "$W/gone" ] && echo yes || echo no)"
	step rmdir sh -c "mkdir '$W/gonedir' && rmdir '$W/gonedir'"
	step rm-tree sh -c "mkdir -p '$W/tree/a/b' && echo t > '$W/tree/a/b/f' &&
		ln -s f '$W/tree/a/b/l' && rm -r '$W/tree'"
	check rm-tree-gone no "$([ -e "$W/tree" ] && echo yes || echo no)"
	step rename-dir sh -c "mkdir '$W/olddir' && echo inside > '$W/olddir/f' &&
		mv '$W/olddir' '$W/newdir'"
	check read-renamed-dir inside "$(cat "$W/newdir/f")"
	step rename-over sh -c "printf new > '$W/src' && printf old > '$W/dst' && mv -f '$W/src' '$W/dst'"
	check read-renamed-over new "$(cat "$W/dst")"
	step mkfifo mkfifo "$W/fifo"
	check fifo-type fifo "$(stat -c %F "$W/fifo")"
	step utime sh -c "printf t > '$W/mtime.txt' && touch -t 200001020304.05 '$W/mtime.txt'"
	check utime-read 946782245 "$(stat -c %Y "$W/mtime.txt")"
	step fallocate fallocate -l 8192 "$W/falloc.bin"
	check fallocate-size 8192 "$(stat -c %s "$W/falloc.bin")"
	step fsync sync "$W/greeting.txt"
	step fdatasync sync -d "$W/trunc.txt"
	step fsyncdir sync "$W/dir"
}

# Modes and owners: guest root's files land as host uid 0, chown sets any
# owner, set-id bits survive on files of other owners, and a guest user's
# files are that user's.
metadata() {
	step chmod sh -c "printf m > '$W/mode.txt' && chmod 640 '$W/mode.txt'"
	check chmod-read 640 "$(stat -c %a "$W/mode.txt")"
	step chmod-dir chmod 750 "$W/dir"
	step chown sh -c "printf o > '$W/owned.txt' && chown 1234:5678 '$W/owned.txt'"
	check chown-read 1234:5678 "$(stat -c %u:%g "$W/owned.txt")"
	step chown-symlink sh -c "ln -s owned.txt '$W/owned.sym' && chown -h 4321:8765 '$W/owned.sym'"
	check chown-symlink-read 4321:8765 "$(stat -c %u:%g "$W/owned.sym")"
	step setgid sh -c "printf s > '$W/setgid.bin' && chown 1234:5678 '$W/setgid.bin' &&
		chmod 2755 '$W/setgid.bin'"
	check setgid-read 2755 "$(stat -c %a "$W/setgid.bin")"
	step setuid sh -c "printf s > '$W/setuid.bin' && chmod 4755 '$W/setuid.bin'"
	check setuid-read 4755 "$(stat -c %a "$W/setuid.bin")"
	step sticky-dir sh -c "mkdir '$W/public' && chmod 1777 '$W/public'"
	# busybox has no setpriv --reuid: start-stop-daemon switches ids
	# (-n: a process name nothing else has, so that it always starts),
	# and it wants the user in /etc/passwd (the guest's RAM root).
	grep -q '^sbx:' /etc/passwd 2>/dev/null || echo 'sbx:x:1000:1000::/:/bin/sh' >> /etc/passwd
	grep -q '^sbx:' /etc/group 2>/dev/null || echo 'sbx:x:1000:' >> /etc/group
	step create-as-user start-stop-daemon -S -n sbx-user -c 1000:1000 -a /bin/sh -- \
		-c "printf u > '$W/public/user.txt'"
	check create-as-user-owner 1000:1000 "$(stat -c %u:%g "$W/public/user.txt")"
}

# Extended attributes: user.* set, get, list, remove; security.capability.
xattrs() {
	step xattr-create sh -c "printf x > '$W/xattr.txt'"
	step xattr-set "$X" set "$W/xattr.txt" user.sbx.color blue
	step xattr-set-2 "$X" set "$W/xattr.txt" user.sbx.shape round
	step xattr-set-3 "$X" set "$W/xattr.txt" user.sbx.gone soon
	check xattr-get blue "$("$X" get "$W/xattr.txt" user.sbx.color 2>&1)"
	check xattr-list "user.sbx.color user.sbx.gone user.sbx.shape" "$("$X" list "$W/xattr.txt" 2>&1)"
	step xattr-remove "$X" remove "$W/xattr.txt" user.sbx.gone
	check xattr-list-removed "user.sbx.color user.sbx.shape" "$("$X" list "$W/xattr.txt" 2>&1)"
	check xattr-get-removed ENODATA "$("$X" get "$W/xattr.txt" user.sbx.gone 2>&1 | ename)"
	step xattr-dir "$X" set "$W/dir" user.sbx.dir yes
	step setcap sh -c "printf '#!/bin/sh\n' > '$W/cap.bin' && '$X' setcap '$W/cap.bin'"
	check setcap-read 0x0100000200200000000000000000000000000000 \
		"$("$X" get "$W/cap.bin" security.capability 2>&1)"
	# A FIFO's xattrs take virtiofsd's other path (no fd of the inode to
	# open: the path variants through /proc/self/fd). security.* needs
	# CAP_SYS_ADMIN on the host, which virtiofsd has as root only.
	check xattr-fifo-list "" "$("$X" list "$W/fifo" 2>&1)"
	check xattr-fifo-get ENODATA "$("$X" get "$W/fifo" security.sbx 2>&1 | ename)"
	check xattr-fifo-set ok-or-EPERM "$("$X" set "$W/fifo" security.sbx x 2>&1 | ename | ok_or EPERM)"
	check xattr-fifo-remove ok-or-EPERM "$("$X" remove "$W/fifo" security.sbx 2>&1 | ename |
		ok_or EPERM)"
}

# The errno name in guest-xattr's error line (or its output, unchanged).
ename() { sed 's/.*: \(E[A-Z]*\) (.*/\1/'; }
# ok_or NAME: "ok-or-NAME" when the input is ok or NAME, else the input.
ok_or() {
	read -r r
	case $r in ok | "$1") echo "ok-or-$1" ;; *) echo "$r" ;; esac
}

# A character device: CAP_MKNOD allows it, Landlock's read-write right
# (which has no make-char) does not; make-device, for a share with the
# `devices` option, would. Removed again: not part of the state.
device_node() {
	if err=$(mknod "$W/null" c 1 3 2>&1); then
		echo "FS-INFO mknod-chr ok"
		rm -f "$W/null"
	else
		echo "FS-INFO mknod-chr ${err##*: }"
	fi
}

# N empty files, each looked up (stat), then removed.
many() {
	n=$1
	step many-mkdir mkdir "$DIR/many"
	step many-create sh -c "i=0; while [ \$i -lt $n ]; do : > '$DIR/many/f'\$i || exit 1; i=\$((i + 1)); done"
	check many-stat "$n" "$(find "$DIR/many" -type f | wc -l)"
	step many-remove rm -r "$DIR/many"
}

# A few MiB of random data: its checksum as written (taken from the pipe,
# not the share), then read back from the share after the page cache was
# dropped, so that the read goes to virtiofsd.
bulk() {
	written=$(dd if=/dev/urandom bs=1M count=4 2>/dev/null | tee "$W/big.bin" | sha256sum |
		cut -d' ' -f1)
	echo "FS-SUM big.bin $written"
	step bulk-sync sync
	echo 3 > /proc/sys/vm/drop_caches
	check bulk-read-back "$written" "$(sum "$W/big.bin")"
	check bulk-size 4194304 "$(stat -c %s "$W/big.bin")"
}

rw() {
	read_host_file
	check host-file-content "$(host_file | sha256sum | cut -d' ' -f1)" "$(sum "$DIR/from-host.txt")"
	files
	metadata
	xattrs
	bulk
	check readdir "big.bin cap.bin dir dst falloc.bin fifo greeting.txt mode.txt mtime.txt newdir owned.sym owned.txt public setgid.bin setuid.bin trunc.txt xattr.txt" \
		"$(ls -A "$W" | tr '\n' ' ' | sed 's/ $//')"
	step statfs df "$DIR"
	step sync sync
	device_node
}

ro() {
	read_host_file
	check host-file-content "$(host_file | sha256sum | cut -d' ' -f1)" "$(sum "$DIR/from-host.txt")"
	erofs ro-create sh -c "printf x > '$DIR/new.txt'"
	erofs ro-append sh -c "printf x >> '$DIR/from-host.txt'"
	erofs ro-truncate truncate -s 0 "$DIR/from-host.txt"
	erofs ro-mkdir mkdir "$DIR/newdir"
	erofs ro-rename mv "$DIR/from-host.txt" "$DIR/renamed.txt"
	erofs ro-link ln "$DIR/from-host.txt" "$DIR/link.txt"
	erofs ro-symlink ln -s from-host.txt "$DIR/sym.txt"
	erofs ro-unlink rm -f "$DIR/from-host.txt"
	erofs ro-chmod chmod 600 "$DIR/from-host.txt"
	erofs ro-chown chown 1234 "$DIR/from-host.txt"
	erofs ro-utime touch -t 200001020304.05 "$DIR/from-host.txt"
	erofs ro-xattr-set "$X" set "$DIR/from-host.txt" user.sbx.new x
	erofs ro-xattr-remove "$X" remove "$DIR/from-host.txt" user.sbx.host
	check ro-unchanged "$(host_file | sha256sum | cut -d' ' -f1)" "$(sum "$DIR/from-host.txt")"
}

case ${1:-} in
rw) rw ;;
ro) ro ;;
many) many "${2:?usage: fs-workload.sh many N}" ;;
*) echo "usage: fs-workload.sh rw|ro|many N" >&2; exit 2 ;;
esac
echo "FS-DONE $passed $failed"
[ "$failed" = 0 ]
