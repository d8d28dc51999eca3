#!/usr/bin/env python3
"""Runs QEMU the way sandboxd's QEMU driver (sandboxd/driver_qemu.c) does,
optionally under strace, through one guest lifetime: boot, console output,
the guest writing to a virtio-blk disk (and to a virtio-fs share with
--share), then the graceful shutdown sandboxd does on SIGTERM (QMP
system_powerdown) and QEMU's exit.

QEMU's argv, and virtiofsd's, are what `build/sandboxd --print-argv` prints
for a config written here (the guest, a 16 MiB disk, the share): files
reach QEMU as inherited fds at the numbers that argv names (the QMP
socket, kernel, initrd, the share's connection, the disk once read-only
and once read-write), opened here as sandboxd's PID 1 opens them.

    run-qemu.py [--accel tcg|kvm] [--sandbox] [--share] [--vcpus N]
                [--strace-c FILE | --strace-o FILE] [--keep DIR]
                [--workload rw|ro|'many N'] [--fs-uid UID] [--fs-caps CAPS]
                [--fs-modcaps CAPS] [--fs-strace FILE]
                [--fs-sandboxd PROFILE [--fs-conf LINE]...]
                [--fs-inspect] [--fs-sigterm]

--sandbox keeps QEMU's own second filter layer (-sandbox ...), which
sandboxd's argv has and which is otherwise taken out.
--share adds a share to the config: virtiofsd runs with sandboxd's argv for
it (a listening unix socket inherited as fd 3), and QEMU gets a socket
connected to it at the fd its vhost-user-fs chardev names; the guest
mounts it (sbx.mount=share0) and writes a file there.
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

import print_argv
import virtiofsd_run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOXD = os.path.join(ROOT, "build/sandboxd")
FS_HOST = os.path.join(ROOT, "tests/helpers/fs-host.sh")


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

    share = os.path.join(tmp, "share")
    conf = os.path.join(tmp, "vm.conf")
    with open(conf, "w") as f:
        f.write("name = measure\nvmm = qemu\naccel = %s\nkernel = %s\ninitrd = %s\n"
                "cmdline = %s\nmemory = %dM\nvcpus = %d\nruntime_dir = %s\ndisk = %s\n"
                % (opt.accel, os.path.join(opt.guest, "vmlinuz"),
                   os.path.join(opt.guest, "initramfs.cpio.gz"), cmdline, opt.memory,
                   opt.vcpus, os.path.join(tmp, "run"), disk))
        if opt.share:
            os.makedirs(share, exist_ok=True)
            f.write("share = share0:%s:%s\n" % (share, "ro" if opt.workload == "ro" else "rw"))
    argvs, files = print_argv.read(SANDBOXD, conf)
    argv = argvs["vmm"]
    if not opt.sandbox:
        i = argv.index("-sandbox")
        del argv[i:i + 2]
    if opt.cpu:
        argv[argv.index("-cpu") + 1] = opt.cpu
    # What each fd of QEMU's argv is: made or opened here as PID 1 does.
    srcs = {print_argv.option_fd(argv, "socket,id=qmp,"): lsock.fileno()}
    for n, (mode, path) in files.items():
        srcs[n] = os.open(path, os.O_RDWR if mode == "read-write" else os.O_RDONLY)
    vfsd = None
    if opt.share:
        if opt.workload:
            subprocess.run([FS_HOST, "prepare", share], check=True)
        else:
            with open(os.path.join(share, "from-host"), "w") as f:
                f.write("SBX-HOST-FILE\n")
        try:
            vfsd, fs_sock = virtiofsd_run.start(opt, tmp, share, ROOT, argvs["virtiofsd-share0"])
        except RuntimeError as e:
            print("error: %s" % e)
            return 1
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(fs_sock)
        srcs[print_argv.option_fd(argv, "socket,id=fs0,")] = conn.detach()
    if sorted(srcs) != list(range(3, 3 + len(srcs))):
        print("error: QEMU's fds %s are not 3.. in a row: %s" % (sorted(srcs), argv))
        return 1
    raised = [os.dup2(srcs[n], 200 + i, inheritable=False) for i, n in enumerate(sorted(srcs))]

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
    for fd in raised + [fd for fd in srcs.values() if fd != lsock.fileno()]:
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
