//! Optional end-to-end encryption of conversations (docs/e2e.md): the envelope that seals a
//! title or a message's content on a device, bound to the record's metadata, so the hosted
//! backend relays what it cannot read, and cannot swap, move, replay or forge; the account's
//! keyring, sealed under a recovery code, or handed to a new device under a transfer code.
//!
//! Pure code: no I/O and no state, so the daemon's peer side and the SDK's can share it.

pub mod envelope;
pub mod keyring;

pub use envelope::{AccountKey, EnvelopeError, Field, open, seal};
pub use keyring::{Keyring, KeyringError, Transfer};
