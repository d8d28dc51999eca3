#!/usr/bin/env bats
# Landlock, proven from inside a service: each attempt succeeds with the
# one rule or scope removed (or Landlock off), and fails with it.

load helpers/common
load helpers/vm
load helpers/confine
bats_require_minimum_version 1.5.0

setup() { confine_setup; }
teardown() { confine_teardown; }

@test "landlock: reading a file outside the profile's paths is EACCES; a read rule for it makes it pass" {
	echo secret > "$V/secret"
	chmod 644 "$V/secret"
	profile_plus "landlock read $V/secret"
	probe --profile "$T/profile" -- read:"$V/secret"
	assert_success
	assert_output "read:$V/secret: ok"

	probe -- read:"$V/secret"
	assert_success
	assert_output "read:$V/secret: EACCES"
}

@test "landlock: writing a file outside the profile's paths is EACCES; a read-write rule for it makes it pass" {
	# A writable disk of the VM, in the probe's view (`view $V`): the mount
	# lets the probe write it, so Landlock alone decides.
	: > "$V/disk"
	chmod 666 "$V/disk"
	conf_add "disk = $V/disk"
	profile_plus "landlock read-write $V/disk"
	probe --profile "$T/profile" -- write:"$V/disk"
	assert_success
	assert_output "write:$V/disk: ok"
	[ -s "$V/disk" ]

	: > "$V/disk"
	probe -- write:"$V/disk" write:/tmp/own
	assert_success
	assert_line "write:$V/disk: EACCES"
	assert_line "write:/tmp/own: ok"
	[ ! -s "$V/disk" ]
}

@test "landlock: signal and ptrace to another service fail even with CAP_KILL and CAP_SYS_PTRACE (scope and domain)" {
	# The other service is a second service started by the same PID 1 (a
	# probe standing in for a share's virtiofsd), with its own uid and
	# Landlock domain. Without capabilities DAC denies both calls (another
	# uid); with CAP_KILL and CAP_SYS_PTRACE DAC allows them, and only
	# Landlock can deny them.
	local name=sandboxd-test-$BATS_TEST_NUMBER-$$ caps="capability CAP_KILL CAP_SYS_PTRACE"
	conf_add "landlock_max_abi = 0"
	# The other prints its ids before it listens: awaiting the listener
	# orders the two.
	probe -- ids await:"$name" kill:other ptrace:other -- ids listen:"$name" wait
	assert_success
	assert_line --regexp "^ids: uid=$SERVICE_UID euid=$SERVICE_UID "
	assert_line --regexp "^ids: uid=$OTHER_UID euid=$OTHER_UID "
	assert_line "kill:other: EPERM"
	assert_line "ptrace:other: EPERM"

	profile_plus "$caps"
	probe --profile "$T/profile" -- await:"$name" kill:other ptrace:other -- listen:"$name" wait
	assert_success
	assert_line "kill:other: ok"
	assert_line "ptrace:other: ok"

	# Landlock on, without the signal scope: signals pass, but no domain
	# may ptrace a process outside itself.
	sed -i '/^landlock_max_abi/d' "$T/vm.conf"
	profile_without '^landlock scope'
	echo "$caps" >> "$T/profile"
	probe --profile "$T/profile" -- kill:other ptrace:other -- wait
	assert_success
	assert_line "kill:other: ok"
	assert_line "ptrace:other: EPERM"

	profile_plus "$caps"
	probe --profile "$T/profile" -- kill:other ptrace:other -- wait
	assert_success
	assert_line "kill:other: EPERM"
	assert_line "ptrace:other: EPERM"
}

@test "landlock: signal and ptrace to sandboxd (PID 1) fail even with CAP_KILL and CAP_SYS_PTRACE" {
	# Without the capabilities DAC already stops a service (uid != 0); with
	# them only Landlock stands in the way.
	probe -- kill:1 ptrace:1
	assert_line "kill:1: EPERM"
	assert_line "ptrace:1: EPERM"

	conf_add "landlock_max_abi = 0"
	profile_plus "capability CAP_KILL CAP_SYS_PTRACE"
	probe --profile "$T/profile" -- kill:1 ptrace:1
	assert_success
	assert_line "kill:1: ok"
	assert_line "ptrace:1: ok"

	sed -i '/^landlock_max_abi/d' "$T/vm.conf"
	probe --profile "$T/profile" -- kill:1 ptrace:1
	assert_success
	assert_line "kill:1: EPERM"
	assert_line "ptrace:1: EPERM"
}

