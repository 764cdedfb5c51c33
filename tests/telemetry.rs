//! Telemetry end to end: a local daemon streams events to a hosted daemon (SQLite and
//! Postgres) over the signed WebSocket, through stops, restarts and a proxy that cuts the
//! connection. Clocks are injected; waits poll an observable condition with a deadline.

mod common;
#[path = "telemetry/dashboard.rs"]
mod dashboard;
#[path = "telemetry/delivery.rs"]
mod delivery;
#[path = "telemetry/emit.rs"]
mod emit;
#[path = "telemetry/events.rs"]
mod events;
#[path = "telemetry/instances.rs"]
mod instances;
#[path = "telemetry/outbox.rs"]
mod outbox;
#[path = "telemetry/refusals.rs"]
mod refusals;
