//! End-to-end encryption across sync (docs/e2e.md), with real daemons on loopback and the
//! hosted side on SQLite and Postgres: enabling (once per account), no plaintext left on the
//! hosted side, recovery on a fresh device, adding a device with a transfer code, rotation on revocation, and a device refusing what a hosted database
//! tampered with by hand relays.

#[path = "e2e/cli.rs"]
mod cli;
mod common;
#[path = "e2e/enable.rs"]
mod enable;
#[path = "e2e/privacy.rs"]
mod privacy;
#[path = "e2e/recover.rs"]
mod recover;
#[path = "e2e/reset.rs"]
mod reset;
#[path = "e2e/rotate.rs"]
mod rotate;
#[path = "e2e/store.rs"]
mod store;
#[path = "e2e/support.rs"]
mod support;
#[path = "e2e/tamper.rs"]
mod tamper;
#[path = "e2e/transfer.rs"]
mod transfer;
#[path = "e2e/transfer_cli.rs"]
mod transfer_cli;
#[path = "e2e/unfinished.rs"]
mod unfinished;
