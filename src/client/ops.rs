//! The client's peer operations: who it is, pairing, sync, telemetry, pause, status,
//! revocation. Each calls the function the local API's handler for the same thing calls.

use serde::Serialize;

use super::{Client, ClientError};
use crate::identity::KeyId;
use crate::network::NetworkAccess;
use crate::peers::{PairRequest, PeerView};
use crate::privacy::{PrivacyAccess, PrivacyUpdate};
use crate::store::{LOCAL_ACCOUNT, PEER_ACTIVE};
use crate::sync::SyncSummary;
use crate::telemetry::{EmitError, TelemetryAccess, TelemetryEvent};

/// Who this device is: what `GET /identity` says of a local daemon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub backend_id: String,
    /// Lowercase hex SHA-256 of the public key's DER (docs/identity.md): the fingerprint the
    /// hosted side shows for this device.
    pub key_id: String,
    /// The public key, PEM (SubjectPublicKeyInfo).
    pub public_key: String,
}

/// A pairing made: the peer, and both fingerprints for the user to compare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Paired {
    pub peer_id: String,
    pub account_id: String,
    pub hosted_backend_id: String,
    pub hosted_key_id: String,
    /// Unix milliseconds; renewed on its own while the client runs.
    pub sbt_expires_at: i64,
}

/// What syncing with one peer did, or why it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerSync {
    pub peer_id: String,
    pub outcome: Result<SyncSummary, ClientError>,
}

/// How the client stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The background work runs (`start`).
    pub running: bool,
    /// Sync is paused here (`pause`).
    pub paused: bool,
    /// Every pairing of this device, active or revoked.
    pub peers: Vec<PeerStatus>,
}

/// One pairing, as `GET /peers` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeerStatus {
    pub peer_id: String,
    pub account_id: String,
    pub hosted_url: Option<String>,
    /// `active` or `revoked`.
    pub status: String,
    /// `online`, `degraded` or `offline`.
    pub network: String,
    /// How sync with it stands (`ok`, `failing`, `never`, ...: docs/sync.md).
    pub sync_state: String,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    /// Versions written here that the peer has not acknowledged yet.
    pub pending_versions: i64,
    /// Telemetry events in the outbox for it.
    pub telemetry_pending: i64,
    /// Its telemetry socket is open now.
    pub telemetry_connected: bool,
}

impl PeerStatus {
    fn new(view: PeerView, connected: bool) -> Self {
        let sync = view.sync.as_ref();
        let network = view.network.as_ref();
        Self {
            peer_id: view.peer_id,
            account_id: view.account_id,
            hosted_url: view.remote.url,
            status: view.status,
            network: network.map_or("online", |n| n.state.as_str()).to_string(),
            sync_state: sync.map_or("never", |s| s.state).to_string(),
            last_success_at: sync.and_then(|s| s.last_success_at.clone()),
            last_error: sync.and_then(|s| s.last_error.clone()),
            pending_versions: network.map_or(0, |n| n.pending_versions),
            telemetry_pending: network.map_or(0, |n| n.telemetry_outbox),
            telemetry_connected: connected,
        }
    }
}

impl Client {
    /// This device's identity (made on first open, kept for the life of the data dir).
    pub fn identity(&self) -> Identity {
        let me = &self.state.identity;
        Identity {
            backend_id: me.backend_id.to_string(),
            key_id: me.key_id().to_string(),
            public_key: me.document().public_key,
        }
    }

    /// Pairs with the hosted backend at `hosted_url` with a pairing code from the user's
    /// account there: the handshake of docs/protocol.md, as `POST /register-peer` runs it.
    /// With `expected_hosted_key_id` (the fingerprint the user saw), pairing stops if the
    /// backend has another key.
    pub async fn pair(
        &self,
        hosted_url: &str,
        pairing_code: &str,
        expected_hosted_key_id: Option<&str>,
    ) -> Result<Paired, ClientError> {
        let expected = match expected_hosted_key_id {
            Some(id) => Some(
                id.parse::<KeyId>()
                    .map_err(|why| ClientError::InvalidInput {
                        code: "invalid_request".into(),
                        message: format!("expected_hosted_key_id {why}"),
                    })?,
            ),
            None => None,
        };
        let request = PairRequest {
            hosted_url: hosted_url.to_string(),
            pairing_code: pairing_code.to_string(),
            expected_hosted_key_id: expected,
        };
        let paired = crate::peers::register_peer(&self.state, request).await?;
        let peer = self
            .state
            .store
            .peer(&paired.peer.peer_id)
            .await?
            .ok_or_else(ClientError::not_paired)?;
        Ok(Paired {
            peer_id: peer.peer_id,
            account_id: peer.account_id,
            hosted_backend_id: paired.hosted.backend_id,
            hosted_key_id: paired.hosted.key_id,
            sbt_expires_at: peer.sbt_expires_at,
        })
    }

