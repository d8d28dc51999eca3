#!/usr/bin/env python3
"""qemu-ready-port.py MACHINE KERNEL: boots KERNEL (a test guest) under
QEMU's TCG on MACHINE with sandboxd's readiness port as driver_qemu.c
gives it (an isa-serial at index 1, COM2, on a socket chardev whose fd is
one end of a socket pair) and prints the first line that arrives on the
other end, the one PID 1 reads (nothing after 50 s: an empty line)."""
import socket
import subprocess
import sys

ours, qemus = socket.socketpair()
fd = qemus.fileno()
qemu = subprocess.Popen(
    ["qemu-system-x86_64", "-M", sys.argv[1], "-accel", "tcg", "-kernel", sys.argv[2],
     "-nodefaults", "-no-user-config", "-display", "none",
     "-chardev", "socket,id=ready,fd=%d" % fd, "-device", "isa-serial,chardev=ready,index=1"],
    pass_fds=[fd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
qemus.close()
got = b""
ours.settimeout(50)  # QEMU is killed below whatever happens
try:
    while b"\n" not in got:
        data = ours.recv(64)
        if not data:
            break
        got += data
except socket.timeout:
    pass
finally:
    qemu.kill()
    qemu.wait()
print(got.decode(errors="replace").strip())
