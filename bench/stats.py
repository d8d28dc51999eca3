#!/usr/bin/env python3
"""The statistics of the bench scripts (bench/run.sh, vmm.sh, virtiofs.sh):
they run things and write the raw figures, this computes every number their
results files show. Standard library only.

A runs file holds one line per series, tab-separated: KEY METRIC V..., each
run's figure in run order, so that the r-th values of two series were
measured in the same round (bench/launch-timer.c writes this; lines whose
values are not all numbers, such as "K comm dN NAME", are not series).
A series is named KEY:METRIC, a statistic of it KEY:METRIC:STAT, STAT one
of n, median, p10, p90, min, max, spread (p90 - p10).

FMT is a printf format (%.2f, %+.0f, ...), "auto" (%.0f from 100 up,
%.1f from 10, else %.2f) or "raw" (Python's shortest exact repr).

    stats.py get FILE SPEC... [--fmt FMT] [--sep SEP] [--div D] [--per A]
        the statistics, SEP-separated; --div D prints each divided by D,
        --per A prints A divided by each (a rate from a time).
    stats.py runs FILE SERIES [--fmt FMT] [--div D] [--sep SEP]
        the runs in order.
    stats.py paired FILE A B [--quotient] [--fmt FMT]
        "MEDIAN LO HI MIN MAX" of the round-by-round differences A - B (or
        quotients A / B) of two series; LO..HI the median's
        distribution-free 95% interval (see interval()).
    stats.py slow FILE METRIC FACTOR KEY... [--fmt FMT]
        "FASTEST N..." : the fastest run of METRIC among the KEYs, and for
        each KEY how many of its runs took over FACTOR times that.
    stats.py calc FMT A OP B      A OP B, OP one of + - x / max
    stats.py test A OP B [FACTOR]
        exit status 0 if A OP FACTOR*B holds, 1 if not; OP one of < <= > >=
    stats.py vfs-net RESULTS
        bench/virtiofs.sh's results (KIND RUN METRIC NS, a line each) as a
        runs file of net times (see vfs_net()).
    stats.py fs-stamps KIND FILE [KIND FILE]...
        bench/vmm-fs.sh's runs (bench/console-stamp.c's output, one FILE
        per run, in round order) as a runs file (see fs_stamps()).
"""
import argparse
import math
import os
import re
import statistics
import sys


def die(msg):
    print(f"stats.py: {msg}", file=sys.stderr)
    sys.exit(100)


def read_runs(path):
    """{(KEY, METRIC): [values in run order]} of a runs file."""
    series = {}
    with open(path) as f:
        for line in f:
            key, metric, *values = line.rstrip("\n").split("\t")
            try:
                series[key, metric] = [float(v) for v in values]
            except ValueError:
                continue
    return series


def series_of(runs, name):
    key, _, metric = name.partition(":")
    try:
        v = runs[key, metric]
    except KeyError:
        die(f"no series {name}")
    if not v:
        die(f"series {name} is empty")
    return v


def nearest_rank(sorted_v, p):
    """The nearest-rank percentile P (0..1) of sorted values."""
    k = max(int(p * len(sorted_v) + 0.999999), 1)
    return sorted_v[k - 1]


def interval(sorted_v):
    """The distribution-free 95% interval of the median of n sorted values:
    the order statistics n/2 - 0.98*sqrt(n) and n/2 + 1 + 0.98*sqrt(n)
    (1-based, rounded outwards, clamped to 1..n)."""
    n = len(sorted_v)
    h = 0.98 * math.sqrt(n)
    lo = max(int(n / 2 - h), 1)
    hi = min(int(n / 2 + 1 + h + 0.999999), n)
    return sorted_v[lo - 1], sorted_v[hi - 1]


STATS = {
    "n": len,
    # The median averages the two middle values when n is even.
    "median": statistics.median,
    "p10": lambda v: nearest_rank(sorted(v), 0.10),
    "p90": lambda v: nearest_rank(sorted(v), 0.90),
    "min": min,
    "max": max,
    "spread": lambda v: nearest_rank(sorted(v), 0.90) - nearest_rank(sorted(v), 0.10),
}


def fmt(form, x):
    if form == "raw":
        return repr(float(x))
    if form == "auto":
        form = "%.0f" if x >= 100 else "%.1f" if x >= 10 else "%.2f"
    return form % x


def number(word):
    try:
        return float(word)
    except ValueError:
        die(f"not a number: {word!r}")


