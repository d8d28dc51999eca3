#!/usr/bin/env bats
# sandboxd's own confinement (sandboxd/self_confine.c): PID 1 once the guest
# runs, the outer process once PID 1 is cloned, each under no_new_privs, a
# Landlock domain without file access and a compiled-in seccomp filter.
#
# The filters are read back from the kernel with build/seccomp-dump. A
# Landlock domain cannot be read back: Linux 6.18 shows it nowhere in /proc
# (the proposed /proc/PID/attr/landlock/domain was never merged), and a
# process in a domain is told apart from outside only by what it is
# denied, which here seccomp stops first. So the Landlock test reads the
# calls and the kernel's answers with strace: the ruleset, its one rule,
# and landlock_restrict_self returning 0, after which the domain cannot be
# left. The whole suite then runs with both processes confined: a syscall
# missing from a table kills PID 1 (and the VM) or the outer, and fails
# the test that took that path.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vm
load helpers/seccomp

setup() {
	common_setup
	SANITIZED_BINARY=$SANDBOXD
	[[ -x $DUMP ]] || fail "build first: make test-binaries"
}
teardown() { vm_cleanup; common_teardown; }

# What the ASan build's tables add (self_confine.c sanitizer_rules).
SANITIZER_ALLOWS=" sigaltstack mmap mmap,arg2=PROT_EXEC munmap madvise sched_yield futex open
	openat read read,arg0=0 fcntl newfstatat readlink close ioctl,arg1=TCGETS pipe2 write
	write,arg0=0 write,arg0=1 write,arg0=3 write,arg0=999 getpid exit_group "

# What neither may do: exec, files, sockets, tracing, other ABIs, mounts,
# ids, namespaces, new processes, module loading, other processes' memory.
DENIED_BOTH=(execve execveat open openat socket connect bind ptrace execve@x32 read@x32
	write@x32 11@i386 3@i386 4@i386 mount setuid setresuid unshare setns clone clone3 fork
	vfork pidfd_open process_vm_writev init_module memfd_create prctl seccomp fsetxattr
	mprotect rmdir)

# vm_running: a QEMU VM up to SBX-GUEST-READY; PID1 and VMM set.
vm_running() {
	vm_conf ""
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60 || fail "guest not ready: $(cat "$T/log")"
	PID1=$(vm_pid1)
	VMM=$(vm_vmm_pid)
}

# vm_poweroff: SIGTERM to the outer, relayed to PID 1, QMP powers the guest off.
vm_poweroff() {
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	[[ ! -e $T/run ]] || fail "runtime dir left behind"
}

@test "while a VM runs, PID 1 and the outer: NoNewPrivs 1, Seccomp 2, one filter; each logs it is confined" {
	# The positive first: a process without the layer.
	run grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status
	assert_output $'NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0'
	vm_running
	local p
	for p in "$VM_PID" "$PID1"; do
		run grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$p/status"
		assert_output $'NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1'
		# one thread each, so TSYNC left none out
		assert_equal "$(ls "/proc/$p/task" | wc -l)" 1
	done
	run cat "$T/log"
	assert_line --regexp "^sandboxd: vm $VM_NAME: confined: outer: no_new_privs, Landlock ABI [0-9]+ \(no file access but removing the runtime dir and the VM's cgroups, no TCP, abstract unix sockets scoped\), seccomp [0-9]+ syscalls \([0-9]+ rules, [0-9]+ BPF instructions\), anything else kills$"
	assert_line --regexp "^sandboxd: vm $VM_NAME: confined: PID 1: no_new_privs, Landlock ABI [0-9]+ \(no file access but removing the VM's cgroups, no TCP, abstract unix sockets scoped\), seccomp [0-9]+ syscalls"
	# PID 1 confines itself after readiness, so after "guest running".
	[[ $(grep -n "confined: PID 1" "$T/log" | cut -d: -f1) -gt \
	   $(grep -n "vmm: guest running" "$T/log" | cut -d: -f1) ]]
	vm_poweroff
}

