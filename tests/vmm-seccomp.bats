#!/usr/bin/env bats
# The VMM's own seccomp filters (vmm/seccomp.c, vmm/README.md "seccomp"):
# every thread of a running VMM carries the process filter and its role's;
# the chains read back from the kernel deny execve, execveat, x32, i386 and
# what no role needs, and allow each role what its table says; every normal
# path runs under them without a SIGSYS, and uses what they allow.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/disk
load helpers/seccomp
load helpers/vmm

setup() {
	vmm_setup kvm vmm-asan seccomp-dump guests/cad.elf
	SANITIZED_BINARY=$VMM
	VFSD_PID=
}

teardown() {
	backend_stop
	vmm_teardown
}

# start_cad VMM VCPUS: the cad guest in the background (it waits for
# Ctrl-Alt-Del, i.e. SIGTERM); returns once it runs, VMM_PID set.
start_cad() {
	vmm_start "$1" --kernel "$G/cad.elf" --vcpus "$2" --ready-fd 3 3>"$T/ready"
	vmm_wait_line "cad: READY" 30 || fail "cad guest not ready"
}

# stop_cad: SIGTERM, the guest powers off, the VMM exits 0.
stop_cad() {
	kill -TERM "$VMM_PID"
	wait_for_exit "$VMM_PID" 30 || fail "VMM still runs after SIGTERM"
	assert_equal "$WAIT_STATUS" 0
	run grep -c "cad: Ctrl-Alt-Del" "$T/console"
	assert_output 1
}

# Tasks of the VMM that run user code: all but KVM's kernel workers
# (kvm-nx-lpage-recovery is a vhost_task in the VMM's thread group on
# Linux 6.13+; PF_USER_WORKER, 0x4000, in the flags field of stat).
user_threads() {
	local t flags
	for t in /proc/"$VMM_PID"/task/*; do
		flags=$(awk '{ sub(/.*\) /, ""); print $7 }' "$t/stat")
		((flags & 0x4000)) || echo "${t##*/}"
	done
}

# What no thread may do once locked: exec, any other ABI, and a sample of
# what a compromised VMM would want (xattrs, ptrace, sockets, new tasks,
# new or executable memory, files, signals, io_uring, more filters, KVM
# set-up ioctls).
DENIED_EVERYWHERE=(execve execveat execve@x32 read@x32 write@x32 ioctl@x32,arg1=KVM_RUN
	11@i386 3@i386 4@i386 fsetxattr setxattr getxattr lgetxattr listxattr removexattr ptrace
	socket socketpair connect bind listen accept accept4 sendto recvfrom sendmmsg recvmmsg
	ioctl,arg1=KVM_IOEVENTFD ioctl,arg1=KVM_IRQFD eventfd2 clone clone3 fork vfork
	kill tgkill mmap mprotect open openat memfd_create io_uring_setup prctl seccomp
	seccomp,arg1=1 futex ioctl,arg1=KVM_CREATE_VM ioctl,arg1=KVM_CREATE_VCPU
	ioctl,arg1=KVM_SET_USER_MEMORY_REGION ioctl,arg1=KVM_SET_REGS ioctl,arg1=TCGETS)
MAIN_ALLOWS=(poll read write close restart_syscall ioctl,arg1=KVM_IRQ_LINE
	futex,arg1=FUTEX_WAIT_PRIVATE futex,arg1=FUTEX_WAKE_PRIVATE exit_group)
MAIN_DENIES=(ioctl,arg1=KVM_RUN ioctl,arg1=KVM_GET_REGS preadv pwritev fdatasync exit
	madvise,arg2=4 rt_sigprocmask sendmsg recvmsg)
VCPU_ALLOWS=(ioctl,arg1=KVM_RUN ioctl,arg1=KVM_IRQ_LINE ioctl,arg1=KVM_GET_REGS
	ioctl,arg1=KVM_GET_SREGS write preadv pwritev fdatasync futex,arg1=FUTEX_WAIT_PRIVATE
	futex,arg1=FUTEX_WAKE_PRIVATE rt_sigprocmask,arg0=SIG_BLOCK madvise,arg2=4 exit exit_group
	sendmsg recvmsg poll)
