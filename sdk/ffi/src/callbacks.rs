//! What the app implements: its key store, and a listener for what happens.

use backend_8825::client::{ClientEvent, Events};
use backend_8825::keychain::SecretStore;

use crate::records::SyncSummary;

/// The app's secret store: the iOS Keychain, the Android Keystore (wrapping keys it keeps in
/// its preferences), or a file store in tests. Names are plain (`identity-…`, `pair-…`);
/// values are text (a PEM key, a base64 key). Called on a thread of the SDK's own, never the
/// app's main thread: while opening and pairing, and from the background work (renewal
/// stores each new pair key).
#[uniffi::export(callback_interface)]
pub trait KeyStore: Send + Sync {
    /// The secret `name`, or none.
    fn get(&self, name: String) -> Result<Option<String>, KeyStoreError>;
    /// Stores `value` under `name`, replacing what was there.
    fn set(&self, name: String, value: String) -> Result<(), KeyStoreError>;
    /// Removes the secret `name`; a missing one is not an error.
    fn delete(&self, name: String) -> Result<(), KeyStoreError>;
}

/// The key store's failure, in its own words (shown to the user as the reason).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    #[error("{reason}")]
    Unavailable { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    fn from(err: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unavailable { reason: err.reason }
    }
}

/// The app's key store as the client core's [`SecretStore`].
pub(crate) struct AppKeyStore(pub Box<dyn KeyStore>);

impl SecretStore for AppKeyStore {
    fn get(&self, name: &str) -> Result<Option<String>, String> {
        self.0.get(name.to_string()).map_err(|e| e.to_string())
    }

    fn set(&self, name: &str, value: &str) -> Result<(), String> {
        self.0
            .set(name.to_string(), value.to_string())
            .map_err(|e| e.to_string())
    }

    fn delete(&self, name: &str) -> Result<(), String> {
        self.0.delete(name.to_string()).map_err(|e| e.to_string())
    }
}

/// What the app hears (on a thread of the SDK's own: post to the main thread to touch UI).
#[uniffi::export(callback_interface)]
pub trait SyncListener: Send + Sync {
    fn on_event(&self, event: SyncEvent);
}

/// One thing that happened.
#[derive(Clone, Debug, uniffi::Enum)]
pub enum SyncEvent {
    /// A sync with a peer finished.
    Synced { summary: SyncSummary },
    /// A sync with a peer failed; the started client tries again with backoff.
    SyncFailed {
        peer_id: String,
        code: String,
        detail: String,
    },
    /// Conversations changed here because another device wrote them: read lists again.
    DataChanged { peer_id: String },
    /// The status changed (`status()` reads it anew).
    StatusChanged,
}

impl From<ClientEvent> for SyncEvent {
    fn from(event: ClientEvent) -> Self {
        match event {
            ClientEvent::Synced { summary } => Self::Synced {
                summary: summary.into(),
            },
            ClientEvent::SyncFailed {
                peer_id,
                code,
                message,
            } => Self::SyncFailed {
                peer_id,
                code,
                detail: message,
            },
            ClientEvent::DataChanged { peer_id } => Self::DataChanged { peer_id },
            ClientEvent::StatusChanged => Self::StatusChanged,
        }
    }
}

/// Calls `listener` with each event, on a thread of its own, until the client is gone.
pub(crate) fn deliver(mut events: Events, listener: Box<dyn SyncListener>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("backend-8825-listener".into())
        .spawn(move || {
            while let Some(event) = events.blocking_next() {
                listener.on_event(event.into());
            }
        })
        .map(drop)
}
