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
	# The exec driver's service uid: the VM's base + 1; the other
	# service's (probe, other_service): base + 2.
	SERVICE_UID=$(($(vm_uid_base) + 1))
	OTHER_UID=$((SERVICE_UID + 1))
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

# probe [--profile FILE] [SANDBOXD-OPTION...] -- ACTION... [-- OTHER-ACTION...]:
# the probe as the exec driver's service, under FILE or $T/probe-profile.
# With a second --, a second probe stands in for a share's virtiofsd
# (other_service): a second service of the same PID 1, with its own uid
# and Landlock domain, as virtiofsd is beside the VMM; it answers
# sandboxd's readiness check, then runs OTHER-ACTION..., and the VMM's
# probe starts once it has answered. The probes' lines in $output,
# sandboxd's log in $stderr, the VM's exit status in $status.
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
	local main=() conf=$T/vm.conf OTHER_ENV=()
	while [[ $# -gt 0 && $1 != -- ]]; do main+=("$1"); shift; done
	if [[ $# -gt 0 ]]; then
		shift
		other_service "$@"
		conf=$T/vm-other.conf
	fi
	run --separate-stderr env "${OTHER_ENV[@]}" timeout 60 "$SANDBOXD" "${opts[@]}" --exec "$conf" \
		"${profile[@]}" -- "$PROBE" "${main[@]}"
}

# other_service ACTION...: $T/vm-other.conf is $T/vm.conf with a share
# "other" whose virtiofsd is the probe doing vhost-ready, then ACTION...:
# the environment for that in OTHER_ENV (SANDBOXD_VIRTIOFSD, PROBE_ACTIONS). Its profile,
# $T/profiles/virtiofsd, is the VMM probe's own (test-probe + `view $V`)
# plus the accept of vhost-ready and the variable it reads.
other_service() {
	mkdir -p "$T/profiles" "$V/other"
	{ cat "$T/probe-profile"; echo "syscall accept"; echo "env PROBE_ACTIONS"; } \
		> "$T/profiles/virtiofsd"
	{ cat "$T/vm.conf"; echo "profile_dir = $T/profiles"; echo "share = other:$V/other:ro"; } \
		> "$T/vm-other.conf"
	OTHER_ENV=(SANDBOXD_VIRTIOFSD="$PROBE" PROBE_ACTIONS="vhost-ready $*")
}
