#!/bin/bash
# The VMM benchmark (issue 6, item 9): writes bench/results/vmm.md and prints it.
#  (a) process start to the first byte of the hello test guest's UART output
#      on stdout, and to the process's exit (the guest powers off), for the
#      bundled VMM (build/vmm) and for QEMU -M microvm booting the same PVH
#      ELF, interleaved, VMM_RUNS runs each (median/min/max);
#  (b) peak RSS (VmHWM) of both with a 128 MiB guest, from the same runs,
#      plus one look at what that RSS consists of while a guest runs;
#  (c) lines of code of vmm/.
# QEMU runs with -accel kvm if that boots the guest here, otherwise with
# -accel tcg, and the file says which and why. Timing by
# build/bench/launch-timer (bench/launch-timer.c, mode "firstbyte").
# bench/run.sh (`make bench`) calls this at its end; it also runs alone
# once `make test-binaries` has built build/vmm and the test guests.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/host-kind.sh
. "$ROOT/bench/host-kind.sh"
B=$ROOT/build
OUT=$ROOT/bench/results/vmm.md
RUNS=${VMM_RUNS:-20}
WARMUP=${VMM_WARMUP:-2}
MEM=128M
CMDLINE="console=ttyS0"

die() { echo "bench: vmm: $*" >&2; exit 111; }

VMM=$B/vmm
HELLO=$B/guests/hello.elf
ECHO_GUEST=$B/guests/echo.elf
for f in "$VMM" "$HELLO" "$ECHO_GUEST"; do
	[[ -e $f ]] || die "$f missing: run \`make test-binaries\` (\`make bench\` does)"
done
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed"
if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
	echo "bench: vmm: /dev/kvm is not usable here: the bundled VMM cannot run; $OUT left as it was" >&2
	exit 0
fi

mkdir -p "$B/bench" "$(dirname "$OUT")"
# The same build as bench/run.sh's. Static, so that the timer's own peak RSS
# (the floor of a posix_spawned child's ru_maxrss) stays well below a VMM's.
TIMER=$B/bench/launch-timer
cc -O2 -static -Wall -Wextra -Werror -std=gnu17 -o "$TIMER" "$ROOT/bench/launch-timer.c"

bench_workdir sbx-bench-vmm "bench: vmm"
mkdir "$T/logs" "$T/probe"
start_s=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# A copy, so that a rebuild during the run cannot mix two binaries.
cp "$VMM" "$T/vmm"
vmm_sha=$(sha256sum < "$VMM" | cut -c1-12)
vmm_mtime=$(date -u -r "$VMM" '+%Y-%m-%d %H:%M UTC')
newer_src=$(find "$ROOT/vmm" -maxdepth 1 \( -name '*.c' -o -name '*.h' \) -newer "$VMM" -printf '%f ' | sed 's/ $//')

VMM_CMD=("$T/vmm" --kernel "$HELLO" --memory "$MEM" --cmdline "$CMDLINE")
qemu_cmd() {	# ACCEL GUEST [EXTRA...]: sets QEMU_CMD
	local accel=$1 guest=$2
	shift 2
	# shellcheck disable=SC2054 # commas inside QEMU's option values
	QEMU_CMD=("$QEMU" -M microvm -accel "$accel" -nodefaults -no-user-config -display none
		-no-reboot -m "$MEM" -smp 1 -serial stdio
		-device isa-debug-exit,iobase=0x501,iosize=1 -kernel "$guest" -append "$CMDLINE" "$@")
}

# ------------------------------------------------------- does -accel kvm work?
# One boot of the hello guest; it works if the console is our VMM's and QEMU
# exits with (0 << 1) | 1 = 1, the debug-exit code of a power-off.
declare -A rc
probe() {	# NAME CMD...: sets rc[NAME]; stdout/stderr in $T/probe/NAME.{out,err}
	local name=$1
	shift
	rc[$name]=0
	# (the outer 2> /dev/null takes bash's "Aborted" line for a QEMU that aborts)
	{ timeout 60 "$@" < /dev/null > "$T/probe/$name.out" 2> "$T/probe/$name.err"; } 2> /dev/null ||
		rc[$name]=$?
}
probe vmm "${VMM_CMD[@]}"
[[ ${rc[vmm]} == 0 ]] || die "build/vmm on the hello guest exited ${rc[vmm]}: $(head -3 "$T/probe/vmm.err")"
qemu_cmd kvm "$HELLO"
probe kvm "${QEMU_CMD[@]}"
if [[ ${rc[kvm]} == 1 ]] && cmp -s "$T/probe/kvm.out" "$T/probe/vmm.out"; then
	QACCEL=kvm