@test "PID 1's filter read back: denies exec, files, sockets, ptrace, x32, i386, mounts, ids; allows its table" {
	# The positive first: the same probes against a process without filters.
	local fd cat_pid
	exec {fd}> >(exec cat >/dev/null)
	cat_pid=$!
	run "$DUMP" "$cat_pid" execve openat ptrace mount
	exec {fd}>&-
	wait_for_exit "$cat_pid" 10 || true
	assert_success
	assert_output $'filters 0:\nexecve allow\nopenat allow\nptrace allow\nmount allow'

	vm_running
	# vm-NAME's parent in each cgroup hierarchy (inherited from the outer)
	# and its cgroup.procs, PID 1's way out should the outer be killed.
	local fd path parents cgfds=()
	parents=$("$SANDBOXD" --check "$T/vm.conf" 2>/dev/null | sed -n 's|^cgroup hierarchy: \(.*\)/vm-[^/]*$|\1|p')
	for fd in /proc/"$PID1"/fd/*; do
		path=$(readlink "$fd")
		if grep -qxF "$path" <<< "$parents"; then
			cgfds+=("unlinkat,arg0=${fd##*/},arg2=AT_REMOVEDIR")
		elif grep -qxF "${path%/cgroup.procs}" <<< "$parents"; then
			cgfds+=("write,arg0=${fd##*/}")
		fi
	done
	assert_equal "${#cgfds[@]}" $((2 * $(wc -l <<< "$parents")))
	# write to fd 3: the notification fd of vm_start, for the guest's
	# READY=1 that comes after PID 1 confined itself
	local allows=(poll read pread64 recvfrom sendto write,arg0=2 write,arg0=1 write,arg0=3 wait4
		kill,arg0=-1,arg1=SIGKILL kill,arg0=2,arg1=SIGTERM timerfd_settime close exit_group brk
		mmap,arg2=PROT_READ munmap clock_gettime restart_syscall "${cgfds[@]}")
	# a datagram to an address, a write to any fd but the log's two
	# (stderr; stdout, the relayed console) and the notification fd,
	# signals other than the two, executable memory
	local denies=(sendto,arg4=4096 write,arg0=0 write,arg0=999 kill,arg0=-1,arg1=SIGSTOP kill,arg0=2,arg1=SIGINT
		mmap,arg2=PROT_EXEC unlinkat getpid sigaltstack)
	run "$DUMP" "$PID1" "${DENIED_BOTH[@]}" "${allows[@]}" "${denies[@]}"
	assert_success
	assert_line --regexp '^filters 1: [0-9]+$'
	expect_actions kill_process $(denied "${DENIED_BOTH[@]}" "${denies[@]}")
	expect_actions allow "${allows[@]}"
	# PID 1 was stopped and let go by ptrace: it still shuts the VM down.
	vm_poweroff
}

@test "the outer's filter read back: only PID 1 may be signalled and waited for, only its signalfd read" {
	vm_running
	local fd sigfd= dirfd= lifeline= cgfds=()
	for fd in /proc/"$VM_PID"/fd/*; do
		case $(readlink "$fd") in
		"anon_inode:[signalfd]") sigfd=${fd##*/} ;;
		"$T") dirfd=${fd##*/} ;;
		# vm-NAME's parent in each cgroup hierarchy (cgroup_make.c)
		/sys/fs/cgroup/*) cgfds+=("unlinkat,arg0=${fd##*/},arg2=AT_REMOVEDIR") ;;
		# The lifeline: sandboxd's own pipe, close-on-exec and write-only
		# (an inherited pipe of the caller's is neither).
		pipe:*) grep -qE '^flags:[[:space:]]+0?2000001$' "/proc/$VM_PID/fdinfo/${fd##*/}" &&
			lifeline=${fd##*/} ;;
		esac
	done
	[[ -n $sigfd && -n $dirfd && -n $lifeline ]] || fail "outer's fds: $(ls -l /proc/"$VM_PID"/fd)"
	local allows=("read,arg0=$sigfd" "kill,arg0=$PID1,arg1=SIGTERM" "kill,arg0=$PID1,arg1=SIGINT"
		"kill,arg0=$PID1,arg1=SIGHUP" "kill,arg0=$PID1,arg1=SIGUSR1" "wait4,arg0=$PID1"
		write,arg0=2 "write,arg0=$lifeline" "unlinkat,arg0=$dirfd,arg2=AT_REMOVEDIR"
		"${cgfds[@]}" exit_group)
	# the host's init, PID 1 with another signal, anyone's status, another
	# fd, unlinking a file, removing through another dir, memory
	local denies=(kill,arg0=1,arg1=SIGTERM "kill,arg0=$VMM,arg1=SIGTERM"
		"kill,arg0=$PID1,arg1=SIGKILL" wait4,arg0=-1 read,arg0=0 write,arg0=1
		"unlinkat,arg0=$dirfd" unlinkat,arg0=AT_FDCWD,arg2=AT_REMOVEDIR brk mmap poll)
	run "$DUMP" "$VM_PID" "${DENIED_BOTH[@]}" "${allows[@]}" "${denies[@]}"
	assert_success
	assert_line --regexp '^filters 1: [0-9]+$'
	expect_actions kill_process $(denied "${DENIED_BOTH[@]}" "${denies[@]}")
	expect_actions allow "${allows[@]}"
	vm_poweroff
}

