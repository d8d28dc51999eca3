#!/bin/bash
# virtio-fs through the bundled VMM against QEMU microvm (issue 12, item 7):
# writes the section "The bundled VMM's virtio-fs against QEMU's" at the end
# of bench/results/virtiofs.md (replacing it if there) and prints it.
# The fs test guest's bench mode (tests/guests/fsbench.c) runs REQS
# GETATTRs and writes then reads back MIB MiB in 128 KiB requests on the
# same share, through the same virtiofsd started the same way, under
# build/vmm and under QEMU microvm (-accel kvm where that runs the guest,
# else tcg, and the section says which); RUNS interleaved rounds (a b, then
# b a). bench/console-stamp.c timestamps the guest's marker lines as they
# arrive on the console and reads the VMM's and virtiofsd's CPU times at
# each. bench/run.sh calls this after bench/virtiofs.sh; it also runs alone
# once `make all test-binaries` has built build/vmm and the guests.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/host-kind.sh
. "$ROOT/bench/host-kind.sh"
B=$ROOT/build
OUT=$ROOT/bench/results/virtiofs.md
HEADING="## The bundled VMM's virtio-fs against QEMU's"
RUNS=${VMMFS_RUNS:-6}
REQS=${VMMFS_REQS:-4000}
MIB=${VMMFS_MIB:-256}
MEM=256M
DEADLINE=120	# seconds of console silence before a VMM is killed
VIRTIOFSD=/usr/lib/qemu/virtiofsd
TAG=myfs

die() { echo "bench: vmm-fs: $*" >&2; exit 111; }

for f in sandboxd vmm guests/fs.elf connect-exec listen-exec; do
	[[ -e $B/$f ]] || die "build/$f missing: run \`make all test-binaries\`"
done
[[ -x $VIRTIOFSD ]] || die "no virtiofsd at $VIRTIOFSD (install qemu-system-common)"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed"
bench_vmm_prereqs "bench: vmm-fs" "$OUT"

bench_workdir sbx-bench-vmmfs "bench: vmm-fs"
mkdir "$T/share" "$T/stamps" "$T/logs"
start_s=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# Copies, so that a rebuild during the run cannot mix two binaries.
cp "$B/vmm" "$T/vmm"
cp "$B/guests/fs.elf" "$T/fs.elf"
SOCK=$T/vfs.sock
# virtiofsd as sandboxd runs it for a writable share with cache=none
# (`sandboxd --print-argv`, sandboxd_argv in host-kind.sh).
printf '%s\n' "name = vmmfsbench" "kernel = $T/fs.elf" "runtime_dir = $T/run" \
	"share = $TAG:$T/share:rw:cache=none" > "$T/vfs.conf"
SANDBOXD_VIRTIOFSD=$VIRTIOFSD sandboxd_argv "$B/sandboxd" "$T/vfs.conf"
declare -n sbx_vfsd="SBX_ARGV_virtiofsd_$TAG"
VFSD_ARGV=("${sbx_vfsd[@]}")
[[ ${VFSD_ARGV[0]} == "$VIRTIOFSD" && ${VFSD_ARGV[1]} == --fd=3 ]] ||
	die "sandboxd's virtiofsd for $T/vfs.conf is not $VIRTIOFSD --fd=3: ${VFSD_ARGV[*]}"
CMDLINE="console=ttyS0 bench reqs=$REQS mib=$MIB"

vmm_cmd() {	# CMDLINE: sets CMD
	CMD=("$B/connect-exec" "$SOCK" 4 "$T/vmm" --kernel "$T/fs.elf" --memory "$MEM"
		--fs "tag=$TAG,fd=4" --cmdline "$1")
}
qemu_cmd() {	# ACCEL CMDLINE: sets CMD (tests/vmm-fs.bats's QEMU command, plus -accel)
	# shellcheck disable=SC2054 # commas inside QEMU's option values
	CMD=("$QEMU" -M microvm,acpi=off,memory-backend=mem -accel "$1" -m "$MEM" -smp 1
		-object "memory-backend-memfd,id=mem,size=$MEM,share=on" -nodefaults -no-user-config
		-display none -no-reboot -serial stdio -device isa-debug-exit,iobase=0x501,iosize=1
		-global virtio-mmio.force-legacy=false -chardev socket,id=vfs,path="$SOCK"
		-device "vhost-user-fs-device,chardev=vfs,tag=$TAG" -kernel "$T/fs.elf" -append "$2")
}

