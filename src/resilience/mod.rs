//! Living with failing networks, peers and databases: the one retry strategy every caller of
//! another backend uses ([`retry`]), and whether the database is known to be down
//! ([`database`]). (The network monitor and the offline queue join them;
//! docs/architecture.md.)

pub mod database;
pub mod retry;

pub use database::DatabaseHealth;
pub use retry::{
    Backoff, Decision, Failure, RetryBudget, RetryBudgets, RetryStrategy, retryable, retrying,
};
