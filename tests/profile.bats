#!/usr/bin/env bats
# Service profiles (profiles(5)) through `sandboxd check-profile`: every
# malformed profile gives exactly one "sandboxd: FILE:LINE: message" line and
# exit 100; valid ones print what they allow, after parameter expansion.

load helpers/common

FIX=$ROOT/tests/profiles

setup() {
	common_setup
	P=$T/profile
	TR=$(realpath "$T")
	echo kernel >"$T/vmlinuz"
	echo initrd >"$T/initrd.img"
	truncate -s 1M "$T/ro.img" "$T/rw.img"
	mkdir "$T/share"
}

teardown() {
	common_teardown
}

# vmconf [LINE...]: a VM config with a kernel, then LINE... (paths relative to $T).
vmconf() {
	printf '%s\n' "name = t1" "kernel = vmlinuz" "runtime_dir = /run/sandboxd/t1" "$@" >"$T/vm.conf"
}

# bad LINE MESSAGE PROFILE-LINE...: a profile of those lines is refused with
# exactly "sandboxd: $P:LINE: MESSAGE" and exit 100, in both modes.
bad() {
	local line=$1 msg=$2 mode
	shift 2
	printf '%s\n' "$@" >"$P"
	for mode in --kvm --tcg; do
		run "$SANDBOXD" check-profile "$mode" "$P"
		assert_equal "$status" 100
		assert_equal "$output" "sandboxd: $P:$line: $msg"
	done
}

# check ARG...: check-profile succeeds; its output is in $output.
check() {
	run "$SANDBOXD" check-profile "$@"
	assert_success
}

# --- malformed profiles -----------------------------------------------------

@test "profile: the file itself" {
	run "$SANDBOXD" check-profile "$T/absent"
	assert_equal "$status" 100
	assert_output "sandboxd: $T/absent:0: cannot read profile: No such file or directory"
	run "$SANDBOXD" check-profile "$T"
	assert_equal "$status" 100
	assert_output "sandboxd: $T:0: cannot read profile: not a regular file"
	printf 'syscall read\nsyscall wr\0ite\n' >"$P"
	run "$SANDBOXD" check-profile "$P"
	assert_equal "$status" 100
	assert_output "sandboxd: $P:2: NUL byte in line"
}

@test "profile: bad control characters and unknown directives" {
	bad 1 "control character 0x01 in line" $'syscall read\x01'
	bad 3 "unknown directive 'syscalls'" "# comment" "" "syscalls read"
	bad 1 "unknown directive 'allow'" "allow read"
	bad 1 "line too long (at most 8191 bytes)" "syscall $(printf 'x%.0s' {1..8200})"
}

@test "profile: syscall names" {
	bad 1 "unknown syscall 'foo'" "syscall foo"
	bad 2 "unknown syscall 'Read'" "syscall read" "syscall write Read"
	bad 1 "syscall: expected NAME... or NAME if COND [and COND]..." "syscall"
	bad 2 "syscall 'read' is already allowed on line 1" "syscall read" "syscall write read"
	bad 2 "syscall 'ioctl' is allowed with conditions on line 1: with or without, not both" \
		"syscall ioctl if arg1 == KVM_RUN" "syscall ioctl"
	bad 2 "syscall 'ioctl' is allowed without conditions on line 1: with or without, not both" \
		"syscall ioctl" "syscall ioctl if arg1 == KVM_RUN"
	bad 2 "syscall 'ioctl' is already allowed with these conditions on line 1" \
		"syscall ioctl if arg1 == KVM_RUN" "syscall ioctl if arg1 == 0xae80"
}

@test "profile: syscalls made to fail with an errno" {
	bad 1 "unknown errno 'EBOGUS' (ENOSYS, EPERM, EACCES, EOPNOTSUPP)" "syscall clone3 errno EBOGUS"
	bad 1 "expected 'errno ERRNO' after the syscall names" "syscall clone3 errno"
	bad 1 "expected syscall names" "syscall errno ENOSYS"
	printf 'syscall read write\nsyscall clone3 io_uring_setup errno ENOSYS\n' > "$T/p"
	run "$SANDBOXD" check-profile --tcg "$T/p"
	assert_success
	assert_line --partial "syscalls: 2 allowed on x86_64 (0 of them with conditions), 2 fail with an errno"
	assert_line "  syscall clone3 errno ENOSYS"
	assert_line "  syscall io_uring_setup errno ENOSYS"
}

