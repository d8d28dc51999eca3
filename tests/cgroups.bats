#!/usr/bin/env bats
# Resource limits: a cgroup per VM (vm-NAME) and per service inside it
# (vmm, virtiofsd-TAG; PID 1 in vm-NAME/sandboxd), read back from the
# kernel. This host has cgroup v1 (memory, pids, cpu, cpuacct): the v1
# path, which cgroup_version = auto takes here; cgroups-v2.bats has v2's.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/confine
load helpers/cgroups

setup() {
	confine_setup
	[[ -d /sys/fs/cgroup/memory && -d /sys/fs/cgroup/pids ]] ||
		skip "no cgroup v1 memory and pids hierarchies on this host"
}

teardown() {
	[[ -z ${OTHER_PID:-} ]] || kill -KILL "$OTHER_PID" 2>/dev/null || true
	confine_teardown
}

CTRLS="memory pids cpu cpuacct"

# cg_dir CTRL [SUB] [NAME]: the VM's cgroup in CTRL's v1 hierarchy, below
# the cgroup this shell runs in (as sandboxd does, without a cgroup_parent).
cg_dir() {
	local self
	self=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
	[[ $self == / ]] && self=
	echo "/sys/fs/cgroup/$1$self/vm-${3:-$VM_NAME}${2:+/$2}"
}

# no_cgroup_left [NAME]: none of the VM's cgroups is there.
no_cgroup_left() {
	local c
	for c in $CTRLS; do
		[[ ! -e $(cg_dir "$c" "" "${1:-}") ]] || fail "$(cg_dir "$c" "" "${1:-}") left behind"
	done
}

# mem_stat SVC KEY: KEY of the service's memory.stat (v1: total_ = hierarchical).
mem_stat() { awk -v k="$2" '$1 == k { print $2 }' "$(cg_dir memory "$1")/memory.stat"; }

@test "--check: each cgroup and its limits; QEMU's from the guest's memory, virtiofsd's fixed, the VM's their sum" {
	mkdir "$T/a"
	vm_conf "" "share = a:$T/a:rw"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	assert_line "cgroups: v1 (cgroup_version = auto), memory pids cpu cpuacct"
	assert_line "cgroup hierarchy: $(cg_dir memory)"
	assert_line "cgroup hierarchy: $(cg_dir pids)"
	# memory = 256M: QEMU 256 + 256/4 + 256; virtiofsd 256; the VM the sum + 64.
	assert_line "cgroup vmm: vm-$VM_NAME/vmm: memory_max 576M, pids_max 129, cpu_weight default, cpu_max max"
	assert_line "cgroup virtiofsd-a: vm-$VM_NAME/virtiofsd-a: memory_max 256M, pids_max 128, cpu_weight default, cpu_max max"
	assert_line "cgroup sandboxd: vm-$VM_NAME/sandboxd: memory_max max, pids_max max, cpu_weight default, cpu_max max"
	assert_line "cgroup vm: vm-$VM_NAME: memory_max 896M, pids_max 273, cpu_weight default, cpu_max max"
	# The guest's memory counts: 1G gives QEMU 1024 + 256 + 256.
	sed -i 's/^memory = 256M$/memory = 1G/' "$T/vm.conf"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_line "cgroup vmm: vm-$VM_NAME/vmm: memory_max 1536M, pids_max 129, cpu_weight default, cpu_max max"
	# The bundled VMM (and the exec driver in its place): guest RAM + 64M.
	run --separate-stderr "$SANDBOXD" --check --exec "$T/vm.conf" -- "$PROBE"
	assert_line "cgroup vmm: vm-$VM_NAME/vmm: memory_max 1088M, pids_max 33, cpu_weight default, cpu_max max"
	# A profile's own limits win, and check-profile shows them.
	profile_plus "cgroup memory_max 2G" "cgroup cpu_max 50000"
	run --separate-stderr "$SANDBOXD" --check --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE"
	assert_line "cgroup vmm: vm-$VM_NAME/vmm: memory_max 2048M, pids_max 33, cpu_weight default, cpu_max 50000 100000"
	run "$SANDBOXD" check-profile "$T/profile"
	assert_line "cgroup: memory_max 2048M cpu_max 50000 100000"
	run "$SANDBOXD" check-profile "$TEST_PROFILE"
	assert_line "cgroup: sandboxd's defaults for the service (sandboxd.conf(5))"
	no_cgroup_left
}

