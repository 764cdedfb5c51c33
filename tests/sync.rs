//! Conversation sync end to end: real daemons on loopback (hosted on SQLite and Postgres),
//! manual clocks, syncs driven by the test or woken by writes; and the store-level
//! properties the engine rests on.

#[path = "sync/advisor.rs"]
mod advisor;
mod common;
#[path = "sync/e2e.rs"]
mod e2e;
#[path = "sync/harness.rs"]
mod harness;
#[path = "sync/properties.rs"]
mod properties;
