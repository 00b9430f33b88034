#!/usr/bin/env python3
"""Interleaved comparison of several server builds: requests/s, server CPU and server sleeps
per request.

Starts every server given as NAME=BINARY (ferrodis builds or redis-server) pinned to
--server-cpu, loads the data the workloads read (zbench, mylist) and then, round after
round, runs the same short redis-benchmark against each (pinned to --bench-cpu; the order
reverses every round), each run after waiting for the machine to be quiet. Per run it
records redis-benchmark's requests/s, the server's CPU time and its voluntary context
switches (all threads, from /proc/<pid>/task/*/status): each is one sleep of the server in
epoll_wait, i.e. one wake-up some client's send had to pay for. It prints medians over the
runs in which other processes used at most --max-foreign cores, and per-round ratios of
every pair of servers.

Written for the unpipelined ceiling in docs/PERFORMANCE.md ("Reply scheduling"): with one
redis-benchmark thread as the bottleneck, the server that sleeps more often per request
makes the client slower.

Usage: bench/sleeps.py new=target/release/ferrodis-server old=/tmp/old redis=$(command -v redis-server)
       [--tests get,lpush,zrank] [--rounds 8] [-n 60000] [-P 1] [--max-foreign 0.1]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server, resp  # noqa: E402

# Custom commands (as compare.py's collections suite runs them); anything else is `-t NAME`.
CUSTOM = {"zrank": ["ZRANK", "zbench", "member:__rand_int__"],
          "zrange": ["ZRANGE", "zbench", "0", "9", "WITHSCORES"],
          "lrange_100": ["LRANGE", "mylist", "0", "99"]}


def sleeps(pid: int) -> int:
    n = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{t}/status") as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches"):
                    n += int(line.split()[1])
    return n


def preload(port: int) -> None:
    args = []
    for i in range(1000):
        args += [b"%d" % i, b"member:%012d" % i]
    cmds = [resp(b"DEL", b"zbench", b"mylist"), resp(b"ZADD", b"zbench", *args),
            resp(b"RPUSH", b"mylist", *[b"xxx"] * 1000), resp(b"PING")]
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"".join(cmds))
        got = b""
        while not got.endswith(b"+PONG\r\n"):
            got += s.recv(65536)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("servers", nargs="+", help="NAME=BINARY")
    p.add_argument("--tests", default="get")
    p.add_argument("-n", type=int, default=60000)
    p.add_argument("-P", type=int, default=1)
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--max-foreign", type=float, default=0.1)
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--bench-cpu", default="1")
    a = p.parse_args()
    rb = common.tool("redis-benchmark")
    tests = a.tests.split(",")
    print(f"# {' '.join(sys.argv[1:])}; loadavg {common.loadavg()}")
    servers = []
    try:
        for spec in a.servers:
            name, binary = spec.split("=", 1)
            s = Server(name, binary, a.server_cpu).start()
            servers.append((name, s))
            subprocess.run([rb, "-p", str(s.port), "-n", "200000", "-r", "100000", "-t", "set",
                            "-P", "16", "-q"], capture_output=True, check=True)
            preload(s.port)
        res = []
        for r in range(a.rounds):
            for t in tests:
                for name, s in (servers if r % 2 == 0 else servers[::-1]):
                    common.wait_quiet(0.3, 120)
                    cmd = ["taskset", "-c", a.bench_cpu, rb, "-p", str(s.port), "-c", "50",
                           "-n", str(a.n), "-r", "1000" if t == "zrank" else "100000",
                           "-P", str(a.P), "--csv", *(CUSTOM[t] if t in CUSTOM else ["-t", t])]
                    v0, c0, b0 = sleeps(s.pid), s.cpu_seconds(), common.machine_busy_seconds()
                    k0, t0 = os.times(), time.monotonic()
                    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
                    wall, k1 = time.monotonic() - t0, os.times()
                    cpu = s.cpu_seconds() - c0
                    client = (k1.children_user + k1.children_system) - (k0.children_user + k0.children_system)
                    foreign = max(0.0, (common.machine_busy_seconds() - b0 - cpu - client) / wall)
                    row = dict(round=r, test=t, name=name, foreign=foreign,
                               rps=float(out.strip().splitlines()[-1].split(",")[1].strip('"')),
                               cpu_us=cpu / a.n * 1e6, sleeps=(sleeps(s.pid) - v0) / a.n)
                    res.append(row)
                    print(f"r{r} {t:10} {name:8} rps {row['rps']:9.0f}  server cpu/req {row['cpu_us']:6.3f} us"
                          f"  sleeps/req {row['sleeps']:.3f}  foreign {foreign:.2f}", flush=True)
    finally:
        for _, s in servers:
            s.stop()
    names = [n for n, _ in servers]
    ok = [x for x in res if x["foreign"] <= a.max_foreign]
    print(f"\nmedians over the runs with foreign <= {a.max_foreign}")
    for t in tests:
        for n in names:
            q = [x for x in ok if x["test"] == t and x["name"] == n]
            if q:
                print(f"{t:10} {n:8} runs {len(q):2}  rps {statistics.median(x['rps'] for x in q):9.0f}"
                      f"  server cpu/req {statistics.median(x['cpu_us'] for x in q):6.3f} us"
                      f"  sleeps/req {statistics.median(x['sleeps'] for x in q):.3f}")
    print("\nper-round ratios X/Y (rounds where both runs were quiet): median [min..max];"
          " req/cpu = requests per server CPU-second")
    for t in tests:
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                rr, cr = [], []
                for r in range(a.rounds):
                    X = [v for v in ok if v["test"] == t and v["name"] == x and v["round"] == r]
                    Y = [v for v in ok if v["test"] == t and v["name"] == y and v["round"] == r]
                    if X and Y:
                        rr.append(X[0]["rps"] / Y[0]["rps"])
                        cr.append(Y[0]["cpu_us"] / X[0]["cpu_us"])
                if rr:
                    print(f"{t:10} {x}/{y}: n={len(rr)}  rps {statistics.median(rr):.3f} [{min(rr):.2f}..{max(rr):.2f}]"
                          f"  req/cpu {statistics.median(cr):.3f} [{min(cr):.2f}..{max(cr):.2f}]")


if __name__ == "__main__":
    main()
