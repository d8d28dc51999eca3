#!/usr/bin/env bats
# The VM config (sandboxd.conf(5)) through `sandboxd --check`: every
# malformed config gives exactly one "sandboxd: FILE:LINE: message" line and
# exit 100 and creates nothing; valid configs pass with exit 0 and the
# plan's summary on stdout.

load helpers/common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	# Readable by the unprivileged user of the permission tests.
	chmod 755 "$T"
	echo kernel >"$T/vmlinuz"
	echo initrd >"$T/initrd.img"
	truncate -s 1M "$T/disk.img" "$T/disk2.img"
	mkdir "$T/share" "$T/notes"
	CONF=$T/vm.conf
	RUNDIR=$T/rt
}

teardown() {
	common_teardown
}

# conf [LINE...]: the base config (lines 1-4, relative paths resolved from
# $T), then LINE... from line 5 on.
conf() {
	printf '%s\n' "name = t1" "kernel = vmlinuz" "initrd = initrd.img" \
		"runtime_dir = $RUNDIR" "$@" >"$CONF"
}

# Runs `sandboxd --check` as an unprivileged user when we are root, so that
# permission checks mean something.
check_unprivileged() {
	if [[ $(id -u) == 0 ]]; then
		run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$SANDBOXD" --check "$CONF"
	else
		run "$SANDBOXD" --check "$CONF"
	fi
}

# expect_error LINE MESSAGE: the last run failed with exit 100 and printed
# exactly one line, for $CONF, and nothing was created.
expect_error() {
	assert_equal "$status" 100
	assert_equal "${#lines[@]}" 1
	assert_equal "$output" "sandboxd: $CONF:$1: $2"
	[[ ! -e $RUNDIR ]]
}

# check_error LINE MESSAGE: as root or not, `--check $CONF` fails that way.
check_error() {
	run "$SANDBOXD" --check "$CONF"
	expect_error "$@"
}

# check_ok: `--check $CONF` passes, prints the plan, creates nothing.
check_ok() {
	run --separate-stderr "$SANDBOXD" --check "$CONF"
	assert_success
	assert_line --index 0 "vm $(tr -d '\r' < "$CONF" |
		sed -n 's/^[[:space:]]*name[[:space:]]*=[[:space:]]*//p'): config $CONF"
	assert_line --regexp '^ids: uid [0-9]+\.\.[0-9]+ gid [0-9]+\.\.[0-9]+$'
	[[ ! -e $RUNDIR ]]
}

# --- the file itself ------------------------------------------------------

@test "config: missing file is 0: cannot read config" {
	CONF=$T/absent.conf
	check_error 0 "cannot read config: No such file or directory"
}

@test "config: a directory is not a config" {
	CONF=$T/share
	check_error 0 "cannot read config: not a regular file"
}

@test "config: unreadable file" {
	[[ $(id -u) == 0 ]] || skip "needs root to run --check as another user"
	conf
	chmod 600 "$CONF"
	check_unprivileged
	expect_error 0 "cannot read config: Permission denied"
}

# --- syntax ---------------------------------------------------------------

@test "config: unknown key" {
	conf "frobnicate = 1"
	check_error 5 "unknown key 'frobnicate'"
}

@test "config: line without =" {
	conf "memory 256M"
	check_error 5 "expected 'key = value', got 'memory 256M'"
}

@test "config: line with no key before =" {
	conf "  = 256M"
	check_error 5 "expected 'key = value', got no key before '='"
}

@test "config: duplicate non-repeatable key" {
	conf "vcpus = 2" "# comment" "vcpus = 2"
	check_error 7 "duplicate key 'vcpus' (first on line 5)"
}

@test "config: duplicate name" {
	conf "name = t2"
	check_error 5 "duplicate key 'name' (first on line 1)"
}

@test "config: missing required key name (line 0)" {
	printf '%s\n' "kernel = vmlinuz" "runtime_dir = $RUNDIR" >"$CONF"
	check_error 0 "missing required key 'name'"
}

