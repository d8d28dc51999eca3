# Running the probe (build/probe) as a confined service, under the
# test-probe profile or a variant of it. Load after helpers/common and
# helpers/vm; call confine_setup and confine_teardown.
#
# Every denial test runs the same probe twice: once with the one layer
# switched off (a profile variant, or landlock_max_abi = 0), where the
# attempt must succeed, then with it, where it must fail.

PROBE=$ROOT/build/probe
TEST_PROFILE=$ROOT/profiles/test-probe

# $T/vm.conf for the exec driver, and $V: a directory readable by the
# service's uid that is in the probe's view (`view $V`: no Landlock right),
# so that Landlock alone decides what the probe may do there.
confine_setup() {
	common_setup
	vm_conf ""
	V=$(mktemp -d /var/tmp/sandboxd-confine.XXXXXX)
	chmod 755 "$V"
	export V
	{ cat "$TEST_PROFILE"; echo "view $V"; } > "$T/probe-profile"
	# The exec driver's service uid: the VM's base + 1.
	SERVICE_UID=$(($(vm_uid_base) + 1))
}

confine_teardown() {
	vm_cleanup
	if [[ -n ${V:-} && -d $V ]]; then
		rm -rf -- "$V"
	fi
	common_teardown
}

# profile_plus LINES...: $T/profile is the probe's profile plus LINES.
profile_plus() {
	{ cat "$T/probe-profile"; printf '%s\n' "$@"; } > "$T/profile"
}

# profile_without REGEX: $T/profile is the probe's profile without the lines matching REGEX.
profile_without() {
	grep -vE -- "$1" "$T/probe-profile" > "$T/profile"
}

# conf_add LINES...: more keys for $T/vm.conf.
conf_add() {
	printf '%s\n' "$@" >> "$T/vm.conf"
}

# probe [--profile FILE] [SANDBOXD-OPTION...] -- ACTION... [-- SIBLING-ACTION...]:
# the probe as the exec driver's service (and as a sibling service when a
# second -- follows), under FILE or $T/probe-profile. The probe's lines in $output, sandboxd's log in
# $stderr, the VM's exit status in $status.
probe() {
	local opts=() profile=(--profile "$T/probe-profile")
	while [[ $1 != -- ]]; do
		if [[ $1 == --profile ]]; then
			profile=(--profile "$2")
			shift 2
		else
			opts+=("$1")
			shift
		fi
	done
	shift
	local main=() sib=()
	while [[ $# -gt 0 && $1 != -- ]]; do main+=("$1"); shift; done
	if [[ $# -gt 0 ]]; then
		shift
		sib=(-- "$PROBE" "$@")
	fi
	run --separate-stderr timeout 60 "$SANDBOXD" "${opts[@]}" --exec "$T/vm.conf" "${profile[@]}" \
		-- "$PROBE" "${main[@]}" "${sib[@]}"
}
