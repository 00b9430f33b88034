#!/usr/bin/env python3
"""Persistence (issue 4): ferrodis against redis-server, side by side in one run.

Three measurements, each printing both servers' figures, the ferrodis/redis ratio and the
target:

  bgsave  BGSAVE under write load. Both servers hold the same data set (--keys strings
          `key:<12 digits>` of --value-size bytes, the names `redis-benchmark -r` generates,
          loaded by pipelining raw RESP). Per round and server: a `redis-benchmark -t set -l`
          write load on random keys of the same key space (pinned to --bench-cpu) runs for
          --warmup s, then for --window s to measure the write rate before the save (from
          INFO stats total_commands_processed, minus our own INFO calls), then BGSAVE is sent
          and INFO persistence is polled every --poll-ms until rdb_bgsave_in_progress:0. We
          report the BGSAVE wall time (from the BGSAVE reply to in_progress:0), the write rate
          during the save / before it (target >= 0.70), and the peak extra memory over the
          baseline taken under the same write load just before BGSAVE (target <= 10% of INFO
          used_memory). Memory = the server's RssAnon + the Private_Dirty (smaps_rollup) of
          each child process of the server: for redis that is the fork child, whose private
          dirty pages are the copy-on-write copies and the child's own allocations; for a
          forkless ferrodis there is no child and the figure is the growth of its RssAnon.
  load    Time to load the data set's RDB file at startup: both servers SAVE, are stopped and
          restarted on the same directory (--rounds times, interleaved); the time runs from
          the process start until PING answers +PONG and INFO persistence says loading:0
          (polled every 10 ms; the same measured on an empty directory is printed as the
          start-up overhead). Target ferrodis/redis <= 1.0. Then the cross loads: ferrodis on
          redis's dump.rdb and redis on ferrodis's, with DBSIZE and sample values checked; a
          server that refuses the file or exits is reported as such.
  aof     SET throughput with --appendonly yes under appendfsync always, everysec and no:
          `redis-benchmark -t set -n --aof-requests -c 50 -r 1000000 -d 16` (unpipelined), each
          run on a fresh server and an empty directory, rounds interleaved. Targets:
          always >= 3.0x redis, everysec >= 1.0x.

Servers are pinned to --server-cpu (core 0), redis-benchmark to --bench-cpu (core 1), as in
compare.py; only one server is under load at a time. Data directories are created under
--data-dir (default: the system temp dir; it must be on a real disk for `always` to mean
anything — its file system type is printed). Every server and benchmark process started here
is killed at the end, on failure and on Ctrl-C too, and the directories are removed.

To test the script without a ferrodis that persists, point the "ferrodis" side at a second
redis: `--ferrodis-bin $(command -v redis-server)` (ratios should come out near 1.0).

Usage: bench/persistence.py [--quick] [--only bgsave,load,aof] [--rounds 3] [--keys 1000000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Server, resp  # noqa: E402

PHASES = ["bgsave", "load", "aof"]
POLICIES = ["always", "everysec", "no"]
TARGETS = {"bgsave_mem_pct": 10.0, "bgsave_write_ratio": 0.70, "load_ratio": 1.0,
           "aof_always": 3.0, "aof_everysec": 1.0}

# Everything started here, killed in main()'s finally.
_SERVERS: list["PServer"] = []
_PROCS: list[subprocess.Popen] = []


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default=",".join(PHASES), help="comma-separated: bgsave,load,aof")
    p.add_argument("--rounds", type=int, default=3, help="rounds of each measurement (default 3)")
    p.add_argument("--keys", type=int, default=1_000_000, help="keys of the data set (default 1M)")
    p.add_argument("--value-size", type=int, default=100, help="bytes per value (default 100)")
    p.add_argument("--warmup", type=float, default=2.0, help="s of write load before the window")
    p.add_argument("--window", type=float, default=5.0,
                   help="s over which the write rate before BGSAVE is measured (default 5)")
    p.add_argument("--poll-ms", type=float, default=20.0, help="INFO poll interval during BGSAVE")
    p.add_argument("--aof-requests", type=int, default=100_000,
                   help="SET requests per AOF run (default 100000)")
    p.add_argument("--policies", default=",".join(POLICIES), help="appendfsync policies to run")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--slow-fsync-us", type=int, default=0,
                   help="make every fsync/fdatasync of both servers take this many us longer "
                        "(LD_PRELOAD shim bench/slowsync/slowsync.c, built with cc): models a "
                        "disk with a slower cache flush than this VM's")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 100k keys, 1 round, short windows, 20k AOF requests")
    p.add_argument("--server-cpu", default="0", help="taskset -c for the servers")
    p.add_argument("--bench-cpu", default="1", help="taskset -c for redis-benchmark")
    p.add_argument("--data-dir", default=tempfile.gettempdir(),
                   help="parent of the servers' data directories (default: system temp dir)")
    p.add_argument("--ferrodis-bin", help="default: $FERRODIS_BIN or target/release/ferrodis-server")
    p.add_argument("--redis-bin", help="default: $REDIS_BIN or redis-server on PATH")
    p.add_argument("--ferrodis-args", default="", help="extra ferrodis arguments (space-separated)")
    p.add_argument("--quiet-threshold", type=float, default=0.5,
                   help="before each measurement wait until other processes use fewer cores")
    p.add_argument("--max-wait", type=float, default=5.0, help="s to wait for that (default 5)")
    p.add_argument("--load-timeout", type=float, default=300.0, help="s to wait for a load")
    p.add_argument("--json", help="also write the raw figures here (default: bench/results/)")
    p.add_argument("--no-save-results", action="store_true", help="do not write bench/results/")
    a = p.parse_args()
    a.only = [x.strip() for x in a.only.split(",") if x.strip()]
    bad = [x for x in a.only if x not in PHASES]
    if bad:
        p.error(f"unknown phases {bad}; known: {','.join(PHASES)}")
    a.policies = [x.strip() for x in a.policies.split(",") if x.strip()]
    bad = [x for x in a.policies if x not in POLICIES]
    if bad:
        p.error(f"unknown policies {bad}; known: {','.join(POLICIES)}")
    if a.quick:
        a.keys = min(a.keys, 100_000)
        a.rounds = 1
        a.warmup = 1.0
        a.window = 2.0
        a.aof_requests = min(a.aof_requests, 20_000)
    return a


# ---------------------------------------------------------------------------------------------
# Processes and connections


class Conn:
    """One persistent RESP connection with a minimal reply parser (for polling)."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.sock.makefile("rb")
        self.sent = 0

    def cmd(self, *args: bytes | str):
        self.sock.sendall(resp(*[a.encode() if isinstance(a, str) else a for a in args]))
        self.sent += 1
        return self._read()

    def _read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection closed")
        kind, body = line[:1], line[1:-2]
        if kind in (b"+", b"-"):
            return body.decode(errors="replace") if kind == b"+" else RuntimeError(body.decode())
        if kind == b":":
            return int(body)
        if kind in (b"$", b"="):
            n = int(body)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data
        if kind in (b"*", b"~", b">"):
            n = int(body)
            return None if n < 0 else [self._read() for _ in range(n)]
        if kind == b"_":
            return None
        raise RuntimeError(f"unexpected reply {line!r}")

    def info(self, section: str) -> dict[str, str]:
        text = self.cmd("INFO", section)
        if isinstance(text, Exception):
            raise text
        out = {}
        for ln in (text or b"").decode(errors="replace").splitlines():
            if ":" in ln and not ln.startswith("#"):
                k, v = ln.split(":", 1)
                out[k] = v.strip()
        return out

    def close(self) -> None:
        try:
            self.f.close()
            self.sock.close()
        except OSError:
            pass