else
	QACCEL=tcg
fi
qemu_cmd kvm "$HELLO" -cpu host
probe cpuhost "${QEMU_CMD[@]}"
qemu_cmd tcg "$HELLO"
probe tcg "${QEMU_CMD[@]}"
if [[ ${rc[tcg]} != 1 ]] || ! cmp -s "$T/probe/tcg.out" "$T/probe/vmm.out"; then
	die "QEMU -accel tcg did not run the hello guest like build/vmm (exit ${rc[tcg]}, see $T/probe)"
fi
quote() { sed -e 's/^/    /' "$1"; }

# ---------------------------------------------------------------- (a) + (b)
names=("build/vmm")
qemu_cmd "$QACCEL" "$HELLO"
if [[ $QACCEL == kvm ]]; then
	names+=("QEMU microvm, -accel kvm")
	kvm_argv=("${QEMU_CMD[@]}")
	qemu_cmd tcg "$HELLO"
	names+=("QEMU microvm, -accel tcg (for context)")
	tcg_argv=("${QEMU_CMD[@]}")
	argv=("${VMM_CMD[@]}" --- "${kvm_argv[@]}" --- "${tcg_argv[@]}")
else
	names+=("QEMU microvm, **-accel tcg** (kvm does not work here)")
	tcg_argv=("${QEMU_CMD[@]}")
	kvm_argv=()
	argv=("${VMM_CMD[@]}" --- "${tcg_argv[@]}")
fi
echo "bench: vmm: hello guest to first byte and exit, ${#names[@]} commands interleaved, $RUNS runs each after $WARMUP warm-up rounds" >&2
"$TIMER" firstbyte "$RUNS" "$WARMUP" "$T/logs" "${argv[@]}" > "$T/fb.tsv" 2> "$T/timer.log" ||
	{ tail -5 "$T/timer.log" >&2; die "launch-timer failed"; }

# Every figure is bench/stats.py's. get FMT SPEC...: the statistics
# SPEC = K:METRIC:STAT (STAT median, min, max, ...) of the runs in fb.tsv,
# formatted with FMT, separated by " | " (table cells).
S() { python3 "$ROOT/bench/stats.py" "$@"; }
get() { S get "$T/fb.tsv" --fmt "$1" --sep ' | ' "${@:2}"; }
runs_of() { S runs "$T/fb.tsv" "$1:$2" --fmt %.2f; }
mib() { S calc %.1f "$1" / 1024; }
ratio() { S calc %.1f "$1" / "$2"; }
# The median over runs of exit_ms - first_ms of command K.
tail_ms() {
	local m
	read -r m _ < <(S paired "$T/fb.tsv" "$1:exit_ms" "$1:first_ms" --fmt %.1f)
	echo "$m"
}

# Every run did the same work: exit status and console byte for byte.
expect_status=(0 1 1)
for k in "${!names[@]}"; do
	[[ $(get %.0f "$k":exit_status:{min,max}) == "${expect_status[k]} | ${expect_status[k]}" ]] ||
		die "${names[k]}: exit status $(get %.0f "$k":exit_status:min)..$(get %.0f "$k":exit_status:max), expected ${expect_status[k]} (see $T/logs)"
	for f in "$T/logs/run-$k-"*.console; do
		cmp -s "$f" "$T/probe/vmm.out" || die "${names[k]}: console of $f differs from build/vmm's"
	done
done
self_hwm=$(get %.0f timer:self_hwm_kb:max)

