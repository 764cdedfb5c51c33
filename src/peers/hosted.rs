//! The hosted side of pairing: `POST /register-peer` and `POST /peers/{peer_id}/renew` from
//! local backends, `GET /peers` for an account, and `GET /peers/{peer_id}/binding` for a
//! signed peer.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::rate_limit::RateLimiter;
use super::transcript::{
    self, RegisterRequest as RegisterTranscript, RenewRequest as RenewTranscript,
};
use super::wire::{
    BindingView, Grant, HANDSHAKE_VERSION, HANDSHAKE_WINDOW_SECS, RegisterPeerRequest,
    RenewRequest, valid_nonce,
};
use super::{KEY_OVERLAP_MS, PeerView, SignedPeerRequest, now_secs};
use crate::accounts::AccountAuth;
use crate::accounts::secrets::hash_code;
use crate::config::Mode;
use crate::error::{ApiError, ApiJson};
use crate::handshake::pair_key::{Kid, PairKey};
use crate::handshake::sbt::{SBT_LIFETIME_SECS, SbtBinding, SbtClaims, SessionBindingToken};
use crate::identity::PublicIdentityKey;
use crate::security::{ClientIp, audit};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey, Redemption, Registration};

pub fn router(state: &AppState) -> Router<AppState> {
    let limited = Router::new()
        .route("/register-peer", post(register))
        .route("/peers/{peer_id}/renew", post(renew))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            limit_attempts,
        ));
    Router::new()
        .route("/peers", get(list))
        .route("/peers/{peer_id}/binding", get(binding))
        .merge(limited)
}

/// Counts the attempt against the client's address before anything else happens.
async fn limit_attempts(
    Extension(limiter): Extension<Arc<RateLimiter>>,
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> Response {
    if let Err(retry_after) = limiter.check(&ip, state.clock.now_ms()) {
        audit(
            &state,
            "pairing_attempt",
            Err("rate_limited"),
            None,
            None,
            Some(&ip),
        )
        .await;
        let mut err = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many pairing attempts from this address; retry in {retry_after} s"),
        );
        err.retry_after = Some(retry_after);
        return err.into_response();
    }
    next.run(request).await
}

fn refuse(status: StatusCode, code: &'static str, message: &str) -> ApiError {
    ApiError::new(status, code, message)
}

fn decode_b64(value: &str, what: &str) -> Result<Vec<u8>, ApiError> {
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| ApiError::invalid_request(format!("{what} is not unpadded base64url")))
}

fn check_fresh(state: &AppState, timestamp: i64) -> Result<(), ApiError> {
    if now_secs(state).abs_diff(timestamp) > HANDSHAKE_WINDOW_SECS as u64 {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "stale",
            "the timestamp is more than 300 seconds from this server's clock",
        ));
    }
    Ok(())
}

/// `POST /register-peer` (hosted).
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Result<ApiJson<RegisterPeerRequest>, ApiError>,
) -> Response {
    let outcome = match body {
        Ok(ApiJson(request)) => register_checked(&state, request).await,
        Err(err) => Err(ApiError::new(err.status(), err.code(), err.to_string())),
    };
    match outcome {
        Ok(grant) => {
            let account = Some(grant.account_id.as_str());
            audit(
                &state,
                "register_peer",
                Ok(()),
                Some(&grant.peer_id),
                account,
                Some(&ip),
            )
            .await;
            (StatusCode::CREATED, Json(grant)).into_response()
        }
        Err(err) => {
            audit(
                &state,
                "register_peer",
                Err(err.code),
                None,
                None,
                Some(&ip),
            )
            .await;
            err.into_response()
        }
    }
}

