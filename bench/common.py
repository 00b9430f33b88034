"""Shared helpers for the ferrodis benchmark scripts (Python 3.11 standard library only).

Starting and stopping a server pinned to a core, reading its CPU time and RSS from /proc,
a pipelined bulk loader, and small statistics helpers.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def die(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def ferrodis_bin(explicit: str | None = None) -> str:
    path = explicit or os.environ.get("FERRODIS_BIN") or str(
        REPO_DIR / "target" / "release" / "ferrodis-server"
    )
    if not os.access(path, os.X_OK):
        die(f"ferrodis binary not found at {path} (cargo build --release, or set FERRODIS_BIN)")
    return path


def redis_bin(explicit: str | None = None) -> str:
    path = explicit or os.environ.get("REDIS_BIN") or shutil.which("redis-server")
    if not path:
        die("redis-server not found (apt-get install -y redis-server, or set REDIS_BIN)")
    return path


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        die(f"{name} not found (apt-get install -y redis-tools)")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ticks(pid: int) -> int:
    """utime + stime of a whole process (all its threads), in clock ticks."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read()
    # The command name (field 2) may contain spaces: split after its closing parenthesis.
    fields = data[data.rindex(b")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def cpu_seconds_ticks(pid: int) -> float:
    """utime + stime from /proc/<pid>/stat, in seconds (resolution: one clock tick, 10 ms)."""
    return cpu_ticks(pid) / CLK_TCK


def cpu_seconds(pid: int) -> float:
    """CPU time of a whole process, all threads, user + system, with nanosecond resolution.

    Reads the process's CPU-time clock (what clock_getcpuclockid(pid) returns; Linux encodes
    it as ((~pid) << 3) | CPUCLOCK_SCHED). Falls back to /proc/<pid>/stat ticks.
    """
    try:
        return time.clock_gettime(((~pid) << 3) | 2)
    except OSError:
        return cpu_seconds_ticks(pid)


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def rss_anon_bytes(pid: int) -> int:
    """RssAnon: the resident anonymous memory (heap, stacks), without the binary's file pages,
    which the kernel may drop and reload under memory pressure."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no RssAnon for pid {pid}")


def machine_busy_seconds() -> float:
    """CPU-seconds spent busy by the whole machine since boot (all CPUs), from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()
    # user nice system idle iowait irq softirq steal guest guest_nice
    vals = [int(x) for x in parts[1:]]
    busy = vals[0] + vals[1] + vals[2] + vals[5] + vals[6] + vals[7]
    return busy / CLK_TCK


def wait_quiet(threshold: float, max_wait: float, window: float = 0.5) -> tuple[float, float]:
    """Wait until the machine's busy CPU over `window` seconds is below `threshold` cores.

    Gives up after `max_wait` seconds. Returns (seconds waited, last busy cores measured).
    """
    t0 = time.monotonic()
    while True:
        b0 = machine_busy_seconds()
        time.sleep(window)
        busy = (machine_busy_seconds() - b0) / window
        waited = time.monotonic() - t0
        if busy < threshold or waited >= max_wait:
            return waited, busy


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


@dataclass
class Server:
    """A server process started by us, pinned with taskset, on its own port."""

    name: str
    binary: str
    cpu: str | None = "0"
    extra: list[str] = field(default_factory=list)
    port: int = 0
    proc: subprocess.Popen | None = None
    workdir: str = ""
    log_path: str = ""

    def spawn(self) -> None:
        """Starts the process on a free port in a fresh work directory (log: server.log)."""
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix=f"bench-{self.name}-")
        self.log_path = os.path.join(self.workdir, "server.log")
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", *self.extra]
        if self.cpu is not None:
            cmd = ["taskset", "-c", self.cpu, *cmd]
        self.cmdline = cmd
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def start(self) -> "Server":
        self.spawn()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                die(f"{self.name} exited at startup:\n{self.log()}")
            try:
                if self.command(b"PING") == b"+PONG\r\n":
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        die(f"{self.name} did not answer PING within 10 s:\n{self.log()}")
        return self

    @property
    def pid(self) -> int:
        # taskset execs the server, so the pid is the server's own.
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""

    def command(self, *args: bytes, timeout: float = 5.0) -> bytes:
        """Send one command, return the raw reply bytes (a single-line or bulk reply)."""
        req = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(req)
            buf = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return buf
                buf += chunk
                if buf.startswith(b"$") and b"\r\n" in buf:
                    n = int(buf[1 : buf.index(b"\r\n")])
                    if n < 0 or len(buf) >= buf.index(b"\r\n") + 2 + n + 2:
                        return buf
                elif buf.endswith(b"\r\n") and buf[:1] in (b"+", b"-", b":"):
                    return buf
                elif buf.startswith(b"*") and buf.endswith(b"\r\n"):
                    return buf

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def rss_anon(self) -> int:
        return rss_anon_bytes(self.pid)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)


def load_keys(port: int, commands, batch: int = 20000) -> int:
    """Send RESP commands (an iterable of bytes, one command each) pipelined in batches.

    Returns the number of replies; raises if any reply is not +OK or :<int>.
    """
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as s:
        pending: list[bytes] = []

        def flush() -> None:
            nonlocal sent
            if not pending:
                return
            s.sendall(b"".join(pending))
            want = len(pending)
            got = 0
            buf = b""
            while got < want:
                chunk = s.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("server closed the connection during the load")
                buf += chunk
                got = buf.count(b"\r\n")
            lines = buf.split(b"\r\n")[:-1]
            bad = [ln for ln in lines if not (ln == b"+OK" or ln.startswith(b":"))]
            if bad:
                raise RuntimeError(f"unexpected replies during the load: {bad[:3]!r}")
            sent += want
            pending.clear()

        for cmd in commands:
            pending.append(cmd)
            if len(pending) >= batch:
                flush()
        flush()
    return sent


def resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def geomean(xs: list[float]) -> float:
    xs = [x for x in xs if x > 0]
    if not xs:
        return float("nan")
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