@test "profile: syscall conditions" {
	bad 1 "conditions apply to one syscall: syscall NAME if COND [and COND]..." \
		"syscall read write if arg0 == 1"
	bad 1 "'if' without a condition" "syscall read if"
	bad 1 "expected an argument arg0..arg5, got 'arg6'" "syscall read if arg6 == 1"
	bad 1 "expected an argument arg0..arg5, got 'fd'" "syscall read if fd == 1"
	bad 1 "incomplete condition: expected arg0 OP VALUE" "syscall read if arg0 =="
	bad 1 "unknown operator '=<' (==, !=, <, <=, >, >=, & MASK ==)" "syscall read if arg0 =< 1"
	bad 1 "unknown operator '=' (==, !=, <, <=, >, >=, & MASK ==)" "syscall read if arg0 = 1"
	bad 1 "unknown constant 'KVM_WALK'" "syscall ioctl if arg1 == KVM_WALK"
	bad 1 "unknown constant 'kvm_run'" "syscall ioctl if arg1 == kvm_run"
	bad 1 "bad number '0xZ' (decimal or 0x hex, at most 64 bits)" "syscall read if arg0 == 0xZ"
	bad 1 "bad number '18446744073709551616' (decimal or 0x hex, at most 64 bits)" \
		"syscall read if arg0 == 18446744073709551616"
	bad 1 "bad number '-1' (decimal or 0x hex, at most 64 bits)" "syscall read if arg0 == -1"
	bad 1 "expected a number or constants joined by |, got 'CLONE_VM|'" \
		"syscall clone if arg0 == CLONE_VM|"
	bad 1 "expected 'and' between conditions, got 'or'" \
		"syscall read if arg0 == 1 or arg1 == 2"
	bad 1 "'and' without a condition" "syscall read if arg0 == 1 and"
	bad 1 "arg0 is compared twice: libseccomp takes one comparison per argument (use two lines)" \
		"syscall read if arg0 > 1 and arg0 < 5"
	bad 1 "too many conditions (at most 6)" \
		"syscall read if arg0 == 0 and arg1 == 1 and arg2 == 2 and arg3 == 3 and arg4 == 4 and arg5 == 5 and arg0 == 6"
	bad 1 "incomplete condition: expected arg2 & MASK == VALUE" "syscall mmap if arg2 & PROT_EXEC"
	bad 1 "arg2 & MASK: the comparison is ==, got '!='" "syscall mmap if arg2 & PROT_EXEC != 0"
	bad 1 "arg2 & 0: a mask of 0 compares nothing" "syscall mmap if arg2 & 0 == 0"
	bad 1 "arg2 & 0x4 == 0x2 never holds (value outside the mask)" \
		"syscall mmap if arg2 & PROT_EXEC == PROT_WRITE"
}

@test "profile: landlock rules" {
	bad 1 "landlock: expected read, read-exec, read-write, device, make-device, scope, net or unhandled" "landlock"
	bad 1 "landlock: expected read, read-exec, read-write, device, make-device, scope, net or unhandled, got 'write'" \
		"landlock write /tmp"
	bad 1 "landlock read: expected PATH..." "landlock read"
	bad 1 "landlock read: 'etc' is not an absolute path" "landlock read etc"
	bad 1 "landlock read-write: '~/x' is not an absolute path" "landlock read-write ~/x"
	bad 2 "landlock device: '/dev/kvm' is already listed on line 1" \
		"landlock device /dev/kvm" "landlock device /dev/null /dev/kvm"
	bad 1 "landlock make-device: 'srv' is not an absolute path" "landlock make-device srv"
	bad 3 "landlock make-device: '/srv' is already listed on line 1" \
		"landlock make-device /srv /tmp" "landlock read-write /srv" "landlock make-device /srv"
	bad 1 "landlock scope: expected signal or abstract-unix-socket, got 'ptrace'" \
		"landlock scope signal ptrace"
	bad 2 "landlock scope 'signal' is already on line 1" "landlock scope signal" "landlock scope signal"
	bad 1 "landlock net: expected bind|connect PORT..." "landlock net bind"
	bad 1 "landlock unhandled: expected filesystem or tcp-connect, got 'signal'" "landlock unhandled signal"
	bad 2 "landlock unhandled 'filesystem' is already on line 1" \
		"landlock unhandled filesystem" "landlock unhandled filesystem"
	bad 2 "landlock read: the filesystem is unhandled (line 1): a path rule would grant nothing; \`view PATH\` puts a path in the view" \
		"landlock unhandled filesystem" "landlock read /etc"
	bad 2 "landlock unhandled filesystem: line 1 grants a Landlock path right" \
		"landlock read /etc" "landlock unhandled filesystem"
	bad 2 "landlock net connect: tcp-connect is unhandled (line 1): a rule would grant nothing" \
		"landlock unhandled tcp-connect" "landlock net connect 443"
	bad 2 "landlock unhandled tcp-connect: line 1 grants connect rights" \
		"landlock net connect 443" "landlock unhandled tcp-connect"
	bad 1 "landlock net: expected bind or connect, got 'listen'" "landlock net listen 80"
	bad 1 "landlock net bind: expected a port 0..65535, got '65536'" "landlock net bind 65536"
	bad 1 "landlock net connect: expected a port 0..65535, got 'http'" "landlock net connect http"
	bad 2 "landlock net connect 443 is already on line 1" \
		"landlock net connect 443" "landlock net connect 80 443"
}