async fn register_checked(
    state: &AppState,
    request: RegisterPeerRequest,
) -> Result<Grant, ApiError> {
    if request.v != HANDSHAKE_VERSION {
        return Err(ApiError::invalid_request("unsupported handshake version"));
    }
    if request.pairing_code.len() > 64 || request.pairing_code.trim().is_empty() {
        return Err(ApiError::invalid_request(
            "pairing_code is not a pairing code",
        ));
    }
    if !valid_nonce(&request.nonce) {
        return Err(ApiError::invalid_request(
            "nonce must be 16 to 128 base64url characters",
        ));
    }
    let doc = &request.identity;
    if doc.backend_type != Mode::Local {
        return Err(ApiError::invalid_request(
            "only a local backend can register",
        ));
    }
    let local_key = PublicIdentityKey::from_pem(&doc.public_key)
        .map_err(|e| ApiError::invalid_request(format!("identity.public_key: {e}")))?;
    if local_key.key_id() != &doc.key_id {
        return Err(ApiError::invalid_request(
            "identity.key_id is not the SHA-256 of identity.public_key",
        ));
    }
    let me = &state.identity;
    if request.hosted_id != me.backend_id || &request.hosted_key_id != me.key_id() {
        return Err(refuse(
            StatusCode::CONFLICT,
            "hosted_key_mismatch",
            "the request is for another hosted backend or identity key",
        ));
    }
    check_fresh(state, request.timestamp)?;
    let code_hash = hash_code(&request.pairing_code);
    let request_transcript = RegisterTranscript {
        local_id: doc.backend_id.as_str(),
        local_key_id: doc.key_id.as_str(),
        hosted_id: me.backend_id.as_str(),
        hosted_key_id: me.key_id().as_str(),
        code_hash: &code_hash,
        nonce: &request.nonce,
        timestamp: request.timestamp,
    }
    .transcript()
    .ok_or_else(|| ApiError::bug("the transcript cannot be built"))?;
    let proof = decode_b64(&request.proof, "proof")?;
    local_key.verify(&request_transcript, &proof).map_err(|_| {
        refuse(
            StatusCode::UNAUTHORIZED,
            "bad_proof",
            "the proof of possession does not verify with identity.public_key",
        )
    })?;

    // Everything is drawn before the transaction, so nothing after it can fail half-way.
    let pair_key = PairKey::generate();
    let kid = Kid::generate();
    let wrapped = local_key
        .wrap(pair_key.as_bytes())
        .map_err(|e| ApiError::bug(format!("cannot wrap the pair key: {e}")))?;
    let now_ms = state.clock.now_ms();
    let now = now_secs(state);
    let peer_id = uuid::Uuid::new_v4().to_string();
    let sbt_expires_at = now + SBT_LIFETIME_SECS;
    let peer = Peer {
        peer_id: peer_id.clone(),
        account_id: String::new(),
        remote_id: doc.backend_id.to_string(),
        remote_key_id: doc.key_id.to_string(),
        remote_public_key: local_key.pem().to_string(),
        remote_url: None,
        status: PEER_ACTIVE.to_string(),
        kid: kid.to_string(),
        sbt_expires_at,
        created_at: now_ms,
        updated_at: now_ms,
    };
    let key_row = PeerKey {
        peer_id: peer_id.clone(),
        kid: kid.to_string(),
        key: Some(pair_key.as_bytes().to_vec()),
        sbt: None,
        created_at: now_ms,
        sbt_expires_at,
        retires_at: None,
    };
    let account_id = match state
        .store
        .register_peer(&code_hash, now_ms, &peer, &key_row)
        .await?
    {
        Registration::Created { account_id } => account_id,
        Registration::BoundElsewhere => {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "pairing_code_bound",
                "this pairing code was issued for another local identity key",
            ));
        }
        Registration::Refused(Redemption::Expired) => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "pairing_code_expired",
                "the pairing code has expired; ask for a new one",
            ));
        }
        Registration::Refused(Redemption::AlreadyUsed) => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "pairing_code_used",
                "the pairing code was already used",
            ));
        }
        Registration::Refused(_) => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "pairing_code_invalid",
                "no such pairing code",
            ));
        }
    };
    let peer = Peer { account_id, ..peer };
    grant(
        state,
        &peer,
        NewKey {
            pair_key: &pair_key,
            kid: &kid,
            wrapped: &wrapped,
            request_transcript: &request_transcript,
            label: transcript::REGISTER_RESPONSE,
            now,
        },
    )
}

