//! Attacks on the trust boundary, as a paired peer or an outsider would try them, on SQLite
//! and Postgres: each test performs one and checks that it breaks nothing. The audit log's
//! tests try someone with write access to the database, and floods of refusals.

#[path = "security/audit.rs"]
mod audit;
#[path = "security/audit_flood.rs"]
mod audit_flood;
#[path = "security/audit_retention.rs"]
mod audit_retention;
#[path = "security/audit_scope.rs"]
mod audit_scope;
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
#[path = "security/rate_limits.rs"]
mod rate_limits;
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