@test "malformed limits: one FILE:LINE error each, exit 100, nothing created" {
	local bad
	for bad in "memory_max = 3M" "memory_max = 2T" "memory_max = lots" "pids_max = 0" \
		"pids_max = 5000000" "cpu_weight = 0" "cpu_weight = 10001" "cpu_max = 500" \
		"cpu_max = 50000 100" "cpu_max = 50000 100000 1" "cgroups = maybe" \
		"cgroup_parent = relative" "cgroup_parent = /a/../b"; do
		vm_conf "" "$bad"
		run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
		assert_equal "$status" 100
		assert_equal "${#stderr_lines[@]}" 1
		[[ $stderr == "sandboxd: $T/vm.conf:9: ${bad%% *}: expected "*", got '${bad#* = }'" ]] ||
			fail "$bad: $stderr"
	done
	vm_conf "" "cgroup_parent = /no-such-parent-$VM_NAME"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	grep -q "^sandboxd: vm $VM_NAME: $T/vm.conf:9: cgroup_parent: /sys/fs/cgroup/memory/no-such-parent-$VM_NAME does not exist\$" <<< "$stderr"
	vm_conf ""
	for bad in "cgroup memory_max 1K" "cgroup swap_max 1G" "cgroup pids_max 5 6" "cgroup cpu_max 1 2" \
		"cgroup pids_max"; do
		profile_plus "$bad"
		run --separate-stderr "$SANDBOXD" --check --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE"
		assert_equal "$status" 100
		grep -q "^sandboxd: vm $VM_NAME: $T/profile:$(wc -l < "$T/profile"): cgroup" <<< "$stderr" ||
			fail "$bad: $stderr"
	done
	profile_plus "cgroup pids_max 5" "cgroup pids_max 6"
	run --separate-stderr "$SANDBOXD" --check --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE"
	assert_equal "$status" 100
	grep -q "$T/profile:$(wc -l < "$T/profile"): cgroup 'pids_max' is already on line" <<< "$stderr"
	no_cgroup_left
}

@test "every thread of a service is in its own cgroup, PID 1 in vm-NAME/sandboxd; limits as configured" {
	conf_add "memory_max = 300M" "pids_max = 50" "cpu_weight = 200" "cpu_max = 150000"
	profile_plus "cgroup memory_max 100M" "cgroup pids_max 20" "cgroup cpu_weight 50" \
		"cgroup cpu_max 50000 100000"
	exec_bg --profile "$T/profile" threads:2 pause
	wait_for_line "$T/out" "pause: waiting" 20 || fail "$(cat "$T/log")"
	local svc task c n=0
	svc=$(svc_pid)
	for task in /proc/"$svc"/task/*; do
		n=$((n + 1))
		for c in $CTRLS; do
			grep -qE "^[0-9]+:([a-z,]*,)?$c(,[a-z,]*)?:.*/vm-$VM_NAME/vmm\$" "$task/cgroup" ||
				fail "$task in $(cat "$task/cgroup")"
		done
	done
	assert_equal "$n" 3
	for c in $CTRLS; do
		grep -qE ":$c:.*/vm-$VM_NAME/sandboxd\$" "/proc/$(vm_pid1)/cgroup"
		# The outer stays in its supervisor's: it removes vm-NAME at the end.
		refute grep -qE ":$c:.*/vm-$VM_NAME" "/proc/$VM_PID/cgroup"
	done
	assert_equal "$(cat "$(cg_dir memory vmm)/memory.limit_in_bytes")" $((100 << 20))
	assert_equal "$(cat "$(cg_dir pids vmm)/pids.max")" 20
	assert_equal "$(cat "$(cg_dir cpu vmm)/cpu.shares")" 513
	assert_equal "$(cat "$(cg_dir cpu vmm)/cpu.cfs_quota_us") $(cat "$(cg_dir cpu vmm)/cpu.cfs_period_us")" "50000 100000"
	assert_equal "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" $((300 << 20))
	assert_equal "$(cat "$(cg_dir pids)/pids.max")" 50
	assert_equal "$(cat "$(cg_dir cpu)/cpu.shares")" 2049
	assert_equal "$(cat "$(cg_dir cpu)/cpu.cfs_quota_us") $(cat "$(cg_dir cpu)/cpu.cfs_period_us")" "150000 100000"
	# SIGUSR1 to the outer: one line per cgroup.
	kill -USR1 "$VM_PID"
	wait_for_line "$T/log" "cgroup sandboxd: peak memory" 10 || fail "$(cat "$T/log")"
	grep -qE "^sandboxd: vm $VM_NAME: cgroup vmm: peak memory [0-9]+\.[0-9] MiB, pids 3, CPU [0-9]+\.[0-9]{3} s\$" "$T/log"
	kill -KILL "$svc"
	vm_wait_exit 20
	no_cgroup_left
}

