//! Privacy: finding personal data in free text and replacing it before it leaves the
//! machine. Pure code (no I/O, no state), so any capability can call it on its hot path.

mod formats;
mod numbers;
pub mod redact;
pub mod score;

pub use redact::{Entity, Kind, Redacted, redact};
