//! Finding a command's keys in its arguments from its Redis 7 key specs.
//!
//! Used by the executor (which shards to lock), COMMAND GETKEYS, and later ACL key checks,
//! cluster redirection and WATCH. Malformed input (a bad `numkeys`) yields no keys: the
//! handler reports the error itself.

use resp::parse::{parse_i64, Argv};

use super::spec::{BeginSearch, CommandSpec, FindKeys, KeySpec};

/// Calls `f(index, spec_index)` for every key argument of `argv` under `spec`.
pub fn for_each_key(spec: &CommandSpec, argv: &Argv<'_>, mut f: impl FnMut(usize, usize)) {
    if let Some(g) = spec.getkeys {
        g(argv, &mut f);
        return;
    }
    for (si, ks) in spec.keys.iter().enumerate() {
        find(ks, argv, |i| f(i, si));
    }
}

/// Returns the key argument indexes (duplicates kept, in spec order).
pub fn key_indexes(spec: &CommandSpec, argv: &Argv<'_>) -> Vec<usize> {
    let mut v = Vec::new();
    for_each_key(spec, argv, |i, _| v.push(i));
    v
}

fn find(ks: &KeySpec, argv: &Argv<'_>, mut f: impl FnMut(usize)) {
    let argc = argv.len() as i32;
    let begin = match ks.begin {
        BeginSearch::Index(i) => {
            if i >= argc {
                return;
            }
            i
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            let (start, end, step) =
                if startfrom >= 0 { (startfrom, argc - 1, 1) } else { (argc + startfrom, 0, -1) };
            let mut i = start;
            let mut found = None;
            while (step > 0 && i <= end) || (step < 0 && i >= end) {
                if i >= 0
                    && i < argc
                    && argv.get(i as usize).eq_ignore_ascii_case(keyword.as_bytes())
                {
                    found = Some(i + 1);
                    break;
                }
                i += step;
            }
            match found {
                Some(b) if b < argc => b,
                _ => return,
            }
        }
        BeginSearch::Unknown => return,
    };
    match ks.find {
        FindKeys::Range { lastkey, step, limit } => {
            let last = if lastkey >= 0 {
                begin + lastkey
            } else if limit > 1 {
                begin + (argc - begin) / limit - 1 + (lastkey + 1)
            } else {
                argc + lastkey
            };
            let step = step.max(1);
            let mut i = begin;
            while i <= last && i < argc {
                f(i as usize);
                i += step;
            }
        }
        FindKeys::Keynum { keynumidx, firstkey, step } => {
            let ni = begin + keynumidx;
            if ni >= argc {
                return;
            }
            let Some(n) = parse_i64(argv.get(ni as usize)) else { return };
            if n <= 0 {
                return;
            }
            let first = begin + firstkey;
            let step = step.max(1);
            let mut i = first;
            let mut count = 0;
            while count < n && i < argc {
                f(i as usize);
                i += step;
                count += 1;
            }
        }
        FindKeys::Unknown => {}
    }
}