@test "profile: capabilities and securebits" {
	bad 1 "unknown capability 'CAP_ROOT'" "capability CAP_ROOT"
	bad 1 "capability: expected CAP_NAME..." "capability"
	bad 1 "capability 'chown' is already on line 1" "capability CAP_CHOWN chown"
	bad 1 "unknown securebit 'root'" "securebits root"
	bad 2 "securebit 'SECBIT_NOROOT' is already on line 1" "securebits noroot" "securebits SECBIT_NOROOT"
}

@test "profile: rlimits and tmpfs" {
	bad 1 "unknown rlimit 'FILES'" "rlimit FILES 10"
	bad 1 "rlimit: expected NAME SOFT [HARD]" "rlimit NOFILE"
	bad 1 "rlimit: expected NAME SOFT [HARD]" "rlimit NOFILE 1 2 3"
	bad 1 "rlimit: expected a number (K, M, G, T suffixes) or unlimited, got '1X'" "rlimit NOFILE 1X"
	bad 1 "rlimit: expected a number (K, M, G, T suffixes) or unlimited, got 'infinity'" \
		"rlimit NOFILE 1 infinity"
	bad 1 "rlimit NOFILE: soft limit 2048 above hard limit 1024" "rlimit NOFILE 2048 1024"
	bad 1 "rlimit NOFILE: soft limit unlimited above hard limit 1024" "rlimit NOFILE unlimited 1024"
	bad 2 "rlimit 'NOFILE' is already on line 1" "rlimit NOFILE 1024" "rlimit RLIMIT_NOFILE 2048"
	bad 1 "tmpfs: expected /tmp or /dev/shm, got '/var/tmp'" "tmpfs /var/tmp 64M"
	bad 1 "tmpfs: expected /tmp|/dev/shm SIZE" "tmpfs /tmp"
	bad 1 "tmpfs /tmp: expected a whole number of MiB, 1M..64G (64M, 1G), got '64'" "tmpfs /tmp 64"
	bad 1 "tmpfs /tmp: expected a whole number of MiB, 1M..64G (64M, 1G), got '1536K'" "tmpfs /tmp 1536K"
	bad 1 "tmpfs /dev/shm: expected a whole number of MiB, 1M..64G (64M, 1G), got '65G'" \
		"tmpfs /dev/shm 65G"
	bad 2 "tmpfs '/tmp' is already on line 1" "tmpfs /tmp 64M" "tmpfs /tmp 1G"
}

@test "profile: parameters" {
	bad 1 "unknown parameter '\${kernel_dir}'" 'landlock read ${kernel_dir}'
	bad 1 "'\$' starts a parameter \${name}: '\$kernel'" 'landlock read $kernel'
	bad 1 "'\$' starts a parameter \${name}: '\${kernel'" 'landlock read ${kernel'
	bad 1 "'\${disks_rw}:\${shares_rw}': at most one list parameter in a word" \
		'landlock read ${disks_rw}:${shares_rw}'
	# Checked after expansion: the message shows the expanded word.
	bad 1 "landlock read: 'x/placeholder/kernel' is not an absolute path" 'landlock read x${kernel}'
}

