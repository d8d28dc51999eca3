#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# network = user (issue 13): passt, the VM's third kind of confined
# service, in the caller's network namespace, linked to QEMU by a
# socketpair PID 1 makes. Each test makes its own network namespace
# (helpers/net.bash) with a default route for passt's template, and runs
# sandboxd and every server inside it.

load helpers/common
load helpers/vm
load helpers/confine
load helpers/net

setup() { confine_setup; net_setup; net_template; net_nsenter; }
teardown() { vm_cleanup; net_teardown; confine_teardown; }

# passt's pid: PID 1's child of the passt role's uid (base + 10).
passt_pid() { pgrep -P "$(vm_pid1)" -U $(($(vm_uid_base) + 10)); }

# The VM's cgroup directories, as --check names them (none where the host
# gives sandboxd no hierarchy).
vm_cgroups() { "$SANDBOXD" --check "$T/vm.conf" 2>/dev/null | sed -n 's/^cgroup hierarchy: //p'; }

# listening PORT: the listening TCP sockets on PORT in $NS, "ADDR:PORT" a line.
listening() { in_ns ss -Hltn "sport = :$1" | awk '{ print $4 }'; }

@test "network user: the guest reaches the caller's loopback through passt; a forwarded port reaches the guest" {
	local port=$((20000 + RANDOM % 20000))
	local fwd=$((port + 1))
	# A web server on the test namespace's loopback only.
	mkdir "$T/www"
	echo "page-from-the-host-loopback" > "$T/www/page.txt"
	# exec: $! is the server itself, for teardown to kill.
	exec ip netns exec "$NS" python3 -u -m http.server -b 127.0.0.1 -d "$T/www" "$port" \
		> "$T/http.log" 2>&1 3>&- &
	NET_SERVERS="${NET_SERVERS:-} $!"
	wait_for_line "$T/http.log" '^Serving HTTP' 10
	vm_conf "$(sbx_run "wget -q -O - http://10.0.2.2:$port/page.txt
nc -l -p 7001 > /tmp/in &
until netstat -ltn | grep -q ':7001 '; do :; done
echo SBX-LISTENING
wait
echo \"guest got: \$(cat /tmp/in)\"")" "network = user" "forward = tcp:$fwd:7001"
	run "$SANDBOXD" --check "$T/vm.conf"
	assert_line "network: user (passt in sandboxd's network namespace), 1 port forwarded, guest mac $(sed -n 's/.*guest mac \([0-9a-f:]*\),.*/\1/p' <<< "$output"), guest command line 'sbx.ip=10.0.2.3/24 sbx.gw=10.0.2.2'"
	assert_line --regexp "^service passt: uid $(($(vm_uid_base) + 10)) gid [0-9]+, /usr/bin/passt(\.avx2)?$"
	vm_start
	wait_for_line "$T/console" SBX-LISTENING 120 || fail "$(cat "$T/console" "$T/log")"
	# passt: its own uid, in the test's network namespace (the VMM is in
	# the VM's own), its forward on the loopback only.
	local passt vmm
	passt=$(passt_pid) vmm=$(vm_vmm_pid)
	[[ -n $passt && -n $vmm ]]
	assert_equal "$(stat -L -c %i "/proc/$passt/ns/net")" "$(stat -L -c %i "/run/netns/$NS")"
	[[ $(stat -L -c %i "/proc/$vmm/ns/net") != "$(stat -L -c %i "/run/netns/$NS")" ]]
	assert_equal "$(listening "$fwd")" "127.0.0.1:$fwd"
	in_ns python3 -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
c.sendall(b"hello-from-host\n")
c.close()' "$fwd"
	vm_wait_exit 120
	assert_equal "$VM_STATUS" 0
	run cat "$T/console"
	assert_line --partial page-from-the-host-loopback
	assert_line --partial "guest got: hello-from-host"
	assert_line --partial "SBX-EXIT 0"
	run cat "$T/http.log"
	assert_line --regexp '^127\.0\.0\.1 .*"GET /page\.txt HTTP/1\.1" 200'
	run cat "$T/log"
	assert_line --regexp "passt: started as pid [0-9]+, uid $(($(vm_uid_base) + 10))$"
	assert_line --partial "passt: exited with status 0"
	assert_equal "$(listening "$fwd")" ""
}

