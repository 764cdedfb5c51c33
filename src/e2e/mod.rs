//! Optional end-to-end encryption of conversations (docs/e2e.md): the envelope that seals a
//! title or a message's content on a device, bound to the record's metadata, so the hosted
//! backend relays what it cannot read, and cannot swap, move, replay or forge; the account's
//! keyring, sealed under a recovery code, or handed to a new device under a transfer code.
//!
//! `envelope` and `keyring` are pure code (no I/O, no state), so the daemon's peer side and
//! an SDK can share them. `hosted` keeps each encrypted account's key id and sealed keyring
//! on the hosted side.

pub mod envelope;
pub mod hosted;
pub mod keyring;
pub mod wire;

pub use envelope::{AccountKey, EnvelopeError, Field, open, seal};
pub use keyring::{Keyring, KeyringError, Transfer};