@test "a service joins its cgroup as the first step of its entry, before anything else it does" {
	command -v strace >/dev/null || skip "strace not installed"
	ASAN_OPTIONS=detect_leaks=0 run --separate-stderr strace -ff -qq -o "$T/st" \
		-e trace=write,setsid,unshare,execveat "$SANDBOXD" --exec "$T/vm.conf" \
		--profile "$T/probe-profile" -- "$PROBE" ids
	assert_success
	local svc
	svc=$(grep -l '^execveat(19, ""' "$T"/st.*)
	# Four hierarchies (memory, pids, cpu, cpuacct), then step 1: setsid.
	run head -5 "$svc"
	assert_line --index 0 --regexp '^write\([0-9]+, "0", 1\) += 1$'
	assert_equal "$(grep -c '^write([0-9]*, "0", 1) *= 1$' <<< "$output")" 4
	assert_line --index 4 --regexp '^setsid\(\)'
	no_cgroup_left
}

@test "a service forking past pids_max gets EAGAIN inside its cgroup, and the VM goes on" {
	profile_plus "cgroup pids_max 8"
	probe --profile "$T/profile" -- fork:20 ids
	assert_success
	# 8 pids: the probe and 7 children.
	assert_line "fork:20: EAGAIN after 7"
	assert_line "ids: uid=$SERVICE_UID euid=$SERVICE_UID gid=$SERVICE_UID egid=$SERVICE_UID"
	grep -q "vmm: exited with status 0" <<< "$stderr"
	no_cgroup_left
}

# other_vm: a second VM (the exec driver's probe waiting) beside this test's.
other_vm() {
	sed -e "s/^name = .*/name = ${VM_NAME}x/" -e "s|^runtime_dir = .*|runtime_dir = $T/run2|" \
		"$T/vm.conf" > "$T/other.conf"
	"$SANDBOXD" --exec "$T/other.conf" --profile "$T/probe-profile" -- "$PROBE" pause \
		> "$T/other.out" 2> "$T/other.log" &
	OTHER_PID=$!
	wait_for_line "$T/other.out" "pause: waiting" 20 || fail "$(cat "$T/other.log")"
}

@test "a service allocating past memory_max is OOM-killed inside its cgroup; the log says which and why; another VM goes on" {
	other_vm
	profile_plus "cgroup memory_max 32M"
	probe --profile "$T/profile" -- alloc:16 alloc:64 ids
	assert_equal "$status" 137
	assert_line "alloc:16: ok"
	refute_output --partial "ids:"
	grep -q "^sandboxd: vm $VM_NAME: vmm: killed by signal 9 (Killed)\$" <<< "$stderr"
	grep -q "^sandboxd: vm $VM_NAME: vmm: killed by the kernel's OOM killer inside its cgroup vmm: it reached its memory_max of 32M (1 OOM kill there)\$" <<< "$stderr"
	grep -qE "^sandboxd: vm $VM_NAME: cgroup vmm: peak memory 3[12]\.[0-9] MiB" <<< "$stderr"
	# PID 1, in its own cgroup, saw it and ended the VM.
	grep -q "^sandboxd: vm $VM_NAME: vm stopped, exit status 137\$" <<< "$stderr"
	no_cgroup_left
	# The other VM runs on, its cgroup untouched by the OOM killer.
	! process_gone "$OTHER_PID"
	grep -q "^oom_kill 0\$" "$(cg_dir memory vmm "${VM_NAME}x")/memory.oom_control"
	kill -KILL "$(pgrep -P "$(pgrep -P "$OTHER_PID")")"
	wait_for_exit "$OTHER_PID" 20
	no_cgroup_left "${VM_NAME}x"
}