@test "config: missing required key kernel (line 0)" {
	printf '%s\n' "name = t1" "runtime_dir = $RUNDIR" >"$CONF"
	check_error 0 "missing required key 'kernel'"
}

@test "config: empty file lacks name" {
	: >"$CONF"
	check_error 0 "missing required key 'name'"
}

@test "config: control character in a line" {
	conf $'cmdline = console=ttyS0\033[2J'
	check_error 5 "control character 0x1b in line"
}

@test "config: NUL byte in a line" {
	conf
	printf 'cmdline = a\0b\n' >>"$CONF"
	check_error 5 "NUL byte in line"
}

@test "config: line too long" {
	conf "cmdline = $(printf 'x%.0s' {1..8200})"
	check_error 5 "line too long (at most 8191 bytes)"
}

# --- values: one test per key and kind of mistake ------------------------
# Each row: KEY = VALUE | the text after "KEY: expected ", up to ", got".

SIZE_MEM="a size 16M..64G (256M, 1G; a bare number is MiB)"
SIZE_TMPFS="a size 1M..4G (256M, 1G; a bare number is MiB)"
SECONDS_="seconds 0.1..3600, at most 3 decimals (30, 2.5)"
ABSPATH="an absolute path other than / of at most 64 bytes, without '.', '..', empty components or a trailing /"
NAME_="1..32 characters of [A-Za-z0-9_.-], not '.' or '..'"

