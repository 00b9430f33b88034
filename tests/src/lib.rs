//! Test support: start the real `ferrodis-server` binary (and the reference `redis-server`)
//! on free ports, and talk to them through real clients or raw RESP.
//!
//! * [`TestServer::start`] runs `target/release/ferrodis-server` (or `$FERRODIS_BIN`) on a free
//!   port in a fresh temporary directory and waits until it answers PING.
//! * [`Reference::start`] runs Debian's `redis-server` the same way. It panics when the binary
//!   is missing: differential tests never skip silently.
//! * [`RawConn`] sends raw bytes and reads one RESP reply back as raw bytes, for exact
//!   byte-for-byte comparison and for malformed-input tests.
//! * [`Pair`] sends the same command to both servers and compares the raw replies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Returns a port that was free a moment ago.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    l.local_addr().expect("local addr").port()
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Path to the server binary under test.
pub fn ferrodis_bin() -> PathBuf {
    if let Ok(p) = std::env::var("FERRODIS_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target"));
    let p = target.join("release").join("ferrodis-server");
    assert!(p.exists(), "{} is missing: run `cargo build --release` first", p.display());
    p
}

static DIR_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ferrodis-test-{}-{}-{}",
        std::process::id(),
        tag,
        DIR_SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// Socket inodes of process `pid` (from `/proc/<pid>/fd`).
fn socket_inodes(pid: u32) -> Vec<u64> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return Vec::new() };
    dir.filter_map(|e| {
        let link = std::fs::read_link(e.ok()?.path()).ok()?;
        let l = link.to_str()?;
        l.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
    })
    .collect()
}

/// True when process `pid` itself owns a listening TCP socket on `port`. Used at startup: a
/// PONG on the port is not enough, because another test (or another user of the machine) may
/// have taken the port first, in which case our server exits and the PONG came from theirs.
pub fn process_listens_on(pid: u32, port: u16) -> bool {
    let inodes = socket_inodes(pid);
    let port_hex = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|table| {
        let Ok(text) = std::fs::read_to_string(table) else { return false };
        text.lines().skip(1).any(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            f.len() > 9
                && f[1].ends_with(&port_hex)
                && f[3] == "0A"
                && f[9].parse::<u64>().is_ok_and(|i| inodes.contains(&i))
        })
    })
}

