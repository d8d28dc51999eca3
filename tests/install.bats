#!/usr/bin/env bats
# Installing as a Debian admin does: make install / uninstall with DESTDIR,
# what lands where, and the installed tree checking and running its own example VM;
# the command line's answers an operator meets first.

load helpers/common
load helpers/vm

setup() { common_setup; }
teardown() {
	vm_cleanup
	common_teardown
}

@test "make install DESTDIR: binaries, profiles without test-probe, guest image, example, s6 template, man pages" {
	run make -s -C "$ROOT" install DESTDIR="$T/root"
	assert_success
	P=$T/root/usr/local
	for f in bin/sandboxd libexec/sandboxd/vmm share/sandboxd/profiles/qemu \
		share/sandboxd/profiles/builtin-vmm share/sandboxd/profiles/virtiofsd \
		share/sandboxd/guest/vmlinuz share/sandboxd/guest/initramfs.cpio.gz \
		share/sandboxd/examples/example.conf share/sandboxd/s6-services/make-service \
		share/sandboxd/s6-services/finish share/sandboxd/s6-services/run.in \
		share/man/man8/sandboxd.8 share/man/man5/sandboxd.conf.5 share/man/man5/profiles.5; do
		[[ -f $P/$f ]] || fail "not installed: $f"
	done
	[[ ! -e $P/share/sandboxd/profiles/test-probe ]] || fail "test-probe installed"
	# The installed tree checks its example: its profiles, its guest image.
	run "$P/bin/sandboxd" --check "$P/share/sandboxd/examples/example.conf"
	assert_success
	assert_line "vm example: config $P/share/sandboxd/examples/example.conf"
	assert_line --partial "profile $P/share/sandboxd/profiles/qemu"
	run "$P/bin/sandboxd" --version
	assert_success
	assert_output --regexp '^sandboxd [0-9]'
	run make -s -C "$ROOT" uninstall DESTDIR="$T/root"
	assert_success
	run find "$T/root" -type f
	assert_output ""
}

@test "the installed tree runs its example VM: ready when the guest says so, SIGTERM powers it off (0)" {
	run make -s -C "$ROOT" install DESTDIR="$T/root"
	assert_success
	P=$T/root/usr/local
	# The example under its own name and runtime dir (a VM name runs once
	# per host), beside the installed one: its relative paths still hold.
	sed -e "s|^name = .*|name = $VM_NAME|" -e "s|^runtime_dir = .*|runtime_dir = $T/run|" \
		"$P/share/sandboxd/examples/example.conf" > "$P/share/sandboxd/examples/t.conf"
	SANDBOXD=$P/bin/sandboxd
	: > "$T/ready"
	"$SANDBOXD" --notify-fd 3 "$P/share/sandboxd/examples/t.conf" > "$T/console" 2> "$T/log" 3> "$T/ready" < /dev/null &
	VM_PID=$!
	wait_for_line "$T/ready" '^$' 120 || { cat "$T/log"; fail "no readiness"; }
	# The guest image prints SBX-GUEST-READY just after its READY=1: the
	# console line may come after the notification, never without it.
	wait_for_line "$T/console" SBX-GUEST-READY 30 || fail "no SBX-GUEST-READY: $(cat "$T/console")"
	run grep -c SBX-GUEST-READY "$T/console"
	assert_output 1
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
}

@test "the man pages are lint-clean and name every exit code and check-profile" {
	for f in "$ROOT"/docs/*.5 "$ROOT"/docs/*.8; do
		run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$f' 2>&1 >/dev/null"
		assert_output ""
	done
	run bash -c "MANWIDTH=200 man -l '$ROOT/docs/sandboxd.8' 2>/dev/null"
	assert_line --partial "sandboxd check-profile"
	for code in 0 99 100 111 '128\+N'; do
		assert_line --regexp "^ +$code( |\$)"
	done
}

@test "--notify-fd on a closed fd and --parent-pid 1 are exit 100, saying why; --help names check-profile" {
	run "$SANDBOXD" --notify-fd 9 /nonexistent.conf
	assert_equal "$status" 100
	assert_output "sandboxd: --notify-fd 9: Bad file descriptor"
	run "$SANDBOXD" --parent-pid 1 /nonexistent.conf
	assert_equal "$status" 100
	assert_output --partial "--parent-pid 1: give the supervisor's pid"
	run "$SANDBOXD" --help
	assert_success
	assert_line --partial "sandboxd check-profile"
	assert_line --partial "--log-console"
}
