//! `POST /register-peer` on the hosted side: a pairing code spent, a peer created, a grant.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::*;
use crate::accounts::secrets::hash_code;
use crate::config::Mode;
use crate::error::{ApiError, ApiJson};
use crate::handshake::pair_key::{Kid, PairKey};
use crate::handshake::sbt::SBT_LIFETIME_SECS;
use crate::identity::PublicIdentityKey;
use crate::peers::now_secs;
use crate::peers::transcript::{self, RegisterRequest as RegisterTranscript};
use crate::peers::wire::{Grant, HANDSHAKE_VERSION, RegisterPeerRequest, valid_nonce};
use crate::security::{ClientIp, audit};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey, Redemption, Registration};

/// `POST /register-peer` (hosted).
#[utoipa::path(
    post,
    path = "/register-peer",
    tag = "peers",
    description = "Spends a pairing code. No header credential: the body carries a proof signed \
        with the local backend's identity key over a fixed transcript (docs/protocol.md).",
    request_body = RegisterPeerRequest,
    responses(
        (status = 201, description = "Paired: the grant, signed by the hosted identity key", body = Grant),
        (status = 401, description = "`pairing_code_invalid`, `pairing_code_expired`, `pairing_code_used`, `bad_proof`, `stale` or `replay`", body = crate::error::ErrorBody),
        (status = 403, description = "`pairing_code_bound`: the code is bound to another local key", body = crate::error::ErrorBody),
        (status = 409, description = "`hosted_key_mismatch`: the request pinned another hosted identity", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn register(
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

pub(super) async fn register_checked(
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
