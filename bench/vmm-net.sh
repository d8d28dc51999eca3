#!/bin/bash
# virtio-net through the bundled VMM against QEMU microvm (issue 13, item 6,
# its last table): writes the section "The bundled VMM's virtio-net against
# QEMU's" at the end of bench/results/net.md (replacing it if there) and
# prints it. The net test guest's bench mode (tests/guests/net.c,
# mode=bench count=N) sends N ICMP echo requests to the host side of its
# tap, one at a time, each waited for (the host kernel answers), under
# build/vmm and under QEMU microvm, the same ELF, each on a fresh tap
# (IFF_VNET_HDR, as sandboxd makes them: tests/helpers/tap-exec) in a
# network namespace made for the run; RUNS interleaved rounds (a b, then
# b a). bench/console-stamp.c timestamps the guest's "net: bench start" and
# "net: bench end" lines as they arrive and reads the VMM's CPU time at
# each. QEMU runs twice per round: with -accel kvm where a probe shows it
# runs the guest (this host's KVM is PVM-style, without VT-x: QEMU's KVM
# runs these freestanding guests, not Debian's kernel), and with -accel tcg,
# the accelerator sandboxd uses for QEMU here. bench/run.sh
# calls this after bench/vmm-fs.sh; it also runs alone once `make all
# test-binaries` has built build/vmm and the guests.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/host-kind.sh
. "$ROOT/bench/host-kind.sh"
B=$ROOT/build
OUT=$ROOT/bench/results/net.md
HEADING="## The bundled VMM's virtio-net against QEMU's"
RUNS=${VMMNET_RUNS:-6}
COUNT=${VMMNET_COUNT:-20000}
DEADLINE=120	# seconds of console silence before a VMM is killed
CMDLINE="sbx.ip=10.0.2.2/30 sbx.gw=10.0.2.1 mode=bench count=$COUNT"

die() { echo "bench: vmm-net: $*" >&2; exit 111; }

[[ -e $B/vmm && -e $B/guests/net.elf ]] || die "build/vmm or build/guests/net.elf missing: run \`make all test-binaries\`"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed"
bench_vmm_prereqs "bench: vmm-net" "$OUT"

bench_workdir sbx-bench-vmmnet "bench: vmm-net"
NS=sbx-bench-net-$$
ip netns add "$NS"
ip -n "$NS" link set lo up
trap 'ip netns del "$NS" 2>/dev/null; bench_cleanup' EXIT
start_s=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# Copies, so that a rebuild during the run cannot mix two binaries.
cp "$B/vmm" "$T/vmm"
cp "$B/guests/net.elf" "$T/net.elf"
TAP_EXEC=("$ROOT/tests/helpers/tap-exec" benchtap 10.0.2.1/30 5)
VMM_ARGV=("${TAP_EXEC[@]}" "$T/vmm" --kernel "$T/net.elf" --memory 32M --net fd=5
	--cmdline "$CMDLINE")
qemu_argv() {	# ACCEL: sets QEMU_ARGV
	# shellcheck disable=SC2054 # commas inside QEMU's option values
	QEMU_ARGV=("${TAP_EXEC[@]}" "$QEMU" -M microvm,acpi=off -accel "$1" -m 32M -smp 1 -nodefaults
		-no-user-config -display none -no-reboot -serial stdio
		-device isa-debug-exit,iobase=0x501,iosize=1 -global virtio-mmio.force-legacy=false
		-netdev tap,id=n0,fd=5 -device virtio-net-device,netdev=n0,mac=52:54:00:12:34:56
		-kernel "$T/net.elf" -append "$CMDLINE")
}
qemu_argv kvm
QEMU_KVM_ARGV=("${QEMU_ARGV[@]}")
qemu_argv tcg
QEMU_TCG_ARGV=("${QEMU_ARGV[@]}")
# QEMU exits (0 << 1) | 1 for the guest's power-off through debug-exit.
declare -A want_exit=([vmm]=0 [qemu-kvm]=1 [qemu-tcg]=1)

