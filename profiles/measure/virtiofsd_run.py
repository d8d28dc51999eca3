"""virtiofsd for run-qemu.py --share/--workload: started with the argv
sandboxd runs for the share (`sandboxd --print-argv`, virtiofsd-glue's
flags, e.g. for the C virtiofsd
    --fd=3 -o source=DIR -o cache=auto -o sandbox=chroot -o xattr
    -o log_level=warn --rlimit-nofile=0
with fd 3 a listening unix socket, bound before virtiofsd starts: QEMU may
connect at once, no waiting for a socket to appear), bare (as root, or as
a non-root uid through setpriv, optionally traced), or for real under
`sandboxd --exec` with a profile; then looked at while it serves, and
stopped.

Under `sandboxd --exec` (--fs-sandboxd PROFILE) the exec driver's command
gets no listening socket, so virtiofsd makes its socket itself
(--socket-path= in place of --fd=3, in a second writable share of the
config, which is how the service may write there), and then also writes a
locked pid file in its runstate dir, /run/virtiofsd (a third share); a
copy of the profile gets what that takes: socket(AF_UNIX), bind, listen,
an accept on any fd, mkdir, unlink, getpid, fcntl F_SETLK. With --fd=3, as
sandboxd runs it, virtiofsd does none of this (measured). It runs as the
exec driver's service (uid base + 1, not a virtiofsd service's), so
${share_rw}/${share_ro} (set only for a virtiofsd service) become
${shares_rw}/${shares_ro}. A read-only share is read-only in sandboxd's
mount namespace, as it will be for the real service. The exec driver also
starts a virtiofsd service of its own for each share of that config (with
profiles/virtiofsd), as for any VM; only the one run here is looked at."""
import os
import signal
import socket
import subprocess
import time

# QEMU 7.2's runstate dir (/var/run/virtiofsd, resolved).
PIDDIR = "/run/virtiofsd"
# The capabilities virtiofsd's setup_capabilities() asks for, chroot()
# and the bounding-set drop of its capng_apply(CAPNG_SELECT_BOTH).
CAPS = "chown,dac_override,fowner,fsetid,setgid,setuid,mknod,setfcap,sys_chroot,setpcap"
PROBES = ["execve", "execveat", "fsetxattr", "ioctl", "socket"]


def listen_unix(path, backlog):
    """A listening unix socket at PATH (an old one removed first)."""
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(backlog)
    return sock


def _bare(opt, share, argv):
    if opt.fs_uid is not None:
        caps = "".join(",+" + c for c in opt.fs_caps.split(",") if c)
        argv = ["setpriv", "--reuid=%d" % opt.fs_uid, "--regid=%d" % opt.fs_uid,
                "--clear-groups", "--inh-caps=-all" + caps, "--ambient-caps=-all" + caps,
                "--bounding-set=-all" + caps, "--securebits=+no_setuid_fixup",
                "--no-new-privs"] + argv
    if opt.workload == "ro":
        # The read-only bind mount that sandboxd's namespace gives a ro share.
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind -o ro "$0" "$0" && exec "$@"', share] + argv
    if opt.fs_strace:
        argv = ["strace", "-f", "-qq", "-tt", "-s", "128", "-X", "raw",
                "-o", opt.fs_strace] + argv
    return argv


def _exec_profile(profile, out):
    text = open(profile).read()
    for old, new in (("${share_rw}", "${shares_rw}"), ("${share_ro}", "${shares_ro}"),
                     ("\nsyscall accept if arg0 == 3\n", "\nsyscall accept\n")):
        if old not in text:
            raise RuntimeError("%s: no '%s' to adapt for the exec driver" % (profile, old.strip()))
        text = text.replace(old, new)
    with open(out, "w") as f:
        f.write(text + "\n# run-qemu.py: --socket-path= instead of an inherited fd\n"
                "syscall socket if arg0 == AF_UNIX\nsyscall bind listen mkdir unlink getpid\n"
                "syscall fcntl if arg1 == F_SETLK\n")


def _sandboxd(opt, tmp, share, root, vfsd_argv):
    sockdir = os.path.join(tmp, "sock")
    os.makedirs(sockdir, exist_ok=True)
    os.makedirs(PIDDIR, mode=0o700, exist_ok=True)
    conf = os.path.join(tmp, "vm.conf")
    with open(conf, "w") as f:
        f.write("name = fscheck\nvmm = qemu\naccel = tcg\nkernel = %s\nmemory = 256M\n"
                "share = share0:%s:%s\nshare = sock:%s:rw\nshare = pid:%s:rw\n"
                "runtime_dir = %s\nshutdown_timeout = 20\n"
                % (os.path.join(root, "build/guest/vmlinuz"), share,
                   "ro" if opt.workload == "ro" else "rw", sockdir, PIDDIR,
                   os.path.join(tmp, "run")))
        f.writelines(line + "\n" for line in opt.fs_conf)
    profile = os.path.join(tmp, "virtiofsd.profile")
    _exec_profile(opt.fs_sandboxd, profile)
    path = os.path.join(sockdir, "fs0.sock")
    return path, [os.path.join(root, "build/sandboxd"), "--exec", conf, "--profile", profile,
                  "--"] + vfsd_argv


