#!/usr/bin/env python3
"""Memory of collections: ferrodis against redis-server.

Five data sets, each measured on a freshly started, empty server (pinned like compare.py,
--save '' --appendonly no), ferrodis then redis:

  hash        one hash `bighash`, N fields field:<i> = value:<i>
  set         one set `bigset`, N members member:<i>
  zset        one sorted set `bigzset`, N members member:<i> with score i
  list        one list `biglist`, N elements item:<i> (RPUSH)
  smallhash   S hashes session:<k>, 10 fields each with short names (uid, name, ...) and
              10-20 byte values (a session store)

N = 1,000,000 and S = 100,000 by default. The server's anonymous resident memory (RssAnon
from /proc/<pid>/status: heap and stacks, without the binary's file pages, which the kernel
drops and reloads under memory pressure on this shared machine) is read empty; the data set
is loaded over one connection by pipelining raw RESP (variadic commands of --per-command
elements for the big keys, one HSET per small hash; --batch commands per write, every reply
checked); the element count is checked (HLEN/SCARD/ZCARD/LLEN/DBSIZE); RssAnon is read 1 s
after the load and again --settle seconds after it (default 15). The settled figure is the
one compared: redis's jemalloc background thread returns freed pages (old hash-table arrays,
query buffers) to the OS several seconds after the load (jemalloc's 10 s dirty-page decay),
e.g. 66 -> 58 MB for the 1M-member set; read at 1 s, the same redis binary gave ratios of
1.014 and 1.018 against itself. Per element (per hash for smallhash) =
(RssAnon settled - RssAnon empty) / count.
OBJECT ENCODING of the loaded keys is printed for both servers: the comparison is only fair
when they match (hashtable / hashtable / skiplist / quicklist / listpack).

To test the script without a ferrodis that has the commands, point the "ferrodis" side at a
second redis: `--ferrodis-bin $(command -v redis-server)`.

Usage: bench/memory_collections.py [--elements 1000000] [--hashes 100000] [--only hash,set,...]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server, resp  # noqa: E402

DATASETS = ["hash", "set", "zset", "list", "smallhash"]
SESSION_FIELDS = [b"uid", b"name", b"mail", b"ip", b"ua", b"ts", b"role", b"lang", b"tz", b"cart"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--elements", type=int, default=1_000_000, help="elements of each big key")
    p.add_argument("--hashes", type=int, default=100_000, help="number of small hashes")
    p.add_argument("--per-command", type=int, default=100,
                   help="elements per variadic command for the big keys (default 100)")
    p.add_argument("--batch", type=int, default=1000, help="commands per pipelined write")
    p.add_argument("--only", default=",".join(DATASETS), help="comma-separated data sets")
    p.add_argument("--settle", type=float, default=15.0,
                   help="seconds after the load at which RSS is read (default 15)")
    p.add_argument("--server-cpu", default="0", help="taskset -c for the servers")
    p.add_argument("--ferrodis-bin", help="default: $FERRODIS_BIN or target/release/ferrodis-server")
    p.add_argument("--redis-bin", help="default: $REDIS_BIN or redis-server on PATH")
    p.add_argument("--ferrodis-args", default="", help="extra ferrodis arguments (space-separated)")
    a = p.parse_args()
    a.only = [d.strip() for d in a.only.split(",") if d.strip()]
    bad = [d for d in a.only if d not in DATASETS]
    if bad:
        p.error(f"unknown data sets {bad}; known: {','.join(DATASETS)}")
    return a


def session_value(k: int, j: int) -> bytes:
    """A deterministic 10-20 byte value, distinct per (hash, field)."""
    base = b"%d-%d-" % (k, j)
    n = 10 + (k * 7 + j * 3) % 11
    return (base + b"abcdefghijklmnopqrst")[:n]


def big_commands(kind: str, n: int, per: int):
    """Variadic commands building one big key of n elements."""
    verb, key = {"hash": (b"HSET", b"bighash"), "set": (b"SADD", b"bigset"),
                 "zset": (b"ZADD", b"bigzset"), "list": (b"RPUSH", b"biglist")}[kind]
    for start in range(0, n, per):
        args: list[bytes] = []
        for i in range(start, min(n, start + per)):
            if kind == "hash":
                args += [b"field:%d" % i, b"value:%d" % i]
            elif kind == "set":
                args.append(b"member:%d" % i)
            elif kind == "zset":
                args += [b"%d" % i, b"member:%d" % i]
            else:
                args.append(b"item:%d" % i)
        yield resp(verb, key, *args)


def small_hash_commands(s: int):
    for k in range(s):
        args: list[bytes] = []
        for j, f in enumerate(SESSION_FIELDS):
            args += [f, session_value(k, j)]
        yield resp(b"HSET", b"session:%d" % k, *args)


def reply(server: Server, *args: bytes) -> str:
    """One command's reply as text: the integer, the status or the bulk string."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(resp(*args))
        buf = b""
        while not buf.endswith(b"\r\n") or (buf.startswith(b"$") and buf.count(b"\r\n") < 2
                                            and not buf.startswith(b"$-1")):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    if buf.startswith(b"$"):
        return buf.split(b"\r\n")[1].decode(errors="replace")
    return buf[1:].strip().decode(errors="replace")


