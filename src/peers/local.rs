//! The local side of pairing: `POST /register-peer` from the UI or the CLI drives the
//! handshake against a hosted backend; renewal keeps the SBT current; `GET /peers` lists.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::transcript::{
    self, RegisterRequest as RegisterTranscript, RenewRequest as RenewTranscript,
};
use super::wire::{BindingView, Grant, HANDSHAKE_VERSION, RegisterPeerRequest, RenewRequest};
use super::{PeerCall, PeerView, keys, signed_request};
use crate::accounts::secrets::hash_code;
use crate::config::Mode;
use crate::error::{ApiError, ApiJson};
use crate::handshake::httpsig::new_nonce;
use crate::handshake::pair_key::PairKey;
use crate::handshake::sbt::{ExpectedBinding, SbtClaims, SessionBindingToken};
use crate::identity::{BackendId, IdentityDocument, KeyId, PublicIdentityKey};
use crate::security::audit;
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey};

/// The local daemon renews a peer's SBT once less than this is left (the SBT lives 8 h).
pub const RENEW_BEFORE_SECS: i64 = 2 * 3600;
/// How often the renewal task looks for SBTs due.
const RENEW_CHECK_EVERY: Duration = Duration::from_secs(60);
/// Largest answer read from a hosted backend.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register-peer", post(register))
        .route("/peers", get(list))
        .route("/peers/{peer_id}/renew", post(renew_now))
        .route("/peers/{peer_id}/remote-binding", get(remote_binding))
}

/// The HTTP client for calls to hosted backends.
pub fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("backend-8825/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds")
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairRequest {
    hosted_url: String,
    pairing_code: String,
    /// The hosted key id the user saw; pairing stops if the backend at `hosted_url` has
    /// another.
    expected_hosted_key_id: Option<KeyId>,
}

/// One backend's fingerprint.
#[derive(Debug, Serialize)]
struct Fingerprint {
    backend_id: String,
    key_id: String,
}

#[derive(Debug, Serialize)]
struct PairResponse {
    peer: PeerView,
    local: Fingerprint,
    hosted: Fingerprint,
}

/// `POST /register-peer` (local).
async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PairRequest>,
) -> Result<(StatusCode, Json<PairResponse>), ApiError> {
    let outcome = pair(&state, request).await;
    match &outcome {
        Ok(peer) => {
            let (id, account) = (Some(peer.peer_id.as_str()), Some(peer.account_id.as_str()));
            audit(&state, "register_peer", Ok(()), id, account, None).await;
        }
        Err(err) => audit(&state, "register_peer", Err(err.code), None, None, None).await,
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
    Ok((StatusCode::CREATED, Json(response)))
}

/// Normalises a hosted URL: http or https, a host, no credentials, query or fragment; the
/// path (if any) is kept as a prefix, without a trailing slash.
fn hosted_base_url(raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    let bad = |why: &str| ApiError::invalid_request(format!("hosted_url {raw:?} {why}"));
    if !raw.contains("://") {
        // `127.0.0.1:18825` or `sync.example.com`: the scheme is what is missing.
        return Err(bad(&format!(
            "has no scheme: write it as a full URL, e.g. \"https://{raw}\" (or \"http://{raw}\" \
             for a backend on this machine)"
        )));
    }
    let url = reqwest::Url::parse(raw).map_err(|e| {
        bad(&format!(
            "is not a URL ({e}); write it like https://sync.example.com"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must start with http:// or https://"));
    }
    if url.host_str().is_none() {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn unreachable(err: reqwest::Error) -> ApiError {
    let what = if err.is_timeout() {
        "did not answer in time"
    } else if err.is_connect() {
        "cannot be reached"
    } else {
        "answered with something that is not HTTP"
    };
    let at = err
        .url()
        .map(|u| format!(" at {}", u.origin().ascii_serialization()))
        .unwrap_or_default();
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "hosted_unreachable",
        format!(
            "the hosted backend{at} {what} ({})",
            super::describe_http_error(&err)
        ),
    )
}

/// Reads an answer of at most [`MAX_ANSWER_BYTES`].
async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ANSWER_BYTES {
            return Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "hosted_invalid",
                "the hosted backend's answer is too large",
            ));
        }
    }
    Ok(body)
}

/// The error codes a hosted backend may answer a handshake with, relayed as they are.
const RELAYED_CODES: [&str; 14] = [
    "invalid_request",
    "unsupported_media_type",
    "payload_too_large",
    "pairing_code_invalid",
    "pairing_code_expired",
    "pairing_code_used",
    "pairing_code_bound",
    "hosted_key_mismatch",
    "stale",
    "bad_proof",
    "replay",
    "revoked",
    "unknown_peer",
    "rate_limited",
];

/// Maps a hosted backend's refusal to this daemon's answer: its code is kept (so the UI can
/// say "that code was already used"), the status becomes 422, or 429 / 502.
fn relay_refusal(status: reqwest::StatusCode, body: &[u8], retry_after: Option<u64>) -> ApiError {
    #[derive(Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        code: String,
        message: String,
    }
    let parsed: Option<Body> = serde_json::from_slice(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|b| RELAYED_CODES.iter().find(|c| **c == b.error.code))
        .copied();
    let message = parsed.map_or_else(String::new, |b| b.error.message);
    let message: String = message.chars().take(300).collect();
    match code {
        Some("rate_limited") => {
            let mut err = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("the hosted backend refused: {message}"),
            );
            err.retry_after = retry_after;
            err
        }
        Some(code) if status.is_client_error() => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            format!("the hosted backend refused: {message}"),
        ),
        _ => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "hosted_error",
            format!("the hosted backend answered HTTP {}", status.as_u16()),
        ),
    }
}

