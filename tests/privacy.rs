//! Privacy settings and consent, on SQLite and Postgres: the settings routes (validation,
//! persistence, audit, one account's settings never another's), Pause Sync on either end
//! counted through a proxy, and what the settings change in what leaves the machine.

mod common;
#[path = "privacy/content.rs"]
mod content;
#[allow(dead_code)]
#[path = "sync/conversations.rs"]
mod conversations;
#[allow(dead_code)]
#[path = "telemetry/events.rs"]
mod events;
#[path = "privacy/pause.rs"]
mod pause;
#[path = "privacy/settings.rs"]
mod settings;
