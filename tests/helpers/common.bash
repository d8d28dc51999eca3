# Shared by every suite: `load helpers/common`, then call common_setup and
# common_teardown from setup() and teardown().
# All waits here are event-driven with a deadline: never `sleep` to synchronise.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# SANDBOXD may name another build, e.g. one made with SANITIZE=1.
SANDBOXD=${SANDBOXD:-$ROOT/build/sandboxd}
export ROOT SANDBOXD

# A fresh temp dir $T per test.
common_setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/sandboxd-test.XXXXXX")
	export T
}

common_teardown() {
	if [[ -n ${T:-} && -d $T ]]; then
		rm -rf -- "$T"
	fi
}

# wait_for_line FILE PATTERN TIMEOUT_SECONDS
# 0 as soon as a line matching the extended regex PATTERN is in FILE (which
# may not exist yet and may still be growing), 1 at the deadline. tail -F
# follows the file by inotify. On a match the tail is killed at once, since
# no further line may come to give it a SIGPIPE: the tail itself, not its
# `timeout`, which if signalled just after forking would leave it orphaned.
wait_for_line() {
	local file=$1 pattern=$2 secs=$3 fd timeoutpid rc
	exec {fd}< <(exec timeout "$secs" tail -n +1 -F -- "$file" 2>/dev/null)
	timeoutpid=$!
	grep -m1 -qE -- "$pattern" <&"$fd" && rc=0 || rc=1
	exec {fd}<&-
	if [[ $rc == 0 ]]; then
		pkill -P "$timeoutpid" -x tail || true
	fi
	wait "$timeoutpid" 2>/dev/null || true
	return "$rc"
}

# wait_for_exit PID TIMEOUT_SECONDS
# 0 once PID has exited, 1 at the deadline (PID still runs). For a child of
# this shell, WAIT_STATUS is then its exit status (empty for other processes;
# 127 for one that had already gone and was not our child).
# `tail --pid` ends by itself when PID is gone (the shell reaps its children
# while tail runs), so nothing is ever killed early and no watchdog job can
# linger; a killed background job would run bats' traps if hit before it
# has reset them.
wait_for_exit() {
	local pid=$1 secs=$2 ppid
	WAIT_STATUS=
	ppid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat" 2>/dev/null) || true
	timeout "$secs" tail --pid="$pid" -s 0.05 -f /dev/null || return 1
	if [[ -z $ppid || $ppid == "$BASHPID" ]]; then
		wait "$pid" 2>/dev/null && WAIT_STATUS=0 || WAIT_STATUS=$?
	fi
	return 0
}

# process_gone PID: true when PID no longer runs: /proc/PID is absent or the
# process is a zombie (this machine's init reaps orphans 1-2 s late).
process_gone() {
	local stat state
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	state=${stat##*) }
	state=${state%% *}
	[[ $state == Z || $state == X ]]
}