def cmd_get(a):
    runs = read_runs(a.file)
    out = []
    for spec in a.spec:
        name, _, stat = spec.rpartition(":")
        if stat not in STATS:
            die(f"{spec}: no statistic {stat!r} (one of {', '.join(STATS)})")
        x = STATS[stat](series_of(runs, name))
        if a.div is not None:
            x /= a.div
        if a.per is not None:
            x = a.per / x
        out.append(fmt(a.fmt, x))
    print(a.sep.join(out))


def cmd_runs(a):
    v = series_of(read_runs(a.file), a.series)
    print(a.sep.join(fmt(a.fmt, x / a.div) for x in v))


def pairs(runs, a, b):
    va, vb = series_of(runs, a), series_of(runs, b)
    if len(va) != len(vb):
        die(f"{a} has {len(va)} runs, {b} {len(vb)}: not paired by round")
    return zip(va, vb)


def decimal(x):
    """X without the binary noise of the arithmetic that made it (2.05, not
    2.0500000000000007), so that a figure at a tie of its format rounds
    as the decimal it is."""
    return float(f"{x:.12g}")


def cmd_paired(a):
    runs = read_runs(a.file)
    op = CALC["/" if a.quotient else "-"]
    d = sorted(decimal(op(x, y)) for x, y in pairs(runs, a.a, a.b))
    lo, hi = interval(d)
    print(" ".join(fmt(a.fmt, x) for x in (statistics.median(d), lo, hi, d[0], d[-1])))


def cmd_slow(a):
    runs = read_runs(a.file)
    v = {k: series_of(runs, f"{k}:{a.metric}") for k in a.key}
    fastest = min(min(x) for x in v.values())
    counts = [sum(x > a.factor * fastest for x in v[k]) for k in a.key]
    print(fmt(a.fmt, fastest), *counts)


