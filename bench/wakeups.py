#!/usr/bin/env python3
"""Count scheduler wakeups and context switches per request, ferrodis against redis.

For each server (started and pinned like compare.py), runs one pipelined redis-benchmark
under `perf stat -a -e sched:sched_wakeup,sched:sched_switch,context-switches` and prints
the counts per 1,000 requests, with redis-benchmark's result. The counts are system-wide,
so run it on a quiet machine. This is the check for hot spot 1 of docs/PERFORMANCE.md
(reply writes waking the client once per connection instead of once per event-loop round).

Usage: bench/wakeups.py [--test get] [--requests 1000000] [--pipeline 16] [--keyspace 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server  # noqa: E402

EVENTS = ["sched:sched_wakeup", "sched:sched_switch", "context-switches"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--test", default="get")
    p.add_argument("--requests", type=int, default=1_000_000)
    p.add_argument("--pipeline", type=int, default=16)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--keyspace", type=int, default=100_000)
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--bench-cpu", default="1")
    p.add_argument("--ferrodis-bin")
    p.add_argument("--redis-bin")
    args = p.parse_args()
    rb = common.tool("redis-benchmark")
    print(f"# {args.test} -c {args.clients} -P {args.pipeline} -n {args.requests}; loadavg {common.loadavg()}")
    for name, binary in (("ferrodis", common.ferrodis_bin(args.ferrodis_bin)),
                         ("redis", common.redis_bin(args.redis_bin))):
        s = Server(name, binary, args.server_cpu).start()
        try:
            # Fill the keyspace first so that GET hits.
            subprocess.run([rb, "-h", "127.0.0.1", "-p", str(s.port), "-n", str(args.keyspace * 2),
                            "-r", str(args.keyspace), "-t", "set", "-P", "16", "-q"],
                           capture_output=True, check=True)
            bench = ["taskset", "-c", args.bench_cpu, rb, "-h", "127.0.0.1", "-p", str(s.port),
                     "-c", str(args.clients), "-n", str(args.requests), "-r", str(args.keyspace),
                     "-P", str(args.pipeline), "-t", args.test, "--csv"]
            r = subprocess.run(["perf", "stat", "-x,", "-a", "-e", ",".join(EVENTS), "--", *bench],
                               capture_output=True, text=True)
            if r.returncode != 0:
                common.die(f"perf stat failed: {r.stderr}")
            rps = r.stdout.strip().splitlines()[-1].split(",")[1].strip('"')
            counts = {}
            for line in r.stderr.splitlines():
                f = line.split(",")
                if len(f) > 2 and f[2] in EVENTS and f[0].strip().isdigit():
                    counts[f[2]] = int(f[0])
            per_k = "  ".join(f"{e.split(':')[-1]} {counts.get(e, 0) / args.requests * 1000:7.2f}"
                              for e in EVENTS)
            print(f"  {name:8} {float(rps):>10.0f} rps   per 1000 requests: {per_k}", flush=True)
        finally:
            s.stop()


if __name__ == "__main__":
    main()