class PServer(Server):
    """A Server (common.py) whose data directory is ours (`--dir`), kept across restarts.

    common.Server.start() dies on failure; launch() + wait_ready() report it instead, which
    the cross loads need (a server may refuse the other's file).
    """

    def __init__(self, name: str, binary: str, cpu: str | None, datadir: str, extra: list[str]):
        super().__init__(name, binary, cpu, ["--dir", datadir, *extra])
        self.datadir = datadir
        self.user_extra = extra
        _SERVERS.append(self)

    def launch(self) -> float:
        t0 = time.monotonic()
        self.spawn()
        return t0

    def wait_ready(self, t0: float, timeout: float) -> tuple[bool, float, str]:
        """Polls every 10 ms until PING answers +PONG and INFO persistence says loading:0.

        Returns (ready, seconds since t0, reason when not ready)."""
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False, time.monotonic() - t0, f"exited with status {self.proc.returncode}"
            try:
                c = Conn(self.port, timeout=5)
                try:
                    if c.cmd("PING") == "PONG" and c.info("persistence").get("loading", "0") == "0":
                        return True, time.monotonic() - t0, ""
                finally:
                    c.close()
            except (OSError, RuntimeError, ValueError):
                pass
            time.sleep(0.01)
        return False, time.monotonic() - t0, f"not ready after {timeout:g} s"

    def start(self) -> "PServer":
        t0 = self.launch()
        ok, _, why = self.wait_ready(t0, 30)
        if not ok:
            log = self.log()
            self.kill()
            common.die(f"{self.name} did not start ({why}):\n{log[-3000:]}")
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def loaded_line(self) -> str:
        """The server's own report of the load ("DB loaded from disk: 0.812 seconds")."""
        found = [ln.split("* ", 1)[-1].strip() for ln in self.log().splitlines()
                 if "loaded from disk" in ln.lower() or "done loading" in ln.lower()]
        return " / ".join(found)