@test "profile: blocks" {
	bad 1 "if: expected kvm, tcg, shares, disks, network, tap, user or asan, got 'arm'" "if arm" "end"
	bad 1 "if: expected FLAG... (kvm, tcg, shares, disks, network, tap, user, asan)" "if" "end"
	bad 1 "if: expected kvm, tcg, shares, disks, network, tap, user or asan, got 'arm'" "if kvm arm" "end"
	bad 1 "'else' without 'if'" "else"
	bad 2 "'end' without 'if'" "syscall read" "end"
	bad 1 "'if' without 'end'" "if kvm" "syscall read"
	bad 3 "'if' without 'end'" "if kvm" "end" "if tcg" "else" "syscall read"
	bad 2 "'if' inside the 'if' of line 1: blocks do not nest" "if kvm" "if disks" "end" "end"
	bad 4 "second 'else' for the 'if' of line 1" "if kvm" "else" "syscall read" "else" "end"
	bad 1 "else: expected nothing after it" "else kvm"
	bad 3 "end: expected nothing after it" "if kvm" "syscall read" "end kvm"
}

@test "profile: an error in a block is found in every mode" {
	# The tcg branch is checked under --kvm too, and the reverse.
	bad 4 "unknown syscall 'mprotec'" "if kvm" "syscall ioctl" "else" "syscall mprotec" "end"
	bad 2 "unknown syscall 'iocl'" "if kvm" "syscall iocl" "else" "syscall mprotect" "end"
	bad 2 "unknown syscall 'preadv3'" "if disks" "syscall preadv3" "end"
	# Duplicates across a block and the lines around it, whichever applies.
	bad 4 "tmpfs '/tmp' is already on line 2" "if tcg" "tmpfs /tmp 1G" "end" "tmpfs /tmp 64M"
	bad 4 "tmpfs '/tmp' is already on line 2" "if kvm" "tmpfs /tmp 1G" "end" "tmpfs /tmp 64M"
	bad 3 "syscall 'read' is already allowed on line 1" "syscall read" "if shares" "syscall read" "end"
}

# --- valid profiles -----------------------------------------------------------

@test "profile: counts of a valid profile" {
	check --kvm "$FIX/full"
	assert_line --index 0 "mode: kvm (--kvm); parameters: placeholders, no CONFIG given"
	assert_line --index 1 \
		"profile: $FIX/full: valid in every mode (kvm and tcg, with and without disks, shares and a network (tap or user), plain and asan)"
	assert_line --regexp '^syscalls: 13 allowed on [a-z0-9_]+ \(5 of them with conditions\), 0 fail with an errno, everything else kills$'
	local bpf
	bpf=$(sed -n 's/^bpf: \([0-9]*\) instructions$/\1/p' <<<"$output")
	[[ $bpf -gt 13 ]]
	# Conditions with their constants, sorted by syscall; ORed lines kept apart.
	assert_line "  syscall clone if arg0 & CLONE_THREAD == CLONE_THREAD"
	assert_line "  syscall ioctl if arg1 == KVM_RUN"
	assert_line "  syscall ioctl if arg1 == TCGETS and arg0 < 3"
	assert_line "  syscall mmap if arg2 & PROT_EXEC == PROT_NONE"
	assert_line "  syscall mprotect if arg2 & PROT_WRITE|PROT_EXEC == PROT_NONE"
	assert_line "  syscall socket if arg0 == AF_UNIX"
	assert_line "  syscall read"
	assert_line "landlock scope: signal abstract-unix-socket"
	assert_line "  net connect 443"
	assert_line "capabilities: CAP_CHOWN CAP_DAC_OVERRIDE"
	assert_line "securebits: noroot noroot_locked no_setuid_fixup_locked"
	assert_line "  NOFILE 1024 1024"
	assert_line "  CORE 0 0"
	assert_line "  MEMLOCK 65536 1M"
	assert_line "  FSIZE 256M unlimited"
	assert_line "tmpfs: /tmp 16M, /dev/shm 256M"
}

@test "profile: parameters expand from the config" {
	vmconf "initrd = initrd.img" "memory = 1G" "disk = ro.img:ro" "disk = rw.img" \
		"share = docs:share:rw" "tmpfs_size = 32M"
	check --kvm "$FIX/full" "$T/vm.conf"
	assert_line --index 0 "mode: kvm (--kvm); parameters: $T/vm.conf"
	assert_line "  \${kernel} = $TR/vmlinuz"
	assert_line "  \${shares_ro} = (none: the word is dropped)"
	assert_line "  read-exec $TR/vmlinuz"
	assert_line "  read-exec $TR/initrd.img"
	assert_line "  read-exec /usr/lib"
	assert_line "  read $TR/ro.img"
	assert_line "  read-write $TR/rw.img"
	assert_line "  read-write $TR/share"
	assert_line "  read-write /run/sandboxd/t1/vm.sock"
	assert_line "  FSIZE 1G unlimited"
	assert_line "tmpfs: /tmp 16M, /dev/shm 1G"
	# The share is writable, so nothing is read-only but the disk.
	[[ $(grep -c '^  read /' <<<"$output") == 1 ]]
}

