//! Living with failing networks and peers: the one retry strategy every caller of another
//! backend uses ([`retry`]). (The network monitor and the offline queue join it;
//! docs/architecture.md.)

pub mod retry;

pub use retry::Backoff;