/// A pair key just drawn for a peer, and the request it answers.
struct NewKey<'a> {
    pair_key: &'a PairKey,
    kid: &'a Kid,
    /// `K` encrypted to the peer's identity key.
    wrapped: &'a [u8],
    request_transcript: &'a [u8],
    /// The grant transcript's label.
    label: &'a str,
    now: i64,
}

/// Issues the SBT for `peer`'s new pair key and signs the answer.
fn grant(state: &AppState, peer: &Peer, new: NewKey<'_>) -> Result<Grant, ApiError> {
    let NewKey {
        pair_key,
        kid,
        wrapped,
        request_transcript,
        label,
        now,
    } = new;
    let me = &state.identity;
    let binding = SbtBinding {
        kid: kid.clone(),
        account_id: peer.account_id.clone(),
        peer_id: peer.peer_id.clone(),
        local_id: peer
            .remote_id
            .parse()
            .map_err(|e| ApiError::bug(format!("stored local id: {e}")))?,
        hosted_id: me.backend_id.clone(),
        local_key_id: peer
            .remote_key_id
            .parse()
            .map_err(|e| ApiError::bug(format!("stored local key id: {e}")))?,
        hosted_key_id: me.key_id().clone(),
    };
    let claims = SbtClaims::new(binding, now);
    let sbt = SessionBindingToken::issue(pair_key, &claims);
    let wrapped_key = URL_SAFE_NO_PAD.encode(wrapped);
    let signed = transcript::Grant {
        request_transcript,
        peer_id: &peer.peer_id,
        kid: kid.as_str(),
        account_id: &peer.account_id,
        wrapped_key: &wrapped_key,
        sbt: &sbt,
    }
    .transcript(label)
    .ok_or_else(|| ApiError::bug("the grant transcript cannot be built"))?;
    let signature = me
        .key
        .sign(&signed)
        .map_err(|e| ApiError::bug(format!("cannot sign the grant: {e}")))?;
    Ok(Grant {
        v: HANDSHAKE_VERSION,
        peer_id: peer.peer_id.clone(),
        kid: kid.clone(),
        account_id: peer.account_id.clone(),
        hosted_id: me.backend_id.clone(),
        hosted_key_id: me.key_id().clone(),
        wrapped_key,
        sbt,
        sbt_expires_at: claims.exp,
        signature: URL_SAFE_NO_PAD.encode(signature),
    })
}

/// `POST /peers/{peer_id}/renew` (hosted): signed with the local identity key, not the SBT,
/// so a peer whose SBT expired while its machine slept renews without pairing again.
async fn renew(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(peer_id): Path<String>,
    body: Result<ApiJson<RenewRequest>, ApiError>,
) -> Response {
    let outcome = match body {
        Ok(ApiJson(request)) => renew_checked(&state, &peer_id, request).await,
        Err(err) => Err(ApiError::new(err.status(), err.code(), err.to_string())),
    };
    let peer = Some(peer_id.as_str()).filter(|p| p.len() <= 128);
    match outcome {
        Ok(grant) => {
            let account = Some(grant.account_id.as_str());
            audit(&state, "renew_peer", Ok(()), peer, account, Some(&ip)).await;
            Json(grant).into_response()
        }
        Err(err) => {
            audit(&state, "renew_peer", Err(err.code), peer, None, Some(&ip)).await;
            err.into_response()
        }
    }
}

