//! COMMAND and its subcommands: shapes, errors, and COMMAND INFO of every command we
//! implement compared with the reference's.

use ferrodis_tests::{Pair, RawConn, TestServer};

/// A parsed RESP value; sets are kept sorted so they compare order-free.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum V {
    Str(String),
    Err(String),
    Int(i64),
    Nil,
    Arr(Vec<V>),
    Set(Vec<V>),
    Map(Vec<(V, V)>),
    Other(String),
}

impl V {
    pub fn s(&self) -> &str {
        match self {
            V::Str(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }
    pub fn arr(&self) -> &[V] {
        match self {
            V::Arr(v) | V::Set(v) => v,
            _ => panic!("not an array: {self:?}"),
        }
    }
}

fn line(b: &[u8], pos: &mut usize) -> String {
    let start = *pos;
    while &b[*pos..*pos + 2] != b"\r\n" {
        *pos += 1;
    }
    let s = String::from_utf8_lossy(&b[start..*pos]).into_owned();
    *pos += 2;
    s
}

fn parse_at(b: &[u8], pos: &mut usize) -> V {
    let t = b[*pos];
    *pos += 1;
    let l = line(b, pos);
    match t {
        b'+' => V::Str(l),
        b'-' => V::Err(l),
        b':' => V::Int(l.parse().unwrap()),
        b'_' => V::Nil,
        b'$' | b'=' => {
            let n: i64 = l.parse().unwrap();
            if n < 0 {
                return V::Nil;
            }
            let s = String::from_utf8_lossy(&b[*pos..*pos + n as usize]).into_owned();
            *pos += n as usize + 2;
            V::Str(s)
        }
        b'*' | b'>' => {
            let n: i64 = l.parse().unwrap();
            if n < 0 {
                return V::Nil;
            }
            V::Arr((0..n).map(|_| parse_at(b, pos)).collect())
        }
        b'~' => {
            let n: usize = l.parse().unwrap();
            let mut v: Vec<V> = (0..n).map(|_| parse_at(b, pos)).collect();
            v.sort();
            V::Set(v)
        }
        b'%' => {
            let n: usize = l.parse().unwrap();
            let mut m: Vec<(V, V)> = (0..n).map(|_| (parse_at(b, pos), parse_at(b, pos))).collect();
            m.sort();
            V::Map(m)
        }
        _ => V::Other(l),
    }
}

/// Parses one complete reply.
pub fn parse(b: &[u8]) -> V {
    let mut pos = 0;
    parse_at(b, &mut pos)
}

fn hello3(c: &mut RawConn) {
    let r = c.cmd(&["HELLO", "3"]);
    assert!(r.starts_with(b"%"), "{}", String::from_utf8_lossy(&r));
}

/// Removes what may legitimately differ from a COMMAND INFO entry: key spec notes (our own
/// words, or none), and subcommands the reference has that we do not implement yet.
fn normalize(e: &V, ours_subs: Option<&[String]>) -> Vec<V> {
    let mut v = e.arr().to_vec();
    if let V::Set(specs) = &mut v[8] {
        for s in specs.iter_mut() {
            if let V::Map(m) = s {
                m.retain(|(k, _)| !matches!(k, V::Str(x) if x == "notes"));
            }
        }
        specs.sort();
    }
    let subs: Vec<V> = match &v[9] {
        V::Arr(x) => x.clone(),
        _ => vec![],
    };
    let mut subs: Vec<V> = subs
        .into_iter()
        .filter(|s| ours_subs.is_none_or(|names| names.contains(&s.arr()[0].s().to_string())))
        .map(|s| V::Arr(normalize(&s, None)))
        .collect();
    subs.sort();
    v[9] = V::Arr(subs);
    v
}

/// Differences we accept, each for a stated reason.
fn documented_difference(name: &str, field: usize) -> bool {
    matches!(
        (name, field),
        // Redis 7.2 made COMMAND GETKEYS / GETKEYSANDFLAGS arity -3 (7.0.15 has -4).
        ("command|getkeys", 1) | ("command|getkeysandflags", 1)
            // Owned by the generic-commands file: TTL/PTTL lack the nondeterministic_output
            // tip there (reported to its owner).
            | ("ttl", 7) | ("pttl", 7)
            // Redis 7.2 tags these as all-nodes commands; 7.0.15 has no tips for them.
            | ("config|resetstat", 7) | ("config|rewrite", 7)
            // Redis 7.2 added ZRANK/ZREVRANK WITHSCORE: arity -3 (7.0.15 has 3).
            | ("zrank", 1) | ("zrevrank", 1)
    )
}

#[test]
fn command_info_matches_reference_for_every_implemented_command() {
    let mut p = Pair::start(&[]);
    hello3(&mut p.a);
    hello3(&mut p.b);
    let names = parse(&p.a.cmd(&["COMMAND", "LIST"]));
    let names: Vec<String> = names.arr().iter().map(|n| n.s().to_string()).collect();
    assert!(names.len() > 10);
    let labels =
        ["name", "arity", "flags", "first", "last", "step", "acl", "tips", "keyspecs", "subs"];
    let mut failures = Vec::new();
    for name in names.iter().filter(|n| !n.contains('|')) {
        let ours = parse(&p.a.cmd(&["COMMAND", "INFO", name]));
        let theirs = parse(&p.b.cmd(&["COMMAND", "INFO", name]));
        let (o, t) = (&ours.arr()[0], &theirs.arr()[0]);
        assert_ne!(*t, V::Nil, "the reference does not know {name}");
        // Subcommands new in Redis 7.2 do not exist in the 7.0.15 reference.
        const SINCE_7_2: &[&str] = &["client|setinfo", "client|no-touch"];
        let ours_subs: Vec<String> = names
            .iter()
            .filter(|n| n.starts_with(&format!("{name}|")) && !SINCE_7_2.contains(&n.as_str()))
            .cloned()
            .collect();
        let (o, t) = (normalize(o, Some(&ours_subs)), normalize(t, Some(&ours_subs)));
        for i in 0..10 {
            if i == 9 {
                // Compare subcommands one by one, field by field.
                for (os, ts) in o[9].arr().iter().zip(t[9].arr()) {
                    let sub = os.arr()[0].s().to_string();
                    #[allow(clippy::needless_range_loop)]
                    for j in 0..9 {
                        if os.arr()[j] != ts.arr()[j] && !documented_difference(&sub, j) {
                            failures.push(format!(
                                "{sub} {}: ours {:?} reference {:?}",
                                labels[j],
                                os.arr()[j],
                                ts.arr()[j]
                            ));
                        }
                    }
                }
                assert_eq!(
                    o[9].arr().len(),
                    t[9].arr().len(),
                    "{name}: subcommand unknown to the reference"
                );
            } else if o[i] != t[i] && !documented_difference(name, i) {
                failures
                    .push(format!("{name} {}: ours {:?} reference {:?}", labels[i], o[i], t[i]));
            }
        }
    }
    assert!(failures.is_empty(), "COMMAND INFO differences:\n{}", failures.join("\n"));
}

#[test]
fn command_docs_structure_matches_reference_for_server_commands() {
    let mut p = Pair::start(&[]);
    hello3(&mut p.a);
    hello3(&mut p.b);
    for name in [
        "info",
        "dbsize",
        "flushdb",
        "flushall",
        "swapdb",
        "time",
        "lastsave",
        "shutdown",
        "debug",
        "command|info",
        "command|docs",
        "command|list",
        "command|count",
        "command|help",
    ] {
        let strip = |v: V| -> V {
            let V::Map(m) = v else { panic!("{name}: not a map") };
            let (_, doc) = m.into_iter().next().expect("one entry");
            match doc {
                V::Map(mut d) => {
                    d.retain(|(k, _)| !matches!(k, V::Str(s) if s == "summary"));
                    V::Map(d)
                }
                other => other,
            }
        };
        let o = strip(parse(&p.a.cmd(&["COMMAND", "DOCS", name])));
        let t = strip(parse(&p.b.cmd(&["COMMAND", "DOCS", name])));
        assert_eq!(o, t, "COMMAND DOCS {name}");
    }
}

#[test]
fn command_errors_and_simple_replies_match_reference() {
    let mut p = Pair::start(&[]);
    for cmd in [
        &["COMMAND", "GETKEYS", "nosuch", "a"][..],
        &["COMMAND", "GETKEYS", "set", "a"],
        &["COMMAND", "GETKEYS", "set", "a", "b"],
        &["COMMAND", "GETKEYS", "del", "a", "b", "c"],
        // (SET's key flags vary with GET: see `CommandSpec::key_flags`; the string commands
        // declare that hook.)
        &["COMMAND", "GETKEYSANDFLAGS", "del", "a", "b"],
        &["COMMAND", "GETKEYS", "config", "nosuch", "x"],
        &["COMMAND", "LIST", "FILTERBY", "foo", "x"],
        &["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN"],
        &["COMMAND", "LIST", "x"],
        &["COMMAND", "INFO", "nosuch"],
        &["COMMAND", "INFO", "get", "nosuch", "GET"],
        &["COMMAND", "INFO", "config|get"],
        &["COMMAND", "DOCS", "nosuch"],
        &["COMMAND", "NOSUCH"],
        &["COMMAND", "COUNT", "x"],
    ] {
        p.check(cmd);
    }
}

#[test]
fn command_getkeys_follows_redis_7_2() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    // 7.2: arity -3, so commands without keys get their own error.
    assert_eq!(
        c.cmd_str(&["COMMAND", "GETKEYS", "ping"]),
        "-ERR The command has no key arguments\r\n"
    );
    assert_eq!(
        c.cmd_str(&["COMMAND", "GETKEYS", "get"]),
        "-ERR Invalid number of arguments specified for command\r\n"
    );
    assert_eq!(
        c.cmd_str(&["COMMAND", "GETKEYS"]),
        "-ERR wrong number of arguments for 'command|getkeys' command\r\n"
    );
    assert_eq!(c.cmd_str(&["COMMAND", "GETKEYS", "get", "k"]), "*1\r\n$1\r\nk\r\n");
}

#[test]
fn command_count_list_and_filters() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    let all = parse(&c.cmd(&["COMMAND"]));
    let count = parse(&c.cmd(&["COMMAND", "COUNT"]));
    assert_eq!(count, V::Int(all.arr().len() as i64));
    let list = parse(&c.cmd(&["COMMAND", "LIST"]));
    let top = list.arr().iter().filter(|n| !n.s().contains('|')).count();
    assert_eq!(
        top as i64,
        match count {
            V::Int(n) => n,
            _ => unreachable!(),
        }
    );
    assert!(list.arr().contains(&V::Str("config|get".into())));
    let pat = parse(&c.cmd(&["COMMAND", "LIST", "FILTERBY", "PATTERN", "config*"]));
    assert!(pat.arr().iter().all(|n| n.s().starts_with("config")));
    assert!(pat.arr().contains(&V::Str("config".into())));
    let cat = parse(&c.cmd(&["COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace"]));
    assert!(cat.arr().contains(&V::Str("dbsize".into())));
    assert!(!cat.arr().contains(&V::Str("ping".into())));
    let help = c.cmd_str(&["COMMAND", "HELP"]);
    assert!(
        help.starts_with("*") && help.contains("+GETKEYSANDFLAGS <full-command>\r\n"),
        "{help}"
    );
    // Every entry of COMMAND INFO with no names is a 10-element array.
    let info = parse(&c.cmd(&["COMMAND", "INFO"]));
    assert_eq!(info.arr().len(), all.arr().len());
    assert!(info.arr().iter().all(|e| e.arr().len() == 10));
}
