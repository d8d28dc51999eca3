#!/bin/sh
# virtiofs-workload.sh DIR drop|keep: the work that bench/virtiofs.sh times,
# for busybox sh: in the guest on a virtio-fs share (DIR under /mnt/TAG),
# and on the host for the ceiling. Clock: mono-ns (bench/mono-ns.c) next to
# this script, copied to a temporary file first so that no reading of the
# clock runs a program from the share. DIR is made afresh; what the work left
# is checked after the timing and left for the host to remove.
#
#   write  dd of a 64 MiB file from /dev/zero, bs=1M, conv=fsync (the time
#          includes the fsync)
#   read   `drop`: sync and echo 3 > /proc/sys/vm/drop_caches first (the
#          guest then reads through virtiofsd; `keep` on the host, where
#          the page cache is what virtiofsd reads from too), then dd of the
#          file to /dev/null, bs=1M
#   files  2,000 times: create, write 4 KiB, close (`echo -n > FILE`, a
#          shell builtin: no process per file)
#   loop   the same loop writing to /dev/null: what the loop itself costs
#
# Output: "VFS clock NS", the least of three pairs of clock readings back to
# back (what one reading adds to an interval: a process start under TCG),
# then "VFS NAME NS" for write, read, files and loop (raw intervals, the
# clock's cost not taken off), then "VFS ok"; any failure prints
# "VFS-FAIL WHAT" and exits 1.
# busybox sh: echo -n is its builtin's (shellcheck knows only POSIX sh's echo).
# shellcheck disable=SC3037
set -u
DIR=$1
MODE=$2
FILES=2000

fail() { echo "VFS-FAIL $*"; exit 1; }

NOW=$(mktemp) || fail mktemp
trap 'rm -f "$NOW"' EXIT
cp "$(dirname "$0")/mono-ns" "$NOW" || fail "copy mono-ns"
chmod 700 "$NOW" || fail "chmod mono-ns"
rm -rf "$DIR" || fail "rm $DIR"
mkdir -p "$DIR/files" || fail "mkdir $DIR"
blk=$(printf '%4096s' '')

clock=
for i in 1 2 3; do
	a=$("$NOW"); b=$("$NOW")
	[ -z "$clock" ] || [ $((b - a)) -lt "$clock" ] && clock=$((b - a))
done
echo "VFS clock $clock"

a=$("$NOW")
dd if=/dev/zero of="$DIR/big" bs=1M count=64 conv=fsync 2>/dev/null || fail write
b=$("$NOW")
echo "VFS write $((b - a))"

if [ "$MODE" = drop ]; then
	sync || fail sync
	echo 3 > /proc/sys/vm/drop_caches || fail drop_caches
fi
a=$("$NOW")
dd if="$DIR/big" of=/dev/null bs=1M 2>/dev/null || fail read
b=$("$NOW")
echo "VFS read $((b - a))"

i=0
a=$("$NOW")
while [ $i -lt $FILES ]; do
	echo -n "$blk" > "$DIR/files/f$i" || fail "file $i"
	i=$((i + 1))
done
b=$("$NOW")
echo "VFS files $((b - a))"

i=0
a=$("$NOW")
while [ $i -lt $FILES ]; do
	echo -n "$blk" > /dev/null || fail "loop $i"
	i=$((i + 1))
done
b=$("$NOW")
echo "VFS loop $((b - a))"

# What was written is there.
[ "$(wc -c < "$DIR/big")" -eq 67108864 ] || fail "size of big"
[ "$(find "$DIR/files" -type f | wc -l)" -eq $FILES ] || fail "count of files"
[ "$(cat "$DIR/files/f0" "$DIR/files/f$((FILES - 1))" | wc -c)" -eq 8192 ] || fail "size of files"
echo "VFS ok"