time_table() {
	local k
	echo "| VMM | first byte median ms | min | max | exit median ms | min | max | first byte → exit, median ms | CPU median ms |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for k in "${!names[@]}"; do
		printf '| %s | %s | %s | %s |\n' "${names[k]}" "$(get %.1f "$k":{first_ms,exit_ms}:{median,min,max})" \
			"$(tail_ms "$k")" "$(get %.1f "$k":cpu_ms:median)"
	done
}

hwm_table() {
	local k min
	echo "| VMM | VmHWM median kB | min | max |"
	echo "|---|---:|---:|---:|"
	for k in "${!names[@]}"; do
		min=$(get %.0f "$k":maxrss_kb:min)
		# ru_maxrss is max(timer's VmHWM at spawn, the child's at exit).
		S test "$self_hwm" '<' "$min" || die "${names[k]}: ru_maxrss $min kB not above the timer's own $self_hwm kB: not the VMM's peak"
		printf '| %s | %s |\n' "${names[k]}" "$(get %.0f "$k":maxrss_kb:{median,min,max})"
	done
}

# In the main shell, so that a failed check ends the script.
time_tbl=$(time_table)
hwm_tbl=$(hwm_table)

# ------------------------------------------------ (b) what the RSS consists of
# The echo guest prints "echo: READY" and then polls the UART for a line:
# read /proc/PID/status while it waits, then send the line and let it power
# off. Every read has a deadline.
composition() {	# NAME CMD...: one table row
	local name=$1 pid line st rest status=0
	shift
	coproc GUEST { exec "$@" 2> /dev/null; }
	pid=$GUEST_PID
	exec {gin}>&"${GUEST[1]}" {gout}<&"${GUEST[0]}"
	IFS= read -r -t 60 line <&"$gout" || { kill -KILL "$pid"; die "$name: no READY from the echo guest"; }
	[[ $line == "echo: READY" ]] || { kill -KILL "$pid"; die "$name: echo guest said '$line'"; }
	st=$(awk '/^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem):/ { v[$1] = $2 }
		END { printf "%s %s %s %s %s", v["VmHWM:"], v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["RssShmem:"] }' \
		"/proc/$pid/status")
	echo bench >&"$gin"
	IFS= read -r -t 60 rest <&"$gout" || { kill -KILL "$pid"; die "$name: the echo guest did not answer"; }
	exec {gin}>&- {gout}<&-
	wait "$pid" || status=$?
	# shellcheck disable=SC2086 # five numbers
	set -- $st
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$1" "$2" "$3" "$4" "$5" "$status"
}
comp_rows=$(composition "build/vmm" "$T/vmm" --kernel "$ECHO_GUEST" --memory "$MEM" --cmdline "$CMDLINE")
qemu_cmd "$QACCEL" "$ECHO_GUEST"
comp_rows+=$'\n'$(composition "QEMU microvm, -accel $QACCEL" "${QEMU_CMD[@]}")

# ---------------------------------------------------------------- (c) lines
vmm_files=("$ROOT"/vmm/*.c "$ROOT"/vmm/*.h)
wc_total=$(cat "${vmm_files[@]}" | wc -l)
HAVE_CLOC=
command -v cloc > /dev/null && HAVE_CLOC=$(cloc --version)
loc_table() {
	local f base lines code comment blank
	if [[ -n $HAVE_CLOC ]]; then
		cloc --quiet --by-file --csv --skip-uniqueness "${vmm_files[@]}" > "$T/cloc.csv"
		echo "| File | lines (\`wc -l\`) | code | comment | blank |"
		echo "|---|---:|---:|---:|---:|"
	else
		echo "| File | lines (\`wc -l\`) |"
		echo "|---|---:|"
	fi
	for f in "${vmm_files[@]}"; do
		base=vmm/${f##*/}
		lines=$(wc -l < "$f")
		if [[ -n $HAVE_CLOC ]]; then
			IFS=, read -r blank comment code < <(awk -F, -v f="$f" '$2 == f { print $3 "," $4 "," $5 }' "$T/cloc.csv")
			printf '| %s | %s | %s | %s | %s |\n' "$base" "$lines" "$code" "$comment" "$blank"
		else
			printf '| %s | %s |\n' "$base" "$lines"
		fi
	done
	if [[ -n $HAVE_CLOC ]]; then
		awk -F, -v w="$wc_total" '$1 == "SUM" { printf "| **total** | **%s** | **%s** | **%s** | **%s** |\n", w, $5, $4, $3 }' "$T/cloc.csv"
	else
		printf '| **total** | **%s** |\n' "$wc_total"
	fi
}
loc=$(loc_table)
code_total=
[[ -n $HAVE_CLOC ]] && code_total=$(awk -F, '$1 == "SUM" { print $5 }' "$T/cloc.csv")
vmm_dirty=$(git -C "$ROOT" status --porcelain -- vmm 2>/dev/null | awk '$2 ~ /^vmm\/[^\/]*\.[ch]$/ {
	sub(/^vmm\//, "", $2); st = $1 == "??" ? "untracked" : $1 == "M" ? "modified" : $1 == "A" ? "added" : $1 == "D" ? "deleted" : $1
	printf "%s%s (%s)", sep, $2, st; sep = ", " }')

# ---------------------------------------------------------------- results
V() { get "${2:-raw}" "0:$1:median"; }
Q() { get "${2:-raw}" "1:$1:median"; }
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
host_kind=$(host_kind)
kvm_mods=$(cd /sys/module && printf '%s ' kvm* 2>/dev/null | sed 's/ $//')
HWVIRT=
if [[ -e /sys/module/kvm_intel || -e /sys/module/kvm_amd ]]; then
	HWVIRT=1
	kvm_kind="KVM with hardware virtualization (modules: $kvm_mods)"
else
	kvm_kind="KVM without VT-x/SVM (modules: $kvm_mods; no kvm_intel/kvm_amd): guest CPL0 code runs in KVM's instruction emulator"
fi
if [[ $QACCEL == kvm ]]; then
	kvm_probe="**\`-accel kvm\` works here with this PVH guest**: QEMU printed the same console bytes as build/vmm and exited with 1 = (0 << 1) | 1, the guest's power-off through the debug-exit port."
	if [[ -s $T/probe/kvm.err ]]; then
		kvm_probe+=" On stderr it prints:"$'\n\n'"$(quote "$T/probe/kvm.err")"
	fi
else
	kvm_probe="**\`-accel kvm\` does not work here with this PVH guest** (exit status ${rc[kvm]}; console $(if cmp -s "$T/probe/kvm.out" "$T/probe/vmm.out"; then echo "as build/vmm's"; else echo "not build/vmm's"; fi)). QEMU printed on stderr:"$'\n\n'"$(quote "$T/probe/kvm.err")"$'\n\n'"So QEMU is measured with **\`-accel tcg\`** (QEMU's own JIT, no KVM): the comparison below is build/vmm on this KVM against QEMU-TCG, which is what a caller here would get from QEMU."
fi
if [[ ${rc[cpuhost]} != 1 ]]; then
	cpuhost_note="QEMU runs with its default CPU model: with \`-cpu host\` it exits ${rc[cpuhost]} here, printing \`$(head -1 "$T/probe/cpuhost.err")\`."
else
	cpuhost_note="QEMU runs with its default CPU model (\`-cpu host\` also boots the guest here)."
fi
elapsed=$((SECONDS - start_s))
qemu_cmd ACCEL hello.elf
qemu_shown="${QEMU_CMD[*]}"
console_bytes=$(wc -c < "$T/probe/vmm.out")
qemu_libs=$(ldd "$QEMU" 2> /dev/null | grep -c '=>' || true)

# Figures for the reading; its wording follows the figures.
first_x=$(ratio "$(Q first_ms)" "$(V first_ms)") exit_x=$(ratio "$(Q exit_ms)" "$(V exit_ms)")
cpu_x=$(ratio "$(Q cpu_ms)" "$(V cpu_ms)") hwm_x=$(ratio "$(Q maxrss_kb)" "$(V maxrss_kb)")
if S test "$(V first_ms)" '<' "$(Q first_ms)"; then
	first_verdict="build/vmm shows the first byte ${first_x}× sooner"
else
	first_verdict="QEMU shows the first byte sooner (build/vmm takes $(ratio "$(V first_ms)" "$(Q first_ms)")× as long)"
fi
spread_note=
vmin=$(get raw 0:first_ms:min) vmed=$(V first_ms)
if S test "$vmed" '>' "$vmin" 1.5; then
	spread_note=" build/vmm's median is $(ratio "$vmed" "$vmin")× its minimum while its CPU time varies little ($(get %.1f 0:cpu_ms:min)–$(get %.1f 0:cpu_ms:max) ms): much of the wall-time spread is waiting for a CPU or for the kernel on this shared $(nproc)-CPU host (load averages above), so the minima and the CPU column are the steadier comparison."
fi
tcg_note=
if [[ $QACCEL == kvm ]]; then
	if [[ -z $HWVIRT ]] && S test "$(get raw 2:exit_ms:median)" '<' "$(Q exit_ms)"; then
		tcg_note=" QEMU is faster here under TCG ($(get %.1f 2:exit_ms:median) ms to exit, $(get %.1f 2:cpu_ms:median) ms CPU) than under KVM. This script does not break QEMU's time down; what is known is that on this KVM every exit and every CPL0 guest instruction (qboot and the hello guest run at CPL0) costs far more than with VT-x/SVM, so the QEMU-KVM row is no guide to a host with hardware virtualization, and neither is build/vmm's."
	else
		tcg_note=" The TCG row ($(get %.1f 2:exit_ms:median) ms to exit, $(get %.1f 2:cpu_ms:median) ms CPU) is for context."
	fi
fi
rss_note="Peak RSS with a 128 MiB guest: build/vmm $(mib "$(V maxrss_kb)") MiB, QEMU $(mib "$(Q maxrss_kb)") MiB (${hwm_x}×). Neither touches the 128 MiB: the hello guest writes a few pages, so RSS is the VMM's own code, libraries and heap; the composition table shows that most of QEMU's is file-backed (its binary and shared libraries, shareable with other QEMU processes, not guest memory), and that build/vmm's guest RAM shows up as RssShmem (a memfd mapped shared: the pages the guest touched), QEMU's inside RssAnon together with QEMU's own heap."

{
cat <<EOF
# Bundled VMM benchmark

Written by \`bench/vmm.sh\` (run by \`bench/run.sh\`, i.e. \`make bench\`); timing by \`bench/launch-timer.c\` (mode \`firstbyte\`).

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; \`build/vmm\` sha256 \`$vmm_sha\`, built $vmm_mtime$(if [[ -n $newer_src ]]; then echo " (older than the working tree's $newer_src: the binary measured is the one in build/)"; fi)
- Host: Linux $(uname -r), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM. $host_kind; $kvm_kind.
- $("$QEMU" --version | head -1)
- Load average at start $load_start, at end $load_end (other sessions may share the CPUs; interleaving spreads their load over every command, it does not remove it). Whole run: ${elapsed} s.

## How it was measured

Guest: \`build/guests/hello.elf\` (tests/guests/hello.c), a freestanding PVH ELF that prints two lines on the COM1 UART (\`hello: start_info magic ..., cmdline "$CMDLINE"\`, \`hello: Hello from the test guest\`, $console_bytes bytes) and powers off by writing 0 to port 0x501. Both VMMs get the same ELF, command line, $MEM of RAM and 1 vCPU, and every run's console was checked to be byte-identical to build/vmm's.

- **build/vmm**: \`vmm --kernel hello.elf --memory $MEM --cmdline "$CMDLINE"\` (a copy of \`build/vmm\`); exits 0 on the power-off.
- **QEMU**: \`$qemu_shown\`, ACCEL as in the row; \`isa-debug-exit\` at 0x501 makes the power-off end QEMU with status (0 << 1) | 1 = 1, checked in every run.

$kvm_probe

$cpuhost_note

Each run: \`clock_gettime(CLOCK_MONOTONIC)\`, \`posix_spawn\` (stdin /dev/null, stdout a pipe, stderr a file), then \`poll\` on the pipe and a pidfd: **first byte** = spawn until \`poll\` first reports bytes on the pipe (both VMMs write the UART's bytes to stdout one \`write\` per byte); **exit** = spawn until the pidfd reports that the whole process (every thread) is gone, guest RAM freed. Then \`wait4\` gives the exit status, the user + system **CPU** time of all threads, and \`ru_maxrss\`: the VmHWM (peak RSS) of the process's address space at exit, i.e. over its whole life. (A \`posix_spawn\`ed child starts in the timer's address space, so \`ru_maxrss\` can be no lower than the timer's own VmHWM, $self_hwm kB; every run was above it, so the figures are the VMMs' own.) The commands run interleaved (A B C A B C ...): $WARMUP untimed round(s), then $RUNS timed runs each. All run as root; nothing sleeps.

## (a) Start to first UART byte, and to exit

$time_tbl

Each run in order, first byte ms:

$(for k in "${!names[@]}"; do echo "- ${names[k]}: $(runs_of "$k" first_ms)"; done)

## (b) Peak RSS with a $MEM guest

VmHWM (\`ru_maxrss\` at exit) over the same $RUNS runs of the hello guest:

$hwm_tbl

What that RSS consists of, from \`/proc/PID/status\` read once while a guest runs: \`build/guests/echo.elf\` prints \`echo: READY\` and then polls the UART for a line of input, which this script sends after reading the figures (kB; same $MEM, command line and QEMU options):

| VMM | VmHWM | VmRSS | RssAnon | RssFile | RssShmem | exit status (QEMU: 1 = power-off) |
|---|---:|---:|---:|---:|---:|---:|
$comp_rows

## (c) Lines of code of vmm/

\`wc -l vmm/*.c vmm/*.h\`: **$wc_total** lines$(if [[ -n $HAVE_CLOC ]]; then echo "; without comments and blank lines (${HAVE_CLOC:+cloc $HAVE_CLOC}): **$code_total**"; else echo " (cloc not installed: no count without comments and blank lines)"; fi). Counted in the working tree$(if [[ -n $vmm_dirty ]]; then echo ", which differs from the commit in: $vmm_dirty (others are editing vmm/)"; fi). Not counted: vmm/guest-image/ (the foundation issue's guest build), the test guests (tests/guests/) and the fuzz target (tests/fuzz/).

$loc

## Reading

On this host, to the hello guest's first UART byte build/vmm takes $(V first_ms %.1f) ms median (min $(get %.1f 0:first_ms:min)) and QEMU microvm with \`-accel $QACCEL\` $(Q first_ms %.1f) ms (min $(get %.1f 1:first_ms:min)): ${first_verdict}; to exit, $(V exit_ms %.1f) ms against $(Q exit_ms %.1f) ms (${exit_x}×), and in CPU time $(V cpu_ms %.1f) ms against $(Q cpu_ms %.1f) ms (${cpu_x}×).${spread_note} The two do not do the same work before the guest's first instruction: QEMU starts a general-purpose emulator (loading $qemu_libs shared libraries, then its device model and machine set-up) and runs its firmware (qboot, microvm's default) in the guest before the PVH entry point, build/vmm maps the ELF, writes the start-info and tables and enters the PVH entry point directly. Nor the same interrupt controllers: QEMU microvm defaults to \`kernel-irqchip=split\` (PIC, IOAPIC and PIT emulated in QEMU, only the LAPIC in KVM), build/vmm creates KVM's in-kernel PIC, IOAPIC and PIT, whose set-up and teardown are part of its figures.${tcg_note} After the first byte both spend the guest's remaining $((console_bytes - 1)) UART writes as port-I/O exits and then tear down the process and the VM: $(tail_ms 0) ms median for build/vmm, $(tail_ms 1) ms for QEMU. ${rss_note} build/vmm is $wc_total lines of C$(if [[ -n $code_total ]]; then echo " ($code_total without comments and blank lines)"; fi). Caveats: $(if [[ -z $HWVIRT ]]; then echo "this KVM has no VT-x/SVM, so every exit and every CPL0 guest instruction is far slower than on a host with hardware virtualization and the absolute figures are this host's only; "; fi)the hello guest measures start-up and teardown, not a Linux boot; $RUNS runs each on a shared $(nproc)-CPU host.
EOF
} > "$OUT"
cat "$OUT"
