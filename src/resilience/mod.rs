//! Living with failing networks, peers and databases: the one retry strategy every caller of
//! another backend uses ([`retry`]), and whether the database is known to be down
//! ([`database`]). The network monitor, which keeps each hosted peer's state and the retry
//! budgets, is the capability `crate::network` (docs/architecture.md).

pub mod database;
pub mod retry;

pub use database::DatabaseHealth;
pub use retry::{
    Backoff, Decision, Failure, RetryBudget, RetryBudgets, RetryStrategy, retryable, retrying,
};
