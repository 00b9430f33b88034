//! The integration suite: one binary (linked once), one module per area, mirroring Redis's
//! `tests/unit`. Every test starts the real `ferrodis-server` binary on a free port.

mod diff;
mod unit;