@test "profile: \${share_devices} is virtiofsd's share when it has the devices option" {
	local v
	for v in rw:devices rw:cache=none:devices rw:devices:cache=always; do
		vmconf "share = docs:share:$v" "share = notes:share:rw"
		check --tcg "$ROOT/profiles/virtiofsd" "$T/vm.conf"
		assert_line "  \${share_devices} = $TR/share"
		assert_line "  read-write $TR/share"
		assert_line "  make-device $TR/share"
	done
	# Without the option (here on the first share, the one shown): no word.
	vmconf "share = docs:share:rw" "share = notes:share:rw:devices"
	check --tcg "$ROOT/profiles/virtiofsd" "$T/vm.conf"
	assert_line "  \${share_devices} = (none: the word is dropped)"
	assert_line "  read-write $TR/share"
	refute_line --partial "make-device"
	vmconf "share = docs:share:ro"
	check --tcg "$ROOT/profiles/virtiofsd" "$T/vm.conf"
	assert_line "  \${share_devices} = (none: the word is dropped)"
	refute_line --partial "make-device"
	# Placeholders, no CONFIG: the writable share has the option.
	check --tcg "$ROOT/profiles/virtiofsd"
	assert_line "  make-device /placeholder/share-rw"
}

@test "profile: --diff: read-write does not cover make-device, nor make-device read" {
	printf '%s\n' "landlock read-write /srv/data" >"$T/rw"
	printf '%s\n' "landlock read-write /srv/data" "landlock make-device /srv/data" >"$T/dev"
	check --kvm --diff "$T/dev" "$T/rw"
	assert_output "mode: kvm (--kvm); parameters: placeholders, no CONFIG given
+ landlock make-device /srv/data
1 thing allowed by $T/dev and not by $T/rw"
	printf '%s\n' "landlock make-device /srv" >"$T/dev"
	printf '%s\n' "landlock read /srv/data" >"$T/r"
	check --kvm --diff "$T/r" "$T/dev"
	assert_line "+ landlock read /srv/data"
	check --kvm --diff "$T/dev" "$T/dev"
	assert_line "0 things allowed by $T/dev and not by $T/dev"
}

@test "profile: unset parameters drop their word" {
	vmconf
	check --kvm "$FIX/full" "$T/vm.conf"
	assert_line "  \${initrd} = (none: the word is dropped)"
	assert_line "  read-exec $TR/vmlinuz"
	[[ $(grep -c '^  read-exec ' <<<"$output") == 2 ]]
	[[ $(grep -c '^  read-write ' <<<"$output") == 1 ]]
	refute_line --regexp '^  read /'
}

@test "profile: list parameters keep the rest of their word" {
	vmconf "disk = ro.img:ro" "disk = rw.img:ro"
	printf '%s\n' 'landlock read ${disks_ro}.lock ${kernel}' >"$P"
	check --kvm "$P" "$T/vm.conf"
	assert_line "  read $TR/ro.img.lock"
	assert_line "  read $TR/rw.img.lock"
	assert_line "  read $TR/vmlinuz"
}

@test "profile: if kvm and if tcg blocks" {
	check --kvm "$FIX/modes"
	assert_line "  syscall ioctl if arg1 == KVM_RUN"
	assert_line "  device /dev/kvm"
	assert_line "  MEMLOCK 1M 1M"
	refute_line "  syscall mprotect"
	assert_line --regexp '^syscalls: 7 allowed '
	check --tcg "$FIX/modes"
	assert_line "  syscall mprotect"
	assert_line "  MEMLOCK 2M 2M"
	refute_line --partial "ioctl"
	refute_line --partial "/dev/kvm"
	assert_line --regexp '^syscalls: 7 allowed '
}

