# shellcheck shell=bash
# Sourced by the bench scripts: host_kind prints what kind of host the
# results come from (a virtual machine or not, and a container), for the
# header of each results file; shell_words prints a command line as a shell
# reads it, quoting only the words that need it.
host_kind() {
	local kind container
	if grep -qw hypervisor /proc/cpuinfo; then
		kind="**This host is itself a virtual machine** (hypervisor: $(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -1))"
	else
		kind="This host is not a virtual machine"
	fi
	container=$(systemd-detect-virt --container 2>/dev/null || true)
	[[ -n $container && $container != none ]] && kind+=", inside a $container container"
	printf '%s\n' "$kind"
}

shell_words() {
	local w out=()
	for w; do
		if [[ -n $w && $w != *[!A-Za-z0-9_./:=,%@+-]* ]]; then
			out+=("$w")
		else
			out+=("'${w//\'/\'\\\'\'}'")
		fi
	done
	echo "${out[*]}"
}
