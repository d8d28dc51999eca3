#!/usr/bin/env bats
# The cgroup v2 path (cgroup_version = 2), read back from the kernel. This
# host keeps its controllers on v1 and has a cgroup2 mount without any
# (/sys/fs/cgroup/unified, cgroup.controllers lists none sandboxd uses):
# the VM's processes are placed in v2 cgroups, figures come from v2 files
# (cpu.stat; no memory.peak or pids.current without their controllers),
# and a limit is an error unless best-effort. What needs the controllers
# (memory.max, pids.max enforced) cannot run here.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/confine
load helpers/cgroups

setup() {
	confine_setup
	conf_add "cgroup_version = 2"
	# The unified hierarchy: /sys/fs/cgroup itself on a v2-only host.
	V2=/sys/fs/cgroup/unified
	[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && V2=/sys/fs/cgroup
	V2SELF=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[[ $V2SELF == / ]] && V2SELF=
}

teardown() {
	confine_teardown
	[[ -z ${PARENT:-} ]] || rmdir "$V2$PARENT"/vm-*/* "$V2$PARENT"/vm-* "$V2$PARENT" 2>/dev/null || true
}

# v2_dir [SUB] [NAME]: the VM's v2 cgroup, below this shell's (as sandboxd
# makes it without a cgroup_parent).
v2_dir() { echo "$V2$V2SELF/vm-${2:-$VM_NAME}${1:+/$1}"; }

# no_v2_left [NAME]: no v2 cgroup of the VM is there.
no_v2_left() { [[ ! -e $(v2_dir "" "${1:-}") ]] || fail "$(v2_dir "" "${1:-}") left behind: $(ls -R "$(v2_dir "" "${1:-}")")"; }

# wait_unpopulated DIR SECS: 0 once no process is in the v2 cgroup DIR or
# below (its cgroup.events, which the kernel changes and notifies).
wait_unpopulated() {
	local end=$((SECONDS + $2))
	until grep -qx "populated 0" "$1/cgroup.events"; do
		((SECONDS < end)) || return 1
		inotifywait -qq -t 1 -e modify "$1/cgroup.events" || true
	done
}

# in_v2 PID SUB: every thread of PID is in the VM's v2 cgroup SUB; the
# number of threads in N_TASKS.
in_v2() {
	local task
	N_TASKS=0
	for task in /proc/"$1"/task/*; do
		N_TASKS=$((N_TASKS + 1))
		grep -qx "0::$V2SELF/vm-$VM_NAME/$2" "$task/cgroup" || fail "$task: $(cat "$task/cgroup")"
	done
}

# without_v1 CMD...: CMD where the v1 hierarchies are unmounted (a private
# mount namespace): only the controller-less cgroup2 mount is left.
without_v1() {
	exec unshare -m --propagation private sh -c 'for m in /sys/fs/cgroup/*; do
		[ "$m" = /sys/fs/cgroup/unified ] || umount "$m" 2>/dev/null; done; exec "$@"' sh "$@"
}

# without_v2 CMD...: CMD where the cgroup2 mount is gone.
without_v2() {
	exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$@"
}

@test "--check: cgroup_version picks the hierarchy and the plan line says which; on v2 the defaults are dropped, said once per controller" {
	mkdir "$T/a"
	sed -i '/^cgroup_version/d' "$T/vm.conf"
	conf_add "share = a:$T/a:rw"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	assert_line "cgroups: v1 (cgroup_version = auto), memory pids cpu cpuacct"
	conf_add "cgroup_version = 1"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_line "cgroups: v1 (cgroup_version = 1), memory pids cpu cpuacct"
	sed -i 's/^cgroup_version = 1$/cgroup_version = 2/' "$T/vm.conf"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	assert_line "cgroups: v2 (cgroup_version = 2), no controller (CPU time only)"
	assert_line "cgroup hierarchy: $(v2_dir)"
	refute_line --partial "cgroup hierarchy: /sys/fs/cgroup/memory"
	# QEMU's, virtiofsd's and the VM's memory and pids defaults: one line
	# per controller, with where v2 lacks it.
	for c in memory pids; do
		assert_equal "$(grep -c "cgroups: no usable $c controller on this host: $c limits are not enforced (cgroup v2: $V2$V2SELF/cgroup.controllers does not list it)\$" <<< "$stderr")" 1
	done
	refute grep -q "no usable cpu controller" <<< "$stderr"
	local svc
	for svc in vmm virtiofsd-a sandboxd; do
		assert_line "cgroup $svc: vm-$VM_NAME/$svc: memory_max max, pids_max max, cpu_weight default, cpu_max max"
	done
	assert_line "cgroup vm: vm-$VM_NAME: memory_max max, pids_max max, cpu_weight default, cpu_max max"
	# auto takes v2 where no v1 hierarchy is left.
	sed -i 's/^cgroup_version = 2$/cgroup_version = auto/' "$T/vm.conf"
	run --separate-stderr without_v1 "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	assert_line "cgroups: v2 (cgroup_version = auto), no controller (CPU time only)"
	no_v2_left
}

@test "cgroup_version: a bad value, a version not usable here, a limit v2 cannot enforce: FILE:LINE, exit 100, nothing made" {
	local line
	line=$(wc -l < "$T/vm.conf")
	for bad in 3 v2 "" "2 1"; do
		sed -i "${line}s/.*/cgroup_version = $bad/" "$T/vm.conf"
		run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
		assert_equal "$status" 100
		assert_equal "$stderr" "sandboxd: $T/vm.conf:$line: cgroup_version: expected auto, 1 or 2, got '$bad'"
	done
	# The version named must be there, best-effort or not (that is about limits).
	for mode in required best-effort; do
		vm_conf "" "cgroups = $mode" "cgroup_version = 2"
		run --separate-stderr without_v2 "$SANDBOXD" --exec "$T/vm.conf" -- "$PROBE" ids
		assert_equal "$status" 100
		assert_equal "${stderr_lines[-1]}" "sandboxd: vm $VM_NAME: $T/vm.conf:10: cgroup_version: cgroup v2 is not usable here: no cgroup2 file system is mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified"
		vm_conf "" "cgroups = $mode" "cgroup_version = 1"
		run --separate-stderr without_v1 "$SANDBOXD" --exec "$T/vm.conf" -- "$PROBE" ids
		assert_equal "$status" 100
		assert_equal "${stderr_lines[-1]}" "sandboxd: vm $VM_NAME: $T/vm.conf:10: cgroup_version: cgroup v1 is not usable here: no cgroup v1 hierarchy of memory, pids, cpu or cpuacct that sandboxd may write to is mounted at /sys/fs/cgroup/CONTROLLER"
	done
	# Without the layer: the same starts run.
	vm_conf "" "cgroup_version = 2"
	run --separate-stderr without_v1 "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/probe-profile" -- "$PROBE" ids
	assert_success
	vm_conf "" "cgroups = off" "cgroup_version = 2"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	assert_equal "${stderr_lines[-1]}" "sandboxd: vm $VM_NAME: $T/vm.conf:10: cgroup_version: cgroups = off makes no cgroup to apply it to"
	# A limit needs its controller, which v2 does not have here: the
	# config's and the profile's, a start as much as a --check.
	local key ctrl why="cgroup v2: $V2$V2SELF/cgroup.controllers does not list it"
	for key in "memory_max = 1G:memory" "pids_max = 100:pids" "cpu_weight = 50:cpu" "cpu_max = 50000:cpu"; do
		ctrl=${key##*:} key=${key%:*}
		vm_conf "" "cgroup_version = 2" "$key"
		run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/probe-profile" -- "$PROBE" ids
		assert_equal "$status" 100
		assert_equal "${stderr_lines[-1]}" "sandboxd: vm $VM_NAME: $T/vm.conf:10: ${key%% *}: this host has no cgroup $ctrl controller sandboxd may use; $why (cgroups = best-effort runs without the limit)"
		vm_conf "" "cgroup_version = 2"
		profile_plus "cgroup ${key/ = / }"
		run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE" ids
		assert_equal "$status" 100
		grep -qx "sandboxd: vm $VM_NAME: $T/profile:$(wc -l < "$T/profile"): ${key%% *}: this host has no cgroup $ctrl controller sandboxd may use; $why (cgroups = best-effort runs without the limit)" <<< "$stderr" || fail "$stderr"
		refute grep -q "vmm: started" <<< "$stderr"
		no_v2_left
	done
	# best-effort: the profile's limit dropped with the one line, the VM runs.
	conf_add "cgroups = best-effort"
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE" ids
	assert_success
	assert_equal "$(grep -c "no usable cpu controller on this host: cpu limits are not enforced ($why)" <<< "$stderr")" 1
	grep -q "cgroups: $(v2_dir) made (cgroup v2)" <<< "$stderr"
	no_v2_left
}

@test "v2: every thread of the service born in vm-NAME/vmm, PID 1 in vm-NAME/sandboxd; SIGUSR1 figures from cpu.stat; none left" {
	conf_add "cgroups = best-effort"
	exec_bg alloc:32 threads:2 pause
	wait_for_line "$T/out" "pause: waiting" 20 || fail "$(cat "$T/log")"
	grep -q "cgroups: $(v2_dir) made (cgroup v2)" "$T/log"
	local svc
	svc=$(svc_pid)
	in_v2 "$svc" vmm
	assert_equal "$N_TASKS" 3
	in_v2 "$(vm_pid1)" sandboxd
	# The outer stays in its supervisor's: it removes vm-NAME at the end.
	refute grep -q "vm-$VM_NAME" "/proc/$VM_PID/cgroup"
	# In v2 only: its v1 cgroups are this shell's, no vm-NAME made there.
	assert_equal "$(grep -v '^0::' "/proc/$svc/cgroup")" "$(grep -v '^0::' /proc/self/cgroup)"
	[[ ! -e /sys/fs/cgroup/pids$(sed -n 's/^[0-9]*:pids://p' /proc/self/cgroup)/vm-$VM_NAME ]]
	# SIGUSR1: the figures of each cgroup. No memory or pids controller:
	# no memory.peak or pids.current, said "n/a"; CPU time is cpu.stat's
	# usage_usec, there without a controller (the probe, paused, adds none).
	kill -USR1 "$VM_PID"
	wait_for_line "$T/log" "cgroup sandboxd: peak memory" 10 || fail "$(cat "$T/log")"
	local line s ms usec
	line=$(grep "cgroup vmm: peak memory" "$T/log")
	[[ $line =~ ^"sandboxd: vm $VM_NAME: cgroup vmm: peak memory n/a, pids n/a, CPU "([0-9]+)\.([0-9]{3})" s"$ ]] || fail "$line"
	s=${BASH_REMATCH[1]} ms=$((10#${BASH_REMATCH[2]}))
	usec=$(awk '$1 == "usage_usec" { print $2 }' "$(v2_dir vmm)/cpu.stat")
	echo "# $line; cpu.stat usage_usec $usec" >&3
	(( usec > 0 && s * 1000 + ms <= usec / 1000 && usec / 1000 <= s * 1000 + ms + 5 )) || fail "log ${s}s ${ms}ms, cpu.stat $usec us"
	[[ ! -e $(v2_dir vmm)/memory.peak && ! -e $(v2_dir vmm)/pids.current ]]
	grep -qE "^sandboxd: vm $VM_NAME: cgroup sandboxd: peak memory n/a, pids n/a, CPU [0-9]+\.[0-9]{3} s\$" "$T/log"
	# The probe's pause ends: it exits 0, and the VM with it.
	kill -USR1 "$svc"
	vm_wait_exit 20
	assert_equal "$VM_STATUS" 0
	assert_equal "$(grep -c "cgroup vmm: peak memory n/a, pids n/a, CPU" "$T/log")" 2
	no_v2_left
}

@test "v2: PID 1 and each service are cloned into their cgroups (CLONE_INTO_CGROUP): no process is moved, a service's first step is its entry's" {
	command -v strace >/dev/null || skip "strace not installed"
	other_service ids
	ASAN_OPTIONS=detect_leaks=0 run --separate-stderr env "${OTHER_ENV[@]}" strace -ff -y -qq -o "$T/st" \
		-e trace=openat,clone,clone3,write,setsid,execveat "$SANDBOXD" --exec "$T/vm-other.conf" \
		--profile "$T/probe-profile" -- "$PROBE" ids
	assert_success
	grep -q "^ids: uid=" <<< "$output"
	# Nothing writes a pid into a cgroup.procs: every placement is a clone's.
	refute grep -l '^write([0-9]*<[^>]*cgroup.procs>' "$T"/st.*
	# Each clone3 names, as its cgroup, the fd opened on its cgroup just
	# before: the outer's PID 1 (new PID and network namespaces) and PID
	# 1's two services.
	local f found
	found=$(awk '/^openat\(.*\) = [0-9]+</ { fd = $0; sub(/.*\) = /, "", fd); path = fd; sub(/<.*/, "", fd)
			sub(/^[0-9]+</, "", path); sub(/>$/, "", path); at[fd] = path }
		/^clone3\(\{flags=[A-Z_|]*CLONE_INTO_CGROUP/ { fd = $0; sub(/.*cgroup=/, "", fd); sub(/[^0-9].*/, "", fd)
			printf "%s ", at[fd] }' "$T"/st.*)
	[[ $found == *"$(v2_dir sandboxd) "* ]] || fail "clones into: $found"
	for dir in vmm virtiofsd-other; do
		[[ $found == *"$(v2_dir $dir) "* ]] || fail "no clone3 into $dir: $found"
	done
	[[ $(wc -w <<< "$found") == 3 ]] || fail "clones into: $found"
	grep -E '^clone3\(\{flags=[A-Z_|]*CLONE_INTO_CGROUP' "$T"/st.* | grep -q 'CLONE_NEWPID'
	refute grep -lE '^clone\(' "$T"/st.*
	# Each service: step 1 of its entry (setsid) is its first call.
	local n=0
	for f in $(grep -l '^execveat(' "$T"/st.*); do
		n=$((n + 1))
		head -1 "$f" | grep -q '^setsid()' || fail "$f: $(head -3 "$f")"
	done
	assert_equal "$n" 2
	no_v2_left
}

@test "v2: no cgroup of the VM is left after a clean end, a shutdown timeout, SIGKILL of a service, of PID 1, of the outer" {
	probe -- ids
	assert_success
	grep -q "cgroups: $(v2_dir) made (cgroup v2)" <<< "$stderr"
	no_v2_left

	sed -i 's/^shutdown_timeout = .*/shutdown_timeout = 0.2/' "$T/vm.conf"
	exec_bg pause
	wait_for_line "$T/out" "pause: waiting" 20 || fail "$(cat "$T/log")"
	kill -TERM "$VM_PID"
	vm_wait_exit 20
	grep -q "did not power off within the shutdown timeout" "$T/log"
	no_v2_left

	local who pid1
	for who in service pid1 outer; do
		exec_bg wait
		wait_for_line "$T/log" "guest running" 20 || fail "$(cat "$T/log")"
		[[ -d $(v2_dir vmm) ]]
		pid1=$(vm_pid1)
		case $who in
		service) kill -KILL "$(svc_pid)" ;;
		pid1) kill -KILL "$pid1" ;;
		outer) kill -KILL "$VM_PID" ;;
		esac
		vm_wait_exit 20
		assert_equal "$VM_STATUS" 137
		# The outer gone, PID 1 (confined) moves itself out to vm-NAME's
		# parent and removes the VM's cgroups before it exits.
		wait_for_exit "$pid1" 20 || fail "PID 1 still runs: $(cat "$T/log")"
		no_v2_left
	done
	grep -q "the outer sandboxd is gone: VM killed" "$T/log"
	refute grep -q "cgroups: remove\|leave the VM's cgroups\|killed by signal 31" "$T/log"
}

@test "v2: a stale vm-NAME left by a killed run is removed at the next start, which says so" {
	exec_bg wait
	wait_for_line "$T/log" "guest running" 20 || fail "$(cat "$T/log")"
	local pid1
	pid1=$(vm_pid1)
	# The outer stopped, then PID 1 killed: the VM's processes die with
	# its PID namespace, and no one is left to remove its cgroups.
	kill -STOP "$VM_PID"
	kill -KILL "$pid1"
	wait_unpopulated "$(v2_dir)" 20 || fail "$(cat "$(v2_dir)/cgroup.events")"
	kill -KILL "$VM_PID"
	vm_wait_exit 20
	[[ -d $(v2_dir vmm) && -d $(v2_dir sandboxd) ]]
	assert_equal "$(cat "$(v2_dir)/cgroup.procs" "$(v2_dir vmm)/cgroup.procs" "$(v2_dir sandboxd)/cgroup.procs")" ""
	probe -- ids
	assert_success
	grep -qx "sandboxd: vm $VM_NAME: cgroups: removed stale cgroup $V2$V2SELF/vm-$VM_NAME, left by a run that did not end cleanly" <<< "$stderr"
	no_v2_left
}

@test "v2, a real VM: QEMU's threads in vmm, virtiofsd's in virtiofsd-TAG, PID 1 in sandboxd; its figures at SIGUSR1 and at the end; none left" {
	[[ -x /usr/lib/qemu/virtiofsd ]] || skip "no virtiofsd installed"
	mkdir "$T/a"
	vm_conf "" "share = a:$T/a:rw" "cgroup_version = 2" "cgroups = best-effort"
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 90 || fail "guest not ready: $(cat "$T/log")"
	in_v2 "$(vm_vmm_pid)" vmm
	echo "# QEMU: $N_TASKS threads in vm-NAME/vmm" >&3
	in_v2 "$(vm_share_pid 0)" virtiofsd-a
	echo "# virtiofsd: $N_TASKS threads in vm-NAME/virtiofsd-a" >&3
	in_v2 "$(vm_pid1)" sandboxd
	kill -USR1 "$VM_PID"
	wait_for_line "$T/log" "cgroup sandboxd: peak memory" 10 || fail "$(cat "$T/log")"
	local svc
	for svc in vmm virtiofsd-a sandboxd; do
		grep -qE "^sandboxd: vm $VM_NAME: cgroup $svc: peak memory n/a, pids n/a, CPU [0-9]+\.[0-9]{3} s\$" "$T/log"
	done
	grep -E "cgroup (vmm|virtiofsd-a|sandboxd): peak" "$T/log" | sed 's/^/# /' >&3
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	assert_equal "$(grep -c "cgroup virtiofsd-a: peak memory n/a" "$T/log")" 2
	no_v2_left
}

@test "v2 below a cgroup_parent: vm-NAME made there; the outer SIGKILLed, PID 1 leaves for the outer's own cgroup and removes it" {
	command -v strace >/dev/null || skip "strace not installed"
	PARENT=/sbx-test-$VM_NAME
	local parent=$PARENT
	mkdir "$V2$parent"
	conf_add "cgroup_parent = $parent"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_line "cgroup hierarchy: $V2$parent/vm-$VM_NAME"
	ASAN_OPTIONS=detect_leaks=0 strace -ff -y -qq -o "$T/st" -e trace=write "$SANDBOXD" --exec "$T/vm.conf" \
		--profile "$T/probe-profile" -- "$PROBE" wait > "$T/out" 2> "$T/log" &
	local strace=$! outer pid1
	wait_for_line "$T/log" "guest running" 20 || fail "$(cat "$T/log")"
	outer=$(pgrep -P "$strace") pid1=$(pgrep -P "$outer")
	grep -qx "0::$parent/vm-$VM_NAME/vmm" "/proc/$(pgrep -P "$pid1")/cgroup"
	grep -qx "0::$parent/vm-$VM_NAME/sandboxd" "/proc/$pid1/cgroup"
	kill -KILL "$outer"
	wait_for_exit "$strace" 30 || fail "PID 1 still runs: $(cat "$T/log")"
	grep -q "the outer sandboxd is gone: VM killed" "$T/log"
	[[ ! -e $V2$parent/vm-$VM_NAME ]] || fail "left: $(ls -R "$V2$parent")"
	# PID 1 moved itself to where the outer was, not into the parent: a
	# cgroup_parent that delegates controllers may hold no process (v2's
	# "no internal processes"; this host's has none to delegate).
	grep -qx "write([0-9]*<$V2$V2SELF/cgroup.procs>, \"0\", 1) = 1" "$T/st.$pid1"
	refute grep -q "$parent/cgroup.procs" "$T/st.$pid1"
	rmdir "$V2$parent"
}
