//! SORT and SORT_RO against the reference: numeric and ALPHA order, BY (string keys, hash
//! fields, `nosort`), GET (`#`, keys, hash fields, missing), LIMIT edges, DESC, STORE (and an
//! empty result deleting the destination), every value type, errors.

use ferrodis_tests::Pair;

fn run(p: &mut Pair, cmds: &[&[&str]]) {
    for c in cmds {
        p.check(c);
    }
}

#[test]
fn sort_orders_and_options_match_reference() {
    let mut p = Pair::start(&[]);
    run(
        &mut p,
        &[
            &["RPUSH", "l", "3", "1", "2", "10", "-5", "2.5", "1e2"],
            &["SORT", "l"],
            &["SORT", "l", "DESC"],
            &["SORT", "l", "ALPHA"],
            &["SORT", "l", "ALPHA", "DESC"],
            &["SORT", "l", "LIMIT", "0", "3"],
            &["SORT", "l", "LIMIT", "2", "100"],
            &["SORT", "l", "LIMIT", "-5", "2"],
            &["SORT", "l", "LIMIT", "3", "-1"],
            &["SORT", "l", "LIMIT", "7", "1"],
            &["SORT", "l", "LIMIT", "100", "1"],
            &["SORT", "l", "LIMIT", "0", "0"],
            &["SORT", "l", "LIMIT", "x", "1"],
            &["SORT", "l", "LIMIT", "1"],
            &["SORT", "l", "BOGUS"],
            &["SORT_RO", "l", "DESC", "LIMIT", "1", "2"],
            &["SORT_RO", "l", "STORE", "x"],
            &["RPUSH", "words", "banana", "apple", "cherry", "apple"],
            &["SORT", "words"],
            &["SORT", "words", "ALPHA"],
            &["SORT", "nokey"],
            &["SORT", "nokey", "STORE", "dst"],
            &["SET", "str", "x"],
            &["SORT", "str"],
            &["SORT", "str", "ALPHA"],
        ],
    );
}

#[test]
fn sort_by_and_get_patterns_match_reference() {
    let mut p = Pair::start(&[]);
    run(
        &mut p,
        &[
            &["RPUSH", "ids", "1", "2", "3", "4"],
            &["MSET", "w_1", "40", "w_2", "10", "w_3", "30", "name_1", "ann", "name_2", "bob"],
            &["HSET", "user_1", "age", "33", "nick", "z"],
            &["HSET", "user_2", "age", "21", "nick", "y"],
            &["HSET", "user_3", "age", "45"],
            &["SORT", "ids", "BY", "w_*"],
            &["SORT", "ids", "BY", "w_*", "DESC"],
            &["SORT", "ids", "BY", "w_*", "GET", "name_*"],
            &["SORT", "ids", "BY", "w_*", "GET", "#", "GET", "name_*"],
            &["SORT", "ids", "BY", "user_*->age"],
            &["SORT", "ids", "BY", "user_*->age", "GET", "user_*->nick", "GET", "#"],
            &["SORT", "ids", "BY", "user_*->nick", "ALPHA"],
            &["SORT", "ids", "BY", "nosort"],
            &["SORT", "ids", "BY", "nosort", "DESC"],
            &["SORT", "ids", "BY", "nosort", "LIMIT", "1", "2"],
            &["SORT", "ids", "BY", "nosort", "GET", "name_*"],
            &["SORT", "ids", "GET", "user_*->"],
            &["SORT", "ids", "GET", "*"],
            &["SORT", "ids", "GET", "noprefix"],
            &["SET", "w_4", "notanumber"],
            &["SORT", "ids", "BY", "w_*"],
            &["SORT", "ids", "BY", "w_*", "ALPHA"],
            &["SORT", "ids", "BY", "name_*", "ALPHA", "GET", "#"],
            &["SORT", "ids", "BY", "w_*", "ALPHA", "STORE", "out"],
            &["LRANGE", "out", "0", "-1"],
            &["SORT", "ids", "GET", "name_*", "STORE", "out2"],
            &["LRANGE", "out2", "0", "-1"],
            &["SORT", "ids", "LIMIT", "10", "1", "STORE", "out2"],
            &["EXISTS", "out2"],
        ],
    );
}

#[test]
fn sort_of_sets_and_sorted_sets_matches_reference() {
    let mut p = Pair::start(&[]);
    run(
        &mut p,
        &[
            &["SADD", "s", "5", "3", "9", "1"],
            &["SORT", "s"],
            &["SORT", "s", "DESC", "LIMIT", "1", "2"],
            &["SORT", "s", "BY", "nosort"],
            &["SORT", "s", "BY", "nosort", "STORE", "d"],
            &["LRANGE", "d", "0", "-1"],
            &["SADD", "t", "pear", "fig", "kiwi"],
            &["SORT", "t", "ALPHA"],
            &["SORT", "t"],
            &["SORT", "t", "BY", "nosort", "STORE", "d2"],
            &["LRANGE", "d2", "0", "-1"],
            &["ZADD", "z", "3", "c", "1", "a", "2", "b", "10", "j"],
            &["SORT", "z", "ALPHA"],
            &["SORT", "z", "BY", "nosort"],
            &["SORT", "z", "BY", "nosort", "DESC"],
            &["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
            &["SORT", "z", "BY", "nosort", "LIMIT", "2", "5"],
            &["OBJECT", "ENCODING", "z"],
            &["SORT", "z"],
            &["ZADD", "zn", "1", "30", "2", "20", "3", "10"],
            &["SORT", "zn"],
            &["SORT", "zn", "BY", "nosort", "STORE", "d3"],
            &["LRANGE", "d3", "0", "-1"],
            &["HSET", "h", "f", "v"],
            &["SORT", "h"],
        ],
    );
}

#[test]
fn sort_getkeys_and_command_info_match_reference() {
    let mut p = Pair::start(&[]);
    run(
        &mut p,
        &[
            &["COMMAND", "GETKEYS", "SORT", "k", "STORE", "a", "STORE", "b"],
            &["COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "0", "1", "GET", "store", "BY", "x"],
            &["COMMAND", "GETKEYS", "SORT_RO", "k", "BY", "x"],
            &["COMMAND", "INFO", "sort_ro"],
            &["COMMAND", "DOCS", "sort"],
        ],
    );
}
