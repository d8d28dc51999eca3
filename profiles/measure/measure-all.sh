#!/bin/bash
# Re-measures what profiles/qemu is based on: each scenario is one guest
# lifetime of QEMU with sandboxd's argv (run-qemu.py) under strace -f, then
# summarize.py. Output in OUT (default /var/tmp/qemu-measure): SCENARIO.strace
# (full log), SCENARIO.sum (counts and arguments), SCENARIO.out (console).
#   tcg        TCG (q35), disk write, QMP system_powerdown
#   tcg-sb     the same with QEMU's -sandbox on,...
#   share-sb   + a virtio-fs share through virtiofsd (needs root)
#   kvm-sb     KVM (microvm) with -sandbox: on a KVM without VT-x the guest
#              never boots (exit 1 is expected there); the VM/vCPU set-up
#              and KVM_RUN are still traced
#   kvm-named  the same, with strace's symbolic ioctl names (KVM_*)
#   enosys     share-sb with clone3 and io_uring_setup failing with ENOSYS
#              (what a profile errno action would do): QEMU must still work
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/var/tmp/qemu-measure}
mkdir -p "$OUT"
# -cpu host fails on the PVM KVM ("failed to set MSR 0x10a"); a VT-x host
# should measure with plain -cpu host (drop --cpu).
KVMCPU=(--cpu host,-arch-capabilities --timeout 15 --shutdown-wait 5)
m() {	# m NAME ARGS...
	local name=$1; shift
	"$HERE/run-qemu.py" "$@" --strace-o "$OUT/$name.strace" > "$OUT/$name.out" 2>&1
	echo "$name: exit $? ($(head -1 "$OUT/$name.out"))"
	"$HERE/summarize.py" "$OUT/$name.strace" > "$OUT/$name.sum"
}
m tcg
m tcg-sb --sandbox
m share-sb --sandbox --share
m kvm-sb --accel kvm --sandbox "${KVMCPU[@]}"
m kvm-named --accel kvm --sandbox --strace-named "${KVMCPU[@]}"
m enosys --sandbox --share --enosys clone3,io_uring_setup
grep -ohE 'ioctl\([0-9]+, [A-Z_0-9]+' "$OUT/kvm-named.strace" | sed 's/.*, //' | sort | uniq -c | sort -rn > "$OUT/kvm-ioctls.txt"
echo "summaries in $OUT/*.sum, KVM ioctl names in $OUT/kvm-ioctls.txt"