# The ASan build's one extra rule in each domain: read beneath / (its
# reports read /proc/self/maps and the binaries).
ASAN_RULE='landlock_add_rule[(][0-9]+, LANDLOCK_RULE_PATH_BENEATH, [{]allowed_access=LANDLOCK_ACCESS_FS_READ_FILE[|]LANDLOCK_ACCESS_FS_READ_DIR, parent_fd=[0-9]+[}], 0[)] += 0'

# landlock_calls FILE: the Landlock calls of one process's strace -ff log,
# the ASan build's extra rule left out (checked on its own).
landlock_calls() {
	if sanitized; then
		grep -qE "^$ASAN_RULE$" "$1" || fail "$1: no ASan read rule"
	fi
	grep -E '^landlock_(create_ruleset|add_rule|restrict_self)\(' "$1" | grep -vE "^$ASAN_RULE$"
}

@test "Landlock: PID 1 and the outer each restrict themselves, every right handled, their rules REMOVE_DIR" {
	command -v strace >/dev/null || skip "strace not installed"
	vm_conf ""
	# LeakSanitizer (the ASan build) cannot run under ptrace.
	ASAN_OPTIONS=detect_leaks=0 run --separate-stderr strace -ff -qq -o "$T/st" \
		-e trace=clone,landlock_create_ruleset,landlock_add_rule,landlock_restrict_self \
		"$SANDBOXD" --exec "$T/vm.conf" -- "$ROOT/build/probe" ids
	assert_success
	local outer pid1
	outer=$(grep -l CLONE_NEWPID "$T"/st.*)
	pid1=$(sed -n 's/^clone(.*CLONE_NEWPID.* = \([0-9]*\)$/\1/p' "$outer")
	[[ -f $T/st.$pid1 ]] || fail "no trace of PID 1 ($pid1)"
	# Every filesystem right of ABI 1-5 handled (strace 6.1 names them up
	# to REFER; 0xc000 is TRUNCATE|IOCTL_DEV); the rest of the attribute
	# (TCP, scopes) strace does not decode.
	local ruleset='^landlock_create_ruleset\(\{handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE\|LANDLOCK_ACCESS_FS_WRITE_FILE\|LANDLOCK_ACCESS_FS_READ_FILE\|LANDLOCK_ACCESS_FS_READ_DIR\|LANDLOCK_ACCESS_FS_REMOVE_DIR\|LANDLOCK_ACCESS_FS_REMOVE_FILE\|LANDLOCK_ACCESS_FS_MAKE_CHAR\|LANDLOCK_ACCESS_FS_MAKE_DIR\|LANDLOCK_ACCESS_FS_MAKE_REG\|LANDLOCK_ACCESS_FS_MAKE_SOCK\|LANDLOCK_ACCESS_FS_MAKE_FIFO\|LANDLOCK_ACCESS_FS_MAKE_BLOCK\|LANDLOCK_ACCESS_FS_MAKE_SYM\|LANDLOCK_ACCESS_FS_REFER\|0xc000, \.\.\.\}, 24, 0\) += [0-9]+$'
	local restrict='^landlock_restrict_self\([0-9]+, 0\) += 0$'
	# The outer: the ABI probe, then its ruleset, one rule for the runtime
	# dir and one per cgroup hierarchy (v1 here: memory, pids, cpu,
	# cpuacct), restrict.
	local nhier
	nhier=$("$SANDBOXD" --check "$T/vm.conf" 2>/dev/null | grep -c '^cgroup hierarchy:')
	run landlock_calls "$outer"
	assert_equal "${#lines[@]}" $((4 + nhier))
	assert_line --index 0 --regexp '^landlock_create_ruleset\(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION\) += [0-9]+$'
	assert_line --index 1 --regexp "$ruleset"
	local i
	for ((i = 2; i < 3 + nhier; i++)); do
		assert_line --index $i --regexp '^landlock_add_rule\([0-9]+, LANDLOCK_RULE_PATH_BENEATH, \{allowed_access=LANDLOCK_ACCESS_FS_REMOVE_DIR, parent_fd=[0-9]+\}, 0\) += 0$'
	done
	assert_line --index $((3 + nhier)) --regexp "$restrict"
	# PID 1: its ruleset, one rule per cgroup hierarchy (it removes the
	# VM's cgroups if the outer is killed), restrict.
	run landlock_calls "$T/st.$pid1"
	assert_equal "${#lines[@]}" $((2 + nhier))
	assert_line --index 0 --regexp "$ruleset"
	for ((i = 1; i < 1 + nhier; i++)); do
		assert_line --index $i --regexp '^landlock_add_rule\([0-9]+, LANDLOCK_RULE_PATH_BENEATH, \{allowed_access=LANDLOCK_ACCESS_FS_REMOVE_DIR, parent_fd=[0-9]+\}, 0\) += 0$'
	done
	assert_line --index $((1 + nhier)) --regexp "$restrict"
}

