#!/usr/bin/env bats
# seccomp, proven from inside a service: a syscall the profile does not
# name kills the service with SIGSYS and the log names it; the same call
# passes once the profile names it.

load helpers/common
load helpers/vm
load helpers/confine
bats_require_minimum_version 1.5.0

setup() { confine_setup; }
teardown() {
	if [[ -n ${LISTENER:-} ]]; then
		kill "$LISTENER" 2>/dev/null || true
		wait "$LISTENER" 2>/dev/null || true
	fi
	confine_teardown
}

# getcpu: harmless, and in no line of test-probe.
GETCPU=309

@test "seccomp: a syscall outside the profile kills with SIGSYS and the log names it" {
	profile_plus "syscall getcpu"
	probe --profile "$T/profile" -- syscall:$GETCPU
	assert_success
	assert_output --regexp "^syscall:$GETCPU: ok"

	probe -- ids syscall:$GETCPU ids
	assert_equal "$status" 159
	# The first line ran, the call killed the service before the second.
	assert_output "ids: uid=$SERVICE_UID euid=$SERVICE_UID gid=$SERVICE_UID egid=$SERVICE_UID"
	grep -q "vmm: killed by signal 31 (Bad system call)" <<< "$stderr"
	grep -q "vmm: seccomp: getcpu is not in the profile: killed" <<< "$stderr"
	! grep -q "no audit record named the syscall" <<< "$stderr"
	grep -q "vm stopped, exit status 159" <<< "$stderr"
}

@test "seccomp: --seccomp-log lets the call through, logs it by name and says loudly that it is insecure" {
	# The probe stays up (wait) until the record is in the log: kauditd
	# prints it asynchronously.
	"$SANDBOXD" --seccomp-log --exec "$T/vm.conf" -- "$PROBE" syscall:$GETCPU wait \
		> "$T/out" 2> "$T/log" < /dev/null &
	VM_PID=$!
	wait_for_line "$T/log" "vmm: seccomp: getcpu is not in the profile \(allowed by --seccomp-log\)" 10
	kill -TERM "$VM_PID"
	vm_wait_exit 10
	assert_equal "$VM_STATUS" 0
	grep -q "^syscall:$GETCPU: ok" "$T/out"
	grep -q "vmm: INSECURE: --seccomp-log: syscalls outside profile .* are logged and allowed, not killed" "$T/log"
}

@test "seccomp: an x32 syscall number is rejected (SIGSYS), even for a syscall the profile allows" {
	# Outside the sandbox the x32 getpid either works or, on a kernel
	# without x32, fails with ENOSYS; it never kills.
	run "$PROBE" syscall:39 syscall:x32:39
	assert_success
	assert_line --regexp '^syscall:39: ok'
	assert_line --regexp '^syscall:x32:39: (ok|ENOSYS)'

	# getpid is in test-probe; its x32 number is not the native arch.
	probe -- syscall:39 syscall:x32:39
	assert_equal "$status" 159
	assert_output --regexp '^syscall:39: ok \(returned 2\)$'
	grep -q "vmm: killed by signal 31" <<< "$stderr"
	grep -q "vmm: seccomp: syscall 39 (x32: getpid) is not in the profile: killed" <<< "$stderr"

	# --seccomp-log relaxes the allowlist, never the arch check.
	probe --seccomp-log -- syscall:x32:39
	assert_equal "$status" 159
}

@test "seccomp: NoNewPrivs 1 and Seccomp 2 on every thread of the service" {
	run "$PROBE" status
	assert_success
	assert_line "status main NoNewPrivs 0"
	assert_line "status thread Seccomp 0"

	probe -- status
	assert_success
	assert_line "status main NoNewPrivs 1"
	assert_line "status main Seccomp 2"
	assert_line "status thread NoNewPrivs 1"
	assert_line "status thread Seccomp 2"
	refute_line --regexp 'NoNewPrivs [^1]|Seccomp [^2]'
}

@test "seccomp: a profile naming an unknown syscall is exit 100 with FILE:LINE, and nothing runs" {
	profile_plus "syscall no_such_syscall"
	probe --profile "$T/profile" -- ids
	assert_equal "$status" 100
	assert_output ""
	grep -qE "$T/profile:[0-9]+: " <<< "$stderr"
	refute grep -q "started as pid" <<< "$stderr"
}

@test "seccomp: a profile can allow exactly sandboxd's one execveat (the program at fd 19)" {
	# test-probe allows execveat only on fd 19, where sandboxd puts the
	# program it starts (SERVICE_EXEC_FD); the same binary from another fd
	# kills the child that tries.
	probe -- execveat:19:self execveat:7:self
	assert_success
	assert_line "execveat:19:self: ok"
	assert_line "exec: child killed by signal 31"
	assert_line "execveat:7:self: ECHILD"
	assert_equal "$(grep -c '^ids: ' <<< "$output")" 1
}