def start(opt, tmp, share, root, vfsd_argv):
    """Starts virtiofsd on SHARE with VFSD_ARGV (sandboxd's, listening on
    fd 3); returns (Popen, socket path)."""
    log = open(os.path.join(tmp, "virtiofsd.log"), "w")
    if opt.fs_modcaps:
        vfsd_argv = vfsd_argv[:-1] + ["-o", "modcaps=" + opt.fs_modcaps] + vfsd_argv[-1:]
    if opt.fs_sandboxd:
        if opt.fs_uid is not None or opt.fs_strace or opt.fs_modcaps:
            raise RuntimeError("--fs-sandboxd: the profile sets uid and caps; no strace")
        if "--fd=3" not in vfsd_argv:
            raise RuntimeError("--fs-sandboxd: no --fd=3 to replace in %s" % vfsd_argv)
        vfsd_argv = [("--socket-path=" + os.path.join(tmp, "sock", "fs0.sock")
                      if a == "--fd=3" else a) for a in vfsd_argv]
        path, argv = _sandboxd(opt, tmp, share, root, vfsd_argv)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        # virtiofsd makes the socket: wait for it, or for sandboxd's end.
        deadline = time.time() + 20
        while not os.path.exists(path) and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        if not os.path.exists(path):
            raise RuntimeError("no socket from virtiofsd under sandboxd: see virtiofsd.log")
    else:
        path = os.path.join(tmp, "fs0.sock")
        lsock = listen_unix(path, 1)
        argv = _bare(opt, share, vfsd_argv)
        # A CLOEXEC copy out of the way of 3, which the child's dup2 fills.
        fd = os.dup2(lsock.fileno(), 100, inheritable=False)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=log, pass_fds=(3,), preexec_fn=lambda: os.dup2(fd, 3))
        os.close(fd)
        lsock.close()
    with open(os.path.join(tmp, "virtiofsd.argv"), "w") as f:
        f.write("\n".join(argv) + "\n")
    # inspect() and terminate() look for this command line: under sandboxd
    # each share of the config also has a virtiofsd service of its own.
    proc.vfsd_argv = vfsd_argv
    return proc, path


def _descendants(proc):
    """PIDs under PROC (inclusive) that run its virtiofsd command line."""
    pid = proc.pid
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    found = []
    for p in parent:
        q = p
        while q > 1 and q != pid:
            q = parent.get(q, 0)
        try:
            with open("/proc/%d/cmdline" % p, "rb") as f:
                argv = f.read().decode().split("\0")[:-1]
            if q == pid and argv == proc.vfsd_argv:
                found.append(p)
        except OSError:
            pass
    return found


def inspect(proc, tmp, root):
    """Each virtiofsd thread: ids, capabilities, no_new_privs, seccomp, and
    its filter chain's verdict on PROBES. Saved in tmp/virtiofsd.inspect."""
    keys = ("Uid", "Gid", "Groups", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs",
            "Seccomp", "Seccomp_filters")
    out = []
    for pid in _descendants(proc):
        for tid in sorted(os.listdir("/proc/%d/task" % pid), key=int):
            base = "/proc/%d/task/%s/" % (pid, tid)
            comm = open(base + "comm").read().strip()
            lines = [l.split(":", 1) for l in open(base + "status")]
            out.append("thread %s (%s): %s" % (tid, comm, "; ".join(
                "%s %s" % (k, " ".join(v.split())) for k, v in lines if k in keys)))
            dump = subprocess.run([os.path.join(root, "build/seccomp-dump"), tid] + PROBES,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            out.append("  " + dump.stdout.strip().replace("\n", "; "))
    text = "\n".join(out) or "no virtiofsd process found"
    with open(os.path.join(tmp, "virtiofsd.inspect"), "w") as f:
        f.write(text + "\n")
    return text


def terminate(proc):
    """SIGTERM to virtiofsd itself (not to sandboxd or strace in front)."""
    for pid in _descendants(proc):
        os.kill(pid, signal.SIGTERM)


def stop(proc, tmp):
    """virtiofsd ends by itself when QEMU closes the vhost-user connection
    (and sandboxd with it, with its status)."""
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        print("virtiofsd still runs 10 s after QEMU: killed")
        proc.kill()
        proc.wait()
        return False
    print("virtiofsd exit status %d" % proc.returncode)
    if proc.returncode != 0:
        with open(os.path.join(tmp, "virtiofsd.log")) as f:
            print("virtiofsd.log:\n" + f.read()[-1500:])
    return proc.returncode == 0