# run NAME CMD...: virtiofsd on the share (listen-exec binds $SOCK and execs
# it with the socket as fd 3), then CMD under console-stamp, which reads
# virtiofsd's CPU time as well; output in $T/stamps/NAME.tsv, virtiofsd's
# log and the VMM's stderr in $T/logs. virtiofsd ends when the VMM closes
# the connection; the file the guest wrote is checked and removed.
run() {
	local name=$1 line vpid
	shift
	rm -f "$SOCK" "$T/share/bench.bin"
	coproc VFSD { exec "$B/listen-exec" "$SOCK" "${VFSD_ARGV[@]}" 2> "$T/logs/$name.vfsd"; }
	vpid=$VFSD_PID
	IFS= read -r -t 10 line <&"${VFSD[0]}" || die "$name: virtiofsd did not listen (see $T/logs/$name.vfsd)"
	[[ $line == "Listening on $SOCK" ]] || die "$name: listen-exec said '$line'"
	"$STAMP" "$DEADLINE" "$vpid" -- "$@" > "$T/stamps/$name.tsv" 2> "$T/logs/$name.stderr" ||
		die "$name: console-stamp failed: $(tail -1 "$T/logs/$name.stderr")"
	timeout 10 tail --pid="$vpid" -f /dev/null || die "$name: virtiofsd still runs after the VMM ended"
	wait "$vpid" || die "$name: virtiofsd exited $? (see $T/logs/$name.vfsd)"
}

# exit_of NAME: the VMM's exit status in the run NAME.
exit_of() { sed -n 's/^X\t//p' "$T/stamps/$1.tsv"; }
console_of() { sed -n 's/^L\t[0-9]*\t[0-9]*\t//p' "$T/stamps/$1.tsv"; }

# ------------------------------------------------ does -accel kvm work?
# The fs guest's ordinary workload once on each (on a share holding the
# file it reads): QEMU with -accel kvm is used if it prints the same lines
# as build/vmm and exits 1, the debug-exit code of a power-off.
fresh_share() {
	rm -rf "$T/share"
	mkdir "$T/share"
	echo "written by the host" > "$T/share/hostfile"
}
fresh_share
vmm_cmd "console=ttyS0"
run probe-vmm "${CMD[@]}"
[[ $(exit_of probe-vmm) == 0 ]] || die "build/vmm on the fs guest exited $(exit_of probe-vmm)"
fresh_share
qemu_cmd kvm "console=ttyS0"
QACCEL=kvm
run probe-kvm "${CMD[@]}"
if [[ $(exit_of probe-kvm) != 1 ]] || ! diff -q <(console_of probe-vmm) <(console_of probe-kvm) > /dev/null; then
	QACCEL=tcg
	kvm_failed="exit $(exit_of probe-kvm), stderr: $(head -3 "$T/logs/probe-kvm.stderr")"
fi
fresh_share

