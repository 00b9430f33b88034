//! The server starts, answers, and agrees with the reference on the basics.

use ferrodis_tests::{Pair, TestServer};

#[test]
fn ping_set_get_through_redis_rs() {
    let srv = TestServer::start();
    let mut c = srv.client();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let _: () = redis::cmd("SET").arg("k").arg("v").query(&mut c).unwrap();
    let v: String = redis::cmd("GET").arg("k").query(&mut c).unwrap();
    assert_eq!(v, "v");
}

#[test]
fn basic_replies_match_reference() {
    let mut p = Pair::start(&[]);
    p.check(&["PING"]);
    p.check(&["SET", "a", "1"]);
    p.check(&["INCR", "a"]);
    p.check(&["GET", "a"]);
    p.check(&["GET", "missing"]);
    p.check(&["NOSUCHCOMMAND", "x"]);
}
