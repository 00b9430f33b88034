#!/usr/bin/env python3
"""Profile a server under pipelined redis-benchmark load with `perf record`.

Starts the server (ferrodis by default) pinned like compare.py, prefills the keyspace as
compare.py does, attaches `perf record` to it, runs redis-benchmark (pinned to the other core)
with the given tests and pipeline depth, then prints `perf report` (self time, by symbol)
and writes the raw data to --out. Call graphs: `--call-graph dwarf` by default, since the
release build keeps debug line info but no frame pointers.

With --workload NAME (a compare.py workload, e.g. hset or zrank) it runs that workload
instead, with compare.py's per-run setup and no keyspace prefill.

Usage: bench/profile.py [--server ferrodis|redis] [--tests set,get | --workload zrank]
       [--requests 2000000] [--pipeline 16] [--out /tmp/ferrodis.perf.data]
       [--call-graph dwarf|fp|none]
Then explore with: perf report -i <out> --no-children [-g caller]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server  # noqa: E402
from compare import WORKLOADS, bench_cmd, prefill  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", choices=["ferrodis", "redis"], default="ferrodis")
    p.add_argument("--tests", default="set,get")
    p.add_argument("--workload", choices=sorted(WORKLOADS),
                   help="profile this compare.py workload instead of --tests")
    p.add_argument("--requests", type=int, default=2_000_000)
    p.add_argument("--pipeline", type=int, default=16)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--keyspace", type=int, default=1_000_000)
    p.add_argument("--call-graph", default="dwarf", help="dwarf (default), fp, or none")
    p.add_argument("--freq", type=int, default=999, help="perf sampling frequency (Hz)")
    p.add_argument("--out", default="/tmp/ferrodis.perf.data")
    p.add_argument("--top", type=int, default=40, help="symbols to print")
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--bench-cpu", default="1")
    p.add_argument("--ferrodis-bin")
    p.add_argument("--redis-bin")
    args = p.parse_args()

    binary = common.ferrodis_bin(args.ferrodis_bin) if args.server == "ferrodis" \
        else common.redis_bin(args.redis_bin)
    server = Server(args.server, binary, args.server_cpu).start()
    try:
        wl = WORKLOADS[args.workload] if args.workload else None
        if wl is None:
            prefill(server, args.keyspace)
        elif wl.setup is not None:
            common.load_keys(server.port, wl.setup(args.requests), batch=100)
        perf = ["perf", "record", "-F", str(args.freq), "-p", str(server.pid), "-o", args.out]
        if args.call_graph == "dwarf":
            perf += ["--call-graph", "dwarf,16384"]
        elif args.call_graph == "fp":
            perf += ["-g"]
        rec = subprocess.Popen(perf, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)
        if rec.poll() is not None:
            common.die("perf record failed: " + rec.stderr.read().decode(errors="replace"))
        cpu0 = server.cpu_seconds()
        if wl is None:
            bench = ["taskset", "-c", args.bench_cpu, common.tool("redis-benchmark"), "-h",
                     "127.0.0.1", "-p", str(server.port), "-c", str(args.clients), "-n",
                     str(args.requests), "-r", str(args.keyspace), "-P", str(args.pipeline),
                     "-t", args.tests, "--csv"]
        else:
            bench = bench_cmd(wl, server.port, args.requests, args.pipeline, args)
        print("$ " + " ".join(bench), flush=True)
        out = subprocess.run(bench, capture_output=True, check=True).stdout.decode()
        cpu = server.cpu_seconds() - cpu0
        rec.send_signal(signal.SIGINT)
        rec.wait(timeout=60)
        print(out.strip())
        ntests = 1 if wl is not None else len(args.tests.split(","))
        print(f"server CPU {cpu:.2f} s for {ntests * args.requests} requests: "
              f"{cpu / (ntests * args.requests) * 1e9:.0f} ns/request", flush=True)
    finally:
        server.stop()
    rep = subprocess.run(["perf", "report", "-i", args.out, "--no-children", "--stdio", "-g", "none",
                          "--percent-limit", "0.3", "--sort", "symbol"],
                         capture_output=True, text=True)
    lines = [ln for ln in rep.stdout.splitlines() if ln.strip() and not ln.startswith("#")]
    print("\n".join(lines[: args.top]))
    print(f"perf data: {args.out}")


if __name__ == "__main__":
    main()