# bad_value KEY VALUE WHAT: "KEY = VALUE" (in place of the base config's
# line for KEY, if it has one) fails with "KEY: expected WHAT, got 'VALUE'".
bad_value() {
	local key=$1 value=$2 what=$3 i line
	local base=("name = t1" "kernel = vmlinuz" "initrd = initrd.img" "runtime_dir = $RUNDIR")
	line=$((${#base[@]} + 1))
	for i in "${!base[@]}"; do
		if [[ ${base[i]} == "$key = "* ]]; then
			line=$((i + 1))
		fi
	done
	base[line - 1]="$key = $value"
	printf '%s\n' "${base[@]}" >"$CONF"
	check_error "$line" "$key: expected $what, got '$value'"
}

@test "config: name with a slash"        { bad_value name "a/b" "$NAME_"; }
@test "config: name too long" {
	bad_value name "$(printf 'n%.0s' {1..33})" "$NAME_"
}
@test "config: name .."                  { bad_value name ".." "$NAME_"; }
@test "config: name empty"               { bad_value name "" "$NAME_"; }
@test "config: vmm unknown"              { bad_value vmm kvm "qemu, builtin or auto"; }
@test "config: accel unknown"            { bad_value accel xen "kvm, tcg or auto"; }
@test "config: memory too small"         { bad_value memory 8M "$SIZE_MEM"; }
@test "config: memory too large"         { bad_value memory 65G "$SIZE_MEM"; }
@test "config: memory bad suffix"        { bad_value memory 256K "$SIZE_MEM"; }
@test "config: memory overflowing"       { bad_value memory 99999999999999999999G "$SIZE_MEM"; }
@test "config: vcpus 0"                  { bad_value vcpus 0 "an integer 1..64"; }
@test "config: vcpus 65"                 { bad_value vcpus 65 "an integer 1..64"; }
@test "config: vcpus with a sign"        { bad_value vcpus +2 "an integer 1..64"; }
@test "config: uid_base 0"               { bad_value uid_base 0 "an integer 1..4294967279"; }
@test "config: uid_base reaching -1"     { bad_value uid_base 4294967280 "an integer 1..4294967279"; }
@test "config: gid_base negative"        { bad_value gid_base -1 "an integer 1..4294967279"; }
@test "config: shutdown_timeout small"   { bad_value shutdown_timeout 0.05 "$SECONDS_"; }
@test "config: shutdown_timeout large"   { bad_value shutdown_timeout 3600.5 "$SECONDS_"; }
@test "config: shutdown_timeout 4 decimals" { bad_value shutdown_timeout 1.2345 "$SECONDS_"; }
@test "config: shutdown_timeout no decimals after ." { bad_value shutdown_timeout 2. "$SECONDS_"; }
@test "config: shutdown_timeout with unit" { bad_value shutdown_timeout 30s "$SECONDS_"; }
@test "config: readiness unknown"        { bad_value readiness up "guest or vmm"; }
@test "config: ready_late 0"             { bad_value ready_late 0 "$SECONDS_"; }
@test "config: ready_late too large"     { bad_value ready_late 3601 "$SECONDS_"; }
@test "config: runtime_dir relative"     { bad_value runtime_dir run/t1 "$ABSPATH"; }
@test "config: runtime_dir /"            { bad_value runtime_dir / "$ABSPATH"; }
@test "config: runtime_dir with .."      { bad_value runtime_dir /run/sandboxd/.. "$ABSPATH"; }
@test "config: runtime_dir with //"      { bad_value runtime_dir /run//x "$ABSPATH"; }
@test "config: runtime_dir trailing /"   { bad_value runtime_dir /run/x/ "$ABSPATH"; }
@test "config: runtime_dir too long for socket paths" {
	bad_value runtime_dir "/run/$(printf 'r%.0s' {1..60})" "$ABSPATH"
}
@test "config: landlock_min_abi 8"       { bad_value landlock_min_abi 8 "an integer 0..7"; }
@test "config: tmpfs_size 0"             { bad_value tmpfs_size 0 "$SIZE_TMPFS"; }
@test "config: tmpfs_size 5G"            { bad_value tmpfs_size 5G "$SIZE_TMPFS"; }

@test "config: profile_dir not a directory" {
	conf "profile_dir = vmlinuz"
	check_error 5 "profile_dir: 'vmlinuz' is not a directory"
}

# --- kernel and initrd ----------------------------------------------------

@test "config: kernel missing" {
	printf '%s\n' "name = t1" "kernel = nope" "runtime_dir = $RUNDIR" >"$CONF"
	check_error 2 "kernel: cannot access 'nope': No such file or directory"
}

@test "config: kernel not a regular file" {
	printf '%s\n' "name = t1" "kernel = share" "runtime_dir = $RUNDIR" >"$CONF"
	check_error 2 "kernel: 'share' is not a regular file"
}

@test "config: kernel unreadable" {
	[[ $(id -u) == 0 ]] || skip "needs root to run --check as another user"
	conf
	chmod 600 "$T/vmlinuz"
	check_unprivileged
	expect_error 2 "kernel: cannot read 'vmlinuz': Permission denied"
}

@test "config: initrd missing" {
	printf '%s\n' "name = t1" "kernel = vmlinuz" "initrd = $T/nope.img" \
		"runtime_dir = $RUNDIR" >"$CONF"
	check_error 3 "initrd: cannot access '$T/nope.img': No such file or directory"
}

# --- disks ----------------------------------------------------------------

@test "config: disk missing" {
	conf "disk = nope.img:ro"
	check_error 5 "disk: cannot access 'nope.img': No such file or directory"
}

@test "config: disk a directory" {
	conf "disk = share"
	check_error 5 "disk: 'share' is not a regular file or block device"
}

@test "config: disk a character device" {
	conf "disk = /dev/null"
	check_error 5 "disk: '/dev/null' is not a regular file or block device"
}

@test "config: the same disk twice" {
	conf "disk = disk.img" "disk = ./disk.img:ro"
	check_error 6 "disk: './disk.img' is already a disk (line 5)"
}

@test "config: rw disk not writable" {
	[[ $(id -u) == 0 ]] || skip "needs root to run --check as another user"
	conf "disk = disk.img"
	check_unprivileged
	expect_error 5 "disk: 'disk.img' is not writable (append :ro for a read-only disk): Permission denied"
}

@test "config: too many disks" {
	local i disks=()
	for i in {1..9}; do
		truncate -s 4k "$T/d$i.img"
		disks+=("disk = d$i.img")
	done
	conf "${disks[@]}"
	check_error 13 "disk: too many disks (at most 8)"
}

# --- shares ---------------------------------------------------------------

SHARE_="TAG:PATH:rw|ro[:devices][:cache=auto|always|none]"

@test "config: share without mode"       { bad_value share "data:share" "$SHARE_"; }
@test "config: share without path"       { bad_value share "data" "$SHARE_"; }
@test "config: share with bad mode"      { bad_value share "data:share:wo" "$SHARE_"; }

@test "config: share with bad cache" {
	conf "share = data:share:rw:cache=never"
	check_error 5 "share: expected cache=auto, cache=always or cache=none, got 'cache=never'"
}

@test "config: share with devices on a read-only share" {
	conf "share = data:share:ro:devices"
	check_error 5 "share: devices needs a read-write share (:rw), not :ro"
	conf "share = data:share:ro:cache=none:devices"
	check_error 5 "share: devices needs a read-write share (:rw), not :ro"
}

@test "config: share options once each, after the mode" {
	bad_value share "data:share:rw:devices:devices" "$SHARE_"
	bad_value share "data:share:rw:cache=none:cache=auto" "$SHARE_"
	bad_value share "data:share:rw:device" "$SHARE_"
	bad_value share "data:share:devices" "$SHARE_"
}

@test "config: share options in either order" {
	local v
	for v in rw:devices rw:devices:cache=none rw:cache=none:devices rw:cache=always; do
		conf "share = data:share:$v"
		check_ok
	done
}

@test "config: share tag with a bad character" {
	conf "share = da.ta:share:rw"
	check_error 5 "share: expected a tag of 1..36 characters of [A-Za-z0-9_-], got 'da.ta'"
}

@test "config: share tag too long" {
	local tag
	tag=$(printf 't%.0s' {1..37})
	conf "share = $tag:share:rw"
	check_error 5 "share: expected a tag of 1..36 characters of [A-Za-z0-9_-], got '$tag'"
}

@test "config: share tag twice" {
	conf "share = data:share:rw" "share = data:notes:ro"
	check_error 6 "share: duplicate tag 'data' (first on line 5)"
}

@test "config: share path not a directory" {
	conf "share = data:vmlinuz:ro"
	check_error 5 "share: 'vmlinuz' is not a directory"
}

@test "config: share path missing" {
	conf "share = data:nope:ro"
	check_error 5 "share: cannot access 'nope': No such file or directory"
}

@test "config: a read-write share on a read-only mount is not writable" {
	# The same directory is fine read-only: the check is the write access.
	mkdir "$T/ro"
	mount --bind "$T/ro" "$T/ro"
	mount -o remount,bind,ro "$T/ro"
	conf "share = data:ro:ro"
	check_ok
	conf "share = data:ro:rw"
	run "$SANDBOXD" --check "$CONF"
	umount "$T/ro"
	expect_error 5 "share: 'ro' is not writable (:ro for a read-only share): Read-only file system"
}

@test "config: too many shares" {
	local i shares=()
	for i in {1..9}; do
		shares+=("share = s$i:share:ro")
	done
	conf "${shares[@]}"
	check_error 13 "share: too many shares (at most 8)"
}

# --- valid configs ----------------------------------------------------------

@test "config: minimal config passes" {
	printf '%s\n' "name = t1" "kernel = vmlinuz" "runtime_dir = $RUNDIR" >"$CONF"
	check_ok
}

@test "config: every key, comments, blank lines and spacing" {
	mkdir "$T/a:b" "$T/profiles"
	cp "$ROOT/profiles/qemu" "$ROOT/profiles/virtiofsd" "$T/profiles/"
	cp "$T/disk.img" "$T/x:rw.img"
	cat >"$CONF" <<-EOF
		# A VM with every key.

		   name   =   web-1.test_A
		vmm=qemu
		accel = tcg
		kernel = $T/vmlinuz
		initrd = ./initrd.img
		cmdline = console=ttyS0 root=/dev/vda # kept: comments are whole lines only
		memory = 64G
		vcpus = 64
		disk = disk.img
		disk = disk2.img:ro
		disk = x:rw.img:rw
		share = data:share:rw:devices:cache=always
		share = notes:notes:ro
		share = colon_path-1:a:b:ro:cache=none
		uid_base = 4294967279
		gid_base = 1
		shutdown_timeout = 2.5
		readiness = guest
		ready_late = 90
		runtime_dir = $RUNDIR
		profile_dir = profiles
		landlock_min_abi = 7
		tmpfs_size = 4G
	EOF
	check_ok
}

@test "config: boundary values pass" {
	local v
	for v in "memory = 16M" "memory = 16" "memory = 1g" "vcpus = 1" "shutdown_timeout = 0.1" \
		"shutdown_timeout = 3600" "shutdown_timeout = 3600.000" "tmpfs_size = 1M" \
		"landlock_min_abi = 0" "cmdline =" "vmm = auto" "vmm = qemu"; do
		conf "$v"
		check_ok
	done
}

@test "config: --check prints the readiness: the guest's READY=1 by default, or the VMM's start" {
	conf
	check_ok
	assert_line "readiness: guest (READY=1 on its COM2, /dev/ttyS1; logged as late after 60.000 s)"
	conf "vmm = qemu" "readiness = vmm"
	check_ok
	assert_line "readiness: vmm (once qemu runs the guest)"
	conf "ready_late = 2.5"
	check_ok
	assert_line --partial "logged as late after 2.500 s"
}

@test "config: accel = kvm passes --check only where KVM has VT-x/SVM, as a start does" {
	conf "accel = kvm"
	if [[ -e /sys/module/kvm_intel || -e /sys/module/kvm_amd ]]; then
		check_ok
	else
		run --separate-stderr "$SANDBOXD" --check "$CONF"
		assert_equal "$status" 100
		grep -q "accel = kvm, but /dev/kvm has no VT-x/SVM here" <<< "$stderr"
	fi
}

@test "config: CRLF line endings pass" {
	printf 'name = t1\r\nkernel = vmlinuz\r\nruntime_dir = %s\r\n' "$RUNDIR" >"$CONF"
	check_ok
}

@test "config: relative paths resolve from the config's directory, not the cwd" {
	conf "disk = disk.img" "share = data:share:rw"
	cd /
	run "$SANDBOXD" --check "$CONF"
	assert_success
	cd "$T/share"
	run "$SANDBOXD" --check ../vm.conf
	assert_success
}

@test "config: a read-only disk need not be writable" {
	[[ $(id -u) == 0 ]] || skip "needs root to run --check as another user"
	conf "disk = disk.img:ro"
	check_unprivileged
	assert_success
	assert_line --regexp '^ids: uid '
}

@test "config: the demo config passes once the guest is built and the share made" {
	[[ -f $ROOT/build/guest/vmlinuz && -f $ROOT/build/guest/initramfs.cpio.gz ]] ||
		skip "guest not built (make guest)"
	# docs/examples/demo.sh makes the share's directory afresh on each run.
	mkdir -p "$ROOT/build/demo-share"
	CONF=$ROOT/docs/examples/demo.conf
	check_ok
}

# --- what a start refuses, --check refuses (the plan is the same) ---------

# start_and_check_refuse REGEX: --check and a start both exit 100, the
# message matching REGEX, and nothing is created.
start_and_check_refuse() {
	run --separate-stderr "$SANDBOXD" --check "$CONF"
	assert_equal "$status" 100
	grep -qE -- "$1" <<< "$stderr" || fail "--check said: $stderr"
	run --separate-stderr timeout 60 "$SANDBOXD" "$CONF"
	assert_equal "$status" 100
	grep -qE -- "$1" <<< "$stderr" || fail "start said: $stderr"
	[[ ! -e $RUNDIR ]]
}

@test "config: --check refuses what a start refuses: a missing profile" {
	mkdir "$T/noprofiles"
	conf "profile_dir = noprofiles"
	start_and_check_refuse "vmm: profile $T/noprofiles/qemu is not valid"
}

@test "config: --check refuses what a start refuses: a profile that does not parse (FILE:LINE)" {
	mkdir "$T/p"
	cp "$ROOT/profiles/qemu" "$T/p/qemu"
	echo "syscall no_such_call" >> "$T/p/qemu"
	conf "profile_dir = p"
	start_and_check_refuse "$T/p/qemu:[0-9]+: .*no_such_call"
}

@test "config: --check refuses what a start refuses: vmm = builtin with accel = tcg" {
	conf "vmm = builtin" "accel = tcg"
	start_and_check_refuse "vmm = builtin runs on KVM only: accel = tcg is QEMU's"
}

@test "config: --check refuses what a start refuses: shares without an installed virtiofsd" {
	conf "share = data:share:rw"
	export SANDBOXD_VIRTIOFSD=$T/no-such-virtiofsd
	start_and_check_refuse "shares need virtiofsd, which is not installed"
}

@test "config: --check refuses what a start refuses: runtime_dir in /proc, or not made by sandboxd" {
	conf
	sed -i "s|^runtime_dir = .*|runtime_dir = /proc/sandboxd-x|" "$CONF"
	start_and_check_refuse "$CONF:4: runtime_dir: '/proc/sandboxd-x' is in /proc"
	mkdir "$T/rt"
	sed -i "s|^runtime_dir = .*|runtime_dir = $T/rt|" "$CONF"
	RUNDIR=$T/absent start_and_check_refuse "$CONF:4: runtime_dir: '$T/rt' exists and was not made by sandboxd"
	[[ -d $T/rt ]]
}

# --- --print-argv -----------------------------------------------------------

@test "config: --print-argv prints each service's command line shell-quoted, and creates nothing" {
	# The exec driver's line is CMD as given: quoting must bring every
	# word back, spaces, quotes and $ included. Its shares run as for
	# any VM.
	conf "vmm = qemu" "share = data:share:ro" "disk = disk.img"
	run --separate-stderr "$SANDBOXD" --print-argv --exec "$CONF" -- /bin/echo "a b" "it's" '$x' ''
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp "^virtiofsd-data /[^ ]*virtiofsd --fd=3 .*source=$T/share"
	assert_equal "${lines[1]}" "vmm /bin/echo 'a b' 'it'\\''s' '\$x' ''"
	eval "words=(${lines[1]#vmm })"
	assert_equal "${#words[@]}" 5
	assert_equal "${words[2]}" "it's"
	assert_equal "${words[3]}" '$x'
	[[ ! -e $RUNDIR ]]

	# QEMU's: the files it inherits, with the numbers its argv names.
	run --separate-stderr "$SANDBOXD" --print-argv "$CONF"
	assert_success
	assert_line --regexp "^vmm /usr/bin/qemu-system-x86_64 .* -kernel /proc/self/fd/4 -initrd /proc/self/fd/5 "
	assert_line "vmm fd 4 read-only $T/vmlinuz"
	assert_line "vmm fd 5 read-only $T/initrd.img"
	assert_line "vmm fd 7 read-only $T/disk.img"
	assert_line "vmm fd 8 read-write $T/disk.img"
	assert_line --regexp "^virtiofsd-data /[^ ]*virtiofsd --fd=3 .*source=$T/share"
	assert_line --regexp "^vmm .* -chardev socket,id=fs0,fd=6 .* -add-fd fd=7,set=1 -add-fd fd=8,set=1 "
	# The guest's readiness port (readiness = guest, the default), last.
	assert_line --regexp "^vmm .* -chardev socket,id=ready,fd=9 -device isa-serial,chardev=ready,index=1\$"
	[[ ! -e $RUNDIR ]]
}

@test "config: --print-argv refuses what --check refuses (FILE:LINE, exit 100)" {
	conf "vcpus = 0"
	run "$SANDBOXD" --print-argv "$CONF"
	expect_error 5 "vcpus: expected an integer 1..64, got '0'"
}