/// POSTs a handshake body and reads the grant.
async fn post_for_grant<T: Serialize>(
    state: &AppState,
    url: &str,
    body: &T,
) -> Result<Grant, ApiError> {
    let response = client()
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(unreachable)?;
    super::learn_skew(state, response.headers());
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = read_body(response).await?;
    if !status.is_success() {
        return Err(relay_refusal(status, &body, retry_after));
    }
    serde_json::from_slice(&body).map_err(|_| grant_invalid("is not a grant"))
}

fn grant_invalid(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "grant_invalid",
        format!("the hosted backend's answer {why}"),
    )
}

/// Fetches and checks the hosted identity document: a hosted backend whose key id is the
/// hash of its key.
async fn fetch_hosted_identity(
    base: &str,
) -> Result<(IdentityDocument, PublicIdentityKey), ApiError> {
    let invalid = |why: &str| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "hosted_identity_invalid",
            format!("{base}/identity {why}"),
        )
    };
    let response = client()
        .get(format!("{base}/identity"))
        .send()
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
fn accept_grant(
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
    let claims =
        SessionBindingToken::verify(&grant.sbt, &pair_key, &expected, super::peer_now(state))
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
async fn pair(state: &AppState, request: PairRequest) -> Result<Peer, ApiError> {
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
    let timestamp = super::peer_now(state);
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
    let grant = post_for_grant(state, &format!("{base}/register-peer"), &body).await?;
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

fn store_key(state: &AppState, peer_id: &str, kid: &str, key: &PairKey) -> Result<(), ApiError> {
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

fn unknown_peer() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "unknown_peer", "no such peer")
}

/// An active peer this daemon calls, and its URL: `404 unknown_peer` if there is no such
/// peer (or it has no URL), `409 revoked` if it is revoked.
pub async fn active_remote_peer(
    state: &AppState,
    peer_id: &str,
) -> Result<(Peer, String), ApiError> {
    let peer = state.store.peer(peer_id).await?.ok_or_else(unknown_peer)?;
    if peer.status != PEER_ACTIVE {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "revoked",
            "the peer is revoked; pair again",
        ));
    }
    let base = peer.remote_url.clone().ok_or_else(unknown_peer)?;
    Ok((peer, base))
}

