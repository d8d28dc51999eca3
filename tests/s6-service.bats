#!/usr/bin/env bats
# sandboxd as an s6 service: s6-svscan, s6-supervise and s6-log for real,
# readiness through notification-fd, s6-svc -d for a graceful guest
# shutdown, the exit codes and what finish makes of them, the VM's log.

load helpers/common
load helpers/vm

# One line of the VM's log: TAI64N stamp, then the source's prefix.
STAMP='^@[0-9a-f]{24} '

# make_vm SVC: a service directory $T/scan/SVC for $T/SVC.conf, logging to
# $T/logs/SVC, with supervise/ watched (s6-svwait reads supervise/status:
# its creation must not be missed, so the watch is set up first).
make_vm() {
	"$ROOT/s6-services/make-service" -l "$T/logs/$1" "$T/scan/$1" "$T/$1.conf" "$SANDBOXD"
	mkdir "$T/scan/$1/supervise"
	inotifywait -m -e create -e moved_to --format %f "$T/scan/$1/supervise" \
		> "$T/$1.supervise-events" 2> "$T/$1.inotify.err" &
	WATCHES+=" $!"
	# The watch is in place before s6-supervise can create status.
	wait_for_line "$T/$1.inotify.err" '^Watches established' 10
}

setup() {
	common_setup
	WATCHES=
	vm_conf ""
}

# stop_with CODE: s6-svc -d the VM; it goes down and its exit code is CODE.
stop_with() {
	s6-svc -d "$T/scan/vm"
	run s6-svwait -D -t 60000 "$T/scan/vm"
	assert_success
	run s6-svstat -o exitcode "$T/scan/vm"
	assert_output "$1"
}

