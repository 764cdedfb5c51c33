//! `POST /register-peer`: the whole local side of the handshake.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::*;
use crate::accounts::secrets::hash_code;
use crate::config::Mode;
use crate::error::{ApiError, ApiJson};
use crate::handshake::httpsig::new_nonce;
use crate::handshake::pair_key::PairKey;
use crate::handshake::sbt::{ExpectedBinding, SbtClaims, SessionBindingToken};
use crate::identity::{BackendId, IdentityDocument, KeyId, PublicIdentityKey};
use crate::peers::transcript::{self, RegisterRequest as RegisterTranscript};
use crate::peers::wire::{Grant, HANDSHAKE_VERSION, RegisterPeerRequest};
use crate::peers::{PeerView, keys};
use crate::resilience::RetryStrategy;
use crate::security::audit;
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    pub hosted_url: String,
    pub pairing_code: String,
    /// The hosted key id the user saw; pairing stops if the backend at `hosted_url` has
    /// another.
    pub expected_hosted_key_id: Option<KeyId>,
}

/// One backend's fingerprint.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Fingerprint {
    pub backend_id: String,
    pub key_id: String,
}

/// What pairing made: the peer, and both fingerprints to compare.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PairResponse {
    pub peer: PeerView,
    pub local: Fingerprint,
    pub hosted: Fingerprint,
}

/// `POST /register-peer` (local).
#[utoipa::path(
    post,
    path = "/register-peer",
    tag = "peers",
    description = "Pairs with a hosted backend: fetches and pins its identity, spends the pairing \
        code there, and stores the grant (docs/protocol.md).",
    security(("local_secret" = []), ("ui_session" = [])),
    request_body = PairRequest,
    responses(
        (status = 201, description = "Paired, with both fingerprints to compare", body = PairResponse),
        (status = 409, description = "`hosted_key_mismatch`: the hosted backend has another key than `expected_hosted_key_id`", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused the code or could not be reached; the code says which", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PairRequest>,
) -> Result<(StatusCode, Json<PairResponse>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(register_peer(&state, request).await?),
    ))
}

/// Pairs with a hosted backend and audits the attempt: what `POST /register-peer` does, for
/// its handler and for an embedder of the client core.
pub async fn register_peer(
    state: &AppState,
    request: PairRequest,
) -> Result<PairResponse, ApiError> {
    let outcome = pair(state, request).await;
    match &outcome {
        Ok(peer) => {
            let (id, account) = (Some(peer.peer_id.as_str()), Some(peer.account_id.as_str()));
            audit(state, "register_peer", Ok(()), id, account, None).await;
        }
        Err(err) => audit(state, "register_peer", Err(err.code), None, None, None).await,
    }
    let peer = outcome?;
    let me = &state.identity;
    let response = PairResponse {
        local: Fingerprint {
            backend_id: me.backend_id.to_string(),
            key_id: me.key_id().to_string(),
        },
        hosted: Fingerprint {
            backend_id: peer.remote_id.clone(),
            key_id: peer.remote_key_id.clone(),
        },
        peer: PeerView::from(&peer),
    };
    Ok(response)
}

/// Fetches and checks the hosted identity document: a hosted backend whose key id is the
/// hash of its key.
pub(super) async fn fetch_hosted_identity(
    base: &str,
) -> Result<(IdentityDocument, PublicIdentityKey), ApiError> {
    let invalid = |why: &str| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "hosted_identity_invalid",
            format!("{base}/identity {why}"),
        )
    };
    // A read: any failure of the transport may be sent again (see `PAIRING_RETRY`).
    let retry = RetryStrategy {
        transport_only: true,
        ..PAIRING_RETRY
    };
    let url = format!("{base}/identity");
    let response = crate::resilience::retrying(
        &retry,
        None,
        || 0,
        |_: &reqwest::Error| Some(crate::resilience::Failure::Transport),
        || client().get(&url).send(),
    )
    .await
    .map_err(unreachable)?;
    if !response.status().is_success() {
        return Err(invalid(&format!(
            "answered HTTP {}",
            response.status().as_u16()
        )));
    }
    let body = read_body(response).await?;
    let doc: IdentityDocument =
        serde_json::from_slice(&body).map_err(|_| invalid("is not an identity document"))?;
    if doc.backend_type != Mode::Hosted {
        return Err(invalid("is not a hosted backend"));
    }
    let key = PublicIdentityKey::from_pem(&doc.public_key)
        .map_err(|e| invalid(&format!("has an unusable key: {e}")))?;
    if key.key_id() != &doc.key_id {
        return Err(invalid("has a key_id that is not the hash of its key"));
    }
    Ok((doc, key))
}