CALC = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "x": lambda x, y: x * y,
    "/": lambda x, y: x / y,
    "max": max,
}
TEST = {
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def cmd_calc(a):
    print(fmt(a.fmt, CALC[a.op](number(a.a), number(a.b))))


def cmd_test(a):
    sys.exit(0 if TEST[a.op](number(a.a), a.factor * number(a.b)) else 1)


VFS_TIMED = ("write", "read", "files", "loop")
VFS_AS_IS = ("clock", "wall", "vfsd_cpu", "qemu_cpu")


def vfs_net(path):
    """Each timed interval of every run with that run's cost of one clock
    reading taken off; "fs" is files less loop (the part of the files time
    that is not the shell's own loop), "work" the four timed intervals
    together; clock, wall and CPU times as they are. Dies if a run's
    timed work (the guest's clock) exceeds its wall time (the host's)."""
    raw = {}
    with open(path) as f:
        for line in f:
            kind, run, metric, value = line.rstrip("\n").split("\t")
            raw.setdefault(kind, {}).setdefault(int(run), {})[metric] = float(value)
    out, bad = {}, []
    for kind, by_run in raw.items():
        for run in sorted(by_run):
            v = by_run[run]
            net = {m: v[m] - v["clock"] for m in VFS_TIMED}
            net["fs"] = net["files"] - net["loop"]
            net["work"] = sum(net[m] for m in VFS_TIMED)
            net.update((m, v[m]) for m in VFS_AS_IS if m in v)
            if sum(v[m] for m in VFS_TIMED) > v["wall"]:
                bad.append(f"{kind} {run}")
            for m, x in net.items():
                out.setdefault((kind, m), []).append(x)
    if bad:
        die(f"the guest's timed work exceeds the run's wall time in: {'; '.join(bad)}")
    for (kind, m), v in out.items():
        if len(v) != len(raw[kind]):
            die(f"{kind}: {m} missing in some runs")
        print(kind, m, *(f"{x:.0f}" for x in v), sep="\t")


FS_MARKERS = {
    "start": re.compile(r"fs: bench start"),
    "console": re.compile(r"fs: bench console$"),
    "getattr": re.compile(r"fs: bench GETATTR (\d+) requests done$"),
    "write": re.compile(r"fs: bench WRITE (\d+) KiB in \d+ requests done$"),
    "read": re.compile(r"fs: bench READ (\d+) KiB in \d+ requests done$"),
}


def fs_run(path):
    """One console-stamp file: {metric: value}. The phases run from one
    marker line's arrival to the next's; CPU times are over the window from
    "bench start" to "READ ... done": the VMM's (who 0) threads from their
    schedstat run times (ns), split into the main thread (tid = pid), the
    busiest other thread (the vCPU: the guest spins on the used ring) and
    the rest; each process's total from its /proc/PID/stat ticks, which
    count ended threads too, and the VMM's guest_time among them."""
    line_of, count, t, ticks, guest, threads = {}, {}, {}, {}, {}, {}
    with open(path) as f:
        for rec in f:
            kind, *v = rec.rstrip("\n").split("\t")
            if kind == "L":
                n, ns, text = int(v[0]), int(v[1]), v[2] if len(v) > 2 else ""
                t[n] = ns
                for name, rx in FS_MARKERS.items():
                    m = rx.match(text)
                    if m and name not in line_of:
                        line_of[name] = n
                        count[name] = int(m.group(1)) if m.groups() else 0
            elif kind == "P":
                ticks[int(v[0]), int(v[1])] = int(v[2]) + int(v[3])
                guest[int(v[0]), int(v[1])] = int(v[4])
            elif kind == "T" and v[1] == "0":
                threads.setdefault(int(v[0]), {})[int(v[2])] = int(v[3])
    missing = [m for m in FS_MARKERS if m not in line_of]
    if missing:
        die(f"{path}: no marker line for {', '.join(missing)}")
    a, b = line_of["start"], line_of["read"]
    el = {m: t[line_of[m]] for m in FS_MARKERS}
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    run = {tid: threads[b][tid] - threads[a].get(tid, 0) for tid in threads[b]}
    main = min(run)     # the thread group leader: its tid is the pid
    others = sorted((ns for tid, ns in run.items() if tid != main), reverse=True)
    return {
        "getattr_rps": count["getattr"] * 1e9 / (el["getattr"] - el["console"]),
        "write_mibs": count["write"] / 1024 * 1e9 / (el["write"] - el["getattr"]),
        "read_mibs": count["read"] / 1024 * 1e9 / (el["read"] - el["write"]),
        "console_ms": (el["console"] - el["start"]) / 1e6,
        "window_ms": (el["read"] - el["start"]) / 1e6,
        "vmm_main_ms": run[main] / 1e6,
        "vmm_vcpu_ms": (others[0] if others else 0) / 1e6,
        "vmm_rest_ms": sum(others[1:]) / 1e6,
        "vmm_ms": (ticks[b, 0] - ticks[a, 0]) * tick_ms,
        "vmm_guest_ms": (guest[b, 0] - guest[a, 0]) * tick_ms,
        "vfsd_ms": (ticks[b, 1] - ticks[a, 1]) * tick_ms,
    }


def fs_stamps(pairs):
    if len(pairs) % 2:
        die("fs-stamps: expected KIND FILE pairs")
    out = {}
    for kind, path in zip(pairs[::2], pairs[1::2]):
        for m, x in fs_run(path).items():
            out.setdefault((kind, m), []).append(x)
    for (kind, m), v in out.items():
        print(kind, m, *(repr(x) for x in v), sep="\t")


def arg(*names, **kw):
    return names, kw


FILE = arg("file")
FMT_RAW = arg("--fmt", default="raw")
# Each subcommand: its function and its arguments (see the docstring).
COMMANDS = {
    "get": (cmd_get, [FILE, arg("spec", nargs="+"), FMT_RAW, arg("--sep", default=" "),
                      arg("--div", type=float), arg("--per", type=float)]),
    "runs": (cmd_runs, [FILE, arg("series"), arg("--fmt", default="%.3f"),
                        arg("--div", type=float, default=1.0), arg("--sep", default=" ")]),
    "paired": (cmd_paired, [FILE, arg("a"), arg("b"), arg("--quotient", action="store_true"),
                            arg("--fmt", default="%.3f")]),
    "slow": (cmd_slow, [FILE, arg("metric"), arg("factor", type=float), arg("key", nargs="+"), FMT_RAW]),
    "calc": (cmd_calc, [arg("fmt"), arg("a"), arg("op", choices=CALC), arg("b")]),
    "test": (cmd_test, [arg("a"), arg("op", choices=TEST), arg("b"),
                        arg("factor", type=float, nargs="?", default=1.0)]),
    "vfs-net": (lambda a: vfs_net(a.file), [FILE]),
    "fs-stamps": (lambda a: fs_stamps(a.pairs), [arg("pairs", nargs="+")]),
}


def main():
    ap = argparse.ArgumentParser(description="the bench scripts' statistics")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, (run, args) in COMMANDS.items():
        p = sub.add_parser(name)
        for names, kw in args:
            p.add_argument(*names, **kw)
        p.set_defaults(run=run)
    a = ap.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
