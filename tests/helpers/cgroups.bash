# The cgroup suites' shared steps (cgroups.bats, cgroups-v2.bats). Load
# after helpers/common, helpers/vm and helpers/confine.

# exec_bg [--profile FILE] ACTION...: the probe as the exec driver's
# service, in the background: its lines in $T/out, the log in $T/log;
# VM_PID is the outer sandboxd.
exec_bg() {
	local profile=$T/probe-profile
	if [[ $1 == --profile ]]; then
		profile=$2
		shift 2
	fi
	"$SANDBOXD" --exec "$T/vm.conf" --profile "$profile" -- "$PROBE" "$@" > "$T/out" 2> "$T/log" &
	VM_PID=$!
}

# The exec driver's service: PID 1's one child.
svc_pid() { pgrep -P "$(vm_pid1)"; }

