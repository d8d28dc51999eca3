#!/bin/bash
# The benchmark of `make bench`: writes bench/results/sandbox.md and prints it.
#  (a) launch of /bin/true: bare exec, unshare, bwrap (two flag sets) and
#      sandboxd --exec, interleaved, LAUNCH_RUNS timed runs each;
#  (b) boot of the guest image to SBX-GUEST-READY: sandboxd against the same
#      QEMU command run bare, interleaved, BOOT_RUNS runs each;
#  (c) VmHWM/VmRSS of sandboxd's two processes and of QEMU, read while the
#      guest runs (right after SBX-GUEST-READY, in every run of (b)).
# Then bench/vmm.sh benchmarks the bundled VMM (bench/results/vmm.md).
# All timing is done by build/bench/launch-timer (bench/launch-timer.c).
# `make bench` builds sandboxd and the guest first.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
OUT=$ROOT/bench/results/sandbox.md
LAUNCH_RUNS=${LAUNCH_RUNS:-300}
LAUNCH_WARMUP=${LAUNCH_WARMUP:-20}
BOOT_RUNS=${BOOT_RUNS:-10}
BOOT_WARMUP=${BOOT_WARMUP:-1}
MARKER=SBX-GUEST-READY
SERVICE_ID=2000000001	# uid/gid of the VMM service: default uid_base + role 1

die() { echo "bench: $*" >&2; exit 111; }

SANDBOXD=$B/sandboxd
KERNEL=$B/guest/vmlinuz
INITRD=$B/guest/initramfs.cpio.gz
for f in "$SANDBOXD" "$KERNEL" "$INITRD"; do
	[[ -e $f ]] || die "$f missing: run \`make bench\` (it builds sandboxd and the guest)"
done
TRUE=/bin/true
UNSHARE=$(command -v unshare) || die "unshare (util-linux) not installed"
BWRAP=$(command -v bwrap) || die "bwrap (bubblewrap) not installed"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed"

mkdir -p "$B/bench" "$(dirname "$OUT")"
# Static: see bench/vmm.sh, which builds it the same way.
cc -O2 -static -Wall -Wextra -Werror -std=gnu17 -o "$B/bench/launch-timer" "$ROOT/bench/launch-timer.c"
TIMER=$B/bench/launch-timer

T=$(mktemp -d /tmp/sbx-bench.XXXXXX)
cleanup() {
	local rc=$?
	if ((rc == 0)); then rm -rf "$T"; else echo "bench: failed; logs kept in $T" >&2; fi
}
trap cleanup EXIT
mkdir "$T/logs"
start_s=$SECONDS
# A copy, so that a rebuild during the run cannot mix two binaries.
cp "$SANDBOXD" "$T/sandboxd"
SANDBOXD=$T/sandboxd
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- (a) launch
# The service profiles of this tree (seccomp, Landlock, rlimits, caps), where
# the driver names one.
PROFILE_LINE=
[[ -d $ROOT/profiles ]] && PROFILE_LINE="profile_dir = $ROOT/profiles"
cat > "$T/exec.conf" <<EOF
name = bench
kernel = $KERNEL
runtime_dir = $T/run-exec
$PROFILE_LINE
EOF
# One run for its log: what the setup consisted of.
"$SANDBOXD" --exec "$T/exec.conf" -- "$TRUE" 2> "$T/exec.log" ||
	{ cat "$T/exec.log" >&2; die "sandboxd --exec failed"; }

BWRAP_FLAGS=(--unshare-pid --die-with-parent --ro-bind / / --proc /proc --dev /dev
	--tmpfs /tmp --tmpfs /dev/shm --new-session --cap-drop ALL)
