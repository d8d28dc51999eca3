#!/usr/bin/env bats
# sandboxd as an s6 service: s6-svscan and s6-supervise for real, readiness
# through notification-fd, s6-svc -d for a graceful guest shutdown.

load helpers/common
load helpers/vm

setup() {
	common_setup
	vm_conf ""
	"$ROOT/s6-services/make-service" "$T/scan/vm" "$T/vm.conf" "$SANDBOXD"
	# s6-svwait reads supervise/status: watch for it before s6 starts, so
	# its creation cannot be missed.
	mkdir "$T/scan/vm/supervise"
	inotifywait -q -m -e create -e moved_to --format %f "$T/scan/vm/supervise" \
		> "$T/supervise-events" 2> "$T/inotify.err" &
	WATCH=$!
}

s6_start() {
	s6-svscan "$T/scan" > "$T/svscan.log" 2>&1 &
	SCAN=$!
}

teardown() {
	kill "$WATCH" 2>/dev/null || true
	if [[ -n ${SCAN:-} ]]; then
		s6-svscanctl -t "$T/scan" 2>/dev/null || true
		wait_for_exit "$SCAN" 60 || kill -KILL "$SCAN"
	fi
	common_teardown
}

@test "s6 starts the VM, sees it ready, and s6-svc -d shuts the guest down gracefully" {
	s6_start
	wait_for_line "$T/supervise-events" '^status$' 10
	run s6-svwait -U -t 60000 "$T/scan/vm"
	assert_success
	run s6-svstat -o up,ready "$T/scan/vm"
	assert_output "true true"
	# sandboxd is s6-supervise's direct child.
	pid=$(s6-svstat -o pid "$T/scan/vm")
	ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
	assert_equal "$(cat "/proc/$ppid/comm")" s6-supervise
	assert_equal "$(cat "/proc/$pid/comm")" sandboxd
	wait_for_line "$T/svscan.log" SBX-GUEST-READY 60

	s6-svc -d "$T/scan/vm"
	run s6-svwait -D -t 60000 "$T/scan/vm"
	assert_success
	run s6-svstat -o exitcode "$T/scan/vm"
	assert_output 0
	wait_for_line "$T/svscan.log" "sandboxd-finish: guest powered off cleanly" 10
	run cat "$T/svscan.log"
	assert_line --partial SBX-SHUTDOWN
}

@test "a bad config is exit 100 under s6, and finish stops the restarts" {
	echo "bogus = 1" >> "$T/vm.conf"
	s6_start
	wait_for_line "$T/svscan.log" "not restarting" 30
	# finish's exit 125 told s6-supervise not to restart it.
	run s6-svstat -o up,wantedup,exitcode "$T/scan/vm"
	assert_output "false false 100"
	run cat "$T/svscan.log"
	assert_line --partial "vm.conf:$(wc -l < "$T/vm.conf"): unknown key 'bogus'"
}