    /// Syncs with every active hosted peer now, as `POST /peers/{peer_id}/sync` does for
    /// one; returns what each did. Not paired, or paused, is an error; one peer failing is
    /// that peer's outcome.
    pub async fn sync_now(&self) -> Result<Vec<PeerSync>, ClientError> {
        if crate::sync::paused_here(&self.state) {
            return Err(ClientError::Paused {
                code: "sync_paused".into(),
                message: "sync is paused on this device: resume it first".into(),
            });
        }
        let peers = self.state.store.peers(None).await?;
        let active: Vec<_> = peers.iter().filter(|p| p.status == PEER_ACTIVE).collect();
        if active.is_empty() {
            return Err(ClientError::not_paired());
        }
        let mut done = Vec::with_capacity(active.len());
        for peer in active {
            let outcome = crate::sync::sync_peer_now(&self.state, &peer.peer_id).await;
            done.push(PeerSync {
                peer_id: peer.peer_id.clone(),
                outcome: outcome.map_err(ClientError::from),
            });
        }
        Ok(done)
    }

    /// Records a telemetry event: redacted as the privacy settings say, written to the
    /// outbox, sent to each hosted peer by the started client (at least once; stored once).
    pub async fn emit(&self, event: TelemetryEvent) -> Result<(), ClientError> {
        crate::telemetry::emit(&self.state, event)
            .await
            .map_err(|err| match err {
                EmitError::Invalid(why) => ClientError::InvalidInput {
                    code: "invalid_event".into(),
                    message: why.to_string(),
                },
                other => ClientError::Storage {
                    message: other.to_string(),
                },
            })
    }

    /// Pause Sync (docs/privacy.md): nothing is sent or accepted; writes accumulate.
    pub async fn pause(&self) -> Result<(), ClientError> {
        self.set_paused(true).await
    }

    /// Ends a pause: what accumulated flows at once.
    pub async fn resume(&self) -> Result<(), ClientError> {
        self.set_paused(false).await
    }

    async fn set_paused(&self, paused: bool) -> Result<(), ClientError> {
        let update = PrivacyUpdate {
            sync_paused: Some(paused),
            ..PrivacyUpdate::default()
        };
        crate::privacy::settings::update(&self.state, LOCAL_ACCOUNT, &update).await?;
        Ok(())
    }

    /// How the client stands: running, paused, and each pairing with its network and sync
    /// state and what waits to be sent.
    pub async fn status(&self) -> Result<Status, ClientError> {
        let peers = self.state.store.peers(None).await?;
        let views = crate::peers::views_with_sync(&self.state, &peers).await?;
        let telemetry = &self.state.telemetry().client;
        let peers = views
            .into_iter()
            .map(|view| {
                let connected = telemetry.link(&view.peer_id).is_some_and(|l| l.connected);
                PeerStatus::new(view, connected)
            })
            .collect();
        Ok(Status {
            running: self.is_running().await,
            paused: self.state.privacy().local().sync_paused,
            peers,
        })
    }

    /// Revokes this device's pairings (each active one), telling each hosted backend with a
    /// signed notice, as `DELETE /peers/{peer_id}` does. Returns the peers revoked.
    pub async fn revoke(&self) -> Result<Vec<String>, ClientError> {
        let peers = self.state.store.peers(None).await?;
        let mut revoked = Vec::new();
        for peer in peers.iter().filter(|p| p.status == PEER_ACTIVE) {
            let done = crate::peers::revoke_peer(&self.state, &peer.peer_id).await?;
            if let Some(why) = done.hosted_error {
                tracing::warn!(peer_id = %peer.peer_id, reason = %why, "the hosted backend was not told of the revocation");
            }
            self.state.network().forget(&peer.peer_id);
            revoked.push(peer.peer_id.clone());
        }
        if revoked.is_empty() {
            return Err(ClientError::not_paired());
        }
        Ok(revoked)
    }
}
