//! End-to-end encryption across sync (docs/e2e.md), with real daemons on loopback and the
//! hosted side on SQLite and Postgres.

mod common;
#[path = "e2e/store.rs"]
mod store;
