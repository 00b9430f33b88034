#!/usr/bin/env python3
"""Memory per key: ferrodis against redis-server.

Each server is started empty (pinned like compare.py, --save '' --appendonly no), its RSS
(VmRSS from /proc/<pid>/status) is read, then exactly N distinct keys `key:<n>` (n = 0..N-1)
with V-byte values are loaded over one pipelined connection (our own loader: batches of
SET commands, every reply checked to be +OK), DBSIZE is checked, and RSS is read again.
bytes per key = (RSS loaded - RSS empty) / N. The servers run one after the other.

Usage: bench/memory.py [--keys 1000000] [--value-size 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--keys", type=int, default=1_000_000)
    p.add_argument("--value-size", type=int, default=100)
    p.add_argument("--server-cpu", default="0", help="taskset -c for the servers")
    p.add_argument("--ferrodis-bin", help="default: $FERRODIS_BIN or target/release/ferrodis-server")
    p.add_argument("--redis-bin", help="default: $REDIS_BIN or redis-server on PATH")
    p.add_argument("--ferrodis-args", default="", help="extra ferrodis arguments (space-separated)")
    return p.parse_args()


def commands(n: int, size: int):
    """SET key:<i> <size bytes>; the value starts with i so that no two values are equal."""
    filler = b"v" * size
    for i in range(n):
        key = b"key:%d" % i
        tag = b"%d:" % i
        val = (tag + filler)[:size]
        yield b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(val), val)


def measure(server: Server, args) -> dict:
    server.start()
    try:
        time.sleep(0.5)
        empty = server.rss()
        t = time.monotonic()
        n = common.load_keys(server.port, commands(args.keys, args.value_size))
        load_s = time.monotonic() - t
        dbsize = int(server.command(b"DBSIZE").strip()[1:])
        if dbsize != args.keys:
            common.die(f"{server.name}: DBSIZE {dbsize} after loading {args.keys} keys")
        time.sleep(1.0)  # let background rehashing / allocator purging settle
        loaded = server.rss()
        used = None
        info = server.command(b"INFO", b"memory")
        for line in info.decode(errors="replace").splitlines():
            if line.startswith("used_memory:"):
                used = int(line.split(":")[1])
        return {"name": server.name, "empty": empty, "loaded": loaded, "sent": n,
                "load_s": load_s, "used_memory": used,
                "per_key": (loaded - empty) / args.keys}
    finally:
        server.stop()


def main() -> None:
    args = parse_args()
    fbin = common.ferrodis_bin(args.ferrodis_bin)
    rbin = common.redis_bin(args.redis_bin)
    print(f"# memory.py: keys={args.keys} value_size={args.value_size} "
          f"(keys key:<n>, n = 0..{args.keys - 1})")
    results = []
    for s in (Server("ferrodis", fbin, args.server_cpu, args.ferrodis_args.split()),
              Server("redis", rbin, args.server_cpu)):
        r = measure(s, args)
        results.append(r)
        um = f"{r['used_memory'] / 1e6:.1f} MB" if r["used_memory"] is not None else "n/a"
        print(f"  {r['name']:8} RSS empty {r['empty'] / 1e6:7.1f} MB  loaded {r['loaded'] / 1e6:7.1f} MB"
              f"  -> {r['per_key']:6.1f} bytes/key   (load {r['load_s']:.1f} s, "
              f"INFO used_memory {um})", flush=True)
    f, r = results
    print(f"ratio ferrodis/redis bytes per key: {f['per_key'] / r['per_key']:.3f}")


if __name__ == "__main__":
    main()
