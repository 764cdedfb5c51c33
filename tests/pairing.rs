//! Pairing end to end: a local and a hosted daemon on loopback pair through the local API as
//! the UI would, then every attack from the pairing issue is tried against them. The hosted
//! daemon runs on SQLite and on Postgres; clocks are injected, nothing sleeps.

#[path = "pairing/codes.rs"]
mod codes;
mod common;
#[path = "pairing/fixture.rs"]
mod fixture;
#[path = "pairing/grant_tampering.rs"]
mod grant_tampering;
#[path = "pairing/handshake.rs"]
mod handshake;
#[path = "pairing/proofs.rs"]
mod proofs;
#[path = "pairing/renewal.rs"]
mod renewal;
#[path = "pairing/signed.rs"]
mod signed;
#[path = "pairing/unauthorized.rs"]
mod unauthorized;
