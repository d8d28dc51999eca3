"""The command lines sandboxd runs for a config, from `sandboxd
--print-argv` (sandboxd(8)): the measure scripts run QEMU and virtiofsd
from them, so that what they measure is what sandboxd runs."""
import shlex
import subprocess


def read(sandboxd, conf):
    """({role: argv}, {fd: (mode, path)}): each service's argv, and the
    files the VMM inherits at the fd numbers its argv names."""
    r = subprocess.run([sandboxd, "--print-argv", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("sandboxd --print-argv %s: %s" % (conf, r.stderr.strip()))
    argvs, files = {}, {}
    for line in r.stdout.splitlines():
        words = shlex.split(line)
        if words[0] == "vmm" and words[1] == "fd":
            files[int(words[2])] = (words[3], words[4])
        else:
            argvs[words[0]] = words[1:]
    return argvs, files


def option_fd(argv, prefix):
    """N of the one argument PREFIX...,fd=N,... (a chardev's fd), or None."""
    for a in argv:
        if a.startswith(prefix):
            for part in a.split(","):
                if part.startswith("fd="):
                    return int(part[3:])
    return None
