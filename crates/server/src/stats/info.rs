//! INFO: sections and fields with Redis's names. Filled by the server commands family.
