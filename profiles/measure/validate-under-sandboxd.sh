#!/bin/bash
# Boots the guest image with QEMU under `sandboxd --exec` and profiles/qemu
# applied (rlimits, Landlock, seccomp in kill mode), TCG only (sandboxd
# refuses accel = kvm on a host without VT-x/SVM):
#   1. disk write + guest power-off, QEMU's -sandbox on
#   2. the same with a virtio-fs share (virtiofsd started here, as root)
#   3. disk write, then SIGTERM to sandboxd (QEMU ends on SIGTERM)
#   4. without QEMU's -sandbox (the profile alone; all threads by clone3)
# The exec driver passes no fds, so QEMU opens the kernel, initrd and disk
# by path here, and the profile gets one extra rule for that (read-write
# ${disks_rw}); the QEMU driver passes them as fds and needs none.
#
#   validate-under-sandboxd.sh [SCRATCH_DIR]   (default /var/tmp/qemu-profile-check;
#                                               not under /tmp: the service's /tmp is private)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=${1:-/var/tmp/qemu-profile-check}
SANDBOXD=$ROOT/build/sandboxd
SB=on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
mkdir -p "$D/share" && chmod 755 "$D" && chmod 777 "$D/share"
cp "$ROOT/build/guest/vmlinuz" "$ROOT/build/guest/initramfs.cpio.gz" "$D/"
chmod 644 "$D/vmlinuz" "$D/initramfs.cpio.gz"
rm -f "$D/disk.img" && truncate -s 16M "$D/disk.img" && chmod 666 "$D/disk.img"
echo SBX-HOST-FILE > "$D/share/from-host"
sed 's|^landlock read /dev/urandom$|&\nlandlock read-write ${disks_rw}|' "$ROOT/profiles/qemu" > "$D/qemu"
grep -q 'disks_rw' "$D/qemu" || { echo "could not add the disk rule"; exit 1; }
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
conf() {
	cat > "$D/vm.conf" <<CONF
name = qcheck
vmm = qemu
accel = tcg
kernel = $D/vmlinuz
initrd = $D/initramfs.cpio.gz
memory = 256M
vcpus = 2
disk = $D/disk.img
share = share0:$D/share:rw
runtime_dir = $D/run
shutdown_timeout = 20
CONF
}
# run NAME GUEST_CMD [QEMU ARGS...]: output in $D/NAME.console, $D/NAME.log
run() {
	local name=$1 cmd=$2
	shift 2
	rm -f "$D/$name.console" "$D/$name.log"
	${EXEC:-} "$SANDBOXD" --exec "$D/vm.conf" --profile "$D/qemu" -- /usr/bin/qemu-system-x86_64 \
		-name qcheck -nodefaults -no-user-config -display none -no-reboot \
		-M q35,memory-backend=mem -accel tcg -cpu qemu64 -smp 2 -m 256M \
		-object memory-backend-memfd,id=mem,size=256M,share=on \
		-chardev stdio,id=console,signal=off -serial chardev:console \
		-kernel "$D/vmlinuz" -initrd "$D/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet sbx.run=$(enc "$cmd") sbx.mount=share0" \
		-drive "file=$D/disk.img,format=raw,if=none,id=disk0" -device virtio-blk-pci,drive=disk0 \
		"$@" > "$D/$name.console" 2> "$D/$name.log" < /dev/null
}
check() {	# check NAME STATUS MARKER...
	local name=$1 st=$2 m ok=1
	shift 2
	for m in "$@"; do grep -q "$m" "$D/$name.console" || ok=0; done
	if ((ok && st == 0)) && ! grep -qi 'seccomp\|sigsys\|violation' "$D/$name.log"; then
		echo "ok   $name"
	else
		echo "FAIL $name (status $st)"; tail -5 "$D/$name.log"; tail -5 "$D/$name.console"; fails=$((fails + 1))
	fi
}
conf
fails=0
W='dd if=/dev/urandom of=/dev/vda bs=64k count=32 conv=fsync 2>/dev/null && echo SBX-DISK-WRITTEN'

run disk "$W" -sandbox $SB; check disk $? SBX-DISK-WRITTEN "SBX-EXIT 0"

rm -f "$D/fs.sock"
/usr/lib/qemu/virtiofsd --socket-path="$D/fs.sock" -o source="$D/share" -o sandbox=chroot > "$D/virtiofsd.log" 2>&1 &
vfsd=$!
for _ in $(seq 50); do [ -S "$D/fs.sock" ] && break; sleep 0.1; done
chmod 666 "$D/fs.sock"	# the service's uid connects to it
run share "$W && echo hi > /mnt/share0/from-guest && cat /mnt/share0/from-host && echo SBX-SHARE-WRITTEN" \
	-chardev "socket,id=fs0,path=$D/fs.sock" -device vhost-user-fs-pci,chardev=fs0,tag=share0 -sandbox $SB
check share $? SBX-SHARE-WRITTEN SBX-HOST-FILE "SBX-EXIT 0"
kill "$vfsd" 2>/dev/null; wait "$vfsd" 2>/dev/null

rm -f "$D/sigterm.console"
EXEC=exec run sigterm "$W; sleep 600" -sandbox $SB &
p=$!
for _ in $(seq 120); do grep -q SBX-DISK-WRITTEN "$D/sigterm.console" 2>/dev/null && break; sleep 0.5; done
kill -TERM $p; wait $p; check sigterm $? SBX-DISK-WRITTEN

run nosandbox "$W"; check nosandbox $? SBX-DISK-WRITTEN "SBX-EXIT 0"
exit $((fails > 0))