# run KIND ROUND: one run under console-stamp, inside the namespace; its
# figures as "RTPS CPU_MS" on stdout: echo round trips per second between
# the two marker lines, and the VMM's CPU time (all threads, 10 ms ticks)
# over the same window.
run() {
	local name=$1-$2 argv
	case $1 in
	vmm) argv=("${VMM_ARGV[@]}") ;;
	qemu-kvm) argv=("${QEMU_KVM_ARGV[@]}") ;;
	qemu-tcg) argv=("${QEMU_TCG_ARGV[@]}") ;;
	esac
	ip netns exec "$NS" "$STAMP" "$DEADLINE" -- "${argv[@]}" > "$T/$name.tsv" 2> "$T/$name.stderr" ||
		die "$name: console-stamp failed: $(tail -1 "$T/$name.stderr")"
	[[ $(sed -n 's/^X\t//p' "$T/$name.tsv") == "${want_exit[$1]}" ]] ||
		die "$name: exit $(sed -n 's/^X\t//p' "$T/$name.tsv"), expected ${want_exit[$1]} (see $T/$name.tsv)"
	grep -q "net: bench $COUNT requests, $COUNT replies" "$T/$name.tsv" ||
		die "$name: not every echo request was answered (see $T/$name.tsv)"
	awk -F'\t' -v n="$COUNT" -v hz="$(getconf CLK_TCK)" '
		$1 == "L" && $4 == "net: bench start" { a = $2; ta = $3 }
		$1 == "L" && $4 == "net: bench end" { b = $2; tb = $3 }
		$1 == "P" && $3 == 0 { cpu[$2] = $4 + $5 }
		END { printf "%.1f %.0f\n", n * 1e9 / (tb - ta), (cpu[b] - cpu[a]) * 1000 / hz }' "$T/$name.tsv"
}

