# shellcheck shell=bash
# Sourced by the bench scripts: host_kind prints what kind of host the
# results come from (a virtual machine or not, and a container), for the
# header of each results file; shell_words prints a command line as a shell
# reads it, quoting only the words that need it; bench_workdir makes a
# script's work dir; bench_vmm_prereqs is the start of the scripts that
# time the bundled VMM's guests; sandboxd_argv and bare_qemu give the
# command lines sandboxd runs, and QEMU's as run bare.
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

# sandboxd_argv SANDBOXD CONF: what `SANDBOXD --print-argv CONF` prints: the
# argv sandboxd runs for each service in SBX_ARGV_<role> (vmm, and
# virtiofsd_TAG with - as _), and the path of each file the VMM inherits
# in SBX_FD_PATH[N]. Exits the script (111) if sandboxd refuses CONF.
sandboxd_argv() {
	local out line role
	local -a w
	out=$("$1" --print-argv "$2" 2> "$2.print-argv.log") ||
		{ cat "$2.print-argv.log" >&2; echo "bench: sandboxd --print-argv $2 failed" >&2; exit 111; }
	SBX_FD_PATH=()
	while IFS= read -r line; do
		eval "w=($line)"
		if [[ ${w[0]} == vmm && ${w[1]} == fd ]]; then
			SBX_FD_PATH[w[2]]=${w[4]}
		else
			role=${w[0]//-/_}
			eval "SBX_ARGV_$role=(\"\${w[@]:1}\")"
		fi
	done <<< "$out"
}

# bare_qemu [SOCK]: BARE_QEMU is SBX_ARGV_vmm (sandboxd_argv) less what
# sandboxd adds to drive and confine QEMU (-S, which QMP's `cont` ends
# under sandboxd; QEMU's own -sandbox filter; the QMP monitor), with paths
# for the files it inherits, for share fs0 a connection to SOCK that QEMU
# makes itself, and a null chardev for the guest's readiness port (COM2).
# Exits the script (111) if an fd is left.
bare_qemu() {
	local i a n
	BARE_QEMU=()
	# shellcheck disable=SC2154 # set by sandboxd_argv's eval
	for ((i = 0; i < ${#SBX_ARGV_vmm[@]}; i++)); do
		a=${SBX_ARGV_vmm[i]}
		case $a in
		-S) ;;
		-sandbox | -mon) i=$((i + 1)) ;;
		-chardev) case ${SBX_ARGV_vmm[i + 1]} in
			socket,id=qmp,*) i=$((i + 1)) ;;
			socket,id=fs0,fd=*) BARE_QEMU+=(-chardev "socket,id=fs0,path=$1"); i=$((i + 1)) ;;
			# the guest's readiness port: what it writes goes nowhere
			socket,id=ready,fd=*) BARE_QEMU+=(-chardev null,id=ready); i=$((i + 1)) ;;
			*) BARE_QEMU+=("$a") ;;
			esac ;;
		/proc/self/fd/*)
			n=${a#/proc/self/fd/}
			BARE_QEMU+=("${SBX_FD_PATH[n]:?bench: fd $n of QEMU is no file}") ;;
		*) BARE_QEMU+=("$a") ;;
		esac
	done
	[[ ${BARE_QEMU[*]} != *fd=* && ${BARE_QEMU[*]} != */proc/self/fd/* ]] ||
		{ echo "bench: QEMU's argv has an fd bare_qemu does not replace: ${BARE_QEMU[*]}" >&2; exit 111; }
}
