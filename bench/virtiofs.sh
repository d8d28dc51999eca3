#!/bin/bash
# The virtio-fs benchmark (issue 5, item 6): writes bench/results/virtiofs.md
# and prints it. The same workload (bench/virtiofs-workload.sh: a 64 MiB
# sequential write with fsync, a sequential read after the guest dropped its
# caches, create + write + close of 2,000 4 KiB files) runs
#  (a) sandboxed: in the guest image under build/sandboxd, on a writable
#      share served by virtiofsd as sandboxd's confined service;
#  (b) bare: in the same guest under the same QEMU command line and the same
#      virtiofsd command line, both started here as root without sandboxd;
#  (c) host: directly on the host, in a directory on the same filesystem,
#      for the ceiling;
# interleaved (a b c a b c ...), VFS_RUNS rounds (medians, min, max). Every
# guest boots afresh. The guest times its own work with bench/mono-ns.c.
# bench/run.sh (`make bench`) calls this; it also runs alone once
# `make all guest` has built sandboxd and the guest.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/host-kind.sh
. "$ROOT/bench/host-kind.sh"
B=$ROOT/build
OUT=$ROOT/bench/results/virtiofs.md
RUNS=${VFS_RUNS:-5}
PROFILE_DIR=${VFS_PROFILE_DIR:-$ROOT/profiles}
VM_TIMEOUT=300		# seconds for one guest run, boot to power-off
TAG=bench
CACHE=auto
MEM=256M
VIRTIOFSD=/usr/lib/qemu/virtiofsd

die() { echo "bench: virtiofs: $*" >&2; exit 111; }

need() { [[ -e $1 ]] || die "$1 missing: $2"; }	# PATH WHAT-TO-DO
SANDBOXD=$B/sandboxd KERNEL=$B/guest/vmlinuz INITRD=$B/guest/initramfs.cpio.gz
need "$SANDBOXD" "run \`make all\` (\`make bench\` does)"
need "$KERNEL" "run \`make guest\` (\`make bench\` does)"
need "$INITRD" "run \`make guest\` (\`make bench\` does)"
need "$PROFILE_DIR/virtiofsd" "no profile to confine virtiofsd with"
need "$VIRTIOFSD" "install qemu-system-common"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed"
BUSYBOX=$(command -v busybox) || die "busybox not installed (the host's run uses the guest's shell)"

bench_workdir sbx-bench-vfs "bench: virtiofs"
mkdir "$T/logs" "$T/share" "$T/host"
start_s=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# A copy, so that a rebuild during the run cannot mix two binaries.
cp "$SANDBOXD" "$T/sandboxd"
SANDBOXD=$T/sandboxd

# The share holds the workload and its clock; the guest runs them from
# there. Static: the guest image has busybox and nothing else.
cc -O2 -static -Wall -Wextra -Werror -std=gnu17 -o "$T/share/mono-ns" "$ROOT/bench/mono-ns.c"
ACTIVATE=$T/listen-exec
cc -O2 -Wall -Wextra -Werror -std=gnu17 -o "$ACTIVATE" "$ROOT/bench/listen-exec.c"
cp "$ROOT/bench/virtiofs-workload.sh" "$T/share/workload.sh"
SOCK=$T/bare.vhost-user.sock

# sbx.run= is percent-encoded: the only byte to encode here is the space.
RUN="sh /mnt/$TAG/workload.sh /mnt/$TAG/work drop"
CMDLINE="console=ttyS0 quiet sbx.mount=$TAG sbx.run=${RUN// /%20}"
cat > "$T/vm.conf" <<EOF
name = vfsbench
vmm = qemu
accel = auto
kernel = $KERNEL
initrd = $INITRD
cmdline = $CMDLINE
memory = $MEM
vcpus = 1
shutdown_timeout = 30
runtime_dir = $T/run
profile_dir = $PROFILE_DIR
share = $TAG:$T/share:rw:cache=$CACHE
EOF

# ---------------------------------------------------------------- the runs
# Every result line: KIND RUN METRIC VALUE, in $T/results.tsv.
: > "$T/results.tsv"
record() { printf '%s\t%s\t%s\t%s\n' "$@" >> "$T/results.tsv"; }

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }

