# shellcheck shell=bash
# Sourced by the bench scripts: host_kind prints what kind of host the
# results come from (a virtual machine or not, and a container), for the
# header of each results file; shell_words prints a command line as a shell
# reads it, quoting only the words that need it; bench_workdir makes a
# script's work dir; bench_vmm_prereqs is the start of the scripts that
# time the bundled VMM's guests.
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

# bench_workdir NAME LABEL: $T, a fresh /tmp/NAME.XXXXXX, removed at exit
# when the script succeeds, kept when it fails (LABEL says where).
bench_workdir() {
	T=$(mktemp -d "/tmp/$1.XXXXXX")
	BENCH_LABEL=$2
	trap bench_cleanup EXIT
}

bench_cleanup() {
	local rc=$?
	if ((rc == 0)); then rm -rf "$T"; else echo "$BENCH_LABEL: failed; logs kept in $T" >&2; fi
}

# bench_vmm_prereqs LABEL OUT: where /dev/kvm is not usable, says so and
# ends the script with 0, OUT left as it was (the bundled VMM cannot run);
# else OUT must exist (the script adds a section to it), and
# build/bench/console-stamp (bench/console-stamp.c), the stopwatch on the
# guest's console, is built: $STAMP. Needs $ROOT and $B.
bench_vmm_prereqs() {
	if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
		echo "$1: /dev/kvm is not usable here: the bundled VMM cannot run; $2 left as it was" >&2
		exit 0
	fi
	[[ -f $2 ]] || { echo "$1: $2 missing: the script that writes it runs first" >&2; exit 111; }
	mkdir -p "$B/bench"
	STAMP=$B/bench/console-stamp
	cc -O2 -Wall -Wextra -Werror -std=gnu17 -o "$STAMP" "$ROOT/bench/console-stamp.c"
}