@test "profile: the mode comes from the config when not given" {
	vmconf "accel = tcg"
	check "$FIX/modes" "$T/vm.conf"
	assert_line --index 0 "mode: tcg (the config's accel); parameters: $T/vm.conf"
	assert_line "  syscall mprotect"
	vmconf "accel = kvm"
	check "$FIX/modes" "$T/vm.conf"
	assert_line --index 0 "mode: kvm (the config's accel); parameters: $T/vm.conf"
	# An explicit flag wins over the config.
	check --tcg "$FIX/modes" "$T/vm.conf"
	assert_line --index 0 "mode: tcg (--tcg); parameters: $T/vm.conf"
}

@test "profile: if disks and if shares blocks follow the config" {
	vmconf
	check --kvm "$FIX/modes" "$T/vm.conf"
	refute_line "  syscall pread64"
	refute_line "  syscall sendmsg"
	vmconf "disk = rw.img" "share = docs:share:ro"
	check --kvm "$FIX/modes" "$T/vm.conf"
	assert_line "  syscall pread64"
	assert_line "  syscall sendmsg"
	assert_line "  read-write $TR/rw.img"
}

@test "profile: if tap, if user, if with two flags and \${forward_ports} follow the config" {
	printf '%s\n' "syscall read" "if tap" "syscall ioctl" "end" "if user" "syscall sendmmsg" "end" \
		"if shares user" "syscall setsockopt" "end" "landlock unhandled tcp-connect" \
		"landlock net bind \${forward_ports}" > "$T/flags"
	vmconf
	check --kvm "$T/flags" "$T/vm.conf"
	refute_line "  syscall ioctl"
	refute_line "  syscall sendmmsg"
	refute_line "  syscall setsockopt"
	refute_line --partial "net bind"
	vmconf "network = tap" "host_address = 10.0.2.1/30"
	check --kvm "$T/flags" "$T/vm.conf"
	assert_line "  syscall ioctl"
	refute_line "  syscall sendmmsg"
	vmconf "network = user" "forward = tcp:8080:80" "forward = tcp:127.0.0.2:8081:81"
	check --kvm "$T/flags" "$T/vm.conf"
	refute_line "  syscall ioctl"
	assert_line "  syscall sendmmsg"
	assert_line "  syscall setsockopt"
	assert_line "  net bind 8080"
	assert_line "  net bind 8081"
	assert_line "landlock unhandled: tcp-connect"
}

@test "profile: a bad config is the config's error" {
	vmconf "memory = lots"
	run "$SANDBOXD" check-profile --kvm "$FIX/full" "$T/vm.conf"
	assert_equal "$status" 100
	assert_output --regexp "^sandboxd: $T/vm.conf:4: memory: expected a size"
}

@test "profile: --diff shows what one profile allows and the other does not" {
	check --kvm --diff "$FIX/diff-wide" "$FIX/diff-narrow"
	assert_output "mode: kvm (--kvm); parameters: placeholders, no CONFIG given
+ syscall fsetxattr
+ syscall ioctl
+ syscall socket if arg0 == AF_INET
+ landlock read-write /srv/data
+ landlock net bind 8080
+ no landlock scope signal (other has it)
+ capability CAP_FOWNER
+ no securebit keep_caps_locked (other has it)
+ rlimit NOFILE 4096 4096 (other: 1024 1024)
+ rlimit NPROC not set (other: 64 64)
+ tmpfs /tmp 128M (other: 64M)
11 things allowed by $FIX/diff-wide and not by $FIX/diff-narrow"
	check --kvm --diff "$FIX/diff-narrow" "$FIX/diff-wide"
	assert_output "mode: kvm (--kvm); parameters: placeholders, no CONFIG given
+ syscall socket if arg0 == AF_UNIX
+ landlock read /etc
+ landlock read-write /var/lib
3 things allowed by $FIX/diff-narrow and not by $FIX/diff-wide"
	check --kvm --diff "$FIX/full" "$FIX/full"
	assert_output "mode: kvm (--kvm); parameters: placeholders, no CONFIG given
0 things allowed by $FIX/full and not by $FIX/full"
}

@test "profile: --diff between modes of one profile" {
	# Not a mode switch but two files: the kvm-only lines of modes.
	printf '%s\n' "syscall read write exit_group mprotect" "rlimit MEMLOCK 2M" >"$P"
	check --kvm --diff "$FIX/modes" "$P"
	assert_line "+ syscall ioctl if arg1 == KVM_RUN"
	assert_line "+ landlock device /dev/kvm"
	refute_line --partial "MEMLOCK"
}