VCPU_DENIES=(ppoll read close restart_syscall rt_sigprocmask,arg0=SIG_SETMASK madvise)

# W^X (vmm/seccomp.c): making memory executable, by mapping a file (fd 3),
# anonymous memory or a shared mapping as of a memfd with PROT_EXEC, or by
# re-protecting or remapping it; and what would bring in new code.
EXEC_PROBES=('mmap,arg1=4096,arg2=PROT_READ|PROT_EXEC,arg3=MAP_PRIVATE,arg4=3'
	'mmap,arg1=4096,arg2=PROT_READ|PROT_EXEC,arg3=MAP_PRIVATE|MAP_ANONYMOUS,arg4=-1'
	'mmap,arg1=4096,arg2=PROT_READ|PROT_EXEC,arg3=MAP_SHARED,arg4=3'
	'mprotect,arg1=4096,arg2=PROT_READ|PROT_EXEC'
	'pkey_mprotect,arg1=4096,arg2=PROT_READ|PROT_EXEC,arg3=1'
	'mremap,arg1=4096,arg2=8192,arg3=1' 'remap_file_pages,arg1=4096'
	memfd_create personality execve execveat)
# The same mappings without PROT_EXEC: the ASan build's runtime needs them.
NOEXEC_MMAP=('mmap,arg1=4096,arg2=PROT_READ,arg3=MAP_PRIVATE,arg4=3'
	'mmap,arg1=4096,arg2=PROT_READ|PROT_WRITE,arg3=MAP_PRIVATE|MAP_ANONYMOUS,arg4=-1'
	'mmap,arg1=4096,arg2=PROT_READ|PROT_WRITE,arg3=MAP_SHARED,arg4=3')
NOEXEC_MPROTECT=('mprotect,arg1=4096,arg2=PROT_READ')

# The ASan build's tables (vmm/seccomp.c sanitizer_rules).
SANITIZER_ALLOWS=" mmap munmap madvise madvise,arg2=4 sigaltstack sched_yield futex open openat
	read fcntl newfstatat readlink close ioctl,arg1=TCGETS pipe2 write getpid exit_group
	${NOEXEC_MMAP[*]} "

@test "seccomp-dump reads a chain honestly: no filter allows execve, a VMM thread's chain does not" {
	# The positive first: a process without filters, where execve is allowed.
	local fd cat_pid
	exec {fd}> >(exec cat >/dev/null)
	cat_pid=$!
	run "$DUMP" "$cat_pid" execve fsetxattr
	exec {fd}>&-
	wait_for_exit "$cat_pid" 10 || true
	assert_success
	assert_output $'filters 0:\nexecve allow\nfsetxattr allow'
	# The same probes against a locked-down VMM's main thread.
	start_cad "$VMM" 1
	run "$DUMP" "$VMM_PID" execve fsetxattr
	assert_success
	assert_output --regexp $'^filters 2: [0-9]+ [0-9]+\nexecve kill_process\nfsetxattr kill_process$'
	stop_cad
}

