# Shared by the tests/vmm-*.bats suites: the bundled VMM and its test
# guests, one VM in the background, and waits that show what they waited
# on when they fail. Load after helpers/common; call vmm_setup and
# vmm_teardown from setup() and teardown().

VMM=$ROOT/build/vmm
G=$ROOT/build/guests

need_kvm() {
	[[ -r /dev/kvm && -w /dev/kvm ]] || skip "/dev/kvm is not usable here"
}

# vmm_setup [kvm] FILE...: a fresh $T; with "kvm" first, skip where
# /dev/kvm is not usable; then fail unless the VMM and each FILE (a path
# under build/) are built.
vmm_setup() {
	local f
	common_setup
	VMM_PID=
	if [[ ${1:-} == kvm ]]; then
		shift
		need_kvm
	fi
	for f in vmm "$@"; do
		[[ -e $ROOT/build/$f ]] || fail "build first: make all test-binaries guest (no build/$f)"
	done
}

# vmm_teardown: kill a VMM a failed test left running, then remove $T.
vmm_teardown() {
	if [[ -n ${VMM_PID:-} ]] && ! process_gone "$VMM_PID"; then
		kill -KILL "$VMM_PID" 2>/dev/null || true
		wait "$VMM_PID" 2>/dev/null || true
	fi
	common_teardown
}

# vmm_start BINARY ARG...: BINARY (the VMM, or a tracer of it) with ARGs in
# the background, the console in $T/console (removed first, so that a
# previous VM's lines do not count), stderr in $T/stderr, stdin empty.
# Sets VMM_PID.
vmm_start() {
	local bin=$1
	shift
	rm -f "$T/console"
	"$bin" "$@" --console "$T/console" </dev/null 2>"$T/stderr" &
	VMM_PID=$!
}

# vmm_wait_line PATTERN SECONDS: wait_for_line on the console; when it
# times out, print the console and the VMM's stderr so that the failure
# shows what the guest and the VMM said.
vmm_wait_line() {
	wait_for_line "$T/console" "$1" "$2" && return 0
	echo "no console line matching '$1' within $2 s; console (last 40 lines):"
	tail -n 40 "$T/console" 2>/dev/null
	echo "VMM stderr:"
	cat "$T/stderr" 2>/dev/null
	return 1
}

# virtio-fs (tests/vmm-fs.bats): the real virtiofsd as its own process,
# listening on $T/vfs.sock as fd 3 (build/listen-exec), as sandboxd runs
# it; the VMM gets a connected socket as fd 4 (build/connect-exec).
VIRTIOFSD=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}

# backend_start CMD...: CMD under listen-exec on $T/vfs.sock, in the
# background (VFSD_PID); returns once the socket listens.
backend_start() {
	rm -f "$T/vfs.sock"
	"$ROOT/build/listen-exec" "$T/vfs.sock" "$@" >"$T/vfsd.out" 2>"$T/vfsd.err" &
	VFSD_PID=$!
	wait_for_line "$T/vfsd.out" "^Listening on" 10 || fail "backend $1 does not listen"
}

# virtiofsd_start DIR [ro]: virtiofsd sharing DIR with xattrs; with ro, in
# a mount namespace of its own where DIR is a read-only bind mount (the C
# virtiofsd has no read-only option; sandboxd's view does the same).
virtiofsd_start() {
	local -a vfsd=("$VIRTIOFSD" --fd=3 -o source="$1" -o sandbox=chroot -o xattr
		-o cache=none -o log_level=warn)
	[[ -x $VIRTIOFSD ]] || skip "no virtiofsd at $VIRTIOFSD"
	if [[ ${2:-} == ro ]]; then
		backend_start unshare -m --propagation private sh -c \
			'mount --bind -o ro "$0" "$0" && exec "$@"' "$1" "${vfsd[@]}"
	else
		backend_start "${vfsd[@]}"
	fi
}

# backend_stop: kill a backend a failed test left running.
backend_stop() {
	if [[ -n ${VFSD_PID:-} ]] && ! process_gone "$VFSD_PID"; then
		kill -KILL "$VFSD_PID" 2>/dev/null || true
		wait "$VFSD_PID" 2>/dev/null || true
	fi
}
