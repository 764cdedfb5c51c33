//! Privacy: the privacy settings of each account (pause sync, telemetry on or off, what is
//! redacted, how long data is kept), and finding personal data in free text to replace it
//! before it leaves the machine. The redactor is pure code (no I/O, no state), so any
//! capability can call it on its hot path. docs/privacy.md.

mod formats;
mod numbers;
pub mod redact;
pub(crate) mod routes;
pub mod score;
pub mod settings;

pub use redact::{Entity, Kind, Redacted, redact, redact_line};
pub use settings::{PrivacyAccess, PrivacySettings, PrivacyState, PrivacyUpdate, SettingsChange};
