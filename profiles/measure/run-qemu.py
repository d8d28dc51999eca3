#!/usr/bin/env python3
"""Runs QEMU the way sandboxd's QEMU driver (sandboxd/driver_qemu.c) does,
optionally under strace, through one guest lifetime: boot, console output,
the guest writing to a virtio-blk disk (and to a virtio-fs share with
--share), then the graceful shutdown sandboxd does on SIGTERM (QMP
system_powerdown) and QEMU's exit.

Files reach QEMU as inherited fds, in sandboxd's order: 3 the listening QMP
socket, 4 the kernel, 5 the initrd, 6 and 7 the disk opened O_RDWR and
O_RDONLY, both in fdset 1 (-add-fd).

    run-qemu.py [--accel tcg|kvm] [--sandbox] [--share] [--vcpus N]
                [--strace-c FILE | --strace-o FILE] [--keep DIR]
                [--workload rw|ro|'many N'] [--fs-uid UID] [--fs-caps CAPS]
                [--fs-modcaps CAPS] [--fs-strace FILE]
                [--fs-sandboxd PROFILE [--fs-conf LINE]...]
                [--fs-inspect] [--fs-sigterm]

--sandbox adds QEMU's own second filter layer:
    -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
--share starts /usr/lib/qemu/virtiofsd on a temporary directory with the
argv of virtiofsd-glue/virtiofsd.c (-o sandbox=chroot, -o xattr, a
listening unix socket inherited as fd 3) and adds a vhost-user-fs device;
the guest mounts it (sbx.mount=share0) and writes a file there.
--workload rw|ro|'many N' (implies --share) runs tests/helpers/fs-workload.sh
in the guest instead, on a share prepared by tests/helpers/fs-host.sh, and
checks what the guest left there (fs-host.sh verify; for many the guest's
own checks decide). With ro the share is bind-mounted read-only in a mount
namespace of virtiofsd's own, as sandboxd's mount namespace does.

virtiofsd (profiles/measure/virtiofsd_run.py) runs as root unless:
--fs-uid UID: as that uid and gid with no supplementary groups, keeping
    --fs-caps (comma-separated; default: what virtiofsd needs to start) in
    its permitted, effective, inheritable, ambient and bounding sets, with
    securebits no_setuid_fixup and no_new_privs (as sandboxd's confine.c);
--fs-sandboxd PROFILE: under `build/sandboxd --exec` with PROFILE applied
    for real (rlimits, Landlock, seccomp in kill mode); --fs-conf LINE adds
    LINE to its VM config.
--fs-modcaps adds `-o modcaps=CAPS` (virtiofsd's own syntax, -cap:-cap).
--fs-strace traces virtiofsd (strace -f -X raw) from its exec on.
--fs-inspect prints, while the guest is up, each virtiofsd thread's ids,
    capabilities and seccomp state and what its filter chain does with
    execve, execveat, fsetxattr, ioctl and socket (build/seccomp-dump).
--fs-sigterm then sends virtiofsd SIGTERM and reports how it ended (the
    guest cannot power off cleanly after that: QMP quit after
    --shutdown-wait ends QEMU).
Exit status 0 when the guest ran its command (and the workload passed its
checks) and QEMU exited 0.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import virtiofsd_run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QEMU = "/usr/bin/qemu-system-x86_64"
VIRTIOFSD = "/usr/lib/qemu/virtiofsd"
FS_HOST = os.path.join(ROOT, "tests/helpers/fs-host.sh")
SANDBOX = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"


def qmp(sock, cmd, **args):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = args
    sock.sendall(json.dumps(msg).encode() + b"\n")
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("QMP closed")
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            reply = json.loads(line)
            if "return" in reply or "error" in reply:
                return reply


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--sandbox", action="store_true")
    ap.add_argument("--share", action="store_true")
    ap.add_argument("--vcpus", type=int, default=2)
    ap.add_argument("--memory", type=int, default=256)
    ap.add_argument("--strace-c")
    ap.add_argument("--strace-o")
    ap.add_argument("--strace-named", action="store_true",
                    help="with --strace-o: strace's symbolic decoding (KVM_* names), not -X raw")
    ap.add_argument("--keep")
    ap.add_argument("--enosys", help="with --strace-c/-o: make these syscalls (comma-separated) "
                    "fail with ENOSYS, as a profile errno action would (strace -e inject)")
    ap.add_argument("--cpu", help="default: host under kvm (as sandboxd), qemu64 under tcg")
    ap.add_argument("--shutdown-wait", type=float, default=30,
                    help="seconds from system_powerdown to QMP quit")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--guest", default=os.path.join(ROOT, "build/guest"))
    ap.add_argument("--workload", help="rw, ro or 'many N' (fs-workload.sh's modes)")
    ap.add_argument("--fs-uid", type=int)
    ap.add_argument("--fs-caps", default=virtiofsd_run.CAPS)
    ap.add_argument("--fs-modcaps")
    ap.add_argument("--fs-strace")
    ap.add_argument("--fs-sandboxd", metavar="PROFILE")
    ap.add_argument("--fs-conf", action="append", default=[], metavar="LINE")
    ap.add_argument("--fs-inspect", action="store_true")
    ap.add_argument("--fs-sigterm", action="store_true")
    opt = ap.parse_args()
    if opt.workload and opt.workload.split()[0] not in ("rw", "ro", "many"):
        ap.error("--workload: rw, ro or 'many N'")
    opt.share = opt.share or opt.workload is not None

    # Not in /tmp: a service's /tmp under sandboxd is its own.
    tmp = opt.keep or tempfile.mkdtemp(prefix="qemu-measure.", dir="/var/tmp")
    os.makedirs(tmp, exist_ok=True)
    disk = os.path.join(tmp, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    qmp_path = os.path.join(tmp, "qmp.sock")
    lsock = virtiofsd_run.listen_unix(qmp_path, 4)

    kvm = opt.accel == "kvm"
    bus = "device" if kvm else "pci"
    guest_cmd = ("dd if=/dev/urandom of=/dev/vda bs=64k count=32 conv=fsync 2>/dev/null"
                 " && echo SBX-DISK-WRITTEN")
    if opt.workload:
        # The marker comes whatever the workload found: the host checks.
        guest_cmd += ("; sh /mnt/share0/fs-workload.sh %s 2>&1; echo SBX-SHARE-WRITTEN"
                      % opt.workload)
    elif opt.share:
        guest_cmd += (" && echo hello > /mnt/share0/from-guest && cat /mnt/share0/from-host"
                      " && ls -l /mnt/share0 && echo SBX-SHARE-WRITTEN")
    guest_cmd += "; sleep 3600"
    cmdline = "console=ttyS0 quiet sbx.run=" + urllib.parse.quote(guest_cmd, safe="")
    if opt.share:
        cmdline += " sbx.mount=share0"

    srcs = [lsock.fileno(),
            os.open(os.path.join(opt.guest, "vmlinuz"), os.O_RDONLY),
            os.open(os.path.join(opt.guest, "initramfs.cpio.gz"), os.O_RDONLY),
            os.open(disk, os.O_RDWR), os.open(disk, os.O_RDONLY)]
    raised = [os.dup2(fd, 200 + i, inheritable=False) for i, fd in enumerate(srcs)]

    argv = [QEMU, "-name", "measure", "-nodefaults", "-no-user-config",
            "-display", "none", "-no-reboot", "-S",
            "-M", ("microvm,acpi=on" if kvm else "q35") + ",memory-backend=mem"]
    if kvm:
        argv += ["-global", "virtio-mmio.force-legacy=false"]
    argv += ["-accel", opt.accel, "-cpu", opt.cpu or ("host" if kvm else "qemu64"),
             "-smp", str(opt.vcpus), "-m", "%dM" % opt.memory,
             "-object", "memory-backend-memfd,id=mem,size=%dM,share=on" % opt.memory,
             "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
             "-chardev", "socket,id=qmp,fd=3,server=on,wait=off",
             "-mon", "chardev=qmp,mode=control",
             "-kernel", "/proc/self/fd/4", "-initrd", "/proc/self/fd/5",
             "-append", cmdline,
             # QEMU 7.2 opens a writable disk O_RDONLY first, then O_RDWR:
             # an fdset with only an O_RDWR fd fails with "Could not dup FD
             # for /dev/fdset/1 flags 0: Permission denied".
             "-add-fd", "fd=6,set=1", "-add-fd", "fd=7,set=1",
             "-drive", "file=/dev/fdset/1,format=raw,if=none,id=disk0,readonly=off",
             "-device", "virtio-blk-%s,drive=disk0" % bus]
    vfsd = None
    if opt.share:
        share = os.path.join(tmp, "share")
        if opt.workload:
            subprocess.run([FS_HOST, "prepare", share], check=True)
        else:
            os.makedirs(share, exist_ok=True)
            with open(os.path.join(share, "from-host"), "w") as f:
                f.write("SBX-HOST-FILE\n")
        try:
            vfsd, fs_sock = virtiofsd_run.start(opt, tmp, share, ROOT)
        except RuntimeError as e:
            print("error: %s" % e)
            return 1
        argv += ["-chardev", "socket,id=fs0,path=" + fs_sock,
                 "-device", "vhost-user-fs-%s,chardev=fs0,tag=share0" % bus]
    if opt.sandbox:
        argv += ["-sandbox", SANDBOX]

    inject = ["-e", "inject=%s:error=ENOSYS" % opt.enosys] if opt.enosys else []
    if opt.strace_c:
        argv = ["strace", "-f", "-qq", "-c"] + inject + ["-o", opt.strace_c] + argv
    elif opt.strace_o:
        argv = (["strace", "-f", "-qq", "-tt", "-s", "128"] + ([] if opt.strace_named else ["-X", "raw"]) +
                inject + ["-o", opt.strace_o] + argv)
    with open(os.path.join(tmp, "argv"), "w") as f:
        f.write("\n".join(argv) + "\n")

    def fds():
        for i, fd in enumerate(raised):
            os.dup2(fd, 3 + i)
    console_path = os.path.join(tmp, "console")
    console = open(console_path, "wb")
    t0 = time.time()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=console,
                            pass_fds=tuple(range(3, 3 + len(raised))), preexec_fn=fds)
    for fd in raised + srcs[1:]:
        os.close(fd)

    def wait_console(marker):
        while time.time() - t0 < opt.timeout:
            with open(console_path, "rb") as f:
                data = f.read()
            if marker.encode() in data:
                return True
            if proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    ok = False
    try:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(200):
            try:
                c.connect(qmp_path)
                break
            except OSError:
                time.sleep(0.05)
        c.recv(65536)  # greeting
        qmp(c, "qmp_capabilities")
        qmp(c, "cont")
        marker = "SBX-SHARE-WRITTEN" if opt.share else "SBX-DISK-WRITTEN"
        ok = wait_console(marker)
        print("guest %s after %.1f s" % ("wrote" if ok else "did NOT write", time.time() - t0))
        if vfsd and opt.fs_inspect:
            print(virtiofsd_run.inspect(vfsd, tmp, ROOT))
        if vfsd and opt.fs_sigterm:
            virtiofsd_run.terminate(vfsd)
            ok = virtiofsd_run.stop(vfsd, tmp) and ok
        # What sandboxd does on SIGTERM: ask the guest to power off.
        qmp(c, "system_powerdown")
        try:
            proc.wait(timeout=opt.shutdown_wait)
        except subprocess.TimeoutExpired:
            print("no power-off after %.0f s: QMP quit" % opt.shutdown_wait)
            ok = False
            qmp(c, "quit")
            proc.wait(timeout=10)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as e:
        print("error: %s" % e)
        ok = False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if vfsd and vfsd.returncode is None:
            ok = virtiofsd_run.stop(vfsd, tmp) and ok
    print("qemu exit status %d after %.1f s; console in %s" % (proc.returncode, time.time() - t0,
                                                          console_path))
    with open(console_path, "rb") as f:
        sys.stdout.write(f.read().decode(errors="replace")[-600:])
    if opt.workload and opt.workload.startswith("many"):
        ok = ok and b"FS-FAIL" not in open(console_path, "rb").read()
    elif opt.workload:
        mode = "verify" if opt.workload == "rw" else "verify-ro"
        verdict = subprocess.run([FS_HOST, mode, share, console_path],
                                 stdout=subprocess.PIPE, text=True)
        failures = [l for l in verdict.stdout.splitlines() if not l.startswith("HOST-OK")]
        print("host check: %s" % ("ok" if verdict.returncode == 0 else "FAILED"))
        print("\n".join(failures))
        ok = ok and verdict.returncode == 0
    if not opt.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok and proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