BWRAP_USER_FLAGS=(--unshare-user --uid "$SERVICE_ID" --gid "$SERVICE_ID")
launch_names=(
	"bare exec"
	"unshare"
	"bwrap"
	"bwrap + userns"
	"sandboxd --exec"
)
launch_cmds=(
	"$TRUE"
	"$UNSHARE --pid --mount --fork --mount-proc $TRUE"
	"$BWRAP ${BWRAP_FLAGS[*]} $TRUE"
	"$BWRAP ${BWRAP_USER_FLAGS[*]} ${BWRAP_FLAGS[*]} $TRUE"
	"$SANDBOXD --exec $T/exec.conf -- $TRUE"
)
launch_argv=()
for c in "${launch_cmds[@]}"; do
	# shellcheck disable=SC2206 # the commands are plain words
	launch_argv+=(${c} ---)
done
unset 'launch_argv[${#launch_argv[@]}-1]'

echo "bench: (a) launch of /bin/true, ${#launch_cmds[@]} launchers interleaved, $LAUNCH_RUNS runs each after $LAUNCH_WARMUP warm-up rounds" >&2
"$TIMER" launch "$LAUNCH_RUNS" "$LAUNCH_WARMUP" "${launch_argv[@]}" > "$T/launch.tsv"

# ---------------------------------------------------------------- (b) boot
CMDLINE="console=ttyS0 quiet"
cat > "$T/vm.conf" <<EOF
name = bench
vmm = qemu
accel = auto
kernel = $KERNEL
initrd = $INITRD
cmdline = $CMDLINE
memory = 256M
vcpus = 1
shutdown_timeout = 30
runtime_dir = $T/run-vm
$PROFILE_LINE
EOF

# What sandboxd's QEMU driver runs under TCG (sandboxd/driver_qemu.c), with
# paths instead of inherited fds, and without -S and the QMP monitor that
# sandboxd uses to start the guest and to power it off.
ACCEL=tcg
MACHINE=q35
CPU=qemu64
if [[ -e /sys/module/kvm_intel || -e /sys/module/kvm_amd ]] && [[ -w /dev/kvm ]]; then
	ACCEL=kvm MACHINE=microvm,acpi=on CPU=host
fi
BARE_QEMU=("$QEMU" -name bench -nodefaults -no-user-config -display none -no-reboot
	-M "$MACHINE,memory-backend=mem")
