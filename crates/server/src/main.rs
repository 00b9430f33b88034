//! `ferrodis-server [/path/to/redis.conf] [--directive value ...]`, started as redis-server is.

use ferrodis::config::file::{parse_argv, parse_text, Invocation};
use ferrodis::config::Config;
use ferrodis::server::{self, Server, FERRODIS_VERSION, REDIS_VERSION};
use ferrodis::{notice, util::log, warning};

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn fatal_config(line_no: usize, line: &str, why: &str) -> ! {
    eprintln!("\n*** FATAL CONFIG FILE ERROR (ferrodis {FERRODIS_VERSION}) ***");
    eprintln!("Reading the configuration file, at line {line_no}");
    eprintln!(">>> '{line}'");
    eprintln!("{why}");
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, options) = match parse_argv(&args) {
        Invocation::Version => {
            println!(
                "ferrodis server v={FERRODIS_VERSION} (Redis {REDIS_VERSION} compatible) bits=64"
            );
            return;
        }
        Invocation::Help => {
            println!("Usage: ./ferrodis-server [/path/to/redis.conf] [options] [-]");
            println!("       ./ferrodis-server - (read config from stdin)");
            println!("       ./ferrodis-server -v or --version");
            println!("       ./ferrodis-server -h or --help");
            println!();
            println!("Examples:");
            println!("       ./ferrodis-server (run the server with default conf)");
            println!("       ./ferrodis-server /etc/redis/6379.conf");
            println!("       ./ferrodis-server --port 7777");
            println!("       ./ferrodis-server /etc/myredis.conf --loglevel verbose");
            return;
        }
        Invocation::Run { file, options } => (file, options),
    };
    let mut text = String::new();
    if let Some(path) = &file {
        let read = if path == "-" {
            notice!("Reading config from stdin");
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map(|_| s)
        } else {
            std::fs::read_to_string(path)
        };
        match read {
            Ok(t) => text = t,
            Err(e) => {
                warning!(
                    "Fatal error, can't open config file '{path}': {}",
                    ferrodis::config::os_error_text(&e)
                );
                std::process::exit(1);
            }
        }
    }
    // Command-line options follow the file, one directive per line, as redis-server does.
    text.push('\n');
    text.push_str(&options);
    let directives = match parse_text(&text, 0) {
        Ok(d) => d,
        Err((_, _, why)) if why.starts_with("Fatal error") => {
            warning!("{why}");
            std::process::exit(1);
        }
        Err((n, line, why)) => fatal_config(n, &line, &why),
    };
    let config = match Config::load(&directives, file.clone()) {
        Ok(c) => c,
        Err((n, line, why)) => fatal_config(n, &line, &why),
    };
    let st = config.settings();
    log::set_level(ferrodis::config::log_level(&st.loglevel));
    if let Some(lf) = config.get("logfile").filter(|f| !f.is_empty()) {
        if let Err(e) = log::set_file(&lf) {
            eprintln!("Can't open the log file: {}", ferrodis::config::os_error_text(&e));
            std::process::exit(1);
        }
    }
    notice!("oO0OoO0OoO0Oo ferrodis is starting oO0OoO0OoO0Oo");
    notice!(
        "ferrodis version={FERRODIS_VERSION}, redis_version={REDIS_VERSION}, bits=64, pid={}, just started",
        std::process::id()
    );
    match &file {
        Some(f) => notice!("Configuration loaded from {f}"),
        None => notice!(
            "Warning: no config file specified, using the default config. In order to specify a config file use ferrodis-server /path/to/redis.conf"
        ),
    }
    if let Some(w) = config.fit_maxclients_to_fd_limit() {
        warning!("{w}");
    }
    let srv = Server::new(config);
    notice!(
        "Running mode=standalone, port={}, worker threads={}, shards per db={}.",
        st.port,
        srv.worker_threads,
        srv.keyspace.shard_count()
    );
    // The pid file, written once the configuration is accepted and removed at exit.
    let pidfile = srv.config.get("pidfile").filter(|f| !f.is_empty());
    if let Some(pf) = &pidfile {
        if let Err(e) = std::fs::write(pf, format!("{}\n", std::process::id())) {
            warning!("Failed to write PID file: {}", ferrodis::config::os_error_text(&e));
        }
    }
    let code = server::run(srv);
    if let Some(pf) = &pidfile {
        let _ = std::fs::remove_file(pf);
    }
    std::process::exit(code);
}
