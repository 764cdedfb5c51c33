//! Attacks on the trust boundary, as a paired peer or an outsider would try them, on SQLite
//! and Postgres: each test performs one and checks that it breaks nothing.

#[path = "security/clock.rs"]
mod clock;
mod common;
#[path = "security/files.rs"]
mod files;
#[path = "security/input.rs"]
mod input;
#[path = "security/keepalive.rs"]
mod keepalive;
#[path = "security/peer.rs"]
mod peer;
#[path = "security/revocation.rs"]
mod revocation;
#[path = "security/rotation.rs"]
mod rotation;
#[path = "security/rotation_hosted.rs"]
mod rotation_hosted;
#[path = "security/sbt.rs"]
mod sbt;
#[path = "security/set_aside.rs"]
mod set_aside;