@test "the confined outer removes the runtime dir; the log says what Landlock holds at ABI 3 and 0" {
	vm_conf ""
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$ROOT/build/probe" ids
	assert_success
	[[ ! -e $T/run ]] || fail "runtime dir left behind"
	# ABI 3: no TCP rules (4), no scopes (6); REMOVE_DIR (1) still removes it.
	echo "landlock_max_abi = 3" >> "$T/vm.conf"
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$ROOT/build/probe" ids
	assert_success
	grep -q "confined: outer: no_new_privs, Landlock ABI 3 (no file access but removing the runtime dir and the VM's cgroups), seccomp" <<< "$stderr"
	grep -q "confined: PID 1: no_new_privs, Landlock ABI 3 (no file access but removing the VM's cgroups), seccomp" <<< "$stderr"
	[[ ! -e $T/run ]] || fail "runtime dir left behind"
	sed -i 's/^landlock_max_abi = 3$/landlock_max_abi = 0/' "$T/vm.conf"
	run --separate-stderr "$SANDBOXD" --exec "$T/vm.conf" -- "$ROOT/build/probe" ids
	assert_success
	grep -q "confined: outer: no_new_privs, Landlock off, seccomp" <<< "$stderr"
	grep -q "confined: PID 1: no_new_privs, Landlock off, seccomp" <<< "$stderr"
	[[ ! -e $T/run ]] || fail "runtime dir left behind"
}

@test "SIGSTOP and SIGCONT to PID 1 and the outer, then SIGINT: both resume confined, SIGINT powers the guest off" {
	vm_running
	kill -STOP "$PID1" "$VM_PID"
	timeout 10 bash -c 'until grep -q "^State:.*T" "/proc/$0/status" &&
		grep -q "^State:.*T" "/proc/$1/status"; do :; done' "$PID1" "$VM_PID" || fail "not stopped"
	kill -CONT "$PID1" "$VM_PID"
	kill -INT "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
	run cat "$T/log"
	assert_line --partial "vmm: shutdown requested"
	assert_line --partial "vm stopped, exit status 0"
}

# same_argv PID LINE: PID's /proc cmdline is LINE's argv (--print-argv's
# line without its role), word for word.
same_argv() {
	local -a live printed
	mapfile -d '' live < "/proc/$1/cmdline"
	eval "printed=(${2#* })"
	assert_equal "$(printf '%q\n' "${live[@]}")" "$(printf '%q\n' "${printed[@]}")"
}

# open_as PID FD: "MODE PATH" of PID's FD (MODE read-only or read-write).
open_as() {
	local flags
	flags=$(awk '/^flags:/ { print $2 }' "/proc/$1/fdinfo/$2") || return 1
	printf '%s %s\n' "$( ((8#$flags & 3)) && echo read-write || echo read-only)" \
		"$(readlink "/proc/$1/fd/$2")"
}

@test "--print-argv prints the command lines a start runs: QEMU's and virtiofsd's /proc cmdline, the files at their fds" {
	mkdir "$T/a"
	truncate -s 1M "$T/disk.img"
	vm_conf "" "share = a:$T/a:rw" "disk = $T/disk.img"
	run --separate-stderr "$SANDBOXD" --print-argv "$T/vm.conf"
	assert_success
	[[ ! -e $T/run ]] || fail "--print-argv made the runtime dir"
	local printed=("${lines[@]}") line fd mode path n=0 live
	vm_start
	wait_for_line "$T/console" SBX-GUEST-READY 60 || fail "guest not ready: $(cat "$T/log")"
	VMM=$(vm_vmm_pid)
	# What QEMU holds: an fd of -add-fd is dup'd by QEMU and the
	# original closed, so such a file is looked for at any number.
	live=$(for fd in /proc/"$VMM"/fd/*; do open_as "$VMM" "${fd##*/}"; done)
	for line in "${printed[@]}"; do
		case $line in
		"vmm fd "*)
			read -r _ _ fd mode path <<< "$line"
			n=$((n + 1))
			if [[ $(readlink "/proc/$VMM/fd/$fd") == "$path" ]]; then
				assert_equal "$(open_as "$VMM" "$fd")" "$mode $path"
			else
				grep -qxF "$mode $path" <<< "$live" || fail "QEMU holds no $mode fd of $path"
			fi ;;
		"vmm "*) same_argv "$VMM" "$line" ;;
		"virtiofsd-a "*) same_argv "$(vm_share_pid 0)" "$line" ;;
		*) fail "unexpected line: $line" ;;
		esac
	done
	# Kernel, initrd, the disk read-only and read-write.
	assert_equal "$n" 4
	kill -TERM "$VM_PID"
	vm_wait_exit 60
	assert_equal "$VM_STATUS" 0
}
