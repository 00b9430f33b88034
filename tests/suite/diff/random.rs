//! Random command sequences over a small key space, every reply compared with redis-server.

use super::generator::{enabled_entries, Gen, Mode, COMMANDS, PENDING, REWORKED};
use super::{run_seeds, seeds, steps, CI_SEEDS};
use ferrodis_tests::TestServer;

/// The main differential test: every CI seed (or `FERRODIS_SEED`), 2500 commands each.
#[test]
fn random_sequences_match_reference() {
    run_seeds(&seeds(CI_SEEDS), steps(RUN_STEPS), Mode::Normal);
}

/// Every pending name is a generator entry, and no pending command is implemented yet: when
/// one is, it must leave the pending list so the differential tests cover it.
#[test]
fn pending_list_is_current() {
    for p in PENDING.iter().chain(REWORKED) {
        assert!(
            COMMANDS.iter().any(|e| e.name == *p),
            "PENDING names {p}, which generator.rs does not generate"
        );
    }
    let srv = TestServer::start();
    let mut c = srv.raw();
    let mut now_implemented = Vec::new();
    for p in PENDING {
        let r = c.cmd_str(&[*p]);
        if !r.starts_with("-ERR unknown command") {
            now_implemented.push(*p);
        }
    }
    assert!(
        now_implemented.is_empty(),
        "ferrodis implements {now_implemented:?} now: delete them from PENDING in \
         tests/suite/diff/generator.rs so the differential tests cover them"
    );
}

/// Every command the generator emits is known to ferrodis (a clearer message than a random
/// mismatch when a merge lost a command).
#[test]
fn enabled_commands_are_known() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    for e in enabled_entries() {
        let r = c.cmd_str(&[e.name]);
        assert!(
            !r.starts_with("-ERR unknown command"),
            "the generator emits {}, which ferrodis does not know: {r}",
            e.name
        );
    }
}

/// The same seed gives the same commands.
#[test]
fn generator_is_reproducible() {
    let names = |seed| {
        let mut g = Gen::new(seed, Mode::ShortExpiry);
        (0..500)
            .map(|_| {
                let s = g.next_step();
                (s.argv[0].to_ascii_lowercase(), s.argv.get(1).cloned(), s.sleep_before_ms)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(names(42), names(42));
    assert_ne!(names(42), names(43));
}

/// Commands per seed in CI: enough for every enabled command (strings, keys and the
/// collection families all share the stream) to come up under every seed.
const RUN_STEPS: usize = 4000;

/// Every enabled command comes up in a CI-sized run of every CI seed, with and without errors.
#[test]
fn generator_covers_every_enabled_command() {
    for &seed in super::CI_SEEDS {
        let mut g = Gen::new(seed, Mode::Normal);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..RUN_STEPS {
            seen.insert(String::from_utf8_lossy(&g.next_step().argv[0]).to_ascii_lowercase());
        }
        for e in enabled_entries() {
            assert!(seen.contains(e.name), "seed {seed} never generates {}", e.name);
        }
    }
}

/// The allowed TTL difference (tests/ALLOWED_DIFFERENCES.md) is exactly as wide as documented.
#[test]
fn ttl_comparison_rules() {
    use super::equivalent;
    let ttl = vec![b"TTL".to_vec(), b"k".to_vec()];
    let pttl = vec![b"pttl".to_vec(), b"k".to_vec()];
    assert!(equivalent(&ttl, b":-1\r\n", b":-1\r\n"));
    assert!(!equivalent(&ttl, b":-1\r\n", b":-2\r\n"));
    assert!(!equivalent(&ttl, b":-2\r\n", b":5\r\n"));
    assert!(equivalent(&ttl, b":1000\r\n", b":999\r\n"));
    assert!(equivalent(&ttl, b":1000\r\n", b":970\r\n"));
    assert!(!equivalent(&ttl, b":1000\r\n", b":969\r\n"));
    assert!(!equivalent(&ttl, b":1000000\r\n", b":1000\r\n"));
    assert!(equivalent(&pttl, b":1000000\r\n", b":999000\r\n"));
    assert!(!equivalent(&pttl, b":1000000\r\n", b":1000\r\n"));
    assert!(!equivalent(&ttl, b"-ERR x\r\n", b":5\r\n"));
    let keys = vec![b"KEYS".to_vec(), b"*".to_vec()];
    assert!(equivalent(&keys, b"*2\r\n$1\r\na\r\n$1\r\nb\r\n", b"*2\r\n$1\r\nb\r\n$1\r\na\r\n"));
    assert!(!equivalent(&keys, b"*2\r\n$1\r\na\r\n$1\r\nb\r\n", b"*2\r\n$1\r\nb\r\n$1\r\nc\r\n"));
    assert!(equivalent(&keys, b"~1\r\n$0\r\n\r\n", b"~1\r\n$0\r\n\r\n"));
    // Other commands: exact only.
    let get = vec![b"GET".to_vec(), b"k".to_vec()];
    assert!(!equivalent(&get, b":1\r\n", b":2\r\n"));
}