def used_memory(server: Server) -> int | None:
    try:
        info = server.command(b"INFO", b"memory").decode(errors="replace")
    except OSError:
        return None
    for line in info.splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return None


def measure(server: Server, kind: str, args) -> dict:
    server.start()
    try:
        time.sleep(0.5)
        empty = server.rss_anon()
        t = time.monotonic()
        if kind == "smallhash":
            count = args.hashes
            common.load_keys(server.port, small_hash_commands(count), batch=args.batch)
            got = int(reply(server, b"DBSIZE"))
            enc_keys = [b"session:0", b"session:%d" % (count - 1)]
        else:
            count = args.elements
            common.load_keys(server.port, big_commands(kind, count, args.per_command), batch=args.batch)
            key = {"hash": b"bighash", "set": b"bigset", "zset": b"bigzset", "list": b"biglist"}[kind]
            size_cmd = {"hash": b"HLEN", "set": b"SCARD", "zset": b"ZCARD", "list": b"LLEN"}[kind]
            got = int(reply(server, size_cmd, key))
            enc_keys = [key]
        load_s = time.monotonic() - t
        if got != count:
            common.die(f"{server.name} {kind}: {got} elements after loading {count}")
        encodings = [reply(server, b"OBJECT", b"ENCODING", k) for k in enc_keys]
        if kind == "smallhash":
            fields = int(reply(server, b"HLEN", enc_keys[0]))
            if fields != len(SESSION_FIELDS):
                common.die(f"{server.name}: session:0 has {fields} fields")
        t_end = time.monotonic()
        time.sleep(max(0.0, t_end + 1.0 - time.monotonic()))
        at_1s = server.rss_anon()
        time.sleep(max(0.0, t_end + args.settle - time.monotonic()))
        loaded = server.rss_anon()
        return {"name": server.name, "kind": kind, "count": count, "empty": empty,
                "at_1s": at_1s, "loaded": loaded, "load_s": load_s, "encodings": encodings,
                "used_memory": used_memory(server), "per": (loaded - empty) / count,
                "per_1s": (at_1s - empty) / count}
    finally:
        server.stop()


def main() -> None:
    args = parse_args()
    fbin = common.ferrodis_bin(args.ferrodis_bin)
    rbin = common.redis_bin(args.redis_bin)
    print(f"# memory_collections.py: elements={args.elements} hashes={args.hashes} "
          f"per_command={args.per_command} batch={args.batch}")
    print(f"# ferrodis: {fbin}\n# redis:    {rbin}", flush=True)
    rows = []
    for kind in args.only:
        pair = []
        for s in (Server("ferrodis", fbin, args.server_cpu, args.ferrodis_args.split()),
                  Server("redis", rbin, args.server_cpu)):
            r = measure(s, kind, args)
            pair.append(r)
            unit = "hash" if kind == "smallhash" else "element"
            um = f"{r['used_memory'] / 1e6:.1f} MB" if r["used_memory"] is not None else "n/a"
            print(f"  {kind:9} {r['name']:8} RssAnon empty {r['empty'] / 1e6:6.1f} MB  at 1 s "
                  f"{r['at_1s'] / 1e6:7.1f} MB  settled {r['loaded'] / 1e6:7.1f} MB  -> "
                  f"{r['per']:7.1f} bytes/{unit} (at 1 s {r['per_1s']:.1f})  "
                  f"encoding {'/'.join(r['encodings'])}  (load {r['load_s']:.1f} s, "
                  f"INFO used_memory {um})", flush=True)
        rows.append(pair)
    print()
    target = {"smallhash": 0.9}
    hdr = (f"{'data set':<10} {'unit':<8} {'ferrodis':>9} {'redis':>9} {'ratio':>6} {'target':>7}  "
           f"{'ferrodis encoding':<20} {'redis encoding':<20}")
    print(hdr)
    print("-" * len(hdr))
    for f, r in rows:
        kind = f["kind"]
        ratio = f["per"] / r["per"]
        goal = target.get(kind, 1.0)
        mark = "ok" if round(ratio, 3) <= goal else "MISS"
        same = "" if f["encodings"] == r["encodings"] else "  (encodings differ!)"
        print(f"{kind:<10} {'hash' if kind == 'smallhash' else 'element':<8} {f['per']:>9.1f} "
              f"{r['per']:>9.1f} {ratio:>6.3f} {'<=' + str(goal):>7} {mark:<4} "
              f"{'/'.join(f['encodings']):<20} {'/'.join(r['encodings']):<20}{same}")
    print(f"bytes per element (per hash for smallhash) = RssAnon {args.settle:g} s after the load "
          "minus RssAnon empty, / count")


if __name__ == "__main__":
    main()
