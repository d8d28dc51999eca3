# Reading a process's installed seccomp filters back with build/seccomp-dump
# (tests/helpers/seccomp-dump.c). Load after helpers/common; a suite sets
# SANITIZED_BINARY (the program whose tables are tested) and
# SANITIZER_ALLOWS (what its ASan build's tables add, space-padded).

DUMP=$ROOT/build/seccomp-dump

# Under `make check SANITIZE=1` the binaries are ASan builds, whose tables
# also allow what the sanitizer runtime does once locked: those probes are
# then left out of the denied lists.
sanitized() {
	grep -qa __asan_init "$SANITIZED_BINARY"
}

# denied PROBE...: the PROBEs this build's tables must deny.
denied() {
	local p
	for p in "$@"; do
		if ! sanitized || [[ $SANITIZER_ALLOWS != *[[:space:]]"$p"[[:space:]]* ]]; then
			echo "$p"
		fi
	done
}

# expect_actions ACTION PROBE...: each PROBE's line in $output says ACTION.
expect_actions() {
	local action=$1 p
	shift
	for p in "$@"; do
		assert_line "$p $action"
	done
}