@test "every thread of a running VMM: NoNewPrivs 1, Seccomp 2, Seccomp_filters 2" {
	start_cad "$VMM" 3
	assert_equal "$(od -An -c "$T/ready" | tr -d ' ')" '\n'
	local t n=0
	for t in /proc/"$VMM_PID"/task/*; do
		run grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' "$t/status"
		assert_output $'NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t2'
		n=$((n + 1))
	done
	# main + 3 vCPUs (+ KVM's worker, which inherits them too)
	assert_equal "$(user_threads | wc -l)" 4
	((n >= 4))
	stop_cad
}

@test "each thread's chain denies exec, x32, i386 and the rest; allows its role's table" {
	start_cad "$VMM" 2
	local tid process_len= vcpu_len= main_len
	for tid in $(user_threads); do
		run "$DUMP" "$tid" "${DENIED_EVERYWHERE[@]}" "${MAIN_ALLOWS[@]}" "${MAIN_DENIES[@]}" \
			"${VCPU_ALLOWS[@]}" "${VCPU_DENIES[@]}"
		assert_success
		expect_actions kill_process $(denied "${DENIED_EVERYWHERE[@]}")
		[[ ${lines[0]} =~ ^filters\ 2:\ ([0-9]+)\ ([0-9]+)$ ]] || fail "chain: ${lines[0]}"
		# The oldest filter, the process-wide one, is the same on every thread.
		: "${process_len:=${BASH_REMATCH[1]}}"
		assert_equal "${BASH_REMATCH[1]}" "$process_len"
		if [[ $tid == "$VMM_PID" ]]; then
			main_len=${BASH_REMATCH[2]}
			expect_actions allow "${MAIN_ALLOWS[@]}"
			expect_actions kill_process $(denied "${MAIN_DENIES[@]}")
		else
			: "${vcpu_len:=${BASH_REMATCH[2]}}"
			assert_equal "${BASH_REMATCH[2]}" "$vcpu_len"
			expect_actions allow "${VCPU_ALLOWS[@]}"
			expect_actions kill_process $(denied "${VCPU_DENIES[@]}")
		fi
	done
	[[ -n $vcpu_len && -n $main_len && $vcpu_len != "$main_len" ]] || fail "roles: $main_len $vcpu_len"
	# Every thread was stopped and let go by ptrace: the VMM runs on.
	stop_cad
}

@test "the ASan build's chains deny exec, x32 and i386 too" {
	start_cad "$ROOT/build/vmm-asan" 2
	local tid
	for tid in $(user_threads); do
		run "$DUMP" "$tid" execve execveat execve@x32 read@x32 11@i386 fsetxattr ptrace clone \
			ioctl,arg1=KVM_CREATE_VM ioctl,arg1=KVM_RUN
		assert_success
		assert_line --regexp '^filters 2: [0-9]+ [0-9]+$'
		expect_actions kill_process execve execveat execve@x32 read@x32 11@i386 fsetxattr \
			ptrace clone ioctl,arg1=KVM_CREATE_VM
	done
	stop_cad
}

@test "W^X: no locked-down filter lets memory become executable; the ASan build maps only without PROT_EXEC" {
	# The positive first: without filters every probe is allowed.
	local fd cat_pid vmm tid
	exec {fd}> >(exec cat >/dev/null)
	cat_pid=$!
	run "$DUMP" "$cat_pid" "${EXEC_PROBES[@]}" "${NOEXEC_MMAP[@]}" "${NOEXEC_MPROTECT[@]}"
	exec {fd}>&-
	wait_for_exit "$cat_pid" 10 || true
	assert_success
	expect_actions allow "${EXEC_PROBES[@]}" "${NOEXEC_MMAP[@]}" "${NOEXEC_MPROTECT[@]}"
	for vmm in vmm vmm-asan; do
		SANITIZED_BINARY=$ROOT/build/$vmm
		start_cad "$SANITIZED_BINARY" 2
		for tid in $(user_threads); do
			run "$DUMP" "$tid" "${EXEC_PROBES[@]}" "${NOEXEC_MMAP[@]}" "${NOEXEC_MPROTECT[@]}"
			assert_success
			expect_actions kill_process "${EXEC_PROBES[@]}" "${NOEXEC_MPROTECT[@]}"
			# The same mappings without PROT_EXEC: what tells the
			# argument test from a plain deny (ASan) or denied too.
			if sanitized; then
				expect_actions allow "${NOEXEC_MMAP[@]}"
			else
				expect_actions kill_process "${NOEXEC_MMAP[@]}"
			fi
		done
		stop_cad
	done
}

# all_stopped: every user thread of the VMM is in state T.
all_stopped() {
	local tid
	for tid in $(user_threads); do
		[[ $(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$VMM_PID/task/$tid/stat") == T ]] ||
			return 1
	done
}
export -f all_stopped user_threads

@test "SIGSTOP and SIGCONT: the locked-down VMM resumes (poll restarts via restart_syscall)" {
	start_cad "$VMM" 2
	kill -STOP "$VMM_PID"
	VMM_PID=$VMM_PID timeout 10 bash -c 'until all_stopped; do :; done' || fail "not stopped"
	kill -CONT "$VMM_PID"
	VMM_PID=$VMM_PID timeout 10 bash -c 'while all_stopped; do :; done' || fail "not resumed"
	stop_cad
}

# traced EXPECTED_STATUS VMM_ARGS...: run the VMM under strace -f; the log
# goes to $T/strace.N, the status must be EXPECTED_STATUS (a SIGSYS would
# be 159: strace dies of its tracee's signal).  With TRACED_FS set, the
# VMM runs under connect-exec with a connected socket to a virtiofsd on
# fd 4 (connect-exec execs the VMM: the log's first pid is still main).
# With TRACED_NET set, strace runs under tests/helpers/stream-exec, the VMM
# with a stream socket on fd 5 whose other end first sends one frame.
traced() {
	local want=$1
	local -a wrap=() outer=()
	shift
	TRACES=$((${TRACES:-0} + 1))
	if [[ -n ${TRACED_FS:-} ]]; then
		mkdir -p "$T/share"
		echo "written by the host" >"$T/share/hostfile"
		virtiofsd_start "$T/share"
		wrap=("$ROOT/build/connect-exec" "$T/vfs.sock" 4)
	fi
	[[ -n ${TRACED_NET:-} ]] && outer=("$ROOT/tests/helpers/stream-exec" --raw \
		"0000003cffffffffffff52540000000188b5$(printf '0%.0s' {1..92})" 5)
	# LeakSanitizer cannot run under ptrace; the ASan build checks leaks
	# before lock-down, which strace would make a fatal error.
	ASAN_OPTIONS=detect_leaks=0 run --separate-stderr timeout 120 \
		"${outer[@]}" strace -f -qq -o "$T/strace.$TRACES" "${wrap[@]}" "$VMM" "$@"
	[[ $status == "$want" ]] || fail "vmm $* exited $status, not $want: $stderr"
}

# The (role, syscall) pairs of the strace logs made after each thread's
# own filter went in: main is the first pid of a log, vCPUs the others;
# an ioctl is named with its request.
locked_syscalls() {
	awk 'FNR == 1 { main = $1; delete locked }
		/ seccomp\(SECCOMP_SET_MODE_FILTER, 0,/ { locked[$1] = 1; next }
		locked[$1] && match($2, /^[a-z_0-9]+\(/) {
			name = substr($2, 1, RLENGTH - 1)
			if (name == "ioctl") {
				split($0, a, ", ")
				sub(/ <unfinished.*/, "", a[2])
				name = "ioctl " a[2]
			}
			print ($1 == main ? "main" : "vcpu"), name
		}' "$T"/strace.* | sort -u
}

