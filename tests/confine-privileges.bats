#!/usr/bin/env bats
# Capabilities, setuid binaries, rlimits and the death signal of a
# service, read from inside it.

load helpers/common
load helpers/vm
load helpers/confine
bats_require_minimum_version 1.5.0

setup() { confine_setup; }
teardown() { confine_teardown; }

CAP_SETS="CapInh CapPrm CapEff CapBnd CapAmb"

# assert_caps HEX: every capability set of every thread is HEX.
assert_caps() {
	for who in main thread; do
		for set in $CAP_SETS; do
			assert_line "status $who $set $1"
		done
	done
}

@test "caps: a service's capability sets are exactly its profile's, on every thread" {
	probe -- status
	assert_success
	assert_caps 0000000000000000

	# CAP_KILL (5) and CAP_NET_BIND_SERVICE (10): a non-root uid keeps them
	# across execve as ambient capabilities, hence in every set.
	profile_plus "capability CAP_KILL CAP_NET_BIND_SERVICE"
	probe --profile "$T/profile" -- status
	assert_success
	assert_caps 0000000000000420
}

@test "caps: exec of a setuid-root binary gains nothing (nosuid mounts and no_new_privs)" {
	cp "$PROBE" "$V/probe-suid"
	chown root:root "$V/probe-suid"
	chmod 4755 "$V/probe-suid"
	# Outside the sandbox the same binary makes the service's uid root.
	run setpriv --reuid="$SERVICE_UID" --regid="$SERVICE_UID" --clear-groups "$V/probe-suid" ids
	assert_success
	assert_output "ids: uid=$SERVICE_UID euid=0 gid=$SERVICE_UID egid=$SERVICE_UID"

	profile_plus "landlock read-exec $V/probe-suid"
	probe --profile "$T/profile" -- exec:"$V/probe-suid"
	assert_success
	assert_line "ids: uid=$SERVICE_UID euid=$SERVICE_UID gid=$SERVICE_UID egid=$SERVICE_UID"
	assert_line "exec:$V/probe-suid: ok"
	assert_caps 0000000000000000
	assert_line "status main NoNewPrivs 1"
}

@test "rlimits: a service runs with the profile's rlimits" {
	probe -- rlimits
	assert_success
	assert_line "rlimit NOFILE 256 512"
	assert_line "rlimit NPROC 64 64"
	assert_line "rlimit CORE 0 0"
	assert_line "rlimit MEMLOCK 65536 65536"
	assert_line "rlimit FSIZE 16777216 16777216"

	# They follow the profile, not some default of sandboxd.
	profile_without '^rlimit NOFILE'
	echo "rlimit NOFILE 100 200" >> "$T/profile"
	probe --profile "$T/profile" -- rlimits
	assert_success
	assert_line "rlimit NOFILE 100 200"
}

@test "rlimits: a limit the service cannot get is one log line naming the service and step, exit 111" {
	# Above the kernel's ceiling for NOFILE (fs.nr_open): not even root
	# with CAP_SYS_RESOURCE, which the service has while its rlimits are
	# set, may go there.
	hard=$(cat /proc/sys/fs/nr_open)
	profile_without '^rlimit NOFILE'
	echo "rlimit NOFILE $((hard + 1)) $((hard + 1))" >> "$T/profile"
	probe --profile "$T/profile" -- ids
	assert_equal "$status" 111
	assert_output ""
	grep -q "vmm: set rlimit NOFILE to $((hard + 1))/$((hard + 1)): Operation not permitted" <<< "$stderr"
}

@test "pdeathsig: the service dies with sandboxd (SIGKILL), set after its last credential change" {
	probe -- pdeathsig
	assert_success
	assert_output "pdeathsig: 9"
}

@test "W^X: a file the service can reach but not as read-exec is on a noexec mount of its view" {
	# Outside: it maps executable.
	echo x > "$V/code"
	chmod 644 "$V/code"
	run "$PROBE" map-exec:"$V/code"
	assert_success
	assert_output "map-exec:$V/code: ok"
	# Inside, readable by a Landlock rule (Landlock does not govern mmap):
	# its mount in the view is noexec, so the mapping fails; a read-exec
	# path of the profile (the probe itself) still maps.
	profile_plus "landlock read $V/code"
	probe --profile "$T/profile" -- map-exec:"$V/code" map-exec:"$PROBE" write:/tmp/own \
		map-exec:/tmp/own
	assert_success
	assert_line "map-exec:$V/code: EPERM"
	assert_line "map-exec:$PROBE: ok"
	assert_line "write:/tmp/own: ok"
	assert_line "map-exec:/tmp/own: EPERM"
}

@test "a clean start: fixed environment (plus the profile's env names), cwd /, umask 077, only fds 0-2" {
	# Outside, the probe sees what its caller gives it.
	cd "$V"
	run env -i PATH=/bin FOO=bar SECRET=x "$PROBE" start 7</dev/null
	assert_line "env FOO=bar"
	assert_line "cwd $V"
	assert_line --regexp '^fds 0 1 2 .*7'
	# Inside: PATH only, / , 077, 0 1 2 (fd 7 and sandboxd's own not passed).
	FOO=bar SECRET=x probe -- start 7</dev/null
	assert_success
	assert_line "env PATH=/usr/sbin:/usr/bin:/sbin:/bin"
	assert_equal "$(grep -c '^env ' <<< "$output")" 1
	assert_line "cwd /"
	assert_line "umask 0077"
	assert_line "fds 0 1 2"
	# A variable the profile names is passed on, and only that one.
	profile_plus "env FOO"
	FOO=bar SECRET=x probe --profile "$T/profile" -- start
	assert_line "env FOO=bar"
	refute_line --partial "SECRET"
}
