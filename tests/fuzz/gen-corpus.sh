#!/bin/sh
# Writes the seed corpus: well-formed requests of each type and a few
# malformed rings, in fuzz_virtio.c's input layout.  Run once; the output
# is committed under tests/fuzz/corpus/.
set -eu
out=${1:-$(dirname "$0")/corpus}
mkdir -p "$out"
python3 - "$out" <<'PY'
import struct, sys, os
out = sys.argv[1]
DESC, AVAIL, USED = 0x000, 0x100, 0x200
HDR, STATUS, DATA = 0x300, 0x310, 0x400

def image(descs, heads, avail_idx, req=None, data=b""):
    ram = bytearray(DATA + max(len(data), 1))
    for i, (addr, ln, flags, nxt) in enumerate(descs):
        struct.pack_into("<QIHH", ram, DESC + 16 * i, addr, ln, flags, nxt)
    struct.pack_into("<HH", ram, AVAIL, 0, avail_idx)
    for i, h in enumerate(heads):
        struct.pack_into("<H", ram, AVAIL + 4 + 2 * i, h)
    if req:
        struct.pack_into("<IIQ", ram, HDR, *req)
    ram[DATA:DATA + len(data)] = data
    return bytes(ram)

def seed(name, qsize, ram, disk=0, notifies=0, writes=(), desc=DESC, avail=AVAIL, used=USED, frame=0):
    # 20 bytes: the last two are reserved (fuzz_virtio.c reads guest RAM from 20)
    hdr = struct.pack("<HIIIBBBBH", qsize, desc, avail, used, disk, notifies, len(writes), frame, 0)
    w = b"".join(struct.pack("<HI", o, v) for o, v in writes)
    with open(os.path.join(out, name), "wb") as f:
        f.write(hdr + w + ram)

def rw(t, sector, ln, data_flags):
    return [(HDR, 16, 1, 1), (DATA, ln, 1 | data_flags, 2), (STATUS, 1, 2, 0)]

seed("read", 8, image(rw(0, 0, 512, 2), [0], 1, (0, 0, 1)))
seed("write", 8, image(rw(1, 3, 1024, 0), [0], 1, (1, 0, 3), b"x" * 1024))
seed("write-ro", 8, image(rw(1, 0, 512, 0), [0], 1, (1, 0, 0)), disk=1)
seed("flush", 8, image([(HDR, 16, 1, 1), (STATUS, 1, 2, 0)], [0], 1, (4, 0, 0)))
seed("get-id", 8, image([(HDR, 16, 1, 1), (DATA, 20, 3, 2), (STATUS, 1, 2, 0)], [0], 1, (8, 0, 0)))
seed("two-requests", 8, image(rw(0, 0, 512, 2) + [(HDR, 16, 1, 4), (DATA, 512, 3, 5), (STATUS, 1, 2, 0)], [0, 3], 2, (0, 0, 5)))
seed("past-end", 8, image(rw(0, 63, 1024, 2), [0], 1, (0, 0, 63)))
seed("loop", 8, image([(HDR, 16, 1, 1), (DATA, 512, 3, 0)], [0], 1, (0, 0, 0)))
seed("split-header", 8, image([(HDR, 8, 1, 1), (HDR + 8, 8, 1, 2), (DATA, 512, 3, 3), (STATUS, 1, 2, 0)], [0], 1, (0, 0, 2)))
seed("avail-jump", 8, image(rw(0, 0, 512, 2), [0], 500, (0, 0, 0)))
seed("misaligned", 8, image(rw(0, 0, 512, 2), [0], 1, (0, 0, 0)), desc=DESC + 8)
seed("register-writes", 8, image(rw(0, 0, 512, 2), [0], 1, (0, 0, 0)), writes=[(0x70, 0), (0x30, 1), (0x44, 1), (0x50, 0), (0x64, 3), (0x100, 7)])
# virtio-net (device 2), its two queues on the same rings: a transmit
# chain (then taken again as a receive chain: readable, so a reset), a
# receive chain the host's 60-byte frame lands in, one too small for it.
seed("net-tx", 8, image([(DATA, 12 + 60, 0, 0)], [0], 1, data=b"\xff" * 72), disk=2, notifies=1)
seed("net-rx", 8, image([(DATA, 2048, 2, 0)], [0], 1), disk=2, frame=46)
seed("net-rx-small", 8, image([(DATA, 16, 2, 0)], [0], 1), disk=2, frame=46)
PY
