//! The telemetry part of the store: the local outbox and the hosted event table. A trait of
//! its own ([`TelemetryStore`], reached through [`Store::telemetry`]), written once for both
//! pools like the rest of the store.
//!
//! [`Store::telemetry`]: super::Store::telemetry

use async_trait::async_trait;

/// Telemetry persistence. Both implementations pass the same contract tests.
#[async_trait]
pub trait TelemetryStore: Send + Sync + 'static {}

macro_rules! telemetry_store {
    ($store:ty, $conn:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::telemetry::TelemetryStore for $store {}
    };
}

pub(crate) use telemetry_store;