# counted LOGDIR SOURCE REGEX: how many lines SOURCE sent that match REGEX
# (awk's), in LOGDIR's rotated files and current, plus those SOURCE's
# relay counted as dropped for a full log: a relay may drop, never lose
# count.
counted() {
	cat "$1"/@*.s "$1/current" 2>/dev/null | awk -v p="$2: " -v re="$3" '
		{ sub(/^@[0-9a-f]+ /, "") }
		index($0, p) != 1 { next }
		{ line = substr($0, length(p) + 1) }
		line ~ /^\[sandboxd: [0-9]+ lines dropped/ { split(line, w, " "); n += w[2]; next }
		line ~ re { n++ }
		END { print n + 0 }'
}

s6_start() {
	s6-svscan "$T/scan" > "$T/svscan.log" 2>&1 &
	SCAN=$!
}

teardown() {
	for w in $WATCHES; do kill "$w" 2>/dev/null || true; done
	if [[ -n ${SCAN:-} ]]; then
		s6-svscanctl -t "$T/scan" 2>/dev/null || true
		wait_for_exit "$SCAN" 60 || kill -KILL "$SCAN"
	fi
	common_teardown
}

@test "s6 starts the VM, sees it ready, s6-svc -d shuts the guest down; the log tells the sources apart" {
	make_vm vm
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	run s6-svwait -U -t 60000 "$T/scan/vm"
	assert_success
	run s6-svstat -o up,ready "$T/scan/vm"
	assert_output "true true"
	# sandboxd is s6-supervise's direct child.
	pid=$(s6-svstat -o pid "$T/scan/vm")
	ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
	assert_equal "$(cat "/proc/$ppid/comm")" s6-supervise
	assert_equal "$(cat "/proc/$pid/comm")" sandboxd
	wait_for_line "$T/logs/vm/current" "${STAMP}console: SBX-GUEST-READY\$" 60

	stop_with 0
	wait_for_line "$T/logs/vm/current" "${STAMP}sandboxd-finish: guest powered off cleanly" 10
	run grep -E "${STAMP}console: SBX-SHUTDOWN\$" "$T/logs/vm/current"
	assert_success
	run grep -E "${STAMP}sandboxd: vm $VM_NAME: vmm: shutdown requested" "$T/logs/vm/current"
	assert_success
	# Nothing of the VM's went to s6-svscan's own output.
	run grep -c . "$T/svscan.log"
	assert_output 0
}

@test "a bad config is exit 100 under s6, and finish stops the restarts" {
	echo "bogus = 1" >> "$T/vm.conf"
	make_vm vm
	s6_start
	wait_for_line "$T/logs/vm/current" "not restarting" 30
	# finish's exit 125 told s6-supervise not to restart it.
	run s6-svstat -o up,wantedup,exitcode "$T/scan/vm"
	assert_output "false false 100"
	run cat "$T/logs/vm/current"
	assert_line --partial "vm.conf:$(wc -l < "$T/vm.conf"): unknown key 'bogus'"
}

@test "not root is exit 100 under s6, not restarted" {
	make_vm vm
	sed -i 's|^exec \(/.*sandboxd\)|exec setpriv --reuid=65534 --regid=65534 --clear-groups \1|' \
		"$T/scan/vm/run"
	grep -q setpriv "$T/scan/vm/run"
	s6_start
	wait_for_line "$T/logs/vm/current" "not restarting" 30
	run s6-svstat -o up,wantedup,exitcode "$T/scan/vm"
	assert_output "false false 100"
	run cat "$T/logs/vm/current"
	assert_line --partial "not running as root"
}

@test "exit 111 under s6: restarted after a delay that doubles; the VMM's stderr in the log as vmm:" {
	head -c 4096 /dev/urandom > "$T/not-a-kernel"
	sed -i "s|^kernel = .*|kernel = $T/not-a-kernel|" "$T/vm.conf"
	make_vm vm
	s6_start
	wait_for_line "$T/logs/vm/current" "failure 1 in a row: restarting in 1 s" 60
	wait_for_line "$T/logs/vm/current" "failure 2 in a row: restarting in 2 s" 60
	run grep -E "${STAMP}sandboxd-finish: temporary failure \(exit 111\)" "$T/logs/vm/current"
	assert_success
	run grep -E "${STAMP}vmm: qemu: linux kernel too old" "$T/logs/vm/current"
	assert_success
	# Down wanted: finish does not delay it.
	s6-svc -d "$T/scan/vm"
	run s6-svwait -D -t 60000 "$T/scan/vm"
	assert_success
}

@test "s6-svc -d right after -u still powers the guest off cleanly: the request is repeated" {
	make_vm vm
	touch "$T/scan/vm/down"
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	s6-svc -u "$T/scan/vm"
	# sandboxd's first line: its stop signals are blocked from before it.
	wait_for_line "$T/logs/vm/current" "${STAMP}sandboxd: " 30
	s6-svc -d "$T/scan/vm"
	run s6-svwait -D -t 90000 "$T/scan/vm"
	assert_success
	run s6-svstat -o exitcode "$T/scan/vm"
	assert_output 0
	run grep -E "${STAMP}console: SBX-SHUTDOWN\$" "$T/logs/vm/current"
	assert_success
	# The first request came before the guest's power button worked.
	run grep -E "vmm: shutdown: power-off request 2 to the guest" "$T/logs/vm/current"
	assert_success
}

@test "a guest that ignores the shutdown: exit 99 under s6, said by finish" {
	vm_conf "sbx.ignore_shutdown=1" "shutdown_timeout = 3"
	sed -i '/^shutdown_timeout = 20$/d' "$T/vm.conf"
	make_vm vm
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	wait_for_line "$T/logs/vm/current" "${STAMP}console: SBX-GUEST-READY\$" 60
	stop_with 99
	wait_for_line "$T/logs/vm/current" "sandboxd-finish: the guest ignored the power-off requests" 10
}

@test "a VMM killed from outside: exit 137 under s6, said by finish, restarted after its delay" {
	make_vm vm
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	run s6-svwait -U -t 60000 "$T/scan/vm"
	assert_success
	VM_PID=$(s6-svstat -o pid "$T/scan/vm")
	kill -KILL "$(vm_vmm_pid)"
	wait_for_line "$T/logs/vm/current" "${STAMP}sandboxd-finish: the VMM was killed by signal 9 from outside sandboxd \\(exit 137\\)" 60
	wait_for_line "$T/logs/vm/current" "${STAMP}sandboxd-finish: failure 1 in a row: restarting in 1 s" 10
	run grep -E "${STAMP}sandboxd: vm $VM_NAME: vmm: killed by signal 9, not sent by sandboxd" "$T/logs/vm/current"
	assert_success
	# s6 brings it back after the delay: a new sandboxd, ready again.
	run s6-svwait -U -t 60000 "$T/scan/vm"
	assert_success
	run s6-svstat -o pid "$T/scan/vm"
	refute_output "$VM_PID"
	unset VM_PID
	stop_with 0
}

@test "two VMs log apart; megabytes without a newline are cut into lines, rotated, and do not stall the guest" {
	vm_conf "$(sbx_run "head -c 1500000 /dev/zero | tr '\\0' x; echo; echo BIG-DONE")"
	cp "$T/vm.conf" "$T/big.conf"
	vm_conf ""
	sed -e "s/^name = .*/name = ${VM_NAME}b/" -e "s|^runtime_dir = .*|runtime_dir = $T/run2|" \
		"$T/vm.conf" > "$T/small.conf"
	make_vm big
	make_vm small
	touch "$T/scan/big/down"	# started once (-o) below: a clean end is not restarted
	s6_start
	wait_for_line "$T/big.supervise-events" '^status$' 10
	s6-svc -o "$T/scan/big"
	wait_for_line "$T/logs/big/current" "${STAMP}console: BIG-DONE\$" 120
	wait_for_line "$T/logs/big/current" "sandboxd-finish: guest powered off cleanly" 60
	wait_for_line "$T/logs/small/current" "${STAMP}console: SBX-GUEST-READY\$" 60
	# 1.5 MB: at least one rotated file, and the x lines cut at 1024 bytes.
	run compgen -G "$T/logs/big/@*.s"
	assert_success
	# 1464 lines of 1024 x and one of 864: each in the log or counted as
	# dropped (the relay drops what a slow logger cannot take at once).
	assert_equal "$(counted "$T/logs/big" console '^x+$')" 1465
	run bash -c "cat '$T'/logs/big/@*.s '$T/logs/big/current' | grep -cE '${STAMP}console: x{1025}'"
	assert_output 0
	run bash -c "cat '$T'/logs/big/@*.s '$T/logs/big/current' | grep -cE '${STAMP}console: x{1024}\$'"
	refute_output 0
	run bash -c "cat '$T'/logs/big/@*.s '$T/logs/big/current' | grep -E '${STAMP}' | grep -vcE '${STAMP}(console|sandboxd|vmm|sandboxd-finish): '"
	assert_output 0
	# Each VM's lines in its own log only.
	run grep -c "vm ${VM_NAME}b:" "$T/logs/big/current"
	assert_output 0
	run grep -c "BIG-DONE\|vm ${VM_NAME}:" "$T/logs/small/current"
	assert_output 0
	s6-svc -d "$T/scan/small"
	run s6-svwait -D -t 60000 "$T/scan/small"
	assert_success
	run s6-svstat -o exitcode "$T/scan/small"
	assert_output 0
}

@test "readiness = guest: up, not ready (and said late) while the guest holds its READY=1 back; s6-svwait -U returns once it comes" {
	mkdir "$T/g"
	# The guest cannot hear of a change the host makes on its share, so it
	# polls for the file (cache=none: no cached lookups), with a deadline
	# of 600 rounds (60 s) after which its check fails; the test itself
	# waits on events only.
	vm_conf "sbx.mount=g $(sbx_cmd sbx.ready_check 'echo HOLDING-READY; i=0; until [ -e /mnt/g/go ]; do [ $((i += 1)) -le 600 ] || exit 1; sleep 0.1; done')" \
		"share = g:$T/g:rw:cache=none" "ready_late = 1"
	make_vm vm
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	wait_for_line "$T/logs/vm/current" "${STAMP}console: HOLDING-READY\$" 90
	wait_for_line "$T/logs/vm/current" \
		"${STAMP}sandboxd: vm $VM_NAME: readiness: no READY=1 from the guest within ready_late = 1.000 s" 30
	run s6-svstat -o up,ready "$T/scan/vm"
	assert_output "true false"
	touch "$T/g/go"
	run s6-svwait -U -t 60000 "$T/scan/vm"
	assert_success
	run s6-svstat -o up,ready "$T/scan/vm"
	assert_output "true true"
	# In the log: sandboxd waits for the guest, the guest holds back, then
	# announces, and only then is the VM ready.
	run grep -oE "readiness: waiting for the guest|console: HOLDING-READY|readiness: the guest sent READY=1|console: SBX-GUEST-READY" \
		"$T/logs/vm/current"
	assert_output "readiness: waiting for the guest
console: HOLDING-READY
readiness: the guest sent READY=1
console: SBX-GUEST-READY"
	stop_with 0
}

@test "readiness = vmm: ready once the VMM runs, though the guest never announces itself" {
	vm_conf "$(sbx_cmd sbx.ready_check 'echo NEVER-READY; false')" "readiness = vmm"
	make_vm vm
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	run s6-svwait -U -t 60000 "$T/scan/vm"
	assert_success
	wait_for_line "$T/logs/vm/current" "${STAMP}console: SBX-READY-CHECK-FAILED 1\$" 90
	run s6-svstat -o up,ready "$T/scan/vm"
	assert_output "true true"
	run grep -c "readiness: " "$T/logs/vm/current"
	assert_output 0
	stop_with 0
}

@test "each virtiofsd's stderr is in the VM's log as virtiofsd-TAG:, megabytes of it without stalling the guest" {
	[[ -e /dev/kvm ]] || skip "no /dev/kvm: the bundled VMM runs on KVM only"
	mkdir "$T/share"
	echo "written by the host" > "$T/share/hostfile"
	# The bundled VMM's fs guest: 40000 FUSE_INITs of protocol 6, each of
	# which virtiofsd refuses with a line on its stderr (1.5 MB), then its
	# whole workload.
	{
		echo "name = $VM_NAME"
		echo "vmm = builtin"
		echo "kernel = $ROOT/build/guests/fs.elf"
		echo "memory = 32M"
		echo "runtime_dir = $T/run"
		echo "readiness = vmm"
		echo "share = myfs:$T/share:rw"
		echo "cmdline = badinit=40000"
	} > "$T/vm.conf"
	make_vm vm
	touch "$T/scan/vm/down"
	s6_start
	wait_for_line "$T/vm.supervise-events" '^status$' 10
	s6-svc -o "$T/scan/vm"
	wait_for_line "$T/logs/vm/current" "sandboxd-finish: guest powered off cleanly" 180
	local all="cat '$T'/logs/vm/@*.s '$T/logs/vm/current'"
	run grep -E "${STAMP}console: fs: (40000 INITs|done)" "$T/logs/vm/current"
	assert_line --partial "console: fs: 40000 INITs of protocol 6 refused"
	assert_line --partial "console: fs: done"
	# Every refusal is in the log, or counted as dropped by a full log.
	assert_equal "$(counted "$T/logs/vm" virtiofsd-myfs '^fuse: unsupported protocol version: 6[.]31$')" 40000
	# Sources apart: each line has its source's prefix.
	run bash -c "$all | grep -E '${STAMP}' | grep -vcE '${STAMP}(console|sandboxd|vmm|virtiofsd-myfs|sandboxd-finish): '"
	assert_output 0
}
