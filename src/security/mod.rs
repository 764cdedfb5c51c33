//! Security pieces the capabilities share at the edge: the client's address and the audit
//! trail. (Key rotation, revocation and rate limits join them; docs/architecture.md.)

mod audit;
mod client_ip;

pub use audit::{audit, chain_scope};
pub use client_ip::ClientIp;