[[ $ACCEL == kvm ]] && BARE_QEMU+=(-global virtio-mmio.force-legacy=false)
# shellcheck disable=SC2054 # commas inside QEMU's option values
BARE_QEMU+=(-accel "$ACCEL" -cpu "$CPU" -smp 1 -m 256M
	-object memory-backend-memfd,id=mem,size=256M,share=on
	-chardev stdio,id=console,signal=off -serial chardev:console
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE")

echo "bench: (b) boot to $MARKER, sandboxd and bare QEMU interleaved, $BOOT_RUNS runs each after $BOOT_WARMUP warm-up round" >&2
"$TIMER" boot "$BOOT_RUNS" "$BOOT_WARMUP" "$MARKER" "$T/logs" \
	"$SANDBOXD" "$T/vm.conf" --- "${BARE_QEMU[@]}" > "$T/boot.tsv"

# The QEMU argv that sandboxd ran, and whether the bare one is the same
# once fds, -S and the QMP monitor are taken out.
sbx_argv=$(cat "$T/logs/argv-0-d2.txt")
bare_argv=$(cat "$T/logs/argv-1-d0.txt")
norm=$sbx_argv
norm=${norm/ -S / }
norm=$(sed -E 's| -chardev socket,id=qmp,fd=[0-9]+,server=on,wait=off -mon chardev=qmp,mode=control||' <<< "$norm")
kfd=$(sed -nE 's|.* -kernel /proc/self/fd/([0-9]+) .*|\1|p' <<< "$norm")
ifd=$(sed -nE 's|.* -initrd /proc/self/fd/([0-9]+) .*|\1|p' <<< "$norm")
norm=${norm/-kernel \/proc\/self\/fd\/$kfd/-kernel $KERNEL}
norm=${norm/-initrd \/proc\/self\/fd\/$ifd/-initrd $INITRD}
if [[ $norm == "$bare_argv" ]]; then
	argv_check="identical once the fds, \`-S\` and the QMP monitor are taken out"
else
	argv_check="**differs** (check bench/run.sh against sandboxd/driver_qemu.c): after taking out fds, -S and QMP, sandboxd's is \`$norm\`"
fi

# ---------------------------------------------------------------- results
# get FILE K METRIC COLUMN: COLUMN 4 median, 5 p10, 6 p90, 7 min, 8 max.
get() { awk -F'\t' -v k="$2" -v m="$3" -v c="$4" '$1 == k && $2 == m { print $c; exit }' "$1"; }
comm_of() { awk -F'\t' -v k="$1" -v d="$2" '$1 == k && $2 == "comm" && $3 == d { print $4; exit }' "$T/boot.tsv"; }
f2() { printf '%.2f' "$1"; }
f0() { printf '%.0f' "$1"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

[[ $(comm_of 0 d0) == sandboxd && $(comm_of 0 d1) == sandboxd && $(comm_of 0 d2) == qemu-system-x86 &&
   $(comm_of 1 d0) == qemu-system-x86 ]] || die "unexpected process tree: $(grep comm "$T/boot.tsv" | tr '\n\t' '; ')"
for k in 0 1; do
	[[ $(get "$T/boot.tsv" $k exit_status 8) == 0.000 ]] || die "boot command $k exited non-zero (see $T/logs)"
done

launch_table() {
	local bare k
	bare=$(get "$T/launch.tsv" 0 ms 4)
	echo "| Launcher | median ms | p10 | p90 | min | max | median − bare | median CPU ms |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	for k in "${!launch_names[@]}"; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${launch_names[k]}" \
			"$(f2 "$(get "$T/launch.tsv" "$k" ms 4)")" "$(f2 "$(get "$T/launch.tsv" "$k" ms 5)")" \
			"$(f2 "$(get "$T/launch.tsv" "$k" ms 6)")" "$(f2 "$(get "$T/launch.tsv" "$k" ms 7)")" \
			"$(f2 "$(get "$T/launch.tsv" "$k" ms 8)")" "$(sub "$(get "$T/launch.tsv" "$k" ms 4)" "$bare")" \
			"$(f2 "$(get "$T/launch.tsv" "$k" cpu_ms 4)")"
	done
}

boot_table() {
	local k names=("sandboxd (QEMU as its VMM service)" "bare QEMU, same argv")
	echo "| Command | median ms | p10 | p90 | min | max | median stop ms |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for k in 0 1; do
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${names[k]}" \
			"$(f0 "$(get "$T/boot.tsv" $k ready_ms 4)")" "$(f0 "$(get "$T/boot.tsv" $k ready_ms 5)")" \
			"$(f0 "$(get "$T/boot.tsv" $k ready_ms 6)")" "$(f0 "$(get "$T/boot.tsv" $k ready_ms 7)")" \
			"$(f0 "$(get "$T/boot.tsv" $k ready_ms 8)")" "$(f0 "$(get "$T/boot.tsv" $k stop_ms 4)")"
	done
}

# The runs in order, and how many took over 1.2x the fastest of either command.
runs_of() { awk -F'\t' -v k="$1" '$1 == k && $2 == "ready_runs" { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$T/boot.tsv"; }
fastest=$(awk -F'\t' '$2 == "ready_runs" { for (i = 3; i <= NF; i++) if (m == "" || $i < m) m = $i } END { print m }' "$T/boot.tsv")
slow_of() { awk -F'\t' -v k="$1" -v f="$fastest" '$1 == k && $2 == "ready_runs" { for (i = 3; i <= NF; i++) n += ($i > 1.2 * f) } END { print n + 0 }' "$T/boot.tsv"; }

mem_row() {	# NAME K DEPTH
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" \
		"$(f0 "$(get "$T/boot.tsv" "$2" "d$3.hwm_kb" 4)")" "$(f0 "$(get "$T/boot.tsv" "$2" "d$3.hwm_kb" 7)")" \
		"$(f0 "$(get "$T/boot.tsv" "$2" "d$3.hwm_kb" 8)")" "$(f0 "$(get "$T/boot.tsv" "$2" "d$3.rss_kb" 4)")" \
		"$(f0 "$(get "$T/boot.tsv" "$2" "d$3.shmem_kb" 4)")"
}

mem_table() {
	echo "| Process | VmHWM median kB | min | max | VmRSS median kB | of which RssShmem |"
	echo "|---|---:|---:|---:|---:|---:|"
	mem_row "sandboxd, outer process" 0 0
	mem_row "sandboxd, PID 1 of the VM" 0 1
	mem_row "QEMU under sandboxd (uid $SERVICE_ID)" 0 2
	mem_row "QEMU bare (root)" 1 0
}

# Figures for the reading; its wording follows the figures.
L() { get "$T/launch.tsv" "$1" ms 4; }
bare_ms=$(L 0) unshare_ms=$(L 1) bwrap_ms=$(L 2) bwrapu_ms=$(L 3) sbx_ms=$(L 4)
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
C() { f2 "$(get "$T/launch.tsv" "$1" cpu_ms 4)"; }
cpu_note="In CPU time (user + system) the order is: bare $(C 0) ms, unshare $(C 1) ms, bwrap $(C 2) ms ($(C 3) ms with a user namespace), sandboxd $(C 4) ms."
bare_p10=$(get "$T/launch.tsv" 0 ms 5) bare_p90=$(get "$T/launch.tsv" 0 ms 6)
if awk -v a="$bare_p90" -v b="$bare_p10" 'BEGIN { exit !(a > 2 * b) }'; then
	cpu_note+=" The host was busy during (a): even bare exec's p90 is $(ratio "$bare_p90" "$bare_p10")× its p10, so the wall-time medians carry other work's noise; the min and CPU columns are steadier."
fi
if lt "$sbx_ms" "$bwrap_ms"; then
	vs_bwrap="faster than bwrap ($(f2 "$bwrap_ms") ms, $(f2 "$bwrapu_ms") ms with a user namespace), which sets up a comparable sandbox as root"
else
	vs_bwrap="$(ratio "$sbx_ms" "$bwrap_ms")× bwrap ($(f2 "$bwrap_ms") ms, $(f2 "$bwrapu_ms") ms with a user namespace)"
fi
sbx_boot=$(get "$T/boot.tsv" 0 ready_ms 4) bare_boot=$(get "$T/boot.tsv" 1 ready_ms 4)
boot_diff=$(awk -v a="$sbx_boot" -v b="$bare_boot" 'BEGIN { printf "%+.0f", a - b }')
spread=$(awk -v a="$(get "$T/boot.tsv" 0 ready_ms 6)" -v b="$(get "$T/boot.tsv" 0 ready_ms 5)" \
	-v c="$(get "$T/boot.tsv" 1 ready_ms 6)" -v d="$(get "$T/boot.tsv" 1 ready_ms 5)" \
	'BEGIN { x = a - b; y = c - d; printf "%.0f", (x > y ? x : y) }')
if awk -v d="$boot_diff" -v s="$spread" 'BEGIN { exit !((d < 0 ? -d : d) <= s) }'; then
	boot_verdict="no larger than the p10–p90 spread of the runs (up to ${spread} ms): with $BOOT_RUNS runs each, sandboxd adds no boot time that this host can measure"
	if (( $(slow_of 0) + $(slow_of 1) > 0 )); then
		boot_verdict+=" (the spread comes from outliers: $(slow_of 0) runs under sandboxd and $(slow_of 1) bare took more than 1.2× the fastest boot, $(f0 "$fastest") ms)"
	fi
else
	boot_verdict="larger than the p10–p90 spread of the runs (up to ${spread} ms), so a real difference on this host"
fi
sbx_pair_kb=$(awk -v a="$(get "$T/boot.tsv" 0 d0.hwm_kb 4)" -v b="$(get "$T/boot.tsv" 0 d1.hwm_kb 4)" 'BEGIN { print a + b }')
qemu_kb=$(get "$T/boot.tsv" 1 d0.hwm_kb 4)
qemu_shm_kb=$(get "$T/boot.tsv" 1 d0.shmem_kb 4)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# What kind of host this is.
if grep -qw hypervisor /proc/cpuinfo; then
	host_kind="**This host is itself a virtual machine** (hypervisor: $(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -1))"
else
	host_kind="This host is not a virtual machine"
fi
container=$(systemd-detect-virt --container 2>/dev/null || true)
[[ -n $container && $container != none ]] && host_kind+=", inside a $container container"
kvm_mods=$(cd /sys/module && printf '%s ' kvm_* 2>/dev/null | sed 's/ $//')
if [[ $ACCEL == tcg ]]; then
	accel_note="its KVM (modules: ${kvm_mods:-none}) has no VT-x/SVM (no kvm_intel/kvm_amd), so the guest runs under **QEMU TCG**"
else
	accel_note="the guest runs under QEMU with KVM"
fi
elapsed=$((SECONDS - start_s))

{
cat <<EOF
# sandboxd benchmark

Written by \`bench/run.sh\` (\`make bench\`); timing by \`bench/launch-timer.c\`.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); \`build/sandboxd\` (sha256 \`$(sha256sum < "$SANDBOXD" | cut -c1-12)\`) from the working tree at commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`
- Host: Linux $(uname -r), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM
- $host_kind, with $(nproc) CPUs; $accel_note (accel \`$ACCEL\`, machine \`$MACHINE\`).
- $("$QEMU" --version | head -1); bubblewrap $("$BWRAP" --version | awk '{ print $2 }'); $("$UNSHARE" --version)
- Load average at start $load_start, at end $load_end (other work may share the 2 cores; interleaving spreads it over all contenders). Whole run: ${elapsed} s.

## (a) Launch of \`/bin/true\`

Each run: \`clock_gettime(CLOCK_MONOTONIC)\`, \`posix_spawn\` (stdio on /dev/null), \`wait4\` until every process of the launch is gone, \`clock_gettime\`; any exit status other than 0 aborts. The timer is a child subreaper: bwrap's outer process exits as soon as its PID 1 reports the command's status (through an eventfd) without reaping that PID 1, which then comes back to the timer, so every launcher is timed to the end of its last process. "CPU ms" is the user + system time that \`wait4\` reports for all of them: less sensitive to other load than wall time, blind to work the kernel does in other contexts (e.g. deferred namespace teardown). The launchers run interleaved (A B C D E A B C D E ...): $LAUNCH_WARMUP untimed rounds, then $LAUNCH_RUNS timed runs each. Percentiles are nearest-rank. All run as root.

- **bare exec**: \`/bin/true\`
- **unshare**: \`unshare --pid --mount --fork --mount-proc /bin/true\`
- **bwrap**: \`bwrap ${BWRAP_FLAGS[*]} /bin/true\` (as root bwrap needs no user namespace, but then cannot switch uid: \`--uid\` requires \`--unshare-user\`; no \`--unshare-ipc\`, as sandboxd creates no IPC namespace)
- **bwrap + userns**: the same plus \`${BWRAP_USER_FLAGS[*]}\` (runs as the service uid, like sandboxd, but through a user namespace, which sandboxd does not create)
- **sandboxd --exec**: \`sandboxd --exec CONF -- /bin/true\`: outer process, PID 1 in a new PID + mount namespace, read-only host rootfs, fresh /proc /sys /dev, tmpfs runtime dir, the service's own mount namespace with private tmpfs /tmp and /dev/shm, uid/gid $SERVICE_ID, no_new_privs, new session, plus what the exec driver's profile adds (seccomp, Landlock, rlimits: see the log below); config parsed and runtime dir created and removed on every run

$(launch_table)

sandboxd's log of one \`--exec\` run:

\`\`\`
$(sed "s|$T|\$T|g" "$T/exec.log")
\`\`\`

## (b) Boot to \`$MARKER\`

From \`posix_spawn\` until the marker appears on the child's stdout (a pipe the timer reads; QEMU's serial console is that stdout in both cases). Then the timer reads memory figures (c), sends SIGTERM and waits. Interleaved, $BOOT_WARMUP untimed round, then $BOOT_RUNS runs each. Guest: \`build/guest/vmlinuz\` + \`initramfs.cpio.gz\`, \`$CMDLINE\`, 256 MiB, 1 vCPU.

- sandboxd: \`sandboxd vm.conf\`. Its QEMU ran as: \`$sbx_argv\`. sandboxd starts QEMU with \`-S\` and lets the guest run with QMP \`cont\` once it has connected to QMP, so its figure includes that round trip.
- bare: \`${BARE_QEMU[*]}\`, no \`-S\`, no QMP. Compared with sandboxd's: $argv_check.
- "stop" is SIGTERM to exit and is not a like-for-like figure: sandboxd turns SIGTERM into a graceful guest power-off (ACPI power button through QMP \`system_powerdown\`, guest prints SBX-SHUTDOWN and powers off); bare QEMU just exits on SIGTERM.

$(boot_table)

sandboxd's log of the first timed boot:

\`\`\`
$(sed "s|$T|\$T|g" "$T/logs/run-0-0.stderr")
\`\`\`

Each run in order, ms (p10 and p90 are nearest-rank: with 10 runs, the 1st and 9th value): sandboxd $(runs_of 0); bare $(runs_of 1).

## (c) Peak memory

VmHWM (peak RSS), VmRSS and RssShmem (QEMU's guest RAM is a shared memfd) from \`/proc/PID/status\`, read right after \`$MARKER\` in each of the $BOOT_RUNS timed runs of (b), i.e. while the guest runs. The processes are found by parent pid (outer sandboxd → its PID 1 → QEMU).

$(mem_table)

## Reading

Running /bin/true through sandboxd's full service setup takes $(f2 "$sbx_ms") ms median, $(sub "$sbx_ms" "$bare_ms") ms over a bare exec ($(f2 "$bare_ms") ms) and $(ratio "$sbx_ms" "$unshare_ms")× \`unshare --pid --mount --fork --mount-proc\` ($(f2 "$unshare_ms") ms), which does a fraction of the work (one namespace pair, one mount, no uid switch, no second mount namespace, no tmpfs, no config, no seccomp or Landlock); it is ${vs_bwrap}, run here without seccomp or Landlock. ${cpu_note} These are milliseconds paid once per VM start, small next to a boot. The boot itself: under TCG on this host the guest reached \`$MARKER\` in $(f0 "$sbx_boot") ms median under sandboxd and $(f0 "$bare_boot") ms with the same QEMU run bare, a difference of ${boot_diff} ms, ${boot_verdict}; this includes sandboxd's start-paused-then-QMP-\`cont\` handshake. sandboxd's two processes peak at $(mib "$sbx_pair_kb") MiB together (outer + PID 1; RSS counts shared pages such as libc's), against $(mib "$qemu_kb") MiB for QEMU, of which $(mib "$qemu_shm_kb") MiB is shared memory, i.e. the part of the 256 MiB memfd guest RAM that the guest has touched, and the rest QEMU's private memory. Caveats: this host is a 2-vCPU VM, so the boot figures measure TCG more than anything else; with hardware KVM (and microvm) boots are far shorter and sandboxd's fixed few milliseconds weigh more, though still small; other sessions may have used the host's 2 cores meanwhile (see the load averages), which interleaving spreads evenly but does not remove.
EOF
} > "$OUT"
cat "$OUT"

# The bundled VMM against QEMU on the hello test guest (issue 6).
"$ROOT/bench/vmm.sh"