# cpu_ticks PID: "QEMU VIRTIOFSD", the user + system CPU time (clock ticks)
# of the descendants of PID that run QEMU and virtiofsd, each process's
# threads together.
cpu_ticks() {
	local p st q=0 v=0
	for p in $(descendants "$1"); do
		st=$(cat "/proc/$p/stat" 2> /dev/null) || continue
		# shellcheck disable=SC2086 # the fields after "(comm) "
		set -- ${st##*) }
		case $st in
		*"(qemu-system-x86) "*) q=$((q + ${12} + ${13})) ;;
		*"(virtiofsd) "*) v=$((v + ${12} + ${13})) ;;
		esac
	done
	echo "$q $v"
}
TICK_NS=$((1000000000 / $(getconf CLK_TCK)))

# guest_run KIND RUN CMD...: CMD boots the guest, which runs the workload
# and powers off; CMD prints the console on stdout and ends with a line
# "BENCH-STATUS N" (its exit status). Records the workload's figures, the
# run's wall time from start to exit, and the CPU time QEMU and virtiofsd
# spent from SBX-GUEST-READY to the workload's end.
guest_run() {
	local kind=$1 run=$2 line con pid t0 status='' ok='' q0='' v0 q1=0 v1=0
	shift 2
	local log=$T/logs/$kind-$run
	t0=${EPOCHREALTIME//[!0-9]/}
	exec {con}< <("$@" 2> "$log.stderr" < /dev/null)
	pid=$!
	while IFS= read -r -t "$VM_TIMEOUT" line <&"$con"; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >> "$log.console"
		case $line in
		SBX-GUEST-READY)
			read -r q0 v0 < <(cpu_ticks "$pid") ;;
		"VFS ok")
			ok=1
			[[ -n $q0 ]] || continue
			read -r q1 v1 < <(cpu_ticks "$pid")
			record "$kind" "$run" qemu_cpu $(((q1 - q0) * TICK_NS))
			record "$kind" "$run" vfsd_cpu $(((v1 - v0) * TICK_NS)) ;;
		"VFS "*) read -r _ m v <<< "$line"; record "$kind" "$run" "$m" "$v" ;;
		"BENCH-STATUS "*) status=${line#BENCH-STATUS }; break ;;
		esac
	done
	exec {con}<&-
	# EPOCHREALTIME in µs, without its decimal point.
	record "$kind" "$run" wall $(((${EPOCHREALTIME//[!0-9]/} - t0) * 1000))
	[[ $status == 0 && -n $ok ]] || die "$kind run $run: status '${status:-none}', workload ${ok:+done}${ok:-not done} (see $log.*)"
	[[ $kind == host ]] || ((q1 > 0 && v1 > 0)) || die "$kind run $run: QEMU or virtiofsd not found among the run's processes"
	rm -rf "$T/share/work" "$T/host/work"
}

sandboxed_vm() {
	local rc=0
	timeout -k 10 "$VM_TIMEOUT" "$SANDBOXD" "$T/vm.conf" || rc=$?
	echo "BENCH-STATUS $rc"
}

# The command lines sandboxd runs for vm.conf (`sandboxd --print-argv`):
# (b) runs virtiofsd's as it is, QEMU's less what sandboxd adds to drive
# and confine QEMU, with paths for its files and the share's socket, to
# which QEMU connects itself (bare_qemu, host-kind.sh).
sandboxd_argv "$SANDBOXD" "$T/vm.conf"
VFSD_ARGV=("${SBX_ARGV_virtiofsd_bench[@]}")
[[ ${VFSD_ARGV[1]} == --fd=3 ]] || die "sandboxd's virtiofsd is not given --fd=3: ${VFSD_ARGV[*]}"
bare_qemu "$SOCK"
QEMU_ARGV=("${BARE_QEMU[@]}")

# virtiofsd with a listening socket on fd 3, as root: bench/listen-exec
# binds and listens, says so, and execs virtiofsd with the socket as fd 3.
# QEMU starts once the socket listens. Each in a
# session of its own, as sandboxd starts its services: with
# sched_autogroup, a session is a scheduling group, and under other load
# a process gets its CPU share by group.
bare_vm() {
	local line vpid vlog qrc=0 vrc=0
	rm -f "$SOCK"
	coproc ACT { exec setsid -w "$ACTIVATE" "$SOCK" "${VFSD_ARGV[@]}" 2>&1; }
	vpid=$ACT_PID
	while IFS= read -r -t 30 line <&"${ACT[0]}"; do
		echo "$line" >&2
		[[ $line == "Listening on "* ]] && break
	done
	[[ -S $SOCK ]] || { echo "BENCH-STATUS no-socket"; return; }
	# virtiofsd's log from here on (a coproc's own fds are not inherited).
	exec {vlog}<&"${ACT[0]}"
	cat <&"$vlog" >&2 &
	exec {vlog}<&-
	setsid -w timeout -k 10 "$VM_TIMEOUT" "${QEMU_ARGV[@]}" || qrc=$?
	wait "$vpid" || vrc=$?
	wait
	echo "BENCH-STATUS $((qrc | vrc))"
}

host_run() {
	local rc=0
	setsid -w "$BUSYBOX" sh "$T/share/workload.sh" "$T/host/work" keep || rc=$?
	echo "BENCH-STATUS $rc"
}

# Rounds alternate a b c and b a c, so that neither guest always follows
# the other.
echo "bench: virtiofs: $RUNS rounds of sandboxed, bare and host runs, interleaved" >&2
for ((r = 1; r <= RUNS; r++)); do
	if ((r % 2)); then
		guest_run sandboxed "$r" sandboxed_vm
		guest_run bare "$r" bare_vm
	else
		guest_run bare "$r" bare_vm
		guest_run sandboxed "$r" sandboxed_vm
	fi
	guest_run host "$r" host_run
	echo "bench: virtiofs: round $r of $RUNS done" >&2
done


# ---------------------------------------------------------------- results
# Every figure is bench/stats.py's, from $T/net.tsv: the net time of each
# interval (the run's cost of one clock reading taken off), "fs" (files
# less loop), "work" (the timed intervals together), and the clock, wall
# and CPU times as they are; a line KIND METRIC NS... per series, the runs
# in round order.
S() { python3 "$ROOT/bench/stats.py" "$@"; }
S vfs-net "$T/results.tsv" > "$T/net.tsv"

# runs_of KIND METRIC: the runs in order, s.
runs_of() { S runs "$T/net.tsv" "$1:$2" --div 1e9 --fmt %.3f --sep ', '; }
MIB=64 FILES=2000
# rates AMOUNT KIND METRIC: "median (min–max)" per second; the fastest run
# (the least time) gives the highest rate.
rates() {
	local med fast slow
	read -r med fast slow < <(S get "$T/net.tsv" "$2:$3":{median,min,max} --per "$1e9" --fmt auto)
	printf '%s (%s–%s)' "$med" "$slow" "$fast"
}
# seconds KIND METRIC DIVISOR: "median (min–max)" of the times / DIVISOR.
seconds() {
	local med min max
	read -r med min max < <(S get "$T/net.tsv" "$1:$2":{median,min,max} --div "$3" --fmt %.1f)
	printf '%s (%s–%s)' "$med" "$min" "$max"
}
# quotients A B METRIC [FMT]: "MEDIAN LO HI MIN MAX" of B's time over A's,
# round by round.
quotients() { S paired "$T/net.tsv" "$2:$3" "$1:$3" --quotient --fmt "${4:-auto}"; }
# paired A B METRIC: "median (min–max)" of quotients A B METRIC.
paired() {
	local med min max
	read -r med _ _ min max < <(quotients "$@")
	printf '%s (%s–%s)' "$med" "$min" "$max"
}
# over A B METRIC: B's median time over A's (A's median rate over B's).
over() { S calc auto "$(S get "$T/net.tsv" "$2:$3:median")" / "$(S get "$T/net.tsv" "$1:$3:median")"; }
row() {		# LABEL UNIT AMOUNT METRIC
	printf '| %s | %s | %s | %s | **%s** | %s |\n' "$1" "$2" "$(rates "$3" sandboxed "$4")" \
		"$(rates "$3" bare "$4")" "$(paired sandboxed bare "$4")" "$(rates "$3" host "$4")"
}
cpu_row() {	# LABEL METRIC
	printf '| %s | %s | %s | **%s** |\n' "$1" "$(seconds sandboxed "$2" 1e9)" \
		"$(seconds bare "$2" 1e9)" "$(paired bare sandboxed "$2")"
}

table=$(
	echo "| Workload | unit | (a) sandboxed: median (min–max) | (b) bare | (a)/(b) by round: median (min–max) | (c) host |"
	echo "|---|---|---:|---:|---:|---:|"
	row "sequential write, 64 MiB, \`dd bs=1M conv=fsync\`" MiB/s $MIB write
	row "sequential read, 64 MiB, \`dd bs=1M\`, guest caches dropped" MiB/s $MIB read
	row "create + write 4 KiB + close, 2,000 files" files/s $FILES files
	row "the same shell loop writing to /dev/null (no file system)" loops/s $FILES loop
	row "files, each run's loop time taken off" files/s $FILES fs
)
cpu_table=$(
	echo "| CPU s from SBX-GUEST-READY to the workload's end | (a) sandboxed: median (min–max) | (b) bare | (a)/(b) by round: median (min–max) |"
	echo "|---|---:|---:|---:|"
	cpu_row "virtiofsd, all threads, user + system" vfsd_cpu
	cpu_row "QEMU, all threads, user + system" qemu_cpu
)
context=$(
	echo "| Per run | (a) sandboxed | (b) bare | (c) host |"
	echo "|---|---:|---:|---:|"
	echo "| start to exit, s (guests: boot, work, power-off) | $(seconds sandboxed wall 1e9) | $(seconds bare wall 1e9) | $(seconds host wall 1e9) |"
	echo "| one clock reading (\`mono-ns\`), ms | $(seconds sandboxed clock 1e6) | $(seconds bare clock 1e6) | $(seconds host clock 1e6) |"
)
runs_list=$(
	for m in write read files loop; do
		echo "- $m: sandboxed $(runs_of sandboxed $m); bare $(runs_of bare $m); host $(runs_of host $m)"
	done
	for m in vfsd_cpu qemu_cpu; do
		echo "- $m: sandboxed $(runs_of sandboxed $m); bare $(runs_of bare $m)"
	done
)

# The reading follows the figures. verdict A B METRIC WORD: what the round
# by round quotients (B's time over A's) say; WORD names the direction
# above 1.
verdict() {
	local med min max range
	read -r _ _ _ min max < <(quotients "$1" "$2" "$3" raw)
	read -r med _ _ range < <(quotients "$1" "$2" "$3")
	range=${range/ / to }
	if S test "$min" '<=' 1 && S test 1 '<=' "$max"; then
		echo "$med, with rounds on both sides of 1 ($range)"
	elif S test "$max" '<' 1; then
		echo "$med, below 1 in every round ($range)"
	else
		echo "$med, $4 in every round ($range)"
	fi
}
rate_verdict() { verdict sandboxed bare "$1" "above 1"; }
cpu_verdict() { verdict bare sandboxed "$1" "above 1"; }

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
psi=$(sed -n 's/^some //p' /proc/pressure/cpu 2> /dev/null || true)
host_kind=$(host_kind)
accel=$(sed -n 's/.*: accel: \([a-z]*\).*/\1/p' "$T/logs/sandboxed-1.stderr" | head -1)
fs_kind=$(df -T "$T/share" | awk 'NR == 2 { print $2 " on " $1 }')
prof_line=$(sed -n "s/^sandboxd: vm vfsbench: share $TAG: profile //p" "$T/logs/sandboxed-1.stderr" | head -1)
vfsd_uid=$(sed -n "s/.*share $TAG: started as pid [0-9]*, uid \([0-9]*\).*/\1/p" "$T/logs/sandboxed-1.stderr" | head -1)
profile_shown=${PROFILE_DIR#"$ROOT"/}/virtiofsd
profile_dirty=$(git -C "$ROOT" status --porcelain -- "$profile_shown" 2> /dev/null | cut -c1-2)
elapsed=$((SECONDS - start_s))
# For the file: the temporary dir as $T, the tree's paths relative to it.
shown() { sed "s|$T|\$T|g; s|$ROOT/||g"; }
# quoted WORD...: as a shell reads them back; only words with other bytes
# than these are single-quoted (printf %q would escape QEMU's commas).
quoted() { shell_words "$@" | shown; }

{
cat <<EOF
# virtio-fs benchmark: virtiofsd sandboxed, bare, and the host

Written by \`bench/virtiofs.sh\` (run by \`bench/run.sh\`, i.e. \`make bench\`); workload \`bench/virtiofs-workload.sh\`, guest clock \`bench/mono-ns.c\`.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; \`build/sandboxd\` sha256 \`$(sha256sum < "$SANDBOXD" | cut -c1-12)\`; virtiofsd profile \`$profile_shown\` sha256 \`$(sha256sum < "$PROFILE_DIR/virtiofsd" | cut -c1-12)\`$(case $profile_dirty in "??") echo " (not in the commit: a copy from the branch that writes it)" ;; "") ;; *) echo " (changed from the commit)" ;; esac)
- Host: Linux $(uname -r), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM. $host_kind.
- Guest: **QEMU TCG** (sandboxd's choice here, accel \`${accel:-?}\`: this host's KVM has no VT-x/SVM), q35, 1 vCPU, $MEM of RAM; $("$QEMU" --version | head -1); the C virtiofsd of QEMU 7.2 (\`$VIRTIOFSD\`), **cache=$CACHE**, xattr on, \`-o sandbox=chroot\`, no writeback cache, no DAX.
- The share and the host's work directory: both under \`$(dirname "$T")\`, $fs_kind.
- Load average at start $load_start, at end $load_end; CPU pressure (PSI "some") at the end: ${psi:-n/a}. Other sessions share the $(nproc) CPUs: interleaving spreads their load over every variant, it does not remove it. Whole run: ${elapsed} s.

## Results

$RUNS rounds; each runs (a) and (b), in the order a b in odd rounds and b a in even ones, then (c); every guest run boots the guest afresh. Rates come from the net times (see below); min–max is over the $RUNS runs. (a)/(b) is sandboxed's rate over bare's within each round (bare's time over sandboxed's), then the median and range of those $RUNS quotients: 1.00 is no difference, below 1 the sandboxed share was slower.

$table

CPU time of the two processes that serve the guest, from their \`/proc/PID/stat\` (user + system of all threads, in ${TICK_NS%000000} ms ticks), read when the guest printed \`SBX-GUEST-READY\` and again when the workload printed its last line (boot and power-off left out). Here (a)/(b) is sandboxed's CPU time over bare's, round by round: above 1 the sandboxed process used more CPU for the same work.

$cpu_table

$context

## Reading

What sandboxd's confinement costs on the share's data path is (a) against (b): the same guest, QEMU command line and virtiofsd command line, with and without sandboxd. Sandboxed over bare, round by round, median rate quotients: write $(rate_verdict write); read $(rate_verdict read); files $(rate_verdict files); files without the loop $(rate_verdict fs). The shell loop that touches no file system gives the guest's CPU speed under TCG: sandboxed over bare it comes out at $(rate_verdict loop). Nothing differs between (a) and (b) in that loop except when it ran, so its spread is the host's noise, and the file figures carry at least as much. In CPU time, virtiofsd sandboxed over bare: $(cpu_verdict vfsd_cpu); QEMU: $(cpu_verdict qemu_cpu). CPU time shares the noise: on this 2-CPU virtual machine, a process that shares its core with other work also runs slower per instruction. Besides seccomp and Landlock, (a) and (b) differ in virtiofsd's uid (${vfsd_uid:-?} with the profile's capabilities, against root with all of them), its rlimits (the profile's, against this shell's), its mount namespace (sandboxd's, the share bound into it), and QEMU's \`-S\`, QMP monitor and \`-sandbox\`. A quotient on one side of 1 in every round while the loop's lies on both sides points at one of these rather than at the host's load alone; this benchmark does not tell them apart.

The host (c) is $(over host bare write)× bare's rate for the write, $(over host bare read)× for the read and $(over host bare files)× for the files. Under TCG every guest instruction is translated and every virtio notification goes through QEMU's device emulation, so the guest, not virtiofsd, sets most of these times; bare, virtiofsd used $(seconds bare vfsd_cpu 1e9) s of CPU during $(seconds bare work 1e9) s of timed work in the guest, QEMU $(seconds bare qemu_cpu 1e9) s. With hardware KVM the guest's side shrinks, virtiofsd's part of each request grows, and with it the weight of what the confinement adds to virtiofsd: the seccomp filter on each of its syscalls and Landlock's checks on its opens and creates. A difference smaller than the spread of the rounds is not measured here.

## How it was measured

Paths in the source tree are shown relative to it, the run's temporary directory as \`\$T\`.

**(a) sandboxed**: \`timeout -k 10 $VM_TIMEOUT build/sandboxd \$T/vm.conf\` (a copy of the binary) with

\`\`\`
$(shown < "$T/vm.conf")
\`\`\`

sandboxd (PID 1 of its VM) starts virtiofsd as its confined service ($(shown <<< "${prof_line:-?}"); uid ${vfsd_uid:-?}) on a listening socket it passes as fd 3, makes QEMU's end of the connection itself, and starts QEMU as the VMM service (under its profile and QEMU's own \`-sandbox\`); each service in a session of its own. Their argv, as \`sandboxd --print-argv\` prints them from the code that builds them for a start (tests/sandboxd-self.bats checks them against the running processes' \`/proc/PID/cmdline\`):

\`\`\`
$(quoted "${SBX_ARGV_virtiofsd_bench[@]}")
$(quoted "${SBX_ARGV_vmm[@]}")
\`\`\`

**(b) bare**, as root, without sandboxd: the same virtiofsd argv under \`bench/listen-exec\`, which binds and listens on the socket and execs virtiofsd with the socket as fd 3 (virtiofsd then accepts QEMU's connection). QEMU starts once the socket listens, with sandboxd's argv less what sandboxd adds to drive and confine QEMU (\`-S\`, which QMP's \`cont\` ends under sandboxd; \`-sandbox\`; the QMP monitor), with paths for its fds (kernel, initrd, and the share's socket, to which QEMU connects itself). Each runs in a session of its own (\`setsid\`), as sandboxd's services do: with sched_autogroup on (it is here), a session is a scheduling group, and on a loaded host a process's CPU share depends on it:

\`\`\`
$(quoted setsid -w bench/listen-exec "$SOCK" "${VFSD_ARGV[@]}")
$(quoted setsid -w timeout -k 10 "$VM_TIMEOUT" "${QEMU_ARGV[@]}")
\`\`\`

**(c) host**: \`setsid -w $BUSYBOX sh \$T/share/workload.sh \$T/host/work keep\`: the guest's shell (the guest image's busybox is a copy of this one), the same script and clock, in a directory next to the share.

In the guests, init mounts the share at /mnt/$TAG and runs \`$RUN\`. The workload (\`bench/virtiofs-workload.sh\`) times each step with \`mono-ns\` (\`clock_gettime(CLOCK_MONOTONIC)\`, static; busybox \`date\` has no \`%N\`, and \`/proc/uptime\` counts in 10 ms), copied to a temporary file first so that no reading of the clock runs a program from the share:

- **write**: \`dd if=/dev/zero of=DIR/big bs=1M count=64 conv=fsync\` (the fsync goes through virtiofsd to the host's disk);
- **read**: in the guests, \`sync; echo 3 > /proc/sys/vm/drop_caches\` first, so that every byte comes through virtiofsd, which reads from the host's page cache (the file was just written); on the host (\`keep\`) nothing is dropped: the ceiling is a read from that same page cache. Then \`dd if=DIR/big of=/dev/null bs=1M\`;
- **files**: 2,000 times \`echo -n "\$blk" > DIR/files/fN\` with a 4,096-byte \`\$blk\` (busybox sh's builtin: open with O_CREAT|O_TRUNC, one 4 KiB write, close; no process per file);
- **loop**: the same loop writing to /dev/null: what the shell's loop costs by itself (under TCG, much of the files time);
- then it checks the size of the big file, and the count and sizes of the small ones.

Reading the clock starts a process (milliseconds under TCG): each interval has the run's cost of one reading (the least of three pairs read back to back) taken off. As a check of the guest's clock, every run's timed work was shorter than the run's wall time measured on the host. The host removes the files between runs, outside the timing; every run ended with status 0 (sandboxd's; in (b) QEMU's and virtiofsd's).

Each run in order, net seconds (CPU: seconds):

$runs_list
EOF
} > "$T/virtiofs.md"
# bench/vmm-fs.sh's section at the end of the file (the bundled VMM against
# QEMU) is its own: kept as it was.
if [[ -f $OUT ]]; then
	sed -n "/^## The bundled VMM's virtio-fs against QEMU's\$/,\$p" "$OUT" > "$T/vmm-fs.md"
	[[ ! -s $T/vmm-fs.md ]] || { echo; cat "$T/vmm-fs.md"; } >> "$T/virtiofs.md"
fi
mv "$T/virtiofs.md" "$OUT"
cat "$OUT"
