//! The records the SDK passes across: plain data, copied (Kotlin data classes, Swift
//! structs, Python dataclasses).

use std::collections::HashMap;

use backend_8825::client;
use backend_8825::sync::records::{ConversationView, MessageView};

/// Who this device is.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Identity {
    pub backend_id: String,
    /// The fingerprint the hosted side shows for this device: lowercase hex SHA-256 of the
    /// public key's DER.
    pub key_id: String,
    /// PEM, SubjectPublicKeyInfo.
    pub public_key: String,
}

/// A pairing made.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Pairing {
    pub peer_id: String,
    pub account_id: String,
    pub hosted_backend_id: String,
    pub hosted_key_id: String,
    /// Unix milliseconds; renewed on its own while the client runs.
    pub sbt_expires_at_ms: i64,
}

/// What one sync with a peer did.
#[derive(Clone, Debug, uniffi::Record)]
pub struct SyncSummary {
    pub peer_id: String,
    pub round_trips: u32,
    pub pushed: u32,
    pub pulled: u32,
    /// Versions the peer refused, set aside (`status()` counts them).
    pub set_aside: u32,
}

impl From<backend_8825::sync::SyncSummary> for SyncSummary {
    fn from(s: backend_8825::sync::SyncSummary) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Self {
            peer_id: s.peer_id,
            round_trips: n(s.round_trips),
            pushed: n(s.pushed),
            pulled: n(s.pulled),
            set_aside: n(s.set_aside + s.unopened),
        }
    }
}

/// Syncing with one peer: what it did, or why it failed.
#[derive(Clone, Debug, uniffi::Record)]
pub struct PeerSyncResult {
    pub peer_id: String,
    /// `None` when it failed.
    pub summary: Option<SyncSummary>,
    pub error_code: Option<String>,
    pub error_detail: Option<String>,
}

impl From<client::PeerSync> for PeerSyncResult {
    fn from(done: client::PeerSync) -> Self {
        match done.outcome {
            Ok(summary) => Self {
                peer_id: done.peer_id,
                summary: Some(summary.into()),
                error_code: None,
                error_detail: None,
            },
            Err(err) => Self {
                peer_id: done.peer_id,
                summary: None,
                error_code: Some(err.code().to_string()),
                error_detail: Some(err.to_string()),
            },
        }
    }
}

#[derive(Clone, Debug, uniffi::Record)]
pub struct Conversation {
    pub id: String,
    /// `None` when end-to-end encrypted and not readable here.
    pub title: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
    /// The backend (device) that wrote this version.
    pub source_backend: String,
}

impl From<ConversationView> for Conversation {
    fn from(v: ConversationView) -> Self {
        Self {
            id: v.id,
            title: v.title,
            created_at: v.created_at,
            updated_at: v.updated_at,
            source_backend: v.source_backend,
        }
    }
}

#[derive(Clone, Debug, uniffi::Record)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    /// `user`, `assistant` or `system`.
    pub role: String,
    pub content: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub source_backend: String,
}

impl From<MessageView> for Message {
    fn from(v: MessageView) -> Self {
        Self {
            id: v.id,
            conversation_id: v.conversation_id,
            role: v.role,
            content: v.content,
            created_at: v.created_at,
            updated_at: v.updated_at,
            source_backend: v.source_backend,
        }
    }
}

/// A conversation with all its messages, oldest first.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ConversationDetail {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
}

/// A page of conversations, newest first; pass `next_cursor` for the next.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ConversationPage {
    pub items: Vec<Conversation>,
    pub next_cursor: Option<String>,
}

/// How the client stands.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ClientStatus {
    pub running: bool,
    pub paused: bool,
    pub peers: Vec<PeerStatus>,
}

/// One pairing.
#[derive(Clone, Debug, uniffi::Record)]
pub struct PeerStatus {
    pub peer_id: String,
    pub account_id: String,
    pub hosted_url: Option<String>,
    /// `active` or `revoked`.
    pub status: String,
    /// `online`, `degraded` or `offline`.
    pub network: String,
    pub sync_state: String,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    pub pending_versions: i64,
    pub telemetry_pending: i64,
    pub telemetry_connected: bool,
}

impl From<client::Status> for ClientStatus {
    fn from(s: client::Status) -> Self {
        let peers = s
            .peers
            .into_iter()
            .map(|p| PeerStatus {
                peer_id: p.peer_id,
                account_id: p.account_id,
                hosted_url: p.hosted_url,
                status: p.status,
                network: p.network,
                sync_state: p.sync_state,
                last_success_at: p.last_success_at,
                last_error: p.last_error,
                pending_versions: p.pending_versions,
                telemetry_pending: p.telemetry_pending,
                telemetry_connected: p.telemetry_connected,
            })
            .collect();
        Self {
            running: s.running,
            paused: s.paused,
            peers,
        }
    }
}

#[derive(Clone, Copy, Debug, uniffi::Enum)]
pub enum EventLevel {
    Debug,
    Info,
    Warn,
    Error,
}

/// A telemetry event: a name (`app.opened`), a level, an optional duration, and labels or
/// measurements as text (never content: personal data is redacted before it is kept).
#[derive(Clone, Debug, uniffi::Record)]
pub struct TelemetryEvent {
    pub name: String,
    pub level: EventLevel,
    pub duration_ms: Option<f64>,
    pub attributes: HashMap<String, String>,
}

/// End-to-end encryption with one paired hosted backend, as this device sees it.
#[derive(Clone, Debug, uniffi::Record)]
pub struct E2eStatus {
    pub peer_id: String,
    /// Whether the account is encrypted; null when the hosted backend could not be asked.
    pub enabled: Option<bool>,
    /// The epoch of the account's current key.
    pub account_epoch: Option<u32>,
    /// Whether this device holds the account's current key.
    pub holds_key: bool,
    /// Pulled versions not applied because they did not open here.
    pub unopened: u64,
    /// A device of the account was revoked: one that holds the key should rotate it.
    pub rotation_due: bool,
}

impl From<backend_8825::client::E2eStatus> for E2eStatus {
    fn from(s: backend_8825::client::E2eStatus) -> Self {
        Self {
            peer_id: s.peer_id,
            enabled: s.enabled,
            account_epoch: s.account_epoch,
            holds_key: s.holds_key,
            unopened: s.unopened,
            rotation_due: s.rotation_due,
        }
    }
}