/// Checks a grant against the hosted key pinned before the request, and opens it: the
/// signature, the wrapped pair key, and the SBT with every field of the binding.
pub(super) fn accept_grant(
    state: &AppState,
    pinned: &PublicIdentityKey,
    hosted_id: &BackendId,
    grant: &Grant,
    request_transcript: &[u8],
    label: &str,
    expected_peer_id: Option<&str>,
) -> Result<(PairKey, SbtClaims), ApiError> {
    if grant.v != HANDSHAKE_VERSION {
        return Err(grant_invalid("has an unsupported version"));
    }
    if &grant.hosted_id != hosted_id || &grant.hosted_key_id != pinned.key_id() {
        return Err(grant_invalid("names another hosted backend or key"));
    }
    if expected_peer_id.is_some_and(|id| id != grant.peer_id) {
        return Err(grant_invalid("is for another peer"));
    }
    let signed = transcript::Grant {
        request_transcript,
        peer_id: &grant.peer_id,
        kid: grant.kid.as_str(),
        account_id: &grant.account_id,
        wrapped_key: &grant.wrapped_key,
        sbt: &grant.sbt,
    }
    .transcript(label)
    .ok_or_else(|| grant_invalid("has fields that cannot be signed"))?;
    let signature = URL_SAFE_NO_PAD
        .decode(&grant.signature)
        .map_err(|_| grant_invalid("has a signature that is not base64url"))?;
    pinned.verify(&signed, &signature).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "hosted_signature_invalid",
            "the hosted backend's signature does not verify with the pinned hosted key",
        )
    })?;
    let wrapped = URL_SAFE_NO_PAD
        .decode(&grant.wrapped_key)
        .map_err(|_| grant_invalid("has a wrapped key that is not base64url"))?;
    let raw = state
        .identity
        .key
        .unwrap(&wrapped)
        .map_err(|_| grant_invalid("has a pair key this backend cannot unwrap"))?;
    let pair_key = PairKey::from_bytes(raw.expose())
        .map_err(|_| grant_invalid("has a pair key of the wrong size"))?;
    let me = &state.identity;
    let expected = ExpectedBinding {
        peer_id: &grant.peer_id,
        kid: &grant.kid,
        account_id: Some(&grant.account_id),
        local_id: Some(&me.backend_id),
        hosted_id: Some(hosted_id),
        local_key_id: Some(me.key_id()),
        hosted_key_id: Some(pinned.key_id()),
    };
    let claims = SessionBindingToken::verify(
        &grant.sbt,
        &pair_key,
        &expected,
        crate::peers::peer_now(state),
    )
    .map_err(|err| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            err.code(),
            format!("the hosted backend's SBT was refused: {err}"),
        )
    })?;
    if claims.exp != grant.sbt_expires_at {
        return Err(grant_invalid("states another expiry than its SBT"));
    }
    Ok((pair_key, claims))
}

/// The whole local side of the handshake. Nothing is stored unless every check passed.
pub(super) async fn pair(state: &AppState, request: PairRequest) -> Result<Peer, ApiError> {
    let base = hosted_base_url(&request.hosted_url)?;
    if request.pairing_code.trim().is_empty() || request.pairing_code.len() > 64 {
        return Err(ApiError::invalid_request(
            "pairing_code is not a pairing code",
        ));
    }
    let (hosted_doc, hosted_key) = fetch_hosted_identity(&base).await?;
    if let Some(expected) = &request.expected_hosted_key_id
        && expected != &hosted_doc.key_id
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "hosted_key_mismatch",
            format!(
                "the backend at {base} has key_id {}, not the expected {expected}",
                hosted_doc.key_id
            ),
        ));
    }
    let me = &state.identity;
    let nonce = new_nonce();
    let timestamp = crate::peers::peer_now(state);
    let code_hash = hash_code(&request.pairing_code);
    let request_transcript = RegisterTranscript {
        local_id: me.backend_id.as_str(),
        local_key_id: me.key_id().as_str(),
        hosted_id: hosted_doc.backend_id.as_str(),
        hosted_key_id: hosted_doc.key_id.as_str(),
        code_hash: &code_hash,
        nonce: &nonce,
        timestamp,
    }
    .transcript();
    let (request_transcript, proof) = sign_transcript(state, request_transcript)?;
    let body = RegisterPeerRequest {
        v: HANDSHAKE_VERSION,
        identity: me.document(),
        hosted_id: hosted_doc.backend_id.clone(),
        hosted_key_id: hosted_doc.key_id.clone(),
        pairing_code: request.pairing_code,
        nonce,
        timestamp,
        proof,
    };
    let url = format!("{base}/register-peer");
    let grant = post_for_grant(state, &url, &body, &PAIRING_RETRY, None).await?;
    let (pair_key, claims) = accept_grant(
        state,
        &hosted_key,
        &hosted_doc.backend_id,
        &grant,
        &request_transcript,
        transcript::REGISTER_RESPONSE,
        None,
    )?;
    if grant.peer_id.is_empty()
        || grant.peer_id.len() > 128
        || !grant
            .peer_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(grant_invalid("has a peer_id this backend does not accept"));
    }
    let now_ms = state.clock.now_ms();
    let peer = Peer {
        peer_id: grant.peer_id.clone(),
        account_id: grant.account_id.clone(),
        remote_id: hosted_doc.backend_id.to_string(),
        remote_key_id: hosted_doc.key_id.to_string(),
        remote_public_key: hosted_key.pem().to_string(),
        remote_url: Some(base),
        status: PEER_ACTIVE.to_string(),
        kid: grant.kid.to_string(),
        sbt_expires_at: claims.exp,
        created_at: now_ms,
        updated_at: now_ms,
    };
    let key_row = PeerKey {
        peer_id: peer.peer_id.clone(),
        kid: peer.kid.clone(),
        key: None,
        sbt: Some(grant.sbt.clone()),
        created_at: now_ms,
        sbt_expires_at: claims.exp,
        retires_at: None,
    };
    store_key(state, &peer.peer_id, &peer.kid, &pair_key)?;
    if let Err(err) = state.store.insert_peer(&peer, &key_row).await {
        keys::delete_local(state, &peer.peer_id, &peer.kid);
        return Err(err.into());
    }
    tracing::info!(peer_id = %peer.peer_id, hosted_id = %peer.remote_id, "paired");
    Ok(peer)
}

pub(super) fn store_key(
    state: &AppState,
    peer_id: &str,
    kid: &str,
    key: &PairKey,
) -> Result<(), ApiError> {
    keys::save_local(state, peer_id, kid, key).map_err(|err| {
        tracing::error!(error = %err, "cannot store a pair key");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "key_store_unavailable",
            format!(
                "the pair key cannot be stored, so this backend is not paired: {err}. The \
                 pairing code is spent: get a new one to pair again"
            ),
        )
    })
}