/// Waits until the server answers on `port`. Returns false when the answer comes from a
/// process other than `child` (the port was taken: the caller retries on another port).
fn wait_ready(port: u16, child: &mut Child, what: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            if !process_listens_on(child.id(), port)
                && TcpStream::connect(("127.0.0.1", port)).is_ok()
            {
                return false; // exited because someone else listens there
            }
            panic!("{what} exited during startup with {status}");
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            if s.write_all(b"PING\r\n").is_ok() {
                let mut buf = [0u8; 64];
                if let Ok(n) = s.read(&mut buf) {
                    // +PONG, or -NOAUTH / -LOADING: a server is up either way; is it ours?
                    if n > 0 {
                        if process_listens_on(child.id(), port) {
                            return true;
                        }
                        if let Ok(Some(_)) = child.try_wait() {
                            return false;
                        }
                    }
                }
            }
        }
        assert!(Instant::now() < deadline, "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running server process, killed on drop.
pub struct Proc {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Proc {
    fn spawn(bin: &std::path::Path, args: &[&str], tag: &str) -> Proc {
        let dir = temp_dir(tag);
        for _attempt in 0..20 {
            let port = free_port();
            let port_s = port.to_string();
            let mut cmd = Command::new(bin);
            cmd.current_dir(&dir)
                .args([
                    "--port",
                    &port_s,
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if std::env::var_os("TEST_SERVER_LOG").is_some() {
                cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit());
            }
            let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
            std::thread::sleep(Duration::from_millis(10));
            if let Ok(Some(_)) = child.try_wait() {
                continue; // the port was taken meanwhile; try another
            }
            if wait_ready(port, &mut child, tag) {
                return Proc { child, port, dir };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("could not start {tag}");
    }

    /// `redis://127.0.0.1:port/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A redis-rs synchronous connection.
    pub fn client(&self) -> redis::Connection {
        redis::Client::open(self.url()).expect("client").get_connection().expect("connect")
    }

    /// A raw RESP connection.
    pub fn raw(&self) -> RawConn {
        RawConn::connect(self.port)
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit by itself (after SHUTDOWN) and returns its status.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Resident set size of the process in KiB (`VmRSS` of `/proc/<pid>/status`).
    pub fn rss_kb(&self) -> u64 {
        rss_kb(self.child.id())
    }

    /// Virtual memory size of the process in KiB (`VmSize`): catches large allocations that
    /// were never touched (and so do not show in RSS).
    pub fn vm_size_kb(&self) -> u64 {
        proc_status_kb(self.child.id(), "VmSize")
    }

    /// Waits until the server has loaded its dataset (it answers -LOADING meanwhile);
    /// returns the connection it polled with.
    pub fn wait_loaded(&self) -> RawConn {
        let mut c = self.raw();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !c.cmd_str(&["INFO", "persistence"]).contains("\nloading:0\r\n") {
            assert!(Instant::now() < deadline, "dataset still loading");
            std::thread::sleep(Duration::from_millis(10));
        }
        c
    }

    /// Asserts the server still serves a new client: PING, then a SET/GET round trip.
    pub fn assert_serving(&self) {
        let mut c = self.raw();
        assert_eq!(c.cmd_str(&["PING"]), "+PONG\r\n", "server stopped answering PING");
        assert_eq!(c.cmd_str(&["SET", "__alive__", "yes"]), "+OK\r\n");
        assert_eq!(c.cmd_str(&["GET", "__alive__"]), "$3\r\nyes\r\n");
        assert_eq!(c.cmd_str(&["DEL", "__alive__"]), ":1\r\n");
    }

    /// Sends a signal (`kill -s`).
    pub fn signal(&self, sig: &str) {
        let _ = Command::new("kill").args(["-s", sig, &self.child.id().to_string()]).status();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Resident set size of process `pid` in KiB, from `/proc/<pid>/status`.
pub fn rss_kb(pid: u32) -> u64 {
    proc_status_kb(pid, "VmRSS")
}

/// A `/proc/<pid>/status` memory field (`VmRSS`, `VmSize`, `VmHWM`, ...) in KiB.
pub fn proc_status_kb(pid: u32, field: &str) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/<pid>/status");
    let prefix = format!("{field}:");
    status
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

/// The server under test.
pub struct TestServer;

impl TestServer {
    /// Starts ferrodis with test defaults (no persistence, loopback only).
    #[allow(clippy::new_ret_no_self)]
    pub fn start() -> Proc {
        Self::start_with(&[])
    }

    /// Starts ferrodis with extra `--directive value` arguments.
    ///
    /// `FERRODIS_TEST_ARGS` (space-separated) is appended to every start: the suite runs again
    /// with other thread and shard counts that way (DESIGN.md §2: one shard is exactly
    /// Redis's single-threaded semantics; many shards exercise every cross-shard path).
    pub fn start_with(args: &[&str]) -> Proc {
        let extra = std::env::var("FERRODIS_TEST_ARGS").unwrap_or_default();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(extra.split_whitespace());
        Proc::spawn(&ferrodis_bin(), &all, "ferrodis")
    }
}

/// The reference server (Debian's redis-server 7.0.15).
pub struct Reference;

impl Reference {
    /// Starts redis-server; panics if it is not installed (tests must fail loudly).
    #[allow(clippy::new_ret_no_self)]
    pub fn start() -> Proc {
        Self::start_with(&[])
    }

    /// Starts redis-server with extra arguments.
    pub fn start_with(args: &[&str]) -> Proc {
        let bin = std::env::var("REDIS_SERVER_BIN").unwrap_or_else(|_| "redis-server".into());
        let found = Command::new(&bin).arg("--version").output().is_ok();
        assert!(found, "reference server `{bin}` not found: install redis-server (apt-get install redis-server)");
        Proc::spawn(std::path::Path::new(&bin), args, "redis")
    }
}

/// A raw RESP connection that returns replies as the exact bytes received.
pub struct RawConn {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl RawConn {
    /// Connects to 127.0.0.1:port.
    pub fn connect(port: u16) -> RawConn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        s.set_nodelay(true).expect("nodelay");
        RawConn { r: BufReader::new(s.try_clone().expect("clone")), w: s }
    }

    /// Wraps an already connected stream.
    pub fn from_stream(s: TcpStream) -> RawConn {
        s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        s.set_nodelay(true).expect("nodelay");
        RawConn { r: BufReader::new(s.try_clone().expect("clone")), w: s }
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.w.write_all(bytes).expect("write");
    }

    /// Encodes `args` as a multibulk request and sends it.
    pub fn send_cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) {
        self.send(&encode(args));
    }

    /// Sends a command and returns its raw reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        self.send_cmd(args);
        self.read_reply()
    }

    /// Sends a command and returns its reply, or None if the connection is gone.
    pub fn try_cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Option<Vec<u8>> {
        self.w.write_all(&encode(args)).ok()?;
        self.try_read_reply()
    }

    /// Sends a command and returns its reply as text (lossy), for readable assertions.
    pub fn cmd_str<A: AsRef<[u8]>>(&mut self, args: &[A]) -> String {
        String::from_utf8_lossy(&self.cmd(args)).into_owned()
    }

    /// Reads one complete RESP2/RESP3 reply, returned as raw bytes.
    pub fn read_reply(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.read_into(&mut out);
        out
    }

    /// Reads one reply, or returns None on EOF / reset.
    pub fn try_read_reply(&mut self) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        match self.r.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                let mut out = line.clone();
                self.finish(&line, &mut out);
                Some(out)
            }
        }
    }

    fn read_into(&mut self, out: &mut Vec<u8>) {
        let mut line = Vec::new();
        let n = self.r.read_until(b'\n', &mut line).expect("read reply");
        assert!(n > 0, "connection closed while waiting for a reply");
        out.extend_from_slice(&line);
        self.finish(&line, out);
    }

    fn finish(&mut self, line: &[u8], out: &mut Vec<u8>) {
        let body = std::str::from_utf8(&line[1..line.len().saturating_sub(2)]).unwrap_or("");
        match line[0] {
            b'$' | b'=' | b'!' => {
                let n: i64 = body.parse().expect("bulk length");
                if n >= 0 {
                    let mut buf = vec![0u8; n as usize + 2];
                    self.r.read_exact(&mut buf).expect("bulk body");
                    out.extend_from_slice(&buf);
                }
            }
            b'*' | b'~' | b'>' => {
                let n: i64 = body.parse().expect("aggregate length");
                for _ in 0..n.max(0) {
                    self.read_into(out);
                }
            }
            b'%' | b'|' => {
                let n: i64 = body.parse().expect("map length");
                for _ in 0..n.max(0) * 2 {
                    self.read_into(out);
                }
                if line[0] == b'|' {
                    // An attribute precedes the actual reply.
                    self.read_into(out);
                }
            }
            _ => {}
        }
    }

    /// Reads whatever arrives until the server closes the connection or nothing arrives for
    /// `quiet`; returns the bytes and whether the connection was closed.
    pub fn read_until_close_or_quiet(&mut self, quiet: Duration) -> (Vec<u8>, bool) {
        let mut out = self.r.buffer().to_vec();
        self.r.consume(out.len());
        self.w.set_read_timeout(Some(quiet)).expect("timeout");
        let mut buf = [0u8; 65536];
        let closed = loop {
            match self.r.get_mut().read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break false
                }
                Err(_) => break true, // reset by peer
            }
        };
        self.w.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        (out, closed)
    }

    /// Sends raw bytes, ignoring errors (the server may already have closed the connection).
    pub fn send_lossy(&mut self, bytes: &[u8]) {
        let _ = self.w.write_all(bytes);
    }

    /// Sets the read timeout of `read_reply` and friends (10 s by default).
    pub fn set_read_timeout(&mut self, t: Duration) {
        self.w.set_read_timeout(Some(t)).expect("timeout");
    }

    /// Closes the write half (the server sees EOF after what was sent).
    pub fn shutdown_write(&mut self) {
        let _ = self.w.shutdown(std::net::Shutdown::Write);
    }

    /// True if the server closed the connection (reads EOF within the timeout).
    pub fn is_closed(&mut self) -> bool {
        let mut buf = [0u8; 1];
        matches!(self.r.read(&mut buf), Ok(0) | Err(_))
    }

    /// The value of a field of `INFO <section>`.
    pub fn info_field(&mut self, section: &str, name: &str) -> String {
        let t = self.cmd_str(&["INFO", section]);
        let prefix = format!("{name}:");
        t.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {name} in INFO {section}"))
            .trim()
            .to_string()
    }

    /// Polls INFO until the server counts `n` blocked clients (never sleeps blindly).
    pub fn wait_blocked(&mut self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.info_field("clients", "blocked_clients") != n.to_string() {
            assert!(Instant::now() < deadline, "blocked_clients never reached {n}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Runs `scenario` once against ferrodis and once against redis-server, both started with
/// `args`, and asserts that what it returns (a transcript of replies) is equal.
pub fn compare_with_reference<T: PartialEq + std::fmt::Debug>(
    args: &[&str],
    scenario: impl Fn(&Proc) -> T,
) -> T {
    let ours = TestServer::start_with(args);
    let reference = Reference::start_with(args);
    let a = scenario(&ours);
    let b = scenario(&reference);
    assert_eq!(a, b, "ferrodis (left) and redis-server (right) differ");
    a
}

/// Encodes a multibulk request.
pub fn encode<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut v = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        v.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        v.extend_from_slice(a);
        v.extend_from_slice(b"\r\n");
    }
    v
}

/// Both servers, for differential tests.
pub struct Pair {
    pub ours: Proc,
    pub reference: Proc,
    pub a: RawConn,
    pub b: RawConn,
}

impl Pair {
    /// Starts both servers with the same extra arguments.
    pub fn start(args: &[&str]) -> Pair {
        let ours = TestServer::start_with(args);
        let reference = Reference::start_with(args);
        let a = ours.raw();
        let b = reference.raw();
        Pair { ours, reference, a, b }
    }

    /// Sends `args` to both and returns both raw replies.
    pub fn both<A: AsRef<[u8]>>(&mut self, args: &[A]) -> (Vec<u8>, Vec<u8>) {
        (self.a.cmd(args), self.b.cmd(args))
    }

    /// Sends raw bytes to both over fresh connections and returns what each answered until it
    /// closed the connection or stayed quiet for `quiet`, with whether it closed.
    pub fn raw_both(&self, bytes: &[u8], quiet: Duration) -> ((Vec<u8>, bool), (Vec<u8>, bool)) {
        let mut x = self.ours.raw();
        let mut y = self.reference.raw();
        x.send_lossy(bytes);
        y.send_lossy(bytes);
        (x.read_until_close_or_quiet(quiet), y.read_until_close_or_quiet(quiet))
    }

    /// Sends raw bytes to both over fresh connections and asserts the same answer and the
    /// same close/keep-open outcome; returns ferrodis's answer.
    pub fn check_raw(&self, bytes: &[u8], quiet: Duration) -> (Vec<u8>, bool) {
        let (x, y) = self.raw_both(bytes, quiet);
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
        assert_eq!(
            (String::from_utf8_lossy(&x.0).into_owned(), x.1),
            (String::from_utf8_lossy(&y.0).into_owned(), y.1),
            "reply (and closed?) differ for raw input {shown:?}"
        );
        x
    }

    /// Sends `args` to both and asserts identical replies.
    pub fn check<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        let (x, y) = self.both(args);
        assert_eq!(
            String::from_utf8_lossy(&x),
            String::from_utf8_lossy(&y),
            "reply differs for {:?}",
            args.iter()
                .map(|a| String::from_utf8_lossy(a.as_ref()).into_owned())
                .collect::<Vec<_>>()
        );
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_socket_ownership() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        assert!(process_listens_on(std::process::id(), port));
        // Process 1 (init) does not own our listener.
        assert!(!process_listens_on(1, port));
        drop(l);
        assert!(!process_listens_on(std::process::id(), port));
    }
}