@test "landlock: connecting to another service's abstract unix socket fails (scope)" {
	local name=sandboxd-test-$BATS_TEST_NUMBER-$$
	profile_without '^landlock scope'
	probe --profile "$T/profile" -- await:"$name" connect:"$name" -- listen:"$name" wait
	assert_success
	assert_line "listen:$name: ok"
	assert_line "connect:$name: ok"

	probe -- await:"$name" connect:"$name" -- listen:"$name" wait
	assert_success
	assert_line "listen:$name: ok"
	assert_line "connect:$name: EPERM"
}

@test "landlock: TCP connect is denied unless the profile names the port (ABI 4)" {
	# Nothing listens on port 1: refused once Landlock lets the call through.
	profile_plus "landlock net connect 1"
	probe --profile "$T/profile" -- tcp-connect:1
	assert_success
	assert_output "tcp-connect:1: ECONNREFUSED"

	probe -- tcp-connect:1
	assert_success
	assert_output "tcp-connect:1: EACCES"
}

@test "landlock: ABI 0 simulated (landlock_max_abi = 0): the service runs and the log says what is not enforced" {
	echo secret > "$V/secret"
	chmod 644 "$V/secret"
	conf_add "landlock_max_abi = 0"
	probe -- read:"$V/secret" tcp-connect:1
	assert_success
	assert_line "read:$V/secret: ok"
	assert_line "tcp-connect:1: ECONNREFUSED"
	grep -qE 'landlock: ABI 0 \(kernel ABI [0-9]+, capped by landlock_max_abi = 0\): not enforced for any service: filesystem rules \(ABI 1\), .*TCP bind and connect \(ABI 4\), .*signal and abstract unix socket scopes \(ABI 6\)' <<< "$stderr"
}

@test "landlock: a kernel ABI between masks only what it lacks (landlock_max_abi = 3)" {
	echo secret > "$V/secret"
	chmod 644 "$V/secret"
	conf_add "landlock_max_abi = 3"
	# CAP_KILL: DAC lets the signal to the other service's uid through.
	profile_plus "capability CAP_KILL"
	probe --profile "$T/profile" -- read:"$V/secret" tcp-connect:1 kill:other -- wait
	assert_success
	assert_line "read:$V/secret: EACCES"
	assert_line "tcp-connect:1: ECONNREFUSED"
	assert_line "kill:other: ok"
	grep -qE 'landlock: ABI 3 .*: not enforced for any service: TCP bind and connect \(ABI 4\), device ioctl \(ABI 5\), signal and abstract unix socket scopes \(ABI 6\)$' <<< "$stderr"
}

@test "landlock: landlock_min_abi above landlock_max_abi is a config error (exit 100)" {
	conf_add "landlock_min_abi = 4" "landlock_max_abi = 3"
	probe -- ids
	assert_equal "$status" 100
	assert_equal "$output" ""
	grep -q "vm.conf:0: landlock_min_abi = 4 is above landlock_max_abi = 3" <<< "$stderr"
}

@test "landlock: make-device lets a service with CAP_MKNOD make device nodes beneath a directory; read-write alone is EACCES" {
	# A writable share of the VM, in the probe's view: the mount (nodev)
	# lets a node be made, so Landlock alone decides. make-device on a
	# file grants nothing and adds no rule (Landlock refuses an empty one).
	mkdir "$V/share"
	chmod 777 "$V/share"
	: > "$V/file"
	conf_add "share = s:$V/share:rw"
	profile_plus "syscall mknodat" "capability mknod" "landlock read-write $V/share" \
		"landlock make-device $V/share $V/file"
	probe --profile "$T/profile" -- mknod:"$V/share/c":c mknod:"$V/share/b":b
	assert_success
	assert_line "mknod:$V/share/c:c: ok"
	assert_line "mknod:$V/share/b:b: ok"
	assert_equal "$(stat -c '%F %t %T' "$V/share/c")" "character special file 1 3"
	assert_equal "$(stat -c '%F %t %T' "$V/share/b")" "block special file 7 0"

	rm "$V/share/c" "$V/share/b"
	profile_plus "syscall mknodat" "capability mknod" "landlock read-write $V/share"
	probe --profile "$T/profile" -- mknod:"$V/share/c":c mknod:"$V/share/b":b write:"$V/share/f"
	assert_success
	assert_line "mknod:$V/share/c:c: EACCES"
	assert_line "mknod:$V/share/b:b: EACCES"
	assert_line "write:$V/share/f: ok"
	[[ ! -e $V/share/c && ! -e $V/share/b ]]
}
