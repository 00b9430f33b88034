//! Expiry happening during a run: batches of very short expiries (PX 1..40 ms), then a wait
//! at a step boundary until all of them have surely elapsed. Replies inside a batch race with
//! the clock and are not compared; every other reply, and the final state, must match.
//!
//! A batch only holds commands whose outcome, once the wait is over, does not depend on the
//! race: each either leaves its key with an expiry of at most the batch's longest, deletes it,
//! or (decided without the clock) leaves it unchanged. See `Gen::short_expiry_cmd`.

use super::generator::Mode;
use super::{run_seeds, seeds, steps};

const EXPIRY_SEEDS: &[u64] = &[11, 12, 13, 14, 15, 16];

#[test]
fn short_expiries_then_final_state_matches() {
    run_seeds(&seeds(EXPIRY_SEEDS), steps(600), Mode::ShortExpiry);
}