@test "profile: --diff validates both profiles" {
	printf '%s\n' "syscall read" "syscall nope" >"$P"
	run "$SANDBOXD" check-profile --diff "$FIX/full" "$P"
	assert_equal "$status" 100
	assert_output "sandboxd: $P:2: unknown syscall 'nope'"
}

@test "profile: usage errors exit 100" {
	run "$SANDBOXD" check-profile
	assert_equal "$status" 100
	assert_line --index 0 "sandboxd: check-profile: no profile given"
	run "$SANDBOXD" check-profile --diff "$FIX/full"
	assert_equal "$status" 100
	assert_line --index 0 "sandboxd: check-profile: --diff needs FILE and OTHER"
	run "$SANDBOXD" check-profile --frob "$FIX/full"
	assert_equal "$status" 100
	assert_line --index 0 "sandboxd: check-profile: unknown option --frob"
	run "$SANDBOXD" check-profile "$FIX/full" "$T/vm.conf" extra
	assert_equal "$status" 100
	assert_line --index 0 "sandboxd: check-profile: too many arguments"
	run "$SANDBOXD" check-profile --bpf "$T/f.bpf" --diff "$FIX/full" "$FIX/full"
	assert_equal "$status" 100
	assert_line --index 0 "sandboxd: check-profile: --bpf and --diff exclude each other"
	[[ ! -e $T/f.bpf ]]
}

@test "profile: --bpf writes the counted filter, which bwrap --seccomp installs and which kills what the profile lacks" {
	local probe=$ROOT/build/probe n
	check --tcg --bpf "$T/f.bpf" "$ROOT/profiles/test-probe"
	n=$(sed -n "s|^bpf: \([0-9]*\) instructions, written to $T/f.bpf\$|\1|p" <<<"$output")
	[[ $n -gt 0 ]]
	assert_equal "$(stat -c %s "$T/f.bpf")" "$((n * 8))"

	# getcpu (309), in no line of test-probe: it passes under bwrap alone,
	# and under bwrap with the filter kills the probe with SIGSYS (bwrap
	# exits 128 + 31) after a first action that shows the filter in place.
	run bwrap --ro-bind / / --dev /dev --proc /proc "$probe" status syscall:309
	assert_success
	assert_line "status main Seccomp 0"
	assert_line --regexp '^syscall:309: ok'
	run bwrap --ro-bind / / --dev /dev --proc /proc --seccomp 3 "$probe" status syscall:309 3<"$T/f.bpf"
	assert_equal "$status" 159
	assert_line "status main Seccomp 2"
	refute_line --regexp '^syscall:309'
	# /bin/true (the benchmark's command) needs nothing that test-probe lacks.
	run bwrap --ro-bind / / --dev /dev --proc /proc --seccomp 3 /bin/true 3<"$T/f.bpf"
	assert_success

	run "$SANDBOXD" check-profile --bpf "$T/absent/f.bpf" "$ROOT/profiles/test-probe"
	assert_equal "$status" 111
	assert_output "sandboxd: check-profile: write $T/absent/f.bpf: No such file or directory"
}

@test "profile: names of other arches are left out, not errors" {
	[[ $(uname -m) == x86_64 ]] || skip "the example names are x86_64's"
	printf '%s\n' "syscall read socketcall" >"$P"
	check --kvm "$P"
	assert_line --regexp '^syscalls: 1 allowed on x86_64 '
	assert_line "  syscall socketcall: not on x86_64, left out"
}

@test "profile: the installed profiles are valid" {
	local f n=0
	for f in "$ROOT"/profiles/*; do
		[[ -f $f ]] || continue
		check --kvm "$f"
		check --tcg "$f"
		n=$((n + 1))
	done
	[[ $n -gt 0 ]] || skip "no profiles/ yet"
}

@test "profile: profiles(5) renders cleanly and its example is valid" {
	run groff -ww -man -z "$ROOT/docs/profiles.5"
	assert_success
	assert_output ''
	# The example: the indented block after "A VMM profile, in part:".
	sed -n '/^A VMM profile, in part:/,/^\.fi/p' "$ROOT/docs/profiles.5" |
		sed '1,4d;$d; s/\\-/-/g' >"$P"
	grep -q '^syscall munmap madvise$' "$P"
	check --kvm "$P"
	assert_line "  syscall ioctl if arg1 == KVM_RUN"
	check --tcg "$P"
	assert_line "  syscall mprotect"
}
