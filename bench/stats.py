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
"""
import argparse
import math
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