/// The current pair key of a peer this daemon calls: its row (which holds the SBT) and the
/// key itself, from the key store.
pub async fn current_key(state: &AppState, peer: &Peer) -> Result<(PeerKey, PairKey), ApiError> {
    let key_row = state
        .store
        .peer_key(&peer.peer_id, &peer.kid)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::CONFLICT, "unknown_kid", "no current pair key"))?;
    let pair_key = keys::load_pair_key(state, &key_row).map_err(|err| {
        tracing::error!(error = %err, "cannot load a pair key");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "key_store_unavailable",
            "the pair key cannot be read from the key store",
        )
    })?;
    Ok((key_row, pair_key))
}

/// Signs a transcript with this backend's identity key: the transcript and the base64url
/// signature.
fn sign_transcript(
    state: &AppState,
    transcript: Option<Vec<u8>>,
) -> Result<(Vec<u8>, String), ApiError> {
    let transcript =
        transcript.ok_or_else(|| ApiError::bug("the registration transcript cannot be built"))?;
    let proof = state
        .identity
        .key
        .sign(&transcript)
        .map_err(|e| ApiError::bug(format!("cannot sign the transcript: {e}")))?;
    Ok((transcript, URL_SAFE_NO_PAD.encode(proof)))
}

/// Renews a peer's pair key and SBT with its hosted backend (signed with the identity key).
pub async fn renew_peer(state: &AppState, peer_id: &str) -> Result<Peer, ApiError> {
    let unknown = unknown_peer;
    let (peer, base) = active_remote_peer(state, peer_id).await?;
    let hosted_key = PublicIdentityKey::from_pem(&peer.remote_public_key)
        .map_err(|e| ApiError::bug(format!("the stored hosted key does not parse: {e}")))?;
    let hosted_id: BackendId = peer
        .remote_id
        .parse()
        .map_err(|e| ApiError::bug(format!("stored hosted id: {e}")))?;
    let me = &state.identity;
    let nonce = new_nonce();
    let timestamp = super::peer_now(state);
    let request_transcript = RenewTranscript {
        peer_id: &peer.peer_id,
        local_id: me.backend_id.as_str(),
        local_key_id: me.key_id().as_str(),
        hosted_id: hosted_id.as_str(),
        hosted_key_id: hosted_key.key_id().as_str(),
        nonce: &nonce,
        timestamp,
    }
    .transcript();
    let (request_transcript, proof) = sign_transcript(state, request_transcript)?;
    let body = RenewRequest {
        v: HANDSHAKE_VERSION,
        local_key_id: me.key_id().clone(),
        nonce,
        timestamp,
        proof,
    };
    let url = format!("{base}/peers/{}/renew", peer.peer_id);
    let grant = post_for_grant(state, &url, &body).await?;
    let (pair_key, claims) = accept_grant(
        state,
        &hosted_key,
        &hosted_id,
        &grant,
        &request_transcript,
        transcript::RENEW_RESPONSE,
        Some(&peer.peer_id),
    )?;
    let now_ms = state.clock.now_ms();
    let key_row = PeerKey {
        peer_id: peer.peer_id.clone(),
        kid: grant.kid.to_string(),
        key: None,
        sbt: Some(grant.sbt.clone()),
        created_at: now_ms,
        sbt_expires_at: claims.exp,
        retires_at: None,
    };
    store_key(state, &peer.peer_id, &key_row.kid, &pair_key)?;
    if !state
        .store
        .replace_peer_key(&key_row, now_ms, now_ms)
        .await?
    {
        keys::delete_local(state, &peer.peer_id, &key_row.kid);
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "revoked",
            "the peer was revoked meanwhile",
        ));
    }
    // This side only signs with the newest key, so the old one can go at once.
    keys::delete_local(state, &peer.peer_id, &peer.kid);
    audit(
        state,
        "renew_peer",
        Ok(()),
        Some(&peer.peer_id),
        Some(&peer.account_id),
        None,
    )
    .await;
    let renewed = state.store.peer(&peer.peer_id).await?.ok_or_else(unknown)?;
    Ok(renewed)
}