@test "tmpfs: what a service writes to its private /tmp and /dev/shm is charged to its memory cgroup; past memory_max it is killed there" {
	profile_plus "cgroup memory_max 96M"
	exec_bg --profile "$T/profile" pause fill:/tmp/f:16 fill:/dev/shm/g:16 wait
	wait_for_line "$T/out" "pause: waiting" 20 || fail "$(cat "$T/log")"
	local shmem0 cache0 shmem1 cache1 usage1 pid1_shmem0
	shmem0=$(mem_stat vmm total_shmem) cache0=$(mem_stat vmm total_cache)
	pid1_shmem0=$(mem_stat sandboxd total_shmem)
	kill -USR1 "$(svc_pid)"
	wait_for_line "$T/out" "fill:/dev/shm/g:16: ok" 20 || fail "$(cat "$T/out" "$T/log")"
	shmem1=$(mem_stat vmm total_shmem) cache1=$(mem_stat vmm total_cache)
	usage1=$(cat "$(cg_dir memory vmm)/memory.usage_in_bytes")
	echo "# tmpfs: vmm's memory.stat total_shmem $shmem0 -> $shmem1, total_cache $cache0 -> $cache1, usage $usage1 bytes after 32 MiB written to /tmp and /dev/shm; PID 1's total_shmem $pid1_shmem0 -> $(mem_stat sandboxd total_shmem)" >&3
	# All 32 MiB, as shmem, in the writer's cgroup; none in PID 1's.
	(( shmem1 - shmem0 >= 32 << 20 )) || fail "shmem $shmem0 -> $shmem1"
	(( cache1 - cache0 >= 32 << 20 )) || fail "cache $cache0 -> $cache1"
	assert_equal "$(mem_stat sandboxd total_shmem)" "$pid1_shmem0"
	kill -TERM "$VM_PID"
	vm_wait_exit 20
	assert_equal "$VM_STATUS" 0
	no_cgroup_left

	# Past the limit: the tmpfs (64M by default) has room, the cgroup has not.
	profile_plus "cgroup memory_max 32M"
	probe --profile "$T/profile" -- fill:/tmp/f:48 ids
	echo "# tmpfs past memory_max 32M: $(grep -E 'vmm: (killed|exited)' <<< "$stderr" | tr '\n' ' ')" >&3
	assert_equal "$status" 137
	refute_output --partial "ids:"
	grep -q "vmm: killed by the kernel's OOM killer inside its cgroup vmm: it reached its memory_max of 32M" <<< "$stderr"
	grep -q "^sandboxd: vm $VM_NAME: vm stopped, exit status 137\$" <<< "$stderr"
	no_cgroup_left
}

@test "no cgroup of a VM is left after a clean end, a shutdown timeout, SIGKILL of a service or of PID 1" {
	probe -- ids
	assert_success
	no_cgroup_left

	sed -i 's/^shutdown_timeout = .*/shutdown_timeout = 0.2/' "$T/vm.conf"
	exec_bg pause
	wait_for_line "$T/out" "pause: waiting" 20 || fail "$(cat "$T/log")"
	kill -TERM "$VM_PID"
	vm_wait_exit 20
	grep -q "did not power off within the shutdown timeout" "$T/log"
	no_cgroup_left

	local who
	for who in service pid1; do
		exec_bg wait
		wait_for_line "$T/log" "guest running" 20 || fail "$(cat "$T/log")"
		[[ -d $(cg_dir pids vmm) ]]
		if [[ $who == service ]]; then
			kill -KILL "$(svc_pid)"
		else
			kill -KILL "$(vm_pid1)"
		fi
		vm_wait_exit 20
		assert_equal "$VM_STATUS" 137
		no_cgroup_left
	done
}

