#!/usr/bin/env python3
"""Throughput comparison: ferrodis against redis-server, with redis-benchmark.

Both servers are started here, each on its own free port, pinned to one core
(`taskset -c 0` by default) while redis-benchmark runs pinned to another (`taskset -c 1`).
Only one server is under load at a time. Rounds are interleaved: in even rounds each test
runs against ferrodis then redis, in odd rounds redis then ferrodis, so slow drifts in the
machine's load hit both sides alike.

For each run we record redis-benchmark's requests per second (from --csv) and the server's
CPU time over the run (utime+stime from /proc/<pid>/stat), giving requests per server
CPU-second. On a two-core machine the unpipelined runs are limited by redis-benchmark itself
(one client thread driving 50 connections), so their rps mostly measures the client; the
requests per CPU-second is the honest figure there. The pipelined runs (-P 16) do load the
server.

We also record the CPU the rest of the machine used during each run ("foreign" load, from
/proc/stat minus the server and the client), because the benchmark machine is shared.

Suites (--suite): `strings` (the default: SET, GET, INCR, MSET, on a prefilled keyspace) and
`collections` (LPUSH, RPOP, LRANGE_100, SADD, HSET, ZADD, ZRANGE, ZRANK; see WORKLOADS). Every
collections run starts from the same state on both servers: the suite's keys are deleted and,
where the workload reads, preloaded by us right before the run, outside the timing.

To test the scripts without a ferrodis that has the commands, point the "ferrodis" side at a
second redis: `--ferrodis-bin $(command -v redis-server)`.

Usage: bench/compare.py [--suite strings|collections] [--quick] [--rounds R] [--requests N]
       [--requests-pipelined N] ...
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server, geomean, median, resp  # noqa: E402

TESTS = ["set", "get", "incr", "mset"]


@dataclass(frozen=True)
class Workload:
    """One benchmarked operation.

    `test` is a redis-benchmark -t name; `command` (if set) is a custom command line given to
    redis-benchmark instead (its CSV row is named after it). `setup(n)` returns the RESP
    commands sent to the server right before each run of n requests, outside the timing.
    `keyspace` overrides -r. The run has requests // div_unpipelined (or // div_pipelined with
    -P) requests.
    """

    name: str
    test: str | None = None
    command: tuple[str, ...] = ()
    setup: Callable[[int], list[bytes]] | None = None
    keyspace: int | None = None
    div_unpipelined: int = 1
    div_pipelined: int = 1


COLL_KEYS = (b"mylist", b"myset", b"myhash", b"myzset", b"zbench")
ZBENCH_MEMBERS = 1000  # > zset-max-listpack-entries (128): a skiplist on both servers


def _reset() -> list[bytes]:
    return [resp(b"DEL", *COLL_KEYS)]


def _list_of(n: int) -> list[bytes]:
    """mylist with n 3-byte elements (redis-benchmark's LPUSH writes 3-byte values too)."""
    out = _reset()
    chunk = 1000
    for i in range(0, n, chunk):
        k = min(chunk, n - i)
        out.append(b"*%d\r\n$5\r\nLPUSH\r\n$6\r\nmylist\r\n" % (k + 2) + b"$3\r\nxxx\r\n" * k)
    return out


def _zbench(_n: int) -> list[bytes]:
    """zbench: members member:<12 digits> (redis-benchmark's __rand_int__ form), score = n."""
    out = _reset()
    args = []
    for i in range(ZBENCH_MEMBERS):
        args += [b"%d" % i, b"member:%012d" % i]
    out.append(resp(b"ZADD", b"zbench", *args))
    return out


WORKLOADS: dict[str, Workload] = {w.name: w for w in [
    # strings suite: redis-benchmark's own tests on the prefilled keyspace (see prefill()).
    Workload("set", test="set"),
    Workload("get", test="get"),
    Workload("incr", test="incr"),
    Workload("mset", test="mset", div_pipelined=4),  # 10 keys per request
    # collections suite: one key each, emptied (and preloaded where needed) before each run.
    Workload("lpush", test="lpush", setup=lambda n: _reset()),  # LPUSH mylist <3 bytes>
    # RPOP mylist on a list holding more elements than the run pops (with -P, redis-benchmark
    # sends up to clients x pipeline commands beyond -n: 800 at -c 50 -P 16).
    Workload("rpop", test="rpop", setup=lambda n: _list_of(n + 2000)),
    # The LRANGE half of redis-benchmark's lrange_100 test (LRANGE mylist 0 99), on a list we
    # preload, so that the server CPU counts the LRANGEs only (-t lrange_100 would also time
    # its own LPUSH preload in the same run).
    Workload("lrange_100", command=("LRANGE", "mylist", "0", "99"),
             setup=lambda n: _list_of(1000), div_unpipelined=2, div_pipelined=10),
    Workload("sadd", test="sadd", setup=lambda n: _reset()),  # SADD myset element:<rand>
    Workload("hset", test="hset", setup=lambda n: _reset()),  # HSET myhash element:<rand> <3 bytes>
    Workload("zadd", test="zadd", setup=lambda n: _reset()),  # ZADD myzset <rand> element:<rand>
    Workload("zrange", command=("ZRANGE", "zbench", "0", "9", "WITHSCORES"), setup=_zbench),
    Workload("zrank", command=("ZRANK", "zbench", "member:__rand_int__"), setup=_zbench,
             keyspace=ZBENCH_MEMBERS),
]}

SUITES = {
    "strings": TESTS,
    "collections": ["lpush", "rpop", "lrange_100", "sadd", "hset", "zadd", "zrange", "zrank"],
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="one round, fewer requests (about 40 s): a smoke run, not figures to quote")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 5, quick 1)")
    p.add_argument("--requests", type=int,
                   help="requests per unpipelined run (default 100000, quick 20000)")
    p.add_argument("--requests-pipelined", type=int,
                   help="requests per pipelined run (default 1000000, quick 200000; MSET runs a quarter "
                        "of that, being 10 keys per request)")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--keyspace", type=int, default=1_000_000, help="redis-benchmark -r")
    p.add_argument("--pipeline", type=int, default=16, help="-P of the pipelined runs")
    p.add_argument("--suite", choices=sorted(SUITES), default="strings",
                   help="strings (default): set,get,incr,mset on a prefilled keyspace; "
                        "collections: " + ",".join(SUITES["collections"]))
    p.add_argument("--tests", help="comma-separated workloads (default: the suite's); any of "
                   + ",".join(WORKLOADS))
    p.add_argument("--no-pipelined", action="store_true", help="skip the -P runs")
    p.add_argument("--no-unpipelined", action="store_true", help="skip the -P 1 runs")
    p.add_argument("--no-prefill", action="store_true",
                   help="do not load key:<n> and counter:<n> for the whole keyspace first "
                        "(never done for the collections suite)")
    p.add_argument("--quiet-threshold", type=float, default=0.5,
                   help="before each pair of runs, wait until other processes use less than this "
                        "many cores (default 0.5)")
    p.add_argument("--max-wait", type=float, default=5.0,
                   help="give up waiting for quiet after this many seconds per pair (default 5; "
                        "0 disables waiting)")
    p.add_argument("--server-cpu", default="0", help="taskset -c for the servers")
    p.add_argument("--bench-cpu", default="1", help="taskset -c for redis-benchmark")
    p.add_argument("--ferrodis-bin", help="default: $FERRODIS_BIN or target/release/ferrodis-server")
    p.add_argument("--redis-bin", help="default: $REDIS_BIN or redis-server on PATH")
    p.add_argument("--ferrodis-args", default="", help="extra ferrodis arguments (space-separated)")
    p.add_argument("--json", help="write every run's raw figures to this file")
    p.add_argument("--from-json", help="do not run: report again from a file written by --json")
    p.add_argument("--max-foreign", type=float,
                   help="report only the pairs in which neither run saw other processes use more "
                        "than this many cores on average (e.g. 0.2); both runs of a pair are "
                        "dropped together")
    a = p.parse_args()
    a.rounds = a.rounds or (1 if a.quick else 5)
    a.requests = a.requests or (20_000 if a.quick else 100_000)
    a.requests_pipelined = a.requests_pipelined or (200_000 if a.quick else 1_000_000)
    a.tests = ([t.strip().lower() for t in a.tests.split(",") if t.strip()] if a.tests
               else list(SUITES[a.suite]))
    unknown = [t for t in a.tests if t not in WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; known: {','.join(WORKLOADS)}")
    if a.suite == "collections":
        a.no_prefill = True
    return a


def prefill(server: Server, keyspace: int) -> None:
    """Give every key the benchmark can touch a value, so GET hits and SET/INCR overwrite.

    redis-benchmark -r N names keys key:<12 digits> (SET/GET/MSET) and counter:<12 digits>
    (INCR), and SET/MSET write 3-byte values ("xxx", -d 3).
    """
    def cmds():
        for i in range(keyspace):
            yield b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n" % i
            yield b"*3\r\n$3\r\nSET\r\n$20\r\ncounter:%012d\r\n$1\r\n0\r\n" % i
    t = time.monotonic()
    n = common.load_keys(server.port, cmds())
    print(f"  prefilled {server.name}: {n} keys in {time.monotonic() - t:.1f} s", flush=True)


def requests_for(w: Workload, requests: int, pipeline: int) -> int:
    return requests // (w.div_pipelined if pipeline > 1 else w.div_unpipelined)


def bench_cmd(w: Workload, port: int, requests: int, pipeline: int, args) -> list[str]:
    cmd = ["taskset", "-c", args.bench_cpu, common.tool("redis-benchmark"),
           "-h", "127.0.0.1", "-p", str(port), "-c", str(args.clients),
           "-n", str(requests), "-r", str(w.keyspace or args.keyspace), "--csv"]
    if pipeline > 1:
        cmd += ["-P", str(pipeline)]
    if w.command:
        cmd += list(w.command)
    else:
        cmd += ["-t", w.test or w.name]
    return cmd


def run_one(server: Server, test: str, requests: int, pipeline: int, args) -> dict:
    w = WORKLOADS[test]
    if w.setup is not None:
        common.load_keys(server.port, w.setup(requests), batch=100)
    cmd = bench_cmd(w, server.port, requests, pipeline, args)
    busy0 = common.machine_busy_seconds()
    cpu0 = server.cpu_seconds()
    tick0 = common.cpu_seconds_ticks(server.pid)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    cpu1 = server.cpu_seconds()
    tick1 = common.cpu_seconds_ticks(server.pid)
    busy1 = common.machine_busy_seconds()
    if proc.returncode != 0:
        common.die(f"redis-benchmark failed against {server.name}: {err.decode(errors='replace')}")
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    if len(rows) != 1:
        common.die(f"unexpected redis-benchmark output against {server.name}: {out!r} {err!r}")
    rps = float(rows[0]["rps"])
    server_cpu = cpu1 - cpu0
    return {
        "server": server.name, "test": test, "pipeline": pipeline, "requests": requests,
        "rps": rps, "wall": wall, "server_cpu": server_cpu, "server_cpu_ticks": tick1 - tick0,
        "req_per_cpu_s": requests / server_cpu if server_cpu > 0 else float("nan"),
        "busy": busy1 - busy0,
        "p50_ms": float(rows[0]["p50_latency_ms"]), "p99_ms": float(rows[0]["p99_latency_ms"]),
        "stderr": err.decode(errors="replace").strip(),
    }


def main() -> None:
    args = parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            data = json.load(f)
        saved = data["args"]
        args.tests = saved["tests"]
        modes = []
        if not saved["no_unpipelined"]:
            modes.append((1, saved["requests"]))
        if not saved["no_pipelined"]:
            modes.append((saved["pipeline"], saved["requests_pipelined"]))
        report(data["runs"], args, modes)
        return
    fbin = common.ferrodis_bin(args.ferrodis_bin)
    rbin = common.redis_bin(args.redis_bin)
    modes = []
    if not args.no_unpipelined:
        modes.append((1, args.requests))
    if not args.no_pipelined:
        modes.append((args.pipeline, args.requests_pipelined))

    print(f"# compare.py: suite={args.suite} rounds={args.rounds} clients={args.clients} keyspace={args.keyspace} "
          f"requests={args.requests} requests_pipelined={args.requests_pipelined} "
          f"tests={','.join(args.tests)} server_cpu={args.server_cpu} bench_cpu={args.bench_cpu}")
    print(f"# ferrodis: {fbin}\n# redis:    {rbin}")
    print(f"# loadavg at start: {common.loadavg()}  ({os.cpu_count()} CPUs)", flush=True)

    ferrodis = Server("ferrodis", fbin, args.server_cpu, args.ferrodis_args.split())
    redis = Server("redis", rbin, args.server_cpu)
    runs: list[dict] = []
    try:
        ferrodis.start()
        redis.start()
        workers = [ln for ln in ferrodis.log().splitlines() if "worker threads=" in ln]
        print(f"# ferrodis startup: {workers[0].split('* ', 1)[-1] if workers else '(no worker line)'}")
        ver = redis.command(b"INFO", b"server").decode(errors="replace")
        rv = next((ln for ln in ver.splitlines() if ln.startswith("redis_version:")), "?")
        print(f"# redis startup: {rv.strip()}", flush=True)
        if not args.no_prefill:
            for s in (ferrodis, redis):
                prefill(s, args.keyspace)
        pair = [ferrodis, redis]
        tw = max(5, *(len(t) for t in args.tests))
        for r in range(args.rounds):
            order = pair if r % 2 == 0 else pair[::-1]
            print(f"## round {r + 1}/{args.rounds}: {' then '.join(s.name for s in order)}  "
                  f"(loadavg {common.loadavg()})", flush=True)
            for pipeline, requests in modes:
                for test in args.tests:
                    n = requests_for(WORKLOADS[test], requests, pipeline)
                    waited, busy = (common.wait_quiet(args.quiet_threshold, args.max_wait)
                                    if args.max_wait > 0 else (0.0, float("nan")))
                    for s in order:
                        c0 = os.times()  # redis-benchmark's CPU: children times
                        run = run_one(s, test, n, pipeline, args)
                        c1 = os.times()
                        run["client_cpu"] = (c1.children_user - c0.children_user) + (
                            c1.children_system - c0.children_system)
                        run["foreign"] = max(0.0, run["busy"] - run["server_cpu"] - run["client_cpu"])
                        run["round"] = r
                        run["waited"] = waited
                        runs.append(run)
                        print(f"  {s.name:8} {test:{tw}} P={pipeline:<2} {run['rps']:>11.0f} rps  "
                              f"server cpu {run['server_cpu']:5.2f}s / wall {run['wall']:5.2f}s  "
                              f"client cpu {run['client_cpu']:5.2f}s  "
                              f"foreign {run['foreign'] / run['wall']:4.2f} cores"
                              + (f"  (waited {waited:.1f}s for quiet)" if waited >= 1 else "")
                              + (f"  [stderr: {run['stderr'][:80]}]" if run["stderr"] else ""),
                              flush=True)
    finally:
        ferrodis.stop()
        redis.stop()

    report(runs, args, modes)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "runs": runs}, f, indent=1)


