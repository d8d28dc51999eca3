#!/usr/bin/env python3
"""The bare twin of a sandboxed VM's network (bench/net.sh): the QEMU argv
sandboxd runs (from `sandboxd --print-argv`, NUL-separated, in QEMU.argv),
started here as root without sandboxd, with what sandboxd passed as fds
made here instead, and for network = user the passt argv sandboxd ran
(PASST.argv) on the other end of a socketpair.

    net-bare.py tap QEMU.argv KERNEL INITRD TAPNAME
    net-bare.py user QEMU.argv KERNEL INITRD PASST.argv

Changes to the argv, all outside the network path: kernel and initrd by
path instead of /proc/self/fd/N; no -S and no QMP monitor (sandboxd's
power-off channel: the guest starts at once, SIGTERM ends QEMU); the
guest's readiness port on a null chardev; the netdev's fd is this script's tap (IFF_TAP|IFF_NO_PI|
IFF_VNET_HDR, as sandboxd makes it; its address and link are the caller's
business) or socketpair end. Runs until SIGTERM, then ends QEMU and passt."""
import fcntl
import os
import re
import signal
import socket
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
NETFD = 3


def read_argv(path):
    with open(path, "rb") as f:
        return [a.decode() for a in f.read().split(b"\0") if a]


def bare_qemu(argv, kernel, initrd):
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if a == "-S":
            i += 1
            continue
        if a == "-chardev" and nxt.startswith("socket,id=qmp,"):
            i += 2
            continue
        if a == "-mon" and nxt.startswith("chardev=qmp"):
            i += 2
            continue
        if a == "-chardev" and nxt.startswith("socket,id=ready,"):
            out += [a, "null,id=ready"]
            i += 2
            continue
        if a in ("-kernel", "-initrd"):
            out += [a, kernel if a == "-kernel" else initrd]
            i += 2
            continue
        if a == "-netdev":
            nxt = re.sub(r"\bfd=\d+", "fd=%d" % NETFD, nxt)
            nxt = re.sub(r"\baddr\.str=\d+", "addr.str=%d" % NETFD, nxt)
        out.append(a)
        if a == "-netdev":
            out.append(nxt)
            i += 1
        i += 1
    return out


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
    return fd


def high(fd):
    """FD moved above the numbers a child gets its fd at."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def start(argv, fd, procs):
    """ARGV with FD at NETFD."""
    os.dup2(fd, NETFD, inheritable=True)
    procs.append(subprocess.Popen(argv, pass_fds=(NETFD,), stdin=subprocess.DEVNULL))
    os.close(NETFD)
    os.close(fd)


def main():
    mode, qemu_argv, kernel, initrd, extra = sys.argv[1:6]
    argv = bare_qemu(read_argv(qemu_argv), kernel, initrd)
    procs = []
    if mode == "tap":
        netfd = high(open_tap(extra))
    else:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        ours, netfd = high(ours.detach()), high(theirs.detach())
        # passt's argv names its fd 3 (--fd 3), NETFD here too.
        start(read_argv(extra), ours, procs)
    start(argv, netfd, procs)

    def stop(*_):
        for p in reversed(procs):
            p.terminate()
    signal.signal(signal.SIGTERM, stop)
    for p in procs:
        p.wait()


if __name__ == "__main__":
    main()