@test "SIGKILL of the outer: PID 1 kills the VM and removes its cgroups, with no next start; a restart waits for it" {
	exec_bg wait
	wait_for_line "$T/log" "guest running" 20 || fail "$(cat "$T/log")"
	local pid1 svc next
	pid1=$(vm_pid1) svc=$(svc_pid)
	[[ -d $(cg_dir pids vmm) ]]
	# PID 1 stopped meanwhile, so that a restart surely meets it ending.
	kill -STOP "$pid1"
	kill -KILL "$VM_PID"
	vm_wait_exit 20
	assert_equal "$VM_STATUS" 137
	# The restart finds the VM's lock held by PID 1, whose outer is gone,
	# and waits for it rather than refusing a running VM (exit 100).
	"$SANDBOXD" --exec "$T/vm.conf" --profile "$T/probe-profile" -- "$PROBE" ids \
		> "$T/out2" 2> "$T/log2" < /dev/null &
	next=$!
	wait_for_line "$T/log2" "ids: the last run of vm $VM_NAME \(outer pid [0-9]+, gone\) is still ending: waiting for it" 20 ||
		fail "the restart did not wait: $(cat "$T/log2")"
	kill -CONT "$pid1"
	# PID 1, left alone, ends the VM, leaves its cgroups, removes them,
	# and then says so and exits.
	wait_for_line "$T/log" "the outer sandboxd is gone: VM killed" 20 ||
		fail "PID 1 did not end the VM: $(cat "$T/log")"
	process_gone "$svc" || fail "the service still runs"
	refute grep -q "cgroups: remove\|leave the VM's cgroups" "$T/log"
	wait_for_exit "$next" 30 || fail "the restart still runs: $(cat "$T/log2")"
	assert_equal "$WAIT_STATUS" 0
	grep -q "^ids: " "$T/out2"
	# Nothing stale was left for it to remove, and it left nothing.
	refute grep -q "removed stale cgroup" "$T/log2"
	no_cgroup_left
}

@test "a stale vm-NAME (its run killed before it could remove it) is removed at the next start, which says so" {
	local c
	for c in $CTRLS; do
		mkdir -p "$(cg_dir "$c" vmm)"
	done
	probe -- ids
	assert_success
	for c in $CTRLS; do
		grep -q "^sandboxd: vm $VM_NAME: cgroups: removed stale cgroup $(cg_dir "$c"), left by a run that did not end cleanly\$" <<< "$stderr"
	done
	no_cgroup_left
}

@test "cgroups = off: no cgroup is made, the service stays in the caller's; a limit or cgroup_parent beside it is a FILE:LINE error" {
	conf_add "cgroups = off"
	run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
	assert_success
	assert_line "cgroups: none (cgroups = off)"
	exec_bg wait
	wait_for_line "$T/log" "guest running" 20 || fail "$(cat "$T/log")"
	no_cgroup_left
	# The service's and PID 1's cgroups are this shell's, in every hierarchy.
	local mine pid
	mine=$(grep -E ':(memory|pids|cpu,cpuacct):' /proc/self/cgroup)
	for pid in "$(svc_pid)" "$(vm_pid1)"; do
		assert_equal "$(grep -E ':(memory|pids|cpu,cpuacct):' "/proc/$pid/cgroup")" "$mine"
	done
	kill -TERM "$VM_PID"
	vm_wait_exit 20
	assert_equal "$VM_STATUS" 0
	grep -q "cgroups: off (cgroups = off): no cgroup is made" "$T/log"
	local bad
	for bad in "memory_max = 1G" "cgroup_parent = /"; do
		conf_add "$bad"
		run --separate-stderr "$SANDBOXD" --check "$T/vm.conf"
		assert_equal "$status" 100
		grep -q "^sandboxd: vm $VM_NAME: $T/vm.conf:$(wc -l < "$T/vm.conf"): ${bad%% *}: cgroups = off makes no cgroup to apply it to\$" <<< "$stderr" ||
			fail "$bad: $stderr"
		sed -i '$d' "$T/vm.conf"
	done
}