def report(runs: list[dict], args, modes) -> None:
    if args.max_foreign is not None:
        def key(r):
            return (r["round"], r["test"], r["pipeline"])
        noisy = {key(r) for r in runs if r["foreign"] / r["wall"] > args.max_foreign}
        kept = [r for r in runs if key(r) not in noisy]
        print(f"\nKeeping {len(kept) // 2} of {len(runs) // 2} pairs: those where other processes "
              f"used at most {args.max_foreign} cores during both runs.")
        runs = kept
    def pick(server, test, pipeline, key):
        return [r[key] for r in runs if r["server"] == server and r["test"] == test
                and r["pipeline"] == pipeline]

    print()
    print("Medians over rounds; ratio = ferrodis / redis (above 1: ferrodis better).")
    print("Ratio range = min..max of the per-round ratios.")
    # Name column: 10 wide as before, wider for names like "LRANGE_100 P16".
    wn = max([10] + [len(t) + (0 if pl == 1 else len(f" P{pl}")) for pl, _ in modes for t in args.tests])
    hdr = (f"{'test':<{wn}} {'ferrodis rps':>13} {'redis rps':>11} {'ratio':>6} {'range':>11}   "
           f"{'ferrodis req/cpu-s':>18} {'redis req/cpu-s':>15} {'ratio':>6} {'range':>11}  {'foreign':>7}")
    print(hdr)
    print("-" * len(hdr))
    ratios_rps: dict[int, list[float]] = {}
    ratios_cpu: dict[int, list[float]] = {}
    for pipeline, _ in modes:
        for test in args.tests:
            f_rps, r_rps = pick("ferrodis", test, pipeline, "rps"), pick("redis", test, pipeline, "rps")
            f_cpu = pick("ferrodis", test, pipeline, "req_per_cpu_s")
            r_cpu = pick("redis", test, pipeline, "req_per_cpu_s")
            if not f_rps or not r_rps:
                name = test.upper() + ("" if pipeline == 1 else f" P{pipeline}")
                print(f"{name:<{wn}} (no pair left)")
                continue
            per_round_rps = [a / b for a, b in zip(f_rps, r_rps)]
            per_round_cpu = [a / b for a, b in zip(f_cpu, r_cpu)]
            fr = [r for r in runs if r["test"] == test and r["pipeline"] == pipeline]
            foreign = sum(r["foreign"] for r in fr) / max(1e-9, sum(r["wall"] for r in fr))
            rr = median(f_rps) / median(r_rps)
            rc = median(f_cpu) / median(r_cpu)
            ratios_rps.setdefault(pipeline, []).append(rr)
            ratios_cpu.setdefault(pipeline, []).append(rc)
            name = test.upper() + ("" if pipeline == 1 else f" P{pipeline}")
            print(f"{name:<{wn}} {median(f_rps):>13.0f} {median(r_rps):>11.0f} {rr:>6.2f} "
                  f"{min(per_round_rps):>5.2f}..{max(per_round_rps):<4.2f}   "
                  f"{median(f_cpu):>18.0f} {median(r_cpu):>15.0f} {rc:>6.2f} "
                  f"{min(per_round_cpu):>5.2f}..{max(per_round_cpu):<4.2f}  {foreign:>7.2f}")
    print("-" * len(hdr))
    all_rps = [x for v in ratios_rps.values() for x in v]
    all_cpu = [x for v in ratios_cpu.values() for x in v]
    for pipeline, _ in modes:
        label = "unpipelined" if pipeline == 1 else f"-P {pipeline}"
        print(f"geomean {label:<14} throughput {geomean(ratios_rps.get(pipeline, [])):.3f}   "
              f"requests/CPU-s {geomean(ratios_cpu.get(pipeline, [])):.3f}")
    print(f"geomean {'all':<14} throughput {geomean(all_rps):.3f}   "
          f"requests/CPU-s {geomean(all_cpu):.3f}")
    print("foreign = mean CPU (cores) used by other processes on the machine during those runs"
          + ("" if getattr(args, "from_json", None) else f"; loadavg at end: {common.loadavg()}"))


if __name__ == "__main__":
    main()