# ---------------------------------------------------------------- the runs
vmm_cmd "$CMDLINE"
VMM_ARGV=("${CMD[@]}")
qemu_cmd "$QACCEL" "$CMDLINE"
QEMU_ARGV=("${CMD[@]}")
declare -A want_exit=([vmm]=0 [qemu]=1)
pairs=()
bench_run() {	# KIND ROUND
	local name=$1-$2 sum size
	if [[ $1 == vmm ]]; then run "$name" "${VMM_ARGV[@]}"; else run "$name" "${QEMU_ARGV[@]}"; fi
	[[ $(exit_of "$name") == "${want_exit[$1]}" ]] ||
		die "$name: exit $(exit_of "$name"), expected ${want_exit[$1]} (see $T/stamps/$name.tsv)"
	size=$(stat -c %s "$T/share/bench.bin")
	[[ $size == $((MIB << 20)) ]] || die "$name: bench.bin has $size bytes, not $MIB MiB"
	sum=$(sha256sum < "$T/share/bench.bin" | cut -c1-16)
	[[ -z ${SUM:-} || $sum == "$SUM" ]] || die "$name: bench.bin differs from the first run's"
	SUM=$sum
	pairs+=("$1" "$T/stamps/$name.tsv")
}
echo "bench: vmm-fs: $RUNS rounds of build/vmm and QEMU microvm (-accel $QACCEL), interleaved" >&2
for ((r = 1; r <= RUNS; r++)); do
	if ((r % 2)); then
		bench_run vmm "$r"
		bench_run qemu "$r"
	else
		bench_run qemu "$r"
		bench_run vmm "$r"
	fi
	echo "bench: vmm-fs: round $r of $RUNS done" >&2
done

# ---------------------------------------------------------------- results
# Every figure is bench/stats.py's, from the runs file that its fs-stamps
# makes of the stamp files (one line per KIND METRIC, runs in round order).
S() { python3 "$ROOT/bench/stats.py" "$@"; }
S fs-stamps "${pairs[@]}" > "$T/runs.tsv"
# mm KIND METRIC [FMT]: "median (min–max)".
mm() {
	local med min max
	read -r med min max < <(S get "$T/runs.tsv" "$1:$2":{median,min,max} --fmt "${3:-auto}")
	printf '%s (%s–%s)' "$med" "$min" "$max"
}
# by_round METRIC: build/vmm's figure over QEMU's, round by round: "median (min–max)".
by_round() {
	local med min max
	read -r med _ _ min max < <(S paired "$T/runs.tsv" "vmm:$1" "qemu:$1" --quotient --fmt %.2f)
	printf '%s (%s–%s)' "$med" "$min" "$max"
}
med() { S get "$T/runs.tsv" "$1:$2:median" --fmt "${3:-auto}"; }
rate_row() { printf '| %s | %s | %s | **%s** |\n' "$1" "$(mm vmm "$2")" "$(mm qemu "$2")" "$(by_round "$2")"; }
cpu_row() { printf '| %s | %s | %s |\n' "$1" "$(mm vmm "$2" %.0f)" "$(mm qemu "$2" %.0f)"; }
rate_table=$(
	echo "| Workload (one request at a time) | build/vmm: median (min–max) | QEMU microvm, -accel $QACCEL | build/vmm / QEMU by round: median (min–max) |"
	echo "|---|---:|---:|---:|"
	rate_row "GETATTR of one file, $REQS requests: requests/s" getattr_rps
	rate_row "WRITE, $MIB MiB in 128 KiB requests: MiB/s" write_mibs
	rate_row "READ of it back, 128 KiB requests: MiB/s" read_mibs
)
cpu_table=$(
	echo "| CPU ms from \`fs: bench start\` to \`READ ... done\` | build/vmm: median (min–max) | QEMU microvm, -accel $QACCEL |"
	echo "|---|---:|---:|"
	cpu_row "the VMM's main thread (its event loop)" vmm_main_ms
	cpu_row "the VMM's vCPU thread: the guest, spinning on the used ring, and KVM's handling of its exits" vmm_vcpu_ms
	cpu_row "the VMM's other threads" vmm_rest_ms
	cpu_row "the VMM, all threads (\`/proc/PID/stat\`, 10 ms ticks)" vmm_ms
	cpu_row "of which guest time (\`guest_time\` in \`/proc/PID/stat\`)" vmm_guest_ms
	cpu_row "virtiofsd, all threads (\`/proc/PID/stat\`, 10 ms ticks)" vfsd_ms
	cpu_row "the window's wall time" window_ms
)
runs_list=$(
	for m in getattr_rps write_mibs read_mibs vmm_main_ms vfsd_ms; do
		echo "- $m: build/vmm $(S runs "$T/runs.tsv" "vmm:$m" --fmt %.1f --sep ', '); QEMU $(S runs "$T/runs.tsv" "qemu:$m" --fmt %.1f --sep ', ')"
	done
)
quoted() { shell_words "$@" | sed "s|$T|\$T|g; s|$ROOT/||g"; }
if [[ $QACCEL == kvm ]]; then
	accel_note="QEMU runs with **\`-accel kvm\`**: the probe (the fs guest's ordinary workload) printed the same lines on QEMU as on build/vmm and exited 1, the guest's power-off through the debug-exit port."
