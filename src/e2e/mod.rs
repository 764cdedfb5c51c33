//! Optional end-to-end encryption of conversations (docs/e2e.md): the envelope that seals a
//! title or a message's content on a device, bound to the record's metadata, so the hosted
//! backend relays what it cannot read, and cannot swap, move, replay or forge; the account's
//! keyring, sealed under a recovery code, or handed to a new device under a transfer code.
//!
//! `envelope` and `keyring` are pure code (no I/O, no state), so the daemon's peer side and
//! an SDK can share them. `hosted` keeps each encrypted account's key id and sealed keyring
//! on the hosted side; `device` keeps a device's keyring in its key store and calls the
//! hosted routes. Sealing and opening in sync are the sync engine's (`sync::sealing`).

pub mod device;
pub mod envelope;
pub mod forget;
pub mod hosted;
pub mod hosted_transfer;
pub mod keyring;
pub mod reset;
pub mod wire;

pub use device::{E2eAccess, E2eState};
pub use envelope::{AccountKey, EnvelopeError, Field, open, seal};
pub use keyring::{Keyring, KeyringError, Transfer};
