//! Security pieces the capabilities share at the edge: the client's address, the rate
//! limits, and the audit trail, hash-chained (docs/security.md). (Key rotation joins them;
//! docs/architecture.md.)

pub mod audit;
mod client_ip;
pub mod rate_limit;

pub use audit::{AuditAccess, AuditLog, audit, audit_peer_refusal};
pub use client_ip::ClientIp;
pub use rate_limit::{AddressLimit, PeerLimit, RateLimits};
