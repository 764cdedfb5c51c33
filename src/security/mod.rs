//! Security pieces the capabilities share at the edge: the client's address and the audit
//! trail, hash-chained (docs/security.md). (Key rotation, revocation and rate limits join
//! them; docs/architecture.md.)

pub mod audit;
mod client_ip;

pub use audit::{AuditAccess, AuditLog, audit, audit_peer_refusal};
pub use client_ip::ClientIp;