else
	accel_note="**\`-accel kvm\` did not run the fs guest here** ($kvm_failed), so QEMU runs with **\`-accel tcg\`**, as tests/vmm-fs.bats's comparison test does (it passes no \`-accel\`): build/vmm on KVM against QEMU's JIT."
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
psi=$(sed -n 's/^some //p' /proc/pressure/cpu 2> /dev/null || true)
elapsed=$((SECONDS - start_s))
us_per() { S calc %.0f 1e6 / "$(med "$1" getattr_rps raw)"; }
reading="build/vmm served $(med vmm getattr_rps) GETATTRs/s against QEMU's $(med qemu getattr_rps) (build/vmm over QEMU by round: $(by_round getattr_rps)), i.e. about $(us_per vmm) µs against $(us_per qemu) µs per request, round trip included; WRITE $(med vmm write_mibs) MiB/s against $(med qemu write_mibs) ($(by_round write_mibs)), READ $(med vmm read_mibs) against $(med qemu read_mibs) ($(by_round read_mibs)). The requests bypass both VMMs' user space: build/vmm's main thread ran $(med vmm vmm_main_ms %.1f) ms in the $(med vmm window_ms %.0f) ms window, its other non-vCPU threads $(med vmm vmm_rest_ms %.1f) ms; QEMU's main thread ran $(med qemu vmm_main_ms %.0f) ms of its $(med qemu window_ms %.0f) ms (with vhost-user it carries no request; what it did, this benchmark does not tell), its other threads $(med qemu vmm_rest_ms %.1f) ms. Almost all of each VMM's CPU time is its vCPU thread: the guest spinning on the used ring, plus KVM handling its exits (the notify write is an MMIO exit that KVM turns into an eventfd signal in the kernel). virtiofsd used $(med vmm vfsd_ms %.0f) ms of CPU with build/vmm and $(med qemu vfsd_ms %.0f) ms with QEMU (10 ms ticks): a request's time is mostly waiting, for virtiofsd to be woken and for the guest to see the reply, not work. This benchmark does not break down where the difference between the two VMMs comes from; the path a request takes is the same (guest, KVM, virtiofsd), and what differs is what else runs on a host of $(nproc) CPUs shared by the vCPU, virtiofsd and other sessions (QEMU's main thread) and how each VMM sets up the VM. With a guest that halts while it waits (an interrupt-driven Linux driver) the vCPU figures would shrink and the irqfd path would count; this guest polls."
max_write=$(console_of vmm-1 | sed -n 's/^fs: bench start: max_write \([0-9]*\),.*/\1/p')