@test "network user: SIGKILL of passt ends the VM; no process, socket or cgroup is left" {
	local fwd=$((20000 + RANDOM % 20000))
	vm_conf "$(sbx_run 'echo SBX-UP; exec tail -f /dev/null')" "network = user" "forward = tcp:$fwd:7001"
	local cgroups
	cgroups=$(vm_cgroups)
	vm_start
	wait_for_line "$T/console" SBX-UP 120
	local passt vmm
	passt=$(passt_pid) vmm=$(vm_vmm_pid)
	[[ -n $passt && -n $vmm ]]
	assert_equal "$(listening "$fwd")" "127.0.0.1:$fwd"
	# While it runs: passt's own cgroup, vm-NAME/passt, holds it.
	local dir
	for dir in $cgroups; do
		grep -qx "$passt" "$dir/passt/cgroup.procs"
	done
	kill -KILL "$passt"
	vm_wait_exit 30
	assert_equal "$VM_STATUS" 111
	run cat "$T/log"
	assert_line --partial "passt: killed by signal 9"
	assert_line --partial "passt: passt is gone: the guest has lost its network; killing the VM"
	wait_for_exit "$vmm" 30 || process_gone "$vmm"
	assert_equal "$(listening "$fwd")" ""
	for dir in $cgroups; do
		[[ ! -e $dir ]]
	done
	[[ ! -e $T/run ]]
}

@test "network user: SIGKILL of the VMM, of PID 1 or of the outer ends the VM; no passt, socket or cgroup is left" {
	local fwd=$((20000 + RANDOM % 20000)) target cgroups passt dir
	vm_conf "$(sbx_run 'echo SBX-UP; exec tail -f /dev/null')" "network = user" "forward = tcp:$fwd:7001"
	cgroups=$(vm_cgroups)
	for target in vmm pid1 outer; do
		vm_start
		wait_for_line "$T/console" SBX-UP 120 || fail "$target: no SBX-UP: $(cat "$T/log")"
		# Ready (the guest's READY=1): PID 1 now outlives its outer to clean up.
		wait_for_line "$T/ready" '^$' 30 || fail "$target: not ready"
		passt=$(passt_pid)
		[[ -n $passt ]]
		assert_equal "$(listening "$fwd")" "127.0.0.1:$fwd"
		case $target in
		vmm) kill -KILL "$(vm_vmm_pid)" ;;
		pid1) kill -KILL "$(vm_pid1)" ;;
		outer) kill -KILL "$VM_PID" ;;
		esac
		vm_wait_exit 30
		assert_equal "$VM_STATUS" 137
		# Without its outer, PID 1 ends the VM, removes the cgroups, then says so.
		[[ $target != outer ]] ||
			wait_for_line "$T/log" "the outer sandboxd is gone: VM killed" 30 ||
			fail "outer: PID 1 did not end the VM: $(cat "$T/log")"
		wait_for_exit "$passt" 30 || fail "$target: passt still runs"
		assert_equal "$(listening "$fwd")" ""
		for dir in $cgroups; do
			[[ ! -e $dir ]] || fail "$target: $dir is left"
		done
	done
}

@test "network user: without a default route passt cannot start, and the VM ends naming it" {
	in_ns ip route del default
	vm_conf "$(sbx_run 'echo SBX-UP; exec tail -f /dev/null')" "network = user"
	# --log-console: passt's stderr comes into the log as whole lines
	# prefixed "passt: ", as each service's does.
	run --separate-stderr timeout 120 "$SANDBOXD" --log-console "$T/vm.conf"
	assert_equal "$status" 111
	assert_line "passt: External interface not usable"
	[[ $stderr == *"passt: exited with status 1"* ]]
	[[ $stderr == *"passt: passt is gone: the guest has lost its network; killing the VM"* ]]
}

@test "network user: the bundled VMM gets passt's link as --net mode=stream (--print-argv)" {
	vm_conf "" "network = user" "forward = tcp:8080:80"
	sed -i 's/^vmm = qemu$/vmm = builtin/' "$T/vm.conf"
	run --separate-stderr "$SANDBOXD" --print-argv "$T/vm.conf"
	assert_success
	assert_line --regexp "^passt /usr/bin/passt(\.avx2)? --fd 3 .* --address 10\.0\.2\.3 --netmask 24 --gateway 10\.0\.2\.2 --tcp-ports 127\.0\.0\.1/8080:80$"
	assert_line --regexp "^vmm .* --net fd=[0-9]+,mac=02:[0-9a-f:]{14},mode=stream( |$)"
}