@test "every normal path runs under the filters, none is killed, and they use what the tables allow" {
	command -v strace >/dev/null || skip "strace not installed"
	make_disk "$T/rw.img"
	make_disk "$T/ro.img"
	# console out, --ready-fd's newline and close
	traced 0 --kernel "$G/hello.elf" --ready-fd 3 3>"$T/ready"
	assert_line "hello: Hello from the test guest"
	# console in past the UART's 256-byte FIFO: the vCPU wakes the main loop
	traced 0 --kernel "$G/echo.elf" <<<"$(printf 'x%.0s' {1..1000})"
	assert_line "echo: $(printf 'x%.0s' {1..127})"
	# virtio-blk: read, write, flush, get-id on a rw disk, a ro one refusing writes
	traced 0 --kernel "$G/blk.elf" --disk "$T/rw.img" --disk "$T/ro.img,ro"
	assert_line "blk: done"
	# a hostile ring: the device needs reset, one line on stderr from the vCPU
	traced 0 --kernel "$G/hostile.elf" --memory 64M --cmdline case=desc-past-ram --disk "$T/rw.img"
	assert_line "hostile: desc-past-ram: device works after reset"
	# 4 vCPUs woken by INIT/SIPI, printing at once
	traced 0 --kernel "$G/smp.elf" --vcpus 4
	assert_line "smp: all 4 cpus up"
	# power-off by the debug-exit port and by ACPI, a reported failure, reset
	traced 0 --kernel "$G/poweroff.elf" --cmdline via=acpi
	traced 1 --kernel "$G/poweroff.elf" --cmdline code=7
	assert_equal "$stderr" "vmm: guest reported failure 7 through port 0x501"
	traced 0 --kernel "$G/reset.elf"
	# a triple fault: the vCPU's registers on stderr
	traced 1 --kernel "$G/triple.elf"
	[[ $stderr == *"vmm: vcpu 0: rip="* ]] || fail "stderr: $stderr"
	# the bzImage path
	traced 0 --kernel "$G/bzinfo.bzImage" --initrd "$T/ro.img"
	# virtio-fs: DRIVER_OK hands the rings to virtiofsd (sendmsg, recvmsg
	# and poll on a vCPU), the FUSE workload never reaches the VMM; a
	# reset takes the rings back (GET_VRING_BASE)
	TRACED_FS=1 traced 0 --kernel "$G/fs.elf" --fs tag=myfs,fd=4
	assert_line "fs: done"
	TRACED_FS=1 traced 0 --kernel "$G/hostile.elf" --memory 64M --cmdline case=fs-mmio-garbage \
		--fs tag=myfs,fd=4
	assert_line "hostile: fs-mmio-garbage: device works after reset"
	# virtio-net on a stream socket: the host's frame read on main, which
	# finds the receive chain broken; a frame transmitted from a vCPU
	TRACED_NET=1 traced 0 --kernel "$G/hostile.elf" --memory 64M --cmdline case=net-rx-readable \
		--net fd=5,mode=stream
	assert_line "hostile: net-rx-readable: device works after reset"
	# SIGSTOP/SIGCONT, then SIGTERM: the signalfd, Ctrl-Alt-Del on the i8042
	TRACES=$((TRACES + 1))
	ASAN_OPTIONS=detect_leaks=0 vmm_start strace -f -qq -o "$T/strace.$TRACES" "$VMM" --kernel "$G/cad.elf"
	local strace_pid=$VMM_PID
	vmm_wait_line "cad: READY" 30 || fail "cad guest not ready"
	VMM_PID=$(pgrep -P "$strace_pid")
	kill -STOP "$VMM_PID"
	timeout 10 bash -c 'until grep -qE "^State:\s+[tT]" "/proc/$0/status"; do :; done' "$VMM_PID" ||
		fail "not stopped"
	kill -CONT "$VMM_PID"
	kill -TERM "$VMM_PID"
	wait_for_exit "$strace_pid" 30 || fail "VMM still runs after SIGTERM"
	assert_equal "$WAIT_STATUS" 0

	# Each syscall the tables allow was made after lock-down by some path,
	# except those only timing decides (futex under contention; a vCPU's
	# own thread exit and exit_group when the main thread exits first).
	run locked_syscalls
	local want
	for want in "main poll" "main read" "main write" "main close" "main restart_syscall" \
		"main ioctl KVM_IRQ_LINE" "main exit_group" "vcpu ioctl KVM_RUN" \
		"vcpu ioctl KVM_IRQ_LINE" "vcpu ioctl KVM_GET_REGS" "vcpu ioctl KVM_GET_SREGS" \
		"vcpu write" "vcpu preadv" "vcpu pwritev" "vcpu fdatasync" "vcpu sendmsg" \
		"vcpu recvmsg" "vcpu poll"; do
		assert_line "$want"
	done
}
