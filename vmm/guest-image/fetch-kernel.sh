#!/bin/sh
# fetch-kernel.sh OUTDIR
#
# Downloads Debian's cloud kernel package (the versioned package that
# linux-image-cloud-amd64 depends on) into OUTDIR/deb/ and unpacks it into
# OUTDIR/pkg/.  Nothing is installed on the host.  A .deb already present in
# OUTDIR/deb/ is reused (no network access then); `apt-get update` runs only
# when apt does not know the package.
set -eu

out=${1:?usage: fetch-kernel.sh OUTDIR}
meta=linux-image-cloud-amd64
debdir=$out/deb
pkgdir=$out/pkg

mkdir -p "$debdir"

say() { printf 'guest-image: %s\n' "$*" >&2; }

# apt-get as root drops to the _apt user for downloads, which cannot write a
# root-owned build dir and warns; as root, stay root.
apt_opts="-q -q"
[ "$(id -u)" = 0 ] && apt_opts="$apt_opts -o APT::Sandbox::User=root"

updated=0
apt_update() {
	[ "$updated" = 0 ] || return 1
	updated=1
	say "apt does not know the kernel package; running apt-get update"
	apt-get $apt_opts update >&2
}

versioned_name() {
	apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}

newest_deb() {
	# Highest Debian version among the downloaded kernel packages.
	best=
	for f in "$debdir"/linux-image-*-cloud-amd64_*_amd64.deb; do
		[ -f "$f" ] || continue
		case $f in *unsigned*|*dbg*) continue ;; esac
		if [ -z "$best" ]; then best=$f; continue; fi
		v1=$(dpkg-deb -f "$best" Version) v2=$(dpkg-deb -f "$f" Version)
		n1=$(dpkg-deb -f "$best" Package) n2=$(dpkg-deb -f "$f" Package)
		# Compare ABI (package name) first, then the version.
		if [ "$n1" != "$n2" ]; then
			[ "$(printf '%s\n%s\n' "$n1" "$n2" | sort -V | tail -n1)" = "$n2" ] && best=$f
		elif dpkg --compare-versions "$v2" gt "$v1"; then
			best=$f
		fi
	done
	printf '%s' "$best"
}

deb=$(newest_deb)
if [ -z "$deb" ]; then
	name=$(versioned_name)
	if [ -z "$name" ]; then
		apt_update || true
		name=$(versioned_name)
	fi
	[ -n "$name" ] || { say "cannot resolve $meta to a versioned kernel package"; exit 1; }
	say "downloading $name"
	if ! (cd "$debdir" && apt-get $apt_opts download "$name" >&2); then
		apt_update
		(cd "$debdir" && apt-get $apt_opts download "$name" >&2)
	fi
	deb=$(newest_deb)
	[ -n "$deb" ] || { say "download of $name produced no .deb in $debdir"; exit 1; }
fi

# Unpack into a fresh directory, then swap it in, so that an interrupted
# build never leaves a half-extracted tree behind.
say "unpacking $(basename "$deb")"
rm -rf "$pkgdir.tmp"
mkdir -p "$pkgdir.tmp"
dpkg-deb -x "$deb" "$pkgdir.tmp"
set -- "$pkgdir.tmp"/boot/vmlinuz-*
[ -f "$1" ] || { say "no kernel image in $deb"; exit 1; }
rm -rf "$pkgdir"
mv "$pkgdir.tmp" "$pkgdir"
