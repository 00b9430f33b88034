#!/usr/bin/env python3
"""Does stock redis-benchmark run clean against ferrodis?

Starts ferrodis (pinned like compare.py) and runs
    redis-benchmark -t set,get,incr,mset,ping -q
against it. redis-benchmark 7 stops at the first error reply (its old `-e` flag is a no-op
now), so this fails (exit 1) if redis-benchmark exits non-zero, prints any error or warning
line, or a test prints no "requests per second" result, or the server died. Usage: bench/sanity.py [--requests N] [--tests LIST]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=100_000, help="redis-benchmark -n")
    p.add_argument("--tests", default="set,get,incr,mset,ping")
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--bench-cpu", default="1")
    p.add_argument("--ferrodis-bin")
    args = p.parse_args()

    server = Server("ferrodis", common.ferrodis_bin(args.ferrodis_bin), args.server_cpu).start()
    try:
        cmd = ["taskset", "-c", args.bench_cpu, common.tool("redis-benchmark"), "-h", "127.0.0.1",
               "-p", str(server.port), "-t", args.tests, "-n", str(args.requests), "-q"]
        print("$ " + " ".join(cmd), flush=True)
        proc = subprocess.run(cmd, capture_output=True)
        dbsize = server.command(b"DBSIZE").decode().strip()
        alive = server.proc is not None and server.proc.poll() is None
    finally:
        server.stop()
    # -q output redraws progress lines with \r; keep the final line of each test.
    out = proc.stdout.decode(errors="replace").replace("\r", "\n")
    err = proc.stderr.decode(errors="replace")
    results = [ln.strip() for ln in out.splitlines() if "requests per second" in ln]
    errors = [ln.strip() for ln in (out + "\n" + err).splitlines()
              if "error" in ln.lower() or "warning" in ln.lower() or ln.startswith("-ERR")]
    for ln in results:
        print(ln)
    print(f"DBSIZE after the run: {dbsize[1:]}; ferrodis still running: {alive}")
    expected = {"set", "get", "incr", "mset", "ping"} & set(args.tests.split(","))
    # ping expands to PING_INLINE and PING_MBULK.
    want = len(expected) + (1 if "ping" in expected else 0)
    ok = proc.returncode == 0 and not errors and len(results) >= want and alive
    if errors:
        print("errors:\n  " + "\n  ".join(errors[:20]))
    print("OK: no errors" if ok else f"FAILED (exit {proc.returncode}, {len(results)} results)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