@test "a real VM: QEMU's threads in vmm, virtiofsd's in virtiofsd-TAG; SIGUSR1 and the end log each cgroup's figures" {
	[[ -x /usr/lib/qemu/virtiofsd ]] || skip "no virtiofsd installed"
	mkdir "$T/a"
	vm_conf "" "share = a:$T/a:rw"
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60 || fail "guest not ready: $(cat "$T/log")"
	local svc pid task
	for svc in vmm virtiofsd-a; do
		if [[ $svc == vmm ]]; then pid=$(vm_vmm_pid); else pid=$(vm_share_pid 0); fi
		for task in /proc/"$pid"/task/*; do
			grep -qE ":memory:.*/vm-$VM_NAME/$svc\$" "$task/cgroup" || fail "$task: $(cat "$task/cgroup")"
			grep -qE ":pids:.*/vm-$VM_NAME/$svc\$" "$task/cgroup" || fail "$task: $(cat "$task/cgroup")"
		done
	done
	kill -USR1 "$VM_PID"
	wait_for_line "$T/log" "cgroup sandboxd: peak memory" 10 || fail "$(cat "$T/log")"
	for svc in vmm virtiofsd-a sandboxd; do
		grep -qE "^sandboxd: vm $VM_NAME: cgroup $svc: peak memory [0-9]+\.[0-9] MiB, pids [0-9]+, CPU [0-9]+\.[0-9]{3} s\$" "$T/log"
	done
	grep -E "cgroup (vmm|virtiofsd-a|sandboxd): peak" "$T/log" | sed 's/^/# /' >&3
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	[[ $(grep -c "cgroup vmm: peak memory" "$T/log") == 2 ]]
	no_cgroup_left
}

# without_memory CMD...: CMD where this host has no memory controller: its
# v1 hierarchy unmounted in a private mount namespace.
without_memory() {
	exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/memory && exec "$@"' sh "$@"
}

@test "a controller the host lacks: a limit set is a FILE:LINE error; defaults dropped, said once; best-effort runs without" {
	profile_plus "cgroup memory_max 64M"
	run --separate-stderr without_memory "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE" ids
	assert_equal "$status" 100
	grep -q "^sandboxd: vm $VM_NAME: $T/profile:$(wc -l < "$T/profile"): memory_max: this host has no cgroup memory controller sandboxd may use (cgroups = best-effort runs without the limit)\$" <<< "$stderr"
	refute grep -q "vmm: started" <<< "$stderr"
	conf_add "memory_max = 1G"
	run --separate-stderr without_memory "$SANDBOXD" --check "$T/vm.conf"
	assert_equal "$status" 100
	grep -q "^sandboxd: vm $VM_NAME: $T/vm.conf:$(wc -l < "$T/vm.conf"): memory_max: this host has no cgroup memory controller" <<< "$stderr" || fail "$stderr"
	# Only the defaults: dropped with one line, the rest enforced.
	vm_conf ""
	run --separate-stderr without_memory "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/probe-profile" -- "$PROBE" ids
	assert_success
	assert_equal "$(grep -c "cgroups: no usable memory controller on this host: memory limits are not enforced\$" <<< "$stderr")" 1
	grep -q "cgroup vmm: peak memory n/a, pids 0, CPU " <<< "$stderr"
	# best-effort: the profile's limit is dropped the same way.
	conf_add "cgroups = best-effort"
	run --separate-stderr without_memory "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE" ids
	assert_success
	assert_equal "$(grep -c "no usable memory controller" <<< "$stderr")" 1
	no_cgroup_left
	# No hierarchy at all (as under `ip netns exec`, which mounts a fresh
	# /sys): the VM runs without cgroups, logged; a set limit stays an
	# error unless best-effort.
	vm_conf ""
	run --separate-stderr unshare -m --propagation private sh -c 'umount -R /sys/fs/cgroup && exec "$@"' \
		sh "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/probe-profile" -- "$PROBE" ids
	assert_success
	grep -q "cgroups: no cgroup hierarchy sandboxd may write to below its own: the VM runs without cgroups" <<< "$stderr"
	run --separate-stderr unshare -m --propagation private sh -c 'umount -R /sys/fs/cgroup && exec "$@"' \
		sh "$SANDBOXD" --exec "$T/vm.conf" --profile "$T/profile" -- "$PROBE" ids
	assert_equal "$status" 100
	grep -q "$T/profile:$(wc -l < "$T/profile"): memory_max: this host has no cgroup memory controller" <<< "$stderr"
}