async fn renew_checked(
    state: &AppState,
    peer_id: &str,
    request: RenewRequest,
) -> Result<Grant, ApiError> {
    if request.v != HANDSHAKE_VERSION {
        return Err(ApiError::invalid_request("unsupported handshake version"));
    }
    if !valid_nonce(&request.nonce) {
        return Err(ApiError::invalid_request(
            "nonce must be 16 to 128 base64url characters",
        ));
    }
    let unknown = || refuse(StatusCode::NOT_FOUND, "unknown_peer", "no such peer");
    let peer = state.store.peer(peer_id).await?.ok_or_else(unknown)?;
    if peer.status != PEER_ACTIVE {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "revoked",
            "the peer is revoked; pair again",
        ));
    }
    if request.local_key_id.as_str() != peer.remote_key_id {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "bad_proof",
            "local_key_id is not the identity key this peer paired with",
        ));
    }
    check_fresh(state, request.timestamp)?;
    let me = &state.identity;
    let request_transcript = RenewTranscript {
        peer_id: &peer.peer_id,
        local_id: &peer.remote_id,
        local_key_id: &peer.remote_key_id,
        hosted_id: me.backend_id.as_str(),
        hosted_key_id: me.key_id().as_str(),
        nonce: &request.nonce,
        timestamp: request.timestamp,
    }
    .transcript()
    .ok_or_else(|| ApiError::bug("the transcript cannot be built"))?;
    let local_key = PublicIdentityKey::from_pem(&peer.remote_public_key)
        .map_err(|e| ApiError::bug(format!("the stored local key does not parse: {e}")))?;
    let proof = decode_b64(&request.proof, "proof")?;
    local_key.verify(&request_transcript, &proof).map_err(|_| {
        refuse(
            StatusCode::UNAUTHORIZED,
            "bad_proof",
            "the proof does not verify with the peer's identity key",
        )
    })?;
    // A renewal request is good for one use: its nonce shares the signed requests' table.
    let now_ms = state.clock.now_ms();
    if !state
        .store
        .record_nonce(&peer.peer_id, &request.nonce, now_ms)
        .await?
    {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "replay",
            "this renewal request was already used",
        ));
    }

    let pair_key = PairKey::generate();
    let kid = Kid::generate();
    let wrapped = local_key
        .wrap(pair_key.as_bytes())
        .map_err(|e| ApiError::bug(format!("cannot wrap the pair key: {e}")))?;
    let now = now_secs(state);
    let sbt_expires_at = now + SBT_LIFETIME_SECS;
    let key_row = PeerKey {
        peer_id: peer.peer_id.clone(),
        kid: kid.to_string(),
        key: Some(pair_key.as_bytes().to_vec()),
        sbt: None,
        created_at: now_ms,
        sbt_expires_at,
        retires_at: None,
    };
    if !state
        .store
        .replace_peer_key(&key_row, now_ms + KEY_OVERLAP_MS, now_ms)
        .await?
    {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "revoked",
            "the peer is revoked; pair again",
        ));
    }
    grant(
        state,
        &peer,
        NewKey {
            pair_key: &pair_key,
            kid: &kid,
            wrapped: &wrapped,
            request_transcript: &request_transcript,
            label: transcript::RENEW_RESPONSE,
            now,
        },
    )
}

/// `GET /peers` (hosted): the peers of the account whose token is presented.
async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> Result<Json<Vec<PeerView>>, ApiError> {
    let peers = state.store.peers(Some(&account.id)).await?;
    Ok(Json(super::views_with_sync(&state, &peers).await?))
}

/// `GET /peers/{peer_id}/binding` (hosted, signed): the binding as this side holds it.
async fn binding(signed: SignedPeerRequest) -> Json<BindingView> {
    let c = signed.claims;
    Json(BindingView {
        peer_id: c.peer_id,
        account_id: c.account_id,
        kid: c.kid.to_string(),
        local_id: c.local_id.to_string(),
        local_key_id: c.local_key_id.to_string(),
        hosted_id: c.hosted_id.to_string(),
        hosted_key_id: c.hosted_key_id.to_string(),
        status: signed.peer.status,
        sbt_expires_at: c.exp,
    })
}
