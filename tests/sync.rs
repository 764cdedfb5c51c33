//! Conversation sync end to end: real daemons on loopback (hosted on SQLite and Postgres),
//! manual clocks, syncs driven by the test or woken by writes; and the store-level
//! properties the engine rests on.

#[path = "sync/advisor.rs"]
mod advisor;
#[path = "sync/api.rs"]
mod api;
mod common;
#[path = "sync/conversations.rs"]
mod conversations;
#[path = "sync/independent.rs"]
mod independent;
#[path = "sync/ordering.rs"]
mod ordering;
#[path = "sync/pages.rs"]
mod pages;
#[path = "sync/properties.rs"]
mod properties;
#[path = "sync/races.rs"]
mod races;
#[path = "sync/recovery.rs"]
mod recovery;
#[path = "sync/replay.rs"]
mod replay;
#[path = "sync/restore.rs"]
mod restore;
#[path = "sync/round_trip.rs"]
mod round_trip;
