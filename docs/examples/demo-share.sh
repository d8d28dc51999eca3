# Sourced by demo.sh and demo-s6.sh: demo_share DIR fills the demo VM's
# writable share DIR (docs/examples/demo.conf) afresh: a file from the host,
# the guest's round-trip script, and guest-xattr (static; the guest's
# busybox has no setfattr/getfattr). The guest reads the host's file and
# writes one back with an extended attribute, then idles until it is asked
# to power off.
demo_share() {
	local share=$1
	rm -rf "$share"
	mkdir -p "$share"
	cp build/guest-xattr "$share/"
	echo "hello from the host, $(uname -n)" > "$share/from-host.txt"
	cat > "$share/round-trip.sh" <<'GUEST'
cd /mnt/demo
echo "guest: the host wrote: $(cat from-host.txt)"
echo "hello from the guest, kernel $(uname -r)" > from-guest.txt
./guest-xattr set from-guest.txt user.demo "set in the guest" > /dev/null
echo "guest: wrote from-guest.txt, user.demo = $(./guest-xattr get from-guest.txt user.demo)"
# Idle until sandboxd asks the guest to power off (init then ends this).
exec sleep 1000000
GUEST
}

# demo_share_report DIR: what the guest left in DIR, read on the host.
demo_share_report() {
	echo "== what the guest left in the share, read on the host:"
	echo "   $1/from-guest.txt: $(cat "$1/from-guest.txt")"
	echo "   user.demo = $(build/guest-xattr get "$1/from-guest.txt" user.demo)"
}
