#!/usr/bin/env python3
"""Boot the guest image with bare QEMU and check what README.md promises.

usage: smoke-test.py [BUILD_GUEST_DIR [microvm|q35]]
       (defaults: build/guest, microvm)

Checks, each a fresh QEMU (TCG, memfd-backed shared memory):
  run        sbx.run output, SBX-EXIT 3, QEMU exits 0 by itself
  powerdown  QMP system_powerdown -> SBX-SHUTDOWN, QEMU exits 0
  ignore     sbx.ignore_shutdown=1: SBX-SHUTDOWN-IGNORED, guest keeps running
  sigint     SIGINT to PID 1 (the Ctrl-Alt-Del path) -> SBX-SHUTDOWN
  cad        (q35 only: it has an i8042) QMP send-key ctrl-alt-delete
  blk        a virtio-blk disk is /dev/vda; sbx.mount of an absent tag is
             harmless
  qmp-listen QMP on an inherited listening unix socket fd (server=on)
  qmp-pair   QMP on an inherited socketpair end (server=off)
Waits are on QEMU's output and QMP replies, bounded by a per-check deadline.
"""
import json, os, select, socket, subprocess, sys, tempfile, time, urllib.parse

OUT = sys.argv[1] if len(sys.argv) > 1 else "build/guest"
MACHINE = sys.argv[2] if len(sys.argv) > 2 else "microvm"
BUS = "device" if MACHINE == "microvm" else "pci"       # virtio-blk-BUS
KERNEL, INITRD = f"{OUT}/vmlinuz", f"{OUT}/initramfs.cpio.gz"
DEADLINE = 60.0


def host_tsc_khz():
    # Under TCG the guest's TSC is the host's; see README.md.
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return int(float(line.split(":")[1]) * 1000)
    return None


def qemu_argv(append, extra=()):
    cmdline = "console=ttyS0 panic=-1 quiet"
    if MACHINE == "microvm":
        # microvm has no HPET or PM timer to calibrate the TSC against.
        machine = ["-M", "microvm,acpi=on,memory-backend=mem",
                   "-global", "virtio-mmio.force-legacy=false"]
        khz = host_tsc_khz()
        if khz:
            cmdline += f" tsc_early_khz={khz}"
    else:
        machine = ["-M", "q35,memory-backend=mem", "-cpu", "qemu64"]
    return ["qemu-system-x86_64", *machine, "-accel", "tcg", "-m", "256M",
            "-object", "memory-backend-memfd,id=mem,size=256M,share=on",
            "-nodefaults", "-no-user-config", "-display", "none",
            "-serial", "stdio", "-no-reboot",
            "-kernel", KERNEL, "-initrd", INITRD,
            "-append", f"{cmdline} {append}".strip(), *extra]


class Guest:
    def __init__(self, append, extra=(), pass_fds=()):
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(qemu_argv(append, extra),
                                  stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  pass_fds=pass_fds)
        self.out = b""

    def expect(self, marker):
        """Read console output until MARKER appears; None on EOF/deadline."""
        marker = marker.encode()
        while marker not in self.out:
            left = self.t0 + DEADLINE - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                return None
            data = os.read(self.p.stdout.fileno(), 65536)
            if not data:
                return None
            self.out += data
        return time.monotonic() - self.t0

    def finish(self):
        """Wait for QEMU to exit by itself; return its status (None: killed)."""
        while True:
            left = self.t0 + DEADLINE - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                self.p.kill()
                self.p.wait()
                return None
            data = os.read(self.p.stdout.fileno(), 65536)
            if not data:
                return self.p.wait()
            self.out += data

    def kill(self):
        self.p.kill()
        self.p.wait()


class QMP:
    def __init__(self, sock):
        self.f = sock.makefile("rwb")
        self.sock = sock
        json.loads(self.f.readline())          # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg).encode() + b"\n")
        self.f.flush()
        while True:                            # skip events
            msg = json.loads(self.f.readline())
            if "return" in msg or "error" in msg:
                return msg


def enc(cmd):
    return urllib.parse.quote(cmd, safe="")


failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name} {detail}")
    if not ok:
        failures.append(name)


def t_run():
    g = Guest("sbx.run=" + enc("echo hello world; exit 3"))
    ready = g.expect("SBX-GUEST-READY")
    rc = g.finish()
    ok = (ready is not None and b"hello world" in g.out
          and b"SBX-EXIT 3" in g.out and rc == 0)
    check("run", ok, f"ready={ready and round(ready, 2)}s "
          f"total={round(time.monotonic() - g.t0, 2)}s rc={rc}")


