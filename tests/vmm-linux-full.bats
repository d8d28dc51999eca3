#!/usr/bin/env bats
# Debian's kernel and the guest image (vmm/guest-image) booted to userspace
# on the bundled VMM: 1 and 2 vCPUs, a read-only ext4 disk, a read-write
# disk checked on the host, SIGTERM ending the guest cleanly.  Needs KVM
# with hardware virtualization (kvm_intel or kvm_amd); on PVM hosts guest
# kernel code runs in KVM's instruction emulator, which Debian's kernel
# does not get through, so these tests skip there, saying so.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() {
	local m
	for m in kvm_intel kvm_amd; do
		[[ -d /sys/module/$m ]] && HWVIRT=$m
	done
	[[ -n ${HWVIRT:-} ]] || skip "KVM here has no hardware virtualization (no kvm_intel/kvm_amd module$(
		[[ -d /sys/module/kvm_pvm ]] && echo "; it is kvm_pvm, which emulates guest kernel code")): full Linux boots need VT-x or SVM"
	vmm_setup kvm guest/vmlinuz guest/initramfs.cpio.gz
	KERNEL=$ROOT/build/guest/vmlinuz
	INITRD=$ROOT/build/guest/initramfs.cpio.gz
}

teardown() { vmm_teardown; }

# Percent-encode a command for sbx.run (vmm/guest-image/init).
urlenc() {
	local s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._/-]) out+=$c ;;
		*) printf -v c '%%%02X' "'$c"; out+=$c ;;
		esac
	done
	printf '%s' "$out"
}

# boot VCPUS CMDLINE_EXTRA [vmm args...]: start the VMM in the background.
boot() {
	local vcpus=$1 extra=$2
	shift 2
	vmm_start "$VMM" --kernel "$KERNEL" --initrd "$INITRD" --memory 512M --vcpus "$vcpus" \
		--cmdline "console=ttyS0 reboot=k panic=-1 $extra" "$@"
}

ready_then_sigterm() {
	vmm_wait_line "SBX-GUEST-READY" 120 || fail "not ready"
	kill -TERM "$VMM_PID"
	vmm_wait_line "SBX-SHUTDOWN" 60 || fail "no graceful shutdown"
	wait_for_exit "$VMM_PID" 60 || fail "VMM still running after the guest shut down"
	assert_equal "$WAIT_STATUS" 0
	VMM_PID=
}

@test "full boot, 1 vCPU: SBX-GUEST-READY, SIGTERM ends it with SBX-SHUTDOWN and exit 0" {
	boot 1 ""
	ready_then_sigterm
}

@test "full boot, 2 vCPUs: both CPUs online" {
	boot 2 "sbx.run=$(urlenc 'grep -c ^processor /proc/cpuinfo')"
	ready_then_sigterm
	run grep -cE $'^2\r?$' "$T/console"
	assert_output 1
}

@test "full boot: reads a file from a read-only ext4 disk" {
	mkdir "$T/fs"
	echo "SBX-FILE-FROM-HOST" >"$T/fs/hello.txt"
	mkfs.ext4 -q -d "$T/fs" "$T/ro.img" 8M
	boot 1 "sbx.run=$(urlenc 'mount -o ro -t ext4 /dev/vda /mnt && cat /mnt/hello.txt')" --disk "$T/ro.img,ro"
	vmm_wait_line "SBX-EXIT 0" 120 || fail "the command did not end"
	run grep -c "SBX-FILE-FROM-HOST" "$T/console"
	assert_output 1
	ready_then_sigterm
}

@test "full boot: writes to a read-write disk, bytes checked on the host" {
	truncate -s 1M "$T/rw.img"
	boot 1 "sbx.run=$(urlenc 'printf SBX-WROTE-BYTES | dd of=/dev/vda bs=512 conv=sync,fsync')" --disk "$T/rw.img"
	vmm_wait_line "SBX-EXIT 0" 120 || fail "the command did not end"
	ready_then_sigterm
	assert_equal "$(head -c 15 "$T/rw.img")" "SBX-WROTE-BYTES"
}