@test "seccomp: --no-seccomp (--exec only) installs no filter, keeps the rest of the profile and says it is insecure" {
	echo secret > "$V/secret"
	chmod 644 "$V/secret"
	probe -- syscall:$GETCPU
	assert_equal "$status" 159

	probe --no-seccomp -- status syscall:$GETCPU read:"$V/secret" rlimits
	assert_success
	assert_line "status main Seccomp 0"
	assert_line "status thread Seccomp 0"
	assert_line "status main NoNewPrivs 1"
	assert_line --regexp "^syscall:$GETCPU: ok"
	# Landlock and the rlimits of test-probe still hold.
	assert_line "read:$V/secret: EACCES"
	assert_line "rlimit NOFILE 256 512"
	grep -q "vmm: INSECURE: --no-seccomp: no seccomp filter" <<< "$stderr"

	run "$SANDBOXD" --no-seccomp "$T/vm.conf"
	assert_equal "$status" 100
	assert_line --index 0 "sandboxd: --no-seccomp is for --exec only"
	probe --no-seccomp --seccomp-log -- ids
	assert_equal "$status" 100
	assert_output ""
	grep -q "sandboxd: --seccomp-log and --no-seccomp exclude each other" <<< "$stderr"
}

@test "seccomp: an i386 syscall (int 0x80) kills, and the log names it from i386's table" {
	# i386's 37 is kill, x86_64's 37 is alarm; kill(0, 0) harms nothing.
	# Outside the sandbox, and inside with no filter, it works.
	run "$PROBE" syscall:i386:37
	assert_success
	assert_output "syscall:i386:37: ok (returned 0)"
	probe --no-seccomp -- syscall:i386:37
	assert_success
	assert_output "syscall:i386:37: ok (returned 0)"

	# test-probe allows x86_64's kill; any i386 syscall kills all the same.
	probe -- syscall:i386:37 ids
	assert_equal "$status" 159
	assert_output ""
	grep -q "vmm: killed by signal 31" <<< "$stderr"
	grep -q "vmm: seccomp: syscall 37 (i386: kill) is not in the profile: killed" <<< "$stderr"
	! grep -q "alarm" <<< "$stderr"
}

@test "seccomp: two services killed at once are each named from their own record" {
	local name=sandboxd-test-$BATS_TEST_NUMBER-$$ pid1 svc
	# Without the filter both calls pass (the other service's first: the
	# VMM service ending ends the VM).
	probe --no-seccomp -- await:"$name-pass" syscall:24 -- syscall:$GETCPU listen:"$name-pass" wait
	assert_success
	assert_line --regexp "^syscall:24: ok"
	assert_line --regexp "^syscall:$GETCPU: ok"

	# The VMM service calls sched_yield and the other service (a probe
	# standing in for share other's virtiofsd) getcpu once someone listens
	# on @NAME in the VM's network namespace (PID 1's).
	# PID 1 is stopped meanwhile: the two records and the two SIGCHLDs
	# reach it together, to be matched whatever their order.
	other_service await:"$name" syscall:$GETCPU ids
	env "${OTHER_ENV[@]}" "$SANDBOXD" --exec "$T/vm-other.conf" --profile "$T/probe-profile" \
		-- "$PROBE" await:"$name" syscall:24 ids > "$T/out" 2> "$T/log" < /dev/null &
	VM_PID=$!
	wait_for_line "$T/log" "vmm: guest running" 10
	pid1=$(vm_pid1)
	kill -STOP "$pid1"
	nsenter -t "$pid1" -n "$PROBE" listen:"$name" wait > /dev/null 2>&1 3>&- &
	LISTENER=$!
	for svc in $(pgrep -P "$pid1"); do
		timeout 10 bash -c 'until grep -q "^State:.*Z" "/proc/$0/status"; do :; done' "$svc" ||
			fail "service $svc did not die"
	done
	kill -CONT "$pid1"
	vm_wait_exit 10
	assert_equal "$VM_STATUS" 159
	run cat "$T/out"
	refute_line --partial "ids:"
	run cat "$T/log"
	assert_line --partial "share other: killed by signal 31"
	assert_line --partial "vmm: killed by signal 31"
	assert_line --partial "share other: seccomp: getcpu is not in the profile: killed"
	assert_line --partial "vmm: seccomp: sched_yield is not in the profile: killed"
	refute_line --partial "no audit record named the syscall"
}