def t_powerdown():
    with tempfile.TemporaryDirectory() as d:
        path = f"{d}/qmp.sock"
        g = Guest("", ["-qmp", f"unix:{path},server=on,wait=off"])
        ready = g.expect("SBX-GUEST-READY")
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        t = time.monotonic()
        QMP(s).cmd("system_powerdown")
        rc = g.finish()
        check("powerdown", ready is not None and b"SBX-SHUTDOWN" in g.out
              and rc == 0, f"exit {round(time.monotonic() - t, 2)}s "
              f"after system_powerdown, rc={rc}")


def t_ignore():
    with tempfile.TemporaryDirectory() as d:
        path = f"{d}/qmp.sock"
        g = Guest("sbx.ignore_shutdown=1",
                  ["-qmp", f"unix:{path},server=on,wait=off"])
        g.expect("SBX-GUEST-READY")
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        q = QMP(s)
        q.cmd("system_powerdown")
        ignored = g.expect("SBX-SHUTDOWN-IGNORED")
        # A second request gets a second answer, so the guest is alive.
        g.out = g.out.replace(b"SBX-SHUTDOWN-IGNORED", b"")
        q.cmd("system_powerdown")
        again = g.expect("SBX-SHUTDOWN-IGNORED")
        status = q.cmd("query-status")["return"]["status"]
        g.kill()
        check("ignore", ignored is not None and again is not None
              and b"SBX-SHUTDOWN" not in g.out.replace(b"SBX-SHUTDOWN-IGNORED", b"")
              and status == "running",
              f"status={status}")


def t_sigint():
    g = Guest("sbx.run=" + enc("kill -INT 1; read x < /run/sbx-idle"))
    rc = g.finish()
    check("sigint", b"SBX-SHUTDOWN" in g.out and b"SBX-EXIT" not in g.out
          and rc == 0, f"rc={rc}")


def t_cad():
    if MACHINE != "q35":
        return
    with tempfile.TemporaryDirectory() as d:
        path = f"{d}/qmp.sock"
        g = Guest("", ["-qmp", f"unix:{path},server=on,wait=off"])
        g.expect("SBX-GUEST-READY")
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        QMP(s).cmd("send-key", keys=[{"type": "qcode", "data": k}
                                     for k in ("ctrl", "alt", "delete")])
        rc = g.finish()
        check("cad", b"SBX-SHUTDOWN" in g.out and rc == 0, f"rc={rc}")


def t_blk():
    with tempfile.NamedTemporaryFile() as disk:
        disk.truncate(64 << 20)
        disk.flush()
        g = Guest("sbx.mount=absent sbx.run=" + enc("cat /sys/block/vda/size"),
                  ["-drive", f"file={disk.name},format=raw,if=none,id=d0",
                   "-device", f"virtio-blk-{BUS},drive=d0"])
        rc = g.finish()
        check("blk", b"\n131072" in g.out.replace(b"\r", b"")
              and b"SBX-MOUNT-FAILED absent" in g.out
              and b"SBX-EXIT 0" in g.out and rc == 0, f"rc={rc}")


def t_qmp_listen():
    with tempfile.TemporaryDirectory() as d:
        path = f"{d}/qmp.sock"
        ls = socket.socket(socket.AF_UNIX)
        ls.bind(path)
        ls.listen(1)
        fd = ls.fileno()
        g = Guest("", ["-chardev", f"socket,id=qmp,fd={fd},server=on,wait=off",
                       "-mon", "chardev=qmp,mode=control"], pass_fds=(fd,))
        ls.close()
        g.expect("SBX-GUEST-READY")
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        QMP(s).cmd("system_powerdown")
        rc = g.finish()
        check("qmp-listen", b"SBX-SHUTDOWN" in g.out and rc == 0, f"rc={rc}")


def t_qmp_pair():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    fd = b.fileno()
    g = Guest("", ["-chardev", f"socket,id=qmp,fd={fd},server=off",
                   "-mon", "chardev=qmp,mode=control"], pass_fds=(fd,))
    b.close()
    q = QMP(a)                    # usable before the guest has booted
    g.expect("SBX-GUEST-READY")
    q.cmd("system_powerdown")
    rc = g.finish()
    check("qmp-pair", b"SBX-SHUTDOWN" in g.out and rc == 0, f"rc={rc}")


for t in (t_run, t_powerdown, t_ignore, t_sigint, t_cad, t_blk, t_qmp_listen,
          t_qmp_pair):
    t0 = time.monotonic()
    t()
    print(f"     ({t.__name__[2:]}: {time.monotonic() - t0:.1f}s)")
print("FAILED: " + " ".join(failures) if failures else "all passed")
sys.exit(1 if failures else 0)
