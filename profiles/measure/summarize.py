#!/usr/bin/env python3
"""Summarizes an `strace -f -X raw -o LOG` of QEMU (run-qemu.py --strace-o)
or virtiofsd (run-qemu.py --fs-strace): syscall counts, and the argument
values that profiles/qemu and profiles/virtiofsd condition on.

    summarize.py [--from-exec PATH] LOG [LOG...]

Counts each call once (an "<unfinished ...>" line counts, its "resumed"
line does not). "after own filter" counts only calls made once the program
installed its own filter (the first seccomp(SECCOMP_SET_MODE_FILTER, ...)
= 0: QEMU's -sandbox, virtiofsd's passthrough_seccomp.c). --from-exec
skips what comes before the successful execve of PATH (setpriv, unshare
in front of virtiofsd). Opens of relative paths (virtiofsd's openat on an
inode fd, names the guest chose) are counted by flags, not by name."""
import collections
import re
import sys

LINE = re.compile(r'^(\d+)\s+(?:[\d:.]+\s+)?(?:<\.\.\. )?([a-z0-9_]+)(\(| resumed>)(.*)$')
PROT_EXEC = 0x4


def num(s):
    s = s.strip()
    try:
        return int(s, 0)
    except ValueError:
        return s


def main(argv):
    from_exec = None
    if argv[:1] == ["--from-exec"]:
        from_exec, argv = argv[1], argv[2:]
    for path in argv:
        counts = collections.Counter()
        after = collections.Counter()
        detail = collections.defaultdict(collections.Counter)
        errors = collections.Counter()
        sandboxed = False
        started = from_exec is None
        for line in open(path, errors="replace"):
            m = LINE.match(line)
            if not m:
                continue
            pid, name, kind, rest = m.groups()
            if not started:
                started = (name == "execve" and rest.startswith('"%s"' % from_exec)
                           and rest.rstrip().endswith("= 0"))
                if not started:
                    continue
            if kind == " resumed>":
                r = re.search(r'= (-?\d+|0x[0-9a-f]+)(?: ([A-Z]+))?', rest)
                if r and r.group(2):
                    errors[(name, r.group(2))] += 1
                continue
            counts[name] += 1
            if sandboxed:
                after[name] += 1
            args = [re.sub(r'\)( += .*| <unfinished.*)?$', '', a) for a in rest.split(", ")]
            r = re.search(r'\) += (-?\d+|0x[0-9a-f]+|\?)(?: ([A-Z]+))?', rest)
            if r and r.group(2):
                errors[(name, r.group(2))] += 1
            if name == "seccomp" and rest.startswith("0x1,") and r and r.group(1) == "0":
                sandboxed = True
            if name == "ioctl":
                detail["ioctl fd,request"][args[1]] += 1
            elif name in ("socket", "socketpair"):
                detail[name + " family,type"][", ".join(args[:2])] += 1
            elif name == "clone":
                f = re.search(r'flags=(0x[0-9a-f]+)', rest)
                detail["clone flags"][f.group(1) if f else rest[:60]] += 1
            elif name == "clone3":
                f = re.search(r'flags=(0x[0-9a-f]+)', rest)
                detail["clone3 flags"][(f.group(1) if f else "?") +
                                       (" (ENOSYS)" if "ENOSYS" in rest else "")] += 1
            elif name in ("mmap", "mprotect", "pkey_mprotect"):
                prot = num(args[2])
                if isinstance(prot, int) and prot & PROT_EXEC:
                    detail[name + " with PROT_EXEC: prot,flags"][
                        ", ".join(a.strip() for a in args[2:4] if a)] += 1
            elif name in ("prctl", "fcntl", "madvise", "futex", "rt_sigaction", "rt_sigprocmask",
                          "arch_prctl", "setsockopt", "getsockopt", "eventfd2", "memfd_create",
                          "timerfd_create", "signalfd4", "sendmsg", "recvmsg", "fallocate",
                          "mremap", "getrandom", "membarrier", "rseq", "seccomp",
                          "shutdown", "accept4", "connect", "epoll_ctl", "unshare",
                          "setresuid", "setresgid", "flock", "lseek"):
                idx = {"prctl": 0, "fcntl": 1, "madvise": 2, "futex": 1, "rt_sigaction": 0,
                       "rt_sigprocmask": 0, "arch_prctl": 0, "setsockopt": slice(1, 3),
                       "getsockopt": slice(1, 3), "eventfd2": 1, "memfd_create": slice(0, 2),
                       "timerfd_create": slice(0, 2), "signalfd4": 3, "sendmsg": 2,
                       "recvmsg": 2, "fallocate": 1, "mremap": 3, "getrandom": 2,
                       "membarrier": slice(0, 2), "rseq": slice(2, 4), "seccomp": slice(0, 2),
                       "shutdown": 1, "accept4": 3, "connect": 1, "epoll_ctl": 1,
                       "unshare": 0, "setresuid": slice(0, 3), "setresgid": slice(0, 3),
                       "flock": 1, "lseek": 2}[name]
                if isinstance(idx, int) and idx >= len(args):
                    idx = len(args) - 1  # an unfinished call, cut short
                v = args[idx] if isinstance(idx, int) else ", ".join(args[idx])
                v = re.sub(r'\).*', '', v.strip()) if isinstance(idx, int) else v
                detail[name + " arg"][v[:80]] += 1
            elif name in ("openat", "open", "newfstatat", "statx", "access", "readlink",
                          "readlinkat", "faccessat2", "statfs", "execve", "mkdir", "unlink"):
                p = re.search(r'"([^"]*)"', rest)
                fl = args[2].split(")")[0] if name == "openat" and len(args) > 2 else ""
                res = "ok" if r and not r.group(2) else (r.group(2) if r else "?")
                where = p.group(1) if p else "?"
                if not where.startswith("/"):
                    where = "<relative>"
                detail["paths (" + name + ")"][("%s %s -> %s" % (where, fl, res)).strip()] += 1
        print("== %s: %d calls, %d distinct syscalls" % (path, sum(counts.values()), len(counts)))
        for name, n in sorted(counts.items()):
            print("  %-22s %7d   after own filter: %d" % (name, n, after[name]))
        for key in sorted(detail):
            print("-- " + key)
            for v, n in sorted(detail[key].items(), key=lambda kv: str(kv[0])):
                print("  %7d  %s" % (n, v))
        print("-- errors (syscall, errno)")
        for (name, e), n in sorted(errors.items()):
            print("  %7d  %s %s" % (n, name, e))


if __name__ == "__main__":
    main(sys.argv[1:])
