#!/bin/sh
# Writes the seed corpus of fuzz_vhost_user.c: a backend's whole side of
# the conversation, well-formed (with and without REPLY_ACK), then a few
# garbled variants. Run once; the output is committed under
# tests/fuzz/corpus-vhost-user/.
set -eu
out=${1:-$(dirname "$0")/corpus-vhost-user}
mkdir -p "$out"
python3 - "$out" <<'PY'
import struct, sys, os
out = sys.argv[1]
REPLY = 1 | 4                      # version 1, REPLY
def reply(req, payload): return struct.pack("<III", req, REPLY, len(payload)) + payload
def u64(v): return struct.pack("<Q", v)
ACKED = [3, 2, 5] + [8, 10, 9, 12, 13, 14, 18] * 2      # SET_OWNER .. the rings' ENABLE
def conversation(ack):
    feats = (1 << 32) | ((1 << 30) if ack is not None else 0)
    s = reply(1, u64(feats))
    if ack is not None:
        s += reply(15, u64(1 << 3 if ack else 0))
    if ack:
        s += b"".join(reply(r, u64(0)) for r in ACKED)
    return s + reply(11, struct.pack("<II", 1, 0))
seeds = {
    "ack": conversation(True),
    "no-ack": conversation(False),
    "no-protocol-features": conversation(None),
    "refused": reply(1, u64(1 << 30)) + reply(15, u64(8)) + reply(3, u64(1)),
    "wrong-request": reply(2, u64(0)),
    "short-size": struct.pack("<III", 1, REPLY, 4) + b"\0" * 4,
    "no-reply-flag": struct.pack("<III", 1, 1, 8) + u64(0),
    "wrong-ring": conversation(True)[:-8] + struct.pack("<II", 0, 0),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
PY
