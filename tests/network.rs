//! The network monitor on a local daemon (docs/sync.md, "Network states"): a hosted peer
//! that goes away is `offline` after the first failed call, with what waits for it, and
//! nothing but a `GET /health` probe goes to it (counted through a proxy); back, it syncs at
//! once. A peer that refuses some of its calls is `degraded`. Pairing retries only what never
//! arrived. Hosted on SQLite and Postgres.

mod common;
#[allow(dead_code)]
#[path = "sync/conversations.rs"]
mod conversations;
#[path = "network/degraded.rs"]
mod degraded;
#[allow(dead_code)]
#[path = "telemetry/events.rs"]
mod events;
#[path = "network/offline.rs"]
mod offline;
#[path = "network/retries.rs"]
mod retries;