section=$(cat <<EOF
$HEADING

Written by \`bench/vmm-fs.sh\` (run by \`bench/run.sh\` after \`bench/virtiofs.sh\`); guest \`tests/guests/fsbench.c\` (the fs test guest's bench mode), timing by \`bench/console-stamp.c\`, statistics by \`bench/stats.py fs-stamps\`.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; \`build/vmm\` sha256 \`$(sha256sum < "$T/vmm" | cut -c1-12)\`, \`fs.elf\` sha256 \`$(sha256sum < "$T/fs.elf" | cut -c1-12)\`
- Host: Linux $(uname -r), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs. $(host_kind); KVM modules: $(cd /sys/module && printf '%s ' kvm* | sed 's/ $//') (no VT-x/SVM where kvm_intel/kvm_amd are absent). $("$QEMU" --version | head -1); the C virtiofsd of QEMU 7.2 (\`$VIRTIOFSD\`).
- Load average at start $load_start, at end $load_end; CPU pressure (PSI "some") at the end: ${psi:-n/a}. Other sessions share the $(nproc) CPUs: interleaving spreads their load over both VMMs, it does not remove it. Whole run: ${elapsed} s.

$accel_note

$RUNS rounds, build/vmm then QEMU in odd rounds and QEMU then build/vmm in even ones; every run boots the guest afresh with a fresh virtiofsd on the same share. min–max is over the $RUNS runs; the last column is build/vmm's rate over QEMU's within each round, then the median and range of those $RUNS quotients (1.00: no difference).

$rate_table

CPU time over the timed window (GETATTRs, WRITE and READ), read at the arrival of the marker lines that bound it. The per-thread rows come from \`/proc/PID/task/TID/schedstat\` (ns on a CPU); the main thread is the one whose tid is the pid, the vCPU thread the busiest of the others (both VMMs run one vCPU; the guest never halts while it waits for a reply, it spins, so its vCPU thread is on a CPU for most of the window). The guest's own time is part of the vCPU thread's; the kernel counts it apart as \`guest_time\` only where it accounts guest time at all (the row "of which guest time").

$cpu_table

### Reading

$reading

### How it was measured

The guest (\`build/guests/fs.elf\` with \`$CMDLINE\` on its command line) sets up the virtio-fs device and FUSE_INIT (max_write ${max_write:-?}), CREATEs \`bench.bin\` on the share and prints \`fs: bench start\`, then \`fs: bench console\` at once; then $REQS GETATTRs of bench.bin, one at a time, and \`fs: bench GETATTR $REQS requests done\`; then $MIB MiB of WRITEs in 128 KiB requests (header, fuse_write_in and payload in three descriptors, as Linux lays them out, so virtiofsd takes its write path from guest memory) and a line; then READs of it back (each chunk carries its index in its first and last 8 bytes, checked by the guest) and a line. Each request is one descriptor chain on the request queue: the guest writes the queue's notify register (the VMM's ioeventfd: KVM signals virtiofsd directly) and polls the used ring; no request goes through a VMM thread. On the host, after each run, bench.bin had $MIB MiB and the same sha256 in every run.

A freestanding guest has no clock to trust, so the host times it: \`bench/console-stamp\` spawns the VMM with its console (COM1) on a pipe and records \`CLOCK_MONOTONIC\` when each line's newline arrives, then reads the CPU times. A phase runs from one marker line's arrival to the next, so it includes printing one marker line: both VMMs emulate the UART and write each byte to stdout, one exit per byte. The \`fs: bench console\` line, printed right after \`fs: bench start\`, measures that: $(med vmm console_ms %.2f) ms median on build/vmm, $(med qemu console_ms %.2f) ms on QEMU, against phases of hundreds of ms.

virtiofsd, the same for both, started fresh for every run by \`bench/listen-exec\` (as the tests and sandboxd start it: it binds the socket and execs virtiofsd with it as fd 3):

\`\`\`
$(quoted listen-exec "$SOCK" "${VFSD_ARGV[@]}")
\`\`\`

The VMMs (\`connect-exec\` connects to the socket and execs build/vmm with it as fd 4; QEMU connects itself), each under \`console-stamp $DEADLINE VIRTIOFSD_PID --\`:

\`\`\`
$(quoted "${VMM_ARGV[@]}")
$(quoted "${QEMU_ARGV[@]}")
\`\`\`

Each run in order (rates; CPU ms):

$runs_list
EOF
)

# The section replaces an earlier one at the end of the file (the heading
# has no characters special to sed).
sed -i "/^$HEADING\$/,\$d" "$OUT"
[[ -z $(tail -n 1 "$OUT") ]] || echo >> "$OUT"
printf '%s\n' "$section" >> "$OUT"
printf '%s\n' "$section"