# Does QEMU's -accel kvm run the guest here? One run as the probe.
KINDS=(vmm qemu-kvm qemu-tcg)
if ! probe=$(run qemu-kvm 0 2>&1); then
	KINDS=(vmm qemu-tcg)
	kvm_failed=${probe#bench: vmm-net: }
fi
declare -A rtps cpu
echo "bench: vmm-net: $RUNS rounds of ${KINDS[*]}, $COUNT echo round trips each, interleaved" >&2
for ((r = 1; r <= RUNS; r++)); do
	order=("${KINDS[@]}")
	((r % 2)) || for ((i = 0; i < ${#KINDS[@]}; i++)); do order[i]=${KINDS[${#KINDS[@]} - 1 - i]}; done
	for k in "${order[@]}"; do
		read -r x c < <(run "$k" "$r")
		rtps[$k]+=$'\t'$x
		cpu[$k]+=$'\t'$c
	done
	echo "bench: vmm-net: round $r of $RUNS done" >&2
done
{
	for k in "${KINDS[@]}"; do
		printf '%s\trtps%s\n%s\tcpu_ms%s\n' "$k" "${rtps[$k]}" "$k" "${cpu[$k]}"
	done
} > "$T/runs.tsv"

S() { python3 "$ROOT/bench/stats.py" "$@"; }
mm() {	# KIND METRIC FMT: "median (min–max)"
	local med min max
	read -r med min max < <(S get "$T/runs.tsv" "$1:$2":{median,min,max} --fmt "$3")
	printf '%s (%s–%s)' "$med" "$min" "$max"
}
by_round() {	# KIND METRIC: build/vmm over KIND, round by round: "median (min–max)"
	local med min max
	read -r med _ _ min max < <(S paired "$T/runs.tsv" "vmm:$2" "$1:$2" --quotient --fmt %.2f)
	printf '%s (%s–%s)' "$med" "$min" "$max"
}
pps() { S calc %.0f "$(S get "$T/runs.tsv" "$1:rtps:median")" x 2; }
declare -A label=([vmm]="build/vmm, KVM" [qemu-kvm]="QEMU microvm, -accel kvm"
	[qemu-tcg]="QEMU microvm, -accel tcg")
table=$(
	echo "| VMM | echo round trips/s: median (min–max) | build/vmm over it, by round | packets/s (median × 2) | the VMM's CPU ms over the window |"
	echo "|---|---:|---:|---:|---:|"
	for k in "${KINDS[@]}"; do
		if [[ $k == vmm ]]; then ratio=–; else ratio="**$(by_round "$k" rtps)**"; fi
		printf '| %s | %s | %s | %s | %s |\n' "${label[$k]}" "$(mm "$k" rtps %.0f)" "$ratio" "$(pps "$k")" \
			"$(mm "$k" cpu_ms %.0f)"
	done
)
if [[ ${KINDS[1]} == qemu-kvm ]]; then
	accel_note="QEMU ran the guest with \`-accel kvm\` here (a probe run printed every reply and exited 1): this host's KVM is PVM-style, without VT-x, which runs these freestanding guests (not Debian's kernel) for QEMU as for build/vmm. QEMU also runs with \`-accel tcg\`, as sandboxd runs QEMU on this host."
else
	accel_note="**\`-accel kvm\` did not run the guest under QEMU here** ($kvm_failed), so QEMU runs with \`-accel tcg\` only: this host's KVM is PVM-style, without VT-x."
fi
quoted() { shell_words "$@" | sed "s|$T|\$T|g; s|$ROOT/||g"; }
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$((SECONDS - start_s))

section=$(cat <<EOF
$HEADING

Written by \`bench/vmm-net.sh\` (\`make bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; $(host_kind | sed 's/\*\*//g'), $(nproc) CPUs, load average $load_start at start, $load_end at end; ${elapsed} s.

The net test guest (\`tests/guests/net.c\`, \`mode=bench count=$COUNT\`, the same ELF for both) resolves the host side's MAC, then sends $COUNT ICMP echo requests to the host side of its tap, one at a time, each reply waited for by polling the used ring: each round trip is one frame out and one in, through the VMM's virtio-net and the host kernel's tap and ICMP. The time is from the console line \`net: bench start\` to \`net: bench end\`, as \`bench/console-stamp.c\` sees them arrive; every request was answered in every run. Each VMM gets a fresh tap made as sandboxd makes them (\`IFF_TAP|IFF_NO_PI|IFF_VNET_HDR\`, by \`tests/helpers/tap-exec\`, host side 10.0.2.1/30) in a network namespace made for the run; $RUNS rounds, interleaved (odd rounds build/vmm first).

- build/vmm (its own virtio-net, offloads off): \`$(quoted "${VMM_ARGV[@]:4}")\`
- QEMU microvm: \`$(quoted "${QEMU_TCG_ARGV[@]:4}")\` (and the same with \`-accel kvm\`); $("$QEMU" --version | head -1)

$accel_note The CPU time is the VMM process's, all threads (\`/proc/PID/stat\`, 10 ms ticks), between the two marker lines: with KVM it includes the guest's own time, which polls the used ring throughout.

$table

Reading: a latency-bound ping-pong of small frames, one outstanding, not a throughput test; each round trip costs the guest two notifies (transmit, and the receive buffer posted again), each an exit to the VMM, which on this PVM-style KVM costs far more than on hardware KVM, while under TCG it is a call inside QEMU's JIT. The bundled VMM's path: the frame copied through one buffer each way, receive on the main thread woken by poll, transmit written on the vCPU during its notify; QEMU's virtio-net and tap backend run on its main loop. No offloads and no mergeable buffers on either side (the guest negotiates neither).
EOF
)
# The section replaces the one a previous run wrote (from its heading to
# the end of the file).
python3 - "$OUT" "$HEADING" "$section" <<'PY'
import sys
path, heading, section = sys.argv[1:]
text = open(path).read()
cut = text.find("\n" + heading + "\n")
text = (text if cut < 0 else text[:cut]).rstrip("\n")
open(path, "w").write(text + "\n\n" + section + "\n")
PY
echo "$section"
