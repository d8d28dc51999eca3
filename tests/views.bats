#!/usr/bin/env bats
# Each service sees only its own paths (sandboxd/view.c). Landlock has no
# right for chmod, chown, utimes or xattrs, and virtiofsd keeps CAP_CHOWN,
# CAP_FOWNER and CAP_SETUID: only the view keeps a share's virtiofsd away
# from another share, the VM's disk and the VMM's files.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/confine

setup() {
	confine_setup
	mkdir "$T/a" "$T/b" "$T/profiles"
	chmod 755 "$T/a" "$T/b"
	truncate -s 1M "$T/disk.img"
	# Share b's root-owned files: a binary and a secret.
	cp /bin/true "$T/b/tool" && chmod 0755 "$T/b/tool"
	echo secret > "$T/b/secret" && chmod 0600 "$T/b/secret"
	echo mine > "$T/a/own"
	cp "$ROOT/profiles/qemu" "$ROOT/profiles/virtiofsd" "$T/profiles/"
	# The VMM's files: copies, as they are attacked.
	cp "$GUEST_KERNEL" "$T/vmlinuz" && cp "$GUEST_INITRD" "$T/initrd"
	GUEST_KERNEL=$T/vmlinuz GUEST_INITRD=$T/initrd
	# The stand-in reads its actions from the environment, which a
	# service only gets where its profile names the variables.
	echo "env PROBE_ACTIONS PROBE_IF_ARG" >> "$T/profiles/virtiofsd"
	vm_conf "" "share = a:$T/a:rw" "share = b:$T/b:rw" "disk = $T/disk.img" \
		"profile_dir = $T/profiles"
}

teardown() { confine_teardown; }

# The attack on PATH: what a compromised virtiofsd with uid 0 and its
# capabilities would do to a file of another service.
attack() {
	echo "chown:$1:12345 chmod:$1:6777 utimes:$1 setxattr:$1"
}

# attacked PATH RESULT: each call of `attack PATH` answered RESULT.
attacked() {
	assert_line "chown:$1:12345: $2"
	assert_line "chmod:$1:6777: $2"
	assert_line "utimes:$1: $2"
	assert_line "setxattr:$1: $2"
}

# stand_in ACTIONS: the probe as share a's virtiofsd (its uid, capabilities,
# profile, view and Landlock domain; share b's stand-in only waits), taking
# uid 0 with its CAP_SETUID first; seccomp logs instead of killing, so that
# only the view and Landlock answer.
stand_in() {
	run --separate-stderr env SANDBOXD_VIRTIOFSD="$PROBE" PROBE_IF_ARG="$T/a" \
		PROBE_ACTIONS="setuid:0 ids $1" timeout 60 "$SANDBOXD" --seccomp-log "$T/vm.conf"
	assert_line "setuid:0: ok"
	assert_line "ids: uid=0 euid=0 gid=0 egid=0"
}

# fingerprint FILE...: mode, owner, times and xattrs, to compare.
fingerprint() {
	local f
	for f in "$@"; do
		stat -c '%n %f %u %g %X %Y %Z' "$f"
		getfattr --absolute-names -d "$f"
	done
}

@test "views: a share's virtiofsd can change metadata in its own share: Landlock does not stop it" {
	stand_in "$(attack "$T/a/own")"
	attacked "$T/a/own" ok
	[[ $(stat -c '%a %u' "$T/a/own") == "6777 12345" ]]
}

@test "views: with another share in its view, Landlock alone lets it chmod, chown and setxattr there" {
	# The layer shown missing: the same attack with share b added to the
	# stand-in's view (no Landlock right for it) gets through.
	echo "view $T/b" >> "$T/profiles/virtiofsd"
	stand_in "$(attack "$T/b/tool") read:$T/b/secret"
	attacked "$T/b/tool" ok
	assert_line "read:$T/b/secret: EACCES"
	[[ $(stat -c '%a %u' "$T/b/tool") == "6777 12345" ]]
}

@test "views: another share, the VM's disk and the VMM's files are not in a virtiofsd's view (ENOENT), nothing changes" {
	local targets=("$T/b/tool" "$T/b/secret" "$T/b" "$T/disk.img" "$GUEST_KERNEL" "$GUEST_INITRD")
	local before actions="" f
	before=$(fingerprint "${targets[@]}")
	for f in "${targets[@]}"; do
		actions+="$(attack "$f") "
	done
	stand_in "$actions read:/etc/shadow"
	for f in "${targets[@]}"; do
		attacked "$f" ENOENT
	done
	assert_line "read:/etc/shadow: ENOENT"
	assert_equal "$(fingerprint "${targets[@]}")" "$before"
}

@test "views: the real virtiofsd's mount namespace holds its share (nosuid, nodev, noexec) and no other VM path" {
	# No sbx.run: the guest, ready once it has mounted both shares, idles
	# until the SIGTERM below.
	vm_conf "sbx.mount=a,b" "share = a:$T/a:rw" "share = b:$T/b:ro" "disk = $T/disk.img"
	vm_start
	wait_for_line "$T/ready" "" 90 || fail "not ready: $(cat "$T/log")"
	local vfs vmm
	vfs=$(vm_share_pid 0) vmm=$(vm_vmm_pid)
	# virtiofsd chroots into its share: its namespace's mounts are read
	# by a process that enters the namespace at its root.
	run nsenter -t "$vfs" -m -p -- cat /proc/self/mountinfo
	assert_line --regexp "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ $T/a rw,nosuid,nodev,noexec,"
	refute_output --partial " $T/b "
	refute_output --partial "disk.img"
	refute_output --partial "$GUEST_KERNEL"
	assert_line --regexp '^[0-9]+ [0-9]+ [0-9:]+ / / ro,'
	# The VMM's view: no share at all.
	run nsenter -t "$vmm" -m -p -- cat /proc/self/mountinfo
	refute_output --partial " $T/a "
	refute_output --partial " $T/b "
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
}

@test "views: a path outside the probe's profile is absent even with Landlock off; 'view PATH' puts it there" {
	echo secret > "$V/secret"
	chmod 644 "$V/secret"
	conf_add "landlock_max_abi = 0"
	grep -v "^view " "$T/probe-profile" > "$T/noview"
	probe --profile "$T/noview" -- read:"$V/secret"
	assert_success
	assert_output "read:$V/secret: ENOENT"
	probe -- read:"$V/secret"
	assert_success
	assert_output "read:$V/secret: ok"
}

@test "views: within its view, Landlock keeps a uid-0 virtiofsd from contents outside its share" {
	# /etc and the disk put in the stand-in's view: with Landlock off
	# (landlock_max_abi = 0) it reads a root-only file and writes the
	# disk; with Landlock on, both are EACCES and its share stays writable.
	echo "view /etc $T/disk.img" >> "$T/profiles/virtiofsd"
	cp "$T/vm.conf" "$T/on.conf"
	conf_add "landlock_max_abi = 0"
	stand_in "write:$T/a/inside read:/etc/shadow write:$T/disk.img"
	assert_line "read:/etc/shadow: ok"
	assert_line "write:$T/disk.img: ok"
	rm -f "$T/a/inside"
	cp "$T/on.conf" "$T/vm.conf"
	stand_in "write:$T/a/inside read:/etc/shadow write:$T/disk.img"
	assert_line "write:$T/a/inside: ok"
	assert_line "read:/etc/shadow: EACCES"
	assert_line "write:$T/disk.img: EACCES"
	[[ -e $T/a/inside ]]
}
