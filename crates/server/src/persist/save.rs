//! SAVE, BGSAVE, save points, LASTSAVE and the INFO persistence fields.

/// RDB saving state.
#[derive(Default)]
pub struct RdbState {}