/// Renews every active peer whose SBT expires within [`RENEW_BEFORE_SECS`] (or already has
/// expired). Returns what was attempted: peer id and outcome.
pub async fn renew_due_peers(state: &AppState) -> Vec<(String, Result<(), String>)> {
    let peers = match state.store.peers(None).await {
        Ok(peers) => peers,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list peers for renewal");
            return Vec::new();
        }
    };
    let now = super::peer_now(state);
    let mut attempted = Vec::new();
    for peer in peers {
        let due = peer.status == PEER_ACTIVE
            && peer.remote_url.is_some()
            && peer.sbt_expires_at - now < RENEW_BEFORE_SECS;
        if !due {
            continue;
        }
        let outcome = match renew_peer(state, &peer.peer_id).await {
            Ok(_) => {
                tracing::info!(peer_id = %peer.peer_id, "renewed the session binding");
                Ok(())
            }
            Err(err) => {
                tracing::warn!(peer_id = %peer.peer_id, code = err.code, error = %err.describe(),
                    "cannot renew the session binding; will retry");
                audit(
                    state,
                    "renew_peer",
                    Err(err.code),
                    Some(&peer.peer_id),
                    None,
                    None,
                )
                .await;
                Err(err.code.to_string())
            }
        };
        attempted.push((peer.peer_id, outcome));
    }
    attempted
}

/// Runs [`renew_due_peers`] every minute until the task is aborted.
pub fn spawn_renewal(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RENEW_CHECK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            renew_due_peers(&state).await;
        }
    })
}

/// `GET /peers` (local): every peer of this daemon, with how sync with it stands.
async fn list(State(state): State<AppState>) -> Result<Json<Vec<PeerView>>, ApiError> {
    let peers = state.store.peers(None).await?;
    Ok(Json(super::views_with_sync(&state, &peers).await?))
}

/// `POST /peers/{peer_id}/renew` (local): renew now rather than wait for the task.
async fn renew_now(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> Result<Json<PeerView>, ApiError> {
    let peer = renew_peer(&state, &peer_id).await?;
    Ok(Json(PeerView::from(&peer)))
}

#[derive(Debug, Serialize)]
struct RemoteBinding {
    local: BindingView,
    hosted: BindingView,
}

/// `GET /peers/{peer_id}/remote-binding` (local): asks the hosted peer, with a signed
/// request, how it sees the binding, next to how this side sees it.
async fn remote_binding(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> Result<Json<RemoteBinding>, ApiError> {
    let peer = state.store.peer(&peer_id).await?.ok_or_else(unknown_peer)?;
    let (key_row, pair_key) = current_key(&state, &peer).await?;
    let base = peer.remote_url.clone().ok_or_else(unknown_peer)?;
    let path = format!("/peers/{}/binding", peer.peer_id);
    let call = PeerCall {
        method: Method::GET,
        base_url: &base,
        path_and_query: &path,
        body: Vec::new(),
        created: super::peer_now(&state),
    };
    let request = signed_request(client(), call, &key_row, &pair_key)
        .map_err(|e| ApiError::bug(format!("cannot sign the request: {e}")))?;
    let response = request.send().await.map_err(unreachable)?;
    super::learn_skew(&state, response.headers());
    let status = response.status();
    let body = read_body(response).await?;
    if !status.is_success() {
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
            .unwrap_or_default();
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "peer_refused",
            format!(
                "the hosted backend refused the signed request: HTTP {} {code}",
                status.as_u16()
            ),
        ));
    }
    let hosted: BindingView =
        serde_json::from_slice(&body).map_err(|_| grant_invalid("is not a binding"))?;
    let me = &state.identity;
    let local = BindingView {
        peer_id: peer.peer_id.clone(),
        account_id: peer.account_id.clone(),
        kid: peer.kid.clone(),
        local_id: me.backend_id.to_string(),
        local_key_id: me.key_id().to_string(),
        hosted_id: peer.remote_id.clone(),
        hosted_key_id: peer.remote_key_id.clone(),
        status: peer.status.clone(),
        sbt_expires_at: peer.sbt_expires_at,
    };
    Ok(Json(RemoteBinding { local, hosted }))
}
