#!/bin/sh
# extract-vmlinux BZIMAGE OUT: the ELF vmlinux inside a bzImage, for booting
# it through PVH.  Like the kernel's scripts/extract-vmlinux, but instead of
# scanning for magic numbers it reads where the compressed payload is from
# the setup header (payload_offset/payload_length, boot protocol 2.08+).
set -eu
in=$1
out=$2

die() { echo "extract-vmlinux: $in: $*" >&2; exit 1; }
u8() { od -An -tu1 -j "$1" -N1 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '; }

[ "$(dd if="$in" bs=1 skip=514 count=4 status=none)" = HdrS ] || die "not a bzImage"
sects=$(u8 497)
[ "$sects" != 0 ] || sects=4
start=$(( (sects + 1) * 512 + $(u32 584) ))
len=$(u32 588)
[ "$len" -gt 0 ] || die "no payload_length (boot protocol older than 2.08)"
magic=$(tail -c +$((start + 1)) "$in" | head -c 6 | od -An -tx1 | tr -d ' \n')
case $magic in
1f8b*) unpack="gzip -dc" ;;
fd377a585a00) unpack="xz -dc" ;;
425a68*) unpack="bzip2 -dc" ;;
5d0000*) unpack="unlzma -c" ;;
894c5a*) unpack="lzop -dc" ;;
02214c18*) unpack="lz4 -dc" ;;
28b52ffd*) unpack="zstd -dc" ;;
*) die "unknown compression (magic $magic)" ;;
esac
# The decompressor may complain about the size word the kernel appends.
tail -c +$((start + 1)) "$in" | head -c "$len" | $unpack >"$out.tmp" 2>/dev/null || true
[ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] || die "payload did not unpack to an ELF"
mv "$out.tmp" "$out"
