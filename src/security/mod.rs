//! Security pieces the capabilities share at the edge: the client's address, the rate
//! limits and the audit trail. (Key rotation and revocation join them; docs/architecture.md.)

mod audit;
mod client_ip;
pub mod rate_limit;

pub use audit::audit;
pub use client_ip::ClientIp;
pub use rate_limit::{AddressLimit, PeerLimit, RateLimits};