def children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    out += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


def private_dirty(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for ln in f:
                if ln.startswith("Private_Dirty:"):
                    return int(ln.split()[1]) * 1024
    except OSError:
        pass
    return 0


def memory(pid: int) -> tuple[int, int]:
    """(RssAnon of the server, Private_Dirty summed over its child processes)."""
    try:
        own = common.rss_anon_bytes(pid)
    except (OSError, RuntimeError):
        own = 0
    return own, sum(private_dirty(c) for c in children(pid))


def popen(cmd: list[str], **kw) -> subprocess.Popen:
    p = subprocess.Popen(cmd, **kw)
    _PROCS.append(p)
    return p


def fs_type(path: str) -> str:
    best, kind = "", "?"
    try:
        with open("/proc/mounts") as f:
            for ln in f:
                parts = ln.split()
                mnt = parts[1]
                if os.path.realpath(path).startswith(mnt) and len(mnt) > len(best):
                    best, kind = mnt, f"{parts[2]} ({parts[0]} on {mnt})"
    except OSError:
        pass
    return kind


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt(x: float | None, spec: str = ".3f") -> str:
    return "n/a" if x is None else format(x, spec)


def mark(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISS")


def order(rnd: int, sides: list) -> list:
    return sides if rnd % 2 == 0 else sides[::-1]


# ---------------------------------------------------------------------------------------------
# The data set


def dataset_commands(n: int, size: int):
    """SET key:<12 digits> <size random bytes>: incompressible values, so that the RDB file
    holds the data as is (LZF finds nothing to compress, as with most real values)."""
    pool = random.Random(42).randbytes(1 << 20)
    for i in range(n):
        off = (i * 7919) % (len(pool) - size)
        yield resp(b"SET", b"key:%012d" % i, pool[off:off + size])


SAMPLE_KEYS = [b"key:%012d" % i for i in (0, 1, 7, 4242, 99_999)]


def load_dataset(s: PServer, args) -> dict:
    t = time.monotonic()
    common.load_keys(s.port, dataset_commands(args.keys, args.value_size), batch=5000)
    c = Conn(s.port)
    try:
        n = c.cmd("DBSIZE")
        um = c.info("memory").get("used_memory")
    finally:
        c.close()
    if n != args.keys:
        common.die(f"{s.name}: DBSIZE {n} after loading {args.keys} keys")
    r = {"load_s": time.monotonic() - t, "used_memory": int(um) if um else None}
    print(f"  {s.name:8} data set loaded: {args.keys} keys in {r['load_s']:.1f} s, used_memory "
          f"{fmt(r['used_memory'] and r['used_memory'] / 1e6, '.1f')} MB, "
          f"RssAnon {common.rss_anon_bytes(s.pid) / 1e6:.1f} MB", flush=True)
    return r


# ---------------------------------------------------------------------------------------------
# bgsave


def bench_proc(port: int, args, extra: list[str], endless: bool = False) -> subprocess.Popen:
    """redis-benchmark pinned to --bench-cpu. An endless (-l) run writes progress forever: its
    output goes to /dev/null so that it never blocks on a full pipe."""
    cmd = ["taskset", "-c", args.bench_cpu, common.tool("redis-benchmark"), "-h", "127.0.0.1",
           "-p", str(port), "-c", str(args.clients), *extra]
    sink = subprocess.DEVNULL if endless else subprocess.PIPE
    return popen(cmd, stdout=sink, stderr=sink)


def total_cmds(c: Conn) -> int | None:
    v = c.info("stats").get("total_commands_processed")
    return int(v) if v is not None else None


def bgsave_once(s: PServer, args) -> dict:
    c = Conn(s.port, timeout=60)
    used = c.info("memory").get("used_memory")
    used = int(used) if used else None
    idle_own, idle_child = memory(s.pid)
    load = bench_proc(s.port, args, ["-t", "set", "-r", str(args.keys), "-d", str(args.value_size),
                                     "-l", "-q"], endless=True)
    try:
        time.sleep(args.warmup)
        if load.poll() is not None:
            common.die(f"redis-benchmark exited early against {s.name} "
                       f"(status {load.returncode})")
        # Write rate and memory baseline under load, before the save.
        sent0, t0, n0 = c.sent, time.monotonic(), total_cmds(c)
        base: list[int] = []
        while time.monotonic() < t0 + args.window:
            own, child = memory(s.pid)
            base.append(own + child)
            time.sleep(args.poll_ms / 1000)
        t1, n1 = time.monotonic(), total_cmds(c)
        own_before = c.sent - sent0 - 1  # INFO calls between the two readings (not writes)
        rate_before = (n1 - n0 - own_before) / (t1 - t0) if n0 is not None and n1 is not None else None
        baseline = int(common.median(base)) if base else idle_own + idle_child
        # BGSAVE.
        tb = time.monotonic()
        rep = c.cmd("BGSAVE")
        t_reply = time.monotonic()
        if isinstance(rep, Exception):
            return {"server": s.name, "error": f"BGSAVE refused: {rep}"}
        sent1, n_reply = c.sent, total_cmds(c)
        peak_extra, peak_own, peak_child, samples, in_progress = 0, 0, 0, 0, True
        info: dict[str, str] = {}
        while True:
            own, child = memory(s.pid)
            samples += 1
            extra = own + child - baseline
            if extra > peak_extra:
                peak_extra, peak_own, peak_child = extra, own, child
            info = c.info("persistence")
            if info.get("rdb_bgsave_in_progress", "0") == "0":
                in_progress = False
                break
            if time.monotonic() - t_reply > args.load_timeout:
                break
            time.sleep(args.poll_ms / 1000)
        t_done = time.monotonic()
        n_done = total_cmds(c)
        own_during = c.sent - sent1 - 1
        dur = t_done - t_reply
        rate_during = ((n_done - n_reply - own_during) / dur
                       if n_reply is not None and n_done is not None and dur > 0 else None)
    finally:
        load.kill()
        load.wait()
    dump = Path(s.datadir) / "dump.rdb"
    r = {
        "server": s.name, "bgsave_reply": str(rep), "reply_ms": (t_reply - tb) * 1000,
        "wall_s": dur, "timed_out": in_progress, "used_memory": used,
        "idle_mem": idle_own + idle_child, "baseline_mem": baseline, "peak_extra": peak_extra,
        "peak_own": peak_own, "peak_child": peak_child, "samples": samples,
        "mem_pct": 100 * peak_extra / used if used else None,
        "rate_before": rate_before, "rate_during": rate_during,
        "write_ratio": ratio(rate_during, rate_before),
        "status": info.get("rdb_last_bgsave_status"),
        "last_bgsave_time_sec": info.get("rdb_last_bgsave_time_sec"),
        "rdb_last_cow_size": info.get("rdb_last_cow_size"),
        "rdb_bytes": dump.stat().st_size if dump.exists() else None,
    }
    c.close()
    return r


def bgsave_line(r: dict) -> str:
    if "error" in r:
        return f"  {r.get('server', '?'):8} {r['error']}"
    q = r.get("quiet_wait")
    cow = r.get("rdb_last_cow_size")
    quiet = f"  [machine busy {q[1]:.2f} cores before the run]" if q else ""
    return (f"  {r['server']:8} BGSAVE {r['wall_s']:6.2f} s ({'TIMED OUT, ' if r['timed_out'] else ''}"
          f"status {r['status']}, rdb_last_bgsave_time_sec {r['last_bgsave_time_sec']}, "
          f"{fmt(r['rdb_bytes'] and r['rdb_bytes'] / 1e6, '.1f')} MB file)  "
          f"peak extra {r['peak_extra'] / 1e6:6.1f} MB = {fmt(r['mem_pct'], '.1f')}% of used_memory "
          f"(own {r['peak_own'] / 1e6:.1f} MB + children {r['peak_child'] / 1e6:.1f} MB at peak; "
          f"baseline {r['baseline_mem'] / 1e6:.1f} MB, {r['samples']} samples; the server's "
          f"rdb_last_cow_size {fmt(cow and int(cow) / 1e6, '.1f')} MB)  "
          f"writes {fmt(r['rate_before'], '.0f')} -> {fmt(r['rate_during'], '.0f')} /s "
          f"({fmt(r['write_ratio'])}){quiet}")


# ---------------------------------------------------------------------------------------------
# load


def timed_start(s: PServer, args) -> dict:
    t0 = s.launch()
    ok, secs, why = s.wait_ready(t0, args.load_timeout)
    r = {"server": s.name, "ready": ok, "ok": ok, "seconds": secs, "why": why,
         "log_line": s.loaded_line()}
    if ok:
        c = Conn(s.port)
        try:
            r["dbsize"] = c.cmd("DBSIZE")
            r["values"] = [c.cmd("GET", k) for k in SAMPLE_KEYS]
        finally:
            c.close()
    else:
        r["log_tail"] = s.log()[-2000:]
    return r


def restart_measure(s: PServer, args) -> dict:
    try:
        return timed_start(s, args)
    finally:
        s.kill()


# ---------------------------------------------------------------------------------------------
# aof


def aof_once(name: str, binary: str, policy: str, args, base: str, extra: list[str]) -> dict:
    d = tempfile.mkdtemp(prefix=f"aof-{name}-{policy}-", dir=base)
    s = PServer(name, binary, args.server_cpu, d,
                ["--appendonly", "yes", "--appendfsync", policy, *extra])
    try:
        s.start()
        busy0 = common.machine_busy_seconds()
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu0 = s.cpu_seconds()
        t0 = time.monotonic()
        p = bench_proc(s.port, args, ["-n", str(args.aof_requests), "-r", "1000000", "-d", "16",
                                      "-t", "set", "--csv"])
        out, err = p.communicate()
        wall = time.monotonic() - t0
        cpu = s.cpu_seconds() - cpu0
        busy = common.machine_busy_seconds() - busy0
        kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        bench_cpu = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
        if p.returncode != 0:
            return {"server": name, "policy": policy, "error": err.decode(errors="replace")[-500:]}
        rows = list(csv.DictReader(io.StringIO(out.decode())))
        if len(rows) != 1:
            return {"server": name, "policy": policy, "error": f"unexpected output {out!r}"}
        c = Conn(s.port)
        try:
            pers = c.info("persistence")
        finally:
            c.close()
        size = sum(f.stat().st_size for f in Path(d).rglob("*") if f.is_file())
        # A server that accepts --appendonly yes but writes nothing is not measured.
        persisting = pers.get("aof_enabled") == "1" and size > 0
        return {"server": name, "policy": policy, "rps": float(rows[0]["rps"]), "wall": wall,
                "server_cpu": cpu, "bench_cpu": bench_cpu,
                "foreign": max(0.0, busy - cpu - bench_cpu) / wall if wall > 0 else None,
                "p50_ms": float(rows[0]["p50_latency_ms"]), "p99_ms": float(rows[0]["p99_latency_ms"]),
                "persisting": persisting, "aof_enabled": pers.get("aof_enabled"), "aof_last_write_status":
                pers.get("aof_last_write_status"), "dir_bytes": size}
    finally:
        s.kill()
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------------------------


def slow_fsync_shim(base: str, us: int) -> None:
    """Builds bench/slowsync/slowsync.c and preloads it into every process started from here
    on (the servers; redis-benchmark and taskset do not fsync)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slowsync", "slowsync.c")
    so = os.path.join(base, "slowsync.so")
    subprocess.run([common.tool("cc"), "-shared", "-fPIC", "-O2", "-o", so, src, "-ldl"],
                   check=True)
    os.environ["LD_PRELOAD"] = so
    os.environ["SLOW_FSYNC_US"] = str(us)


def main() -> None:
    args = parse_args()
    fbin = common.ferrodis_bin(args.ferrodis_bin)
    rbin = common.redis_bin(args.redis_bin)
    fextra = args.ferrodis_args.split()
    base = tempfile.mkdtemp(prefix="bench-persistence-", dir=args.data_dir)
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.gmtime())
    res: dict = {"args": vars(args), "ferrodis": fbin, "redis": rbin, "started": stamp,
                 "fs": fs_type(base)}
    lines: list[str] = []

    def out(s: str = "") -> None:
        print(s, flush=True)
        lines.append(s)

    def on_signal(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    if args.slow_fsync_us > 0:
        slow_fsync_shim(base, args.slow_fsync_us)
    try:
        out(f"# persistence.py: only={','.join(args.only)} rounds={args.rounds} keys={args.keys} "
            f"value_size={args.value_size} aof_requests={args.aof_requests} clients={args.clients} "
            f"server_cpu={args.server_cpu} bench_cpu={args.bench_cpu}")
        out(f"# ferrodis: {fbin}\n# redis:    {rbin}")
        out(f"# data dir: {base} on {res['fs']}; loadavg {common.loadavg()} ({os.cpu_count()} CPUs)")
        if args.slow_fsync_us > 0:
            out(f"# every fsync/fdatasync made {args.slow_fsync_us} us slower (bench/slowsync)")
        sides = [("ferrodis", fbin, fextra), ("redis", rbin, [])]

        if "bgsave" in args.only or "load" in args.only:
            dirs = {n: tempfile.mkdtemp(prefix=f"data-{n}-", dir=base) for n, _, _ in sides}
            servers = {n: PServer(n, b, args.server_cpu, dirs[n], x) for n, b, x in sides}
            out("\n## data set")
            for n in servers:
                servers[n].start()
                res.setdefault("dataset", {})[n] = load_dataset(servers[n], args)
                time.sleep(1.0)

            if "bgsave" in args.only:
                out(f"\n## BGSAVE under write load (redis-benchmark SET -c {args.clients} "
                    f"-r {args.keys} -d {args.value_size})")
                runs = []
                for rnd in range(args.rounds):
                    out(f"# round {rnd + 1}/{args.rounds}  (loadavg {common.loadavg()})")
                    for n in order(rnd, list(servers)):
                        quiet = common.wait_quiet(args.quiet_threshold, args.max_wait)
                        r = bgsave_once(servers[n], args)
                        r.update(round=rnd, quiet_wait=quiet)
                        runs.append(r)
                        out(bgsave_line(r))
                res["bgsave"] = runs
                out()
                out(bgsave_table(runs))

            if "load" in args.only:
                out("\n## load time of the data set's RDB at startup")
                info = {}
                for n, s in servers.items():
                    c = Conn(s.port, timeout=120)
                    try:
                        t = time.monotonic()
                        rep = c.cmd("SAVE")
                        info[n] = {"save_reply": str(rep), "save_s": time.monotonic() - t,
                                   "values": [c.cmd("GET", k) for k in SAMPLE_KEYS],
                                   "dbsize": c.cmd("DBSIZE")}
                    finally:
                        c.close()
                    s.stop()
                    dump = Path(dirs[n]) / "dump.rdb"
                    info[n]["rdb_bytes"] = dump.stat().st_size if dump.exists() else None
                    out(f"  {n:8} SAVE -> {info[n]['save_reply']} in {info[n]['save_s']:.2f} s, "
                        f"dump.rdb {fmt(info[n]['rdb_bytes'] and info[n]['rdb_bytes'] / 1e6, '.1f')} MB")
                runs = []
                for rnd in range(args.rounds):
                    for n in order(rnd, list(servers)):
                        # Empty directory first: the start-up overhead without data.
                        ed = tempfile.mkdtemp(prefix=f"empty-{n}-", dir=base)
                        e = restart_measure(PServer(n, servers[n].binary, args.server_cpu, ed,
                                                    servers[n].user_extra), args)
                        shutil.rmtree(ed, ignore_errors=True)
                        quiet = common.wait_quiet(args.quiet_threshold, args.max_wait)
                        r = restart_measure(servers[n], args)
                        r.update(round=rnd, quiet_wait=quiet, empty_s=e["seconds"] if e["ok"] else None,
                                 expected=info[n]["dbsize"],
                                 values_ok=r.get("values") == info[n]["values"])
                        r["ok"] = r["ready"] and r.get("dbsize") == r["expected"] and r["values_ok"]
                        runs.append(r)
                        out(f"  {n:8} round {rnd + 1}: " + load_line(r))
                res["load"] = {"save": info, "runs": runs}
                out()
                out(load_table(runs))

                out("\n## cross loads")
                cross = []
                for n, src in (("ferrodis", "redis"), ("redis", "ferrodis")):
                    d = tempfile.mkdtemp(prefix=f"cross-{n}-", dir=base)
                    srcfile = Path(dirs[src]) / "dump.rdb"
                    if not srcfile.exists():
                        out(f"  {n} loading {src}'s dump.rdb: no file from {src}, skipped")
                        continue
                    shutil.copy(srcfile, Path(d) / "dump.rdb")
                    b, x = next((b, x) for m, b, x in sides if m == n)
                    r = restart_measure(PServer(n, b, args.server_cpu, d, x), args)
                    r.update(source=src, expected=info[src]["dbsize"],
                             values_ok=r.get("values") == info[src]["values"])
                    r["ok"] = r["ready"] and r.get("dbsize") == r["expected"] and r["values_ok"]
                    cross.append(r)
                    out(f"  {n:8} loading {src}'s dump.rdb: " + load_line(r))
                    shutil.rmtree(d, ignore_errors=True)
                res["cross"] = cross
            for s in servers.values():
                s.kill()

        if "aof" in args.only:
            out(f"\n## SET throughput with appendonly yes (redis-benchmark -t set -n "
                f"{args.aof_requests} -c {args.clients} -r 1000000 -d 16)")
            runs = []
            for policy in args.policies:
                for rnd in range(args.rounds):
                    for n, b, x in order(rnd, sides):
                        common.wait_quiet(args.quiet_threshold, args.max_wait)
                        r = aof_once(n, b, policy, args, base, x)
                        r["round"] = rnd
                        runs.append(r)
                        if "error" in r:
                            out(f"  {policy:8} {n:8} round {rnd + 1}: FAILED {r['error']}")
                        else:
                            out(f"  {policy:8} {n:8} round {rnd + 1}: {r['rps']:9.0f} rps  p50 "
                                f"{r['p50_ms']:.2f} ms p99 {r['p99_ms']:.2f} ms  server cpu "
                                f"{r['server_cpu']:.2f} s / wall {r['wall']:.2f} s  other processes "
                                f"{fmt(r['foreign'], '.2f')} cores  aof_enabled={r['aof_enabled']} "
                                f"dir {r['dir_bytes'] / 1e6:.1f} MB"
                                + ("" if r["persisting"] else "  <-- NOT PERSISTING, excluded"))
            res["aof"] = runs
            out()
            out(aof_table(runs, args.policies))
        out(f"\n# loadavg at end: {common.loadavg()}")
    finally:
        for s in _SERVERS:
            s.kill()
        for p in _PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(base, ignore_errors=True)
    if not args.no_save_results:
        rdir = common.BENCH_DIR / "results"
        tag = "-quick" if args.quick else ""
        stem = rdir / f"{stamp[:10]}-persistence{tag}-{stamp[11:]}"
        jpath = Path(args.json) if args.json else stem.with_suffix(".json")
        jpath.write_text(json.dumps(res, indent=1, default=lambda o: o.decode(errors="replace")
                                    if isinstance(o, bytes) else str(o)))
        stem.with_suffix(".txt").write_text("\n".join(lines) + "\n")
        print(f"# results: {jpath} and {stem.with_suffix('.txt')}")


def median_of(runs: list[dict], server: str, key: str) -> float | None:
    xs = [r[key] for r in runs if r.get("server") == server and r.get(key) is not None]
    return common.median(xs) if xs else None


def bgsave_table(runs: list[dict]) -> str:
    mem, wr = TARGETS["bgsave_mem_pct"], TARGETS["bgsave_write_ratio"]
    rows = [("BGSAVE wall time (s)", "wall_s", ".2f", 1, "", None),
            ("peak extra memory (MB)", "peak_extra", ".1f", 1e6, "", None),
            ("  % of used_memory", "mem_pct", ".1f", 1, f"ferrodis<={mem:g}%", lambda f: f <= mem),
            ("writes/s before", "rate_before", ".0f", 1, "", None),
            ("writes/s during", "rate_during", ".0f", 1, "", None),
            ("  during/before", "write_ratio", ".3f", 1, f"ferrodis>={wr:g}", lambda f: f >= wr)]
    hdr = f"{'BGSAVE (medians)':<24} {'ferrodis':>10} {'redis':>10} {'f/r':>7}  target"
    out = [hdr, "-" * len(hdr)]
    for label, key, spec, div, target, check in rows:
        f, r = median_of(runs, "ferrodis", key), median_of(runs, "redis", key)
        f, r = (f / div if f is not None else None), (r / div if r is not None else None)
        ok = check(f) if check is not None and f is not None else None
        out.append(f"{label:<24} {fmt(f, spec):>10} {fmt(r, spec):>10} {fmt(ratio(f, r)):>7}  "
                   f"{target} {mark(ok)}")
    return "\n".join(out)


def load_line(r: dict) -> str:
    if not r["ready"]:
        tail = " | ".join(r.get("log_tail", "").strip().splitlines()[-4:])
        return f"FAILED after {r['seconds']:.2f} s: {r['why']}; log: {tail}"
    good = r.get("dbsize") == r.get("expected") and r.get("values_ok")
    return (f"ready in {r['seconds']:.3f} s"
            + (f" (empty dir {r['empty_s']:.3f} s)" if r.get("empty_s") is not None else "")
            + f", DBSIZE {r.get('dbsize')} (expected {r.get('expected')}), sample values "
            + ("match" if r.get("values_ok") else "DIFFER")
            + ("" if good else "  <-- WRONG DATA")
            + (f"; log: {r['log_line']}" if r.get("log_line") else ""))


def load_table(runs: list[dict]) -> str:
    ok_runs = [r for r in runs if r["ok"]]
    f, r = median_of(ok_runs, "ferrodis", "seconds"), median_of(ok_runs, "redis", "seconds")
    fe, re_ = median_of(ok_runs, "ferrodis", "empty_s"), median_of(ok_runs, "redis", "empty_s")
    q = ratio(f, r)
    hdr = f"{'load (medians)':<24} {'ferrodis':>10} {'redis':>10} {'f/r':>7}  target"
    return "\n".join([
        hdr, "-" * len(hdr),
        f"{'start to ready (s)':<24} {fmt(f):>10} {fmt(r):>10} {fmt(q):>7}  "
        f"f/r<={TARGETS['load_ratio']:g} {mark(q <= TARGETS['load_ratio'] if q else None)}",
        f"{'  empty dir (s)':<24} {fmt(fe):>10} {fmt(re_):>10} {fmt(ratio(fe, re_)):>7}",
        f"{'failed / wrong data':<24} {sum(1 for x in runs if x['server'] == 'ferrodis' and not x['ok']):>10} "
        f"{sum(1 for x in runs if x['server'] == 'redis' and not x['ok']):>10}  (excluded from the medians)"])


def aof_table(runs: list[dict], policies: list[str]) -> str:
    hdr = f"{'appendfsync':<12} {'ferrodis rps':>13} {'redis rps':>11} {'f/r':>7}  {'range':<13} target"
    out = [hdr, "-" * len(hdr)]
    for policy in policies:
        pr = [r for r in runs if r["policy"] == policy and "error" not in r and r["persisting"]]
        f, r = median_of(pr, "ferrodis", "rps"), median_of(pr, "redis", "rps")
        per = []
        for rnd in sorted({x["round"] for x in pr}):
            a = [x["rps"] for x in pr if x["round"] == rnd and x["server"] == "ferrodis"]
            b = [x["rps"] for x in pr if x["round"] == rnd and x["server"] == "redis"]
            if a and b:
                per.append(a[0] / b[0])
        goal = TARGETS.get(f"aof_{policy}")
        q = ratio(f, r)
        rng = f"{min(per):.2f}-{max(per):.2f}" if per else ""
        out.append(f"{policy:<12} {fmt(f, '.0f'):>13} {fmt(r, '.0f'):>11} {fmt(q):>7}  {rng:<13} "
                   + (f">={goal:g}x {mark(q >= goal if q else None)}" if goal else "(no target)"))
    failed = [r for r in runs if "error" in r or not r["persisting"]]
    if failed:
        out.append(f"{len(failed)} runs failed or did not persist (aof_enabled != 1 or no file "
                   "written), excluded: " + ", ".join(f"{r['server']}/{r['policy']}"
                                                       for r in failed))
    return "\n".join(out)


if __name__ == "__main__":
    main()
