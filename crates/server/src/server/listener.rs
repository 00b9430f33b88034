//! Listening sockets, the acceptor thread, worker threads and signal handling.

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use super::{Server, ShutdownRequest};
use crate::{notice, warning};

/// Binds every address of `bind` on `port`. An address prefixed with `-` is optional: failing
/// to bind it is not an error (Redis 7's default `-::1` on hosts without IPv6).
pub fn bind_all(bind: &[String], port: u16) -> std::io::Result<Vec<TcpListener>> {
    let mut out = Vec::new();
    let addrs: Vec<String> = if bind.is_empty() { vec!["*".into()] } else { bind.to_vec() };
    for a in addrs {
        let (optional, host) = match a.strip_prefix('-') {
            Some(h) => (true, h.to_string()),
            None => (false, a.clone()),
        };
        let host = match host.as_str() {
            "*" => "0.0.0.0".to_string(),
            "::*" => "::".to_string(),
            h => h.to_string(),
        };
        let ip: std::net::IpAddr = match host.parse() {
            Ok(ip) => ip,
            Err(_) if optional => continue,
            Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, e)),
        };
        match TcpListener::bind(SocketAddr::new(ip, port)) {
            Ok(l) => {
                l.set_nonblocking(true)?;
                out.push(l);
            }
            Err(_) if optional => {}
            Err(e) => return Err(e),
        }
    }
    if out.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AddrNotAvailable,
            "no address to bind",
        ));
    }
    Ok(out)
}

/// A single-threaded tokio runtime with I/O and timers (workers, acceptor, signals).
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("invariant: a current-thread runtime can be built")
}

/// Starts the worker threads; returns a sender for each.
pub fn spawn_workers(srv: &Arc<Server>) -> Vec<UnboundedSender<std::net::TcpStream>> {
    let mut senders = Vec::new();
    for i in 0..srv.worker_threads {
        let (tx, mut rx) = unbounded_channel::<std::net::TcpStream>();
        senders.push(tx);
        let srv = srv.clone();
        std::thread::Builder::new()
            .name(format!("worker-{i}"))
            .spawn(move || {
                let spin =
                    std::time::Duration::from_nanos(srv.config.settings().worker_idle_spin_ns);
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .on_thread_park(move || super::idle::before_park(spin))
                    .on_thread_unpark(super::idle::after_unpark)
                    .build()
                    .expect("invariant: a current-thread runtime can be built");
                let local = tokio::task::LocalSet::new();
                let stats = srv.stats.register();
                local.block_on(&rt, async move {
                    let round = crate::conn::outbox::Round::start();
                    while let Some(sock) = rx.recv().await {
                        let srv = srv.clone();
                        let stats = stats.clone();
                        let round = round.clone();
                        tokio::task::spawn_local(async move {
                            crate::conn::serve(srv, sock, stats, round).await;
                        });
                    }
                });
            })
            .expect("invariant: worker thread spawns");
    }
    senders
}

/// Starts the acceptor thread: accepts on every listener, applies maxclients and protected
/// mode, and hands connections to workers round-robin. It also installs the config hook that
/// CONFIG SET port / bind call: the new sockets are bound first (so a failure changes
/// nothing), then the acceptor swaps them in and the old ones close.
pub fn spawn_acceptor(
    srv: Arc<Server>,
    listeners: Vec<TcpListener>,
    workers: Vec<UnboundedSender<std::net::TcpStream>>,
) {
    let (swap_tx, mut swap_rx) = unbounded_channel::<Vec<TcpListener>>();
    let hook_srv = Arc::downgrade(&srv);
    srv.config.set_listen_hook(Box::new(move |bind: &[String], port: u16| {
        let fresh = if port == 0 { Vec::new() } else { bind_all(bind, port)? };
        if let Some(srv) = hook_srv.upgrade() {
            let actual = fresh.first().and_then(|l| l.local_addr().ok()).map_or(0, |a| a.port());
            srv.port.store(u32::from(actual), Ordering::Relaxed);
        }
        swap_tx.send(fresh).map_err(|_| std::io::Error::other("acceptor stopped"))
    }));
    std::thread::Builder::new()
        .name("acceptor".into())
        .spawn(move || {
            let rt = current_thread_runtime();
            rt.block_on(async move {
                let (tx, mut rx) = unbounded_channel::<std::net::TcpStream>();
                let mut accepting = accept_on(listeners, &tx);
                let mut next = 0usize;
                loop {
                    tokio::select! {
                        fresh = swap_rx.recv() => {
                            let Some(fresh) = fresh else { continue };
                            for t in accepting.drain(..) {
                                t.abort();
                            }
                            accepting = accept_on(fresh, &tx);
                        }
                        sock = rx.recv() => {
                            let Some(sock) = sock else { break };
                            if let Some(sock) = admit(&srv, sock) {
                                let w = next % workers.len();
                                next = next.wrapping_add(1);
                                let _ = workers[w].send(sock);
                            }
                        }
                    }
                }
            });
        })
        .expect("invariant: acceptor thread spawns");
}

/// One accept loop per listener, feeding `tx`; aborting a task closes its socket.
fn accept_on(
    listeners: Vec<TcpListener>,
    tx: &UnboundedSender<std::net::TcpStream>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    for l in listeners {
        let l = match tokio::net::TcpListener::from_std(l) {
            Ok(l) => l,
            Err(e) => {
                warning!("listener: {e}");
                continue;
            }
        };
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                match l.accept().await {
                    Ok((s, _)) => {
                        if let Ok(s) = s.into_std() {
                            let _ = tx.send(s);
                        }
                    }
                    Err(e) => {
                        warning!("Accepting client connection: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                }
            }
        }));
    }
    tasks
}

const PROTECTED_MODE_MSG: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

fn admit(srv: &Server, sock: std::net::TcpStream) -> Option<std::net::TcpStream> {
    use std::io::Write;
    let st = srv.config.settings();
    let mut sock = sock;
    if srv.clients.len() >= st.maxclients {
        let _ = sock.set_nonblocking(false);
        let _ = sock.write_all(b"-ERR max number of clients reached\r\n");
        srv.rejected_connections.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    if st.protected_mode && st.requirepass.is_none() {
        let loopback = sock.peer_addr().map(|a| a.ip().is_loopback()).unwrap_or(true);
        if !loopback {
            let _ = sock.set_nonblocking(false);
            let _ = sock.write_all(PROTECTED_MODE_MSG.as_bytes());
            srv.rejected_connections.fetch_add(1, Ordering::Relaxed);
            return None;
        }
    }
    srv.total_connections.fetch_add(1, Ordering::Relaxed);
    Some(sock)
}

/// Turns SIGTERM and SIGINT into a shutdown request.
pub fn spawn_signal_handler(srv: Arc<Server>) {
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let rt = current_thread_runtime();
            rt.block_on(async move {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut term), Ok(mut int)) =
                    (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
                else {
                    warning!("could not install signal handlers");
                    return;
                };
                let name = tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                };
                srv.request_shutdown(ShutdownRequest::Signal(name));
            });
        })
        .expect("invariant: signal thread spawns");
    notice!("Server initialized");
}
