//! Signed peer requests (docs/protocol.md): the verifier every peer route shares, as an axum
//! extractor, and the signer the local side uses to call its hosted peer.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use super::{keys, now_secs};
use crate::config::Mode;
use crate::error::ApiError;
use crate::handshake::httpsig::{
    self, DEFAULT_WINDOW_SECS, SigError, SignInput, SignatureHeaders, SignatureParams, VerifyInput,
};
use crate::handshake::pair_key::{Kid, PairKey};
use crate::handshake::sbt::{ExpectedBinding, SbtClaims, SessionBindingToken};
use crate::identity::{BackendId, KeyId};
use crate::security::{ClientIp, PeerLimit, audit_peer_refusal};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey, SeenNonce};

/// A request that carried a valid signature by the peer its path names, a current SBT for
/// that peer and pair key, and a nonce not seen before.
#[derive(Debug)]
pub struct SignedPeerRequest {
    pub peer: Peer,
    pub claims: SbtClaims,
    pub body: Bytes,
}

/// A [`SignedPeerRequest`] whose nonce is checked and recorded by the route itself, in the
/// transaction of its write: `POST /sync` (`Store::apply_sync`), one commit instead of two.
/// Until the route has recorded it, the request may be a replay: the route answers nothing
/// and writes nothing before that (and audits a replay it finds: [`audit_replay`]).
#[derive(Debug)]
pub struct UnrecordedNonce {
    pub request: SignedPeerRequest,
    pub nonce: SeenNonce,
    /// The caller's address, for the audit entry of a replay.
    pub ip: String,
}

impl FromRequest<AppState> for SignedPeerRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        Ok(extract(request, state, true).await?.request)
    }
}

impl FromRequest<AppState> for UnrecordedNonce {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        extract(request, state, false).await
    }
}

/// The refusal of a request whose nonce its peer used before.
pub fn replay_error() -> ApiError {
    sig_error(SigError::Replay)
}

/// Audits the refusal of a replayed request found by the route (see [`UnrecordedNonce`]).
pub async fn audit_replay(state: &AppState, unrecorded: &UnrecordedNonce) {
    let peer_id = &unrecorded.request.peer.peer_id;
    let code = SigError::Replay.code();
    audit_peer_refusal(state, "peer_request", code, peer_id, Some(&unrecorded.ip)).await;
}

/// Verifies a signed peer request, audits a refusal, and counts it against the route's
/// per-peer limit; records its nonce if `record_nonce` (otherwise the route does).
async fn extract(
    request: Request,
    state: &AppState,
    record_nonce: bool,
) -> Result<UnrecordedNonce, ApiError> {
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, state).await;
    let path_peer = RawPathParams::from_request_parts(&mut parts, state)
        .await
        .ok()
        .and_then(|params| {
            params
                .iter()
                .find(|(name, _)| *name == "peer_id")
                .map(|(_, value)| value.to_string())
        })
        .unwrap_or_default();
    // A route with a per-peer limit counts the request once the peer is verified.
    let limit = parts.extensions.get::<PeerLimit>().cloned();
    let request = Request::from_parts(parts, body);
    let mut outcome = verify(request, state, &path_peer).await;
    if record_nonce && let Ok((_, nonce)) = &outcome {
        outcome = match state
            .store
            .record_nonce(&nonce.peer_id, &nonce.nonce, nonce.seen_at)
            .await
        {
            Ok(true) => outcome,
            Ok(false) => Err(replay_error()),
            Err(err) => Err(err.into()),
        };
    }
    if let Err(err) = &outcome {
        audit_peer_refusal(state, "peer_request", err.code, &path_peer, Some(&ip)).await;
    }
    let (signed, nonce) = outcome?;
    if let Some(limit) = limit {
        limit.check(state, &signed.peer.peer_id, &ip).await?;
    }
    Ok(UnrecordedNonce {
        request: signed,
        nonce,
        ip,
    })
}

fn sig_error(err: SigError) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, err.code(), err.to_string())
}

/// The verifier, in the order docs/protocol.md gives. The body limit is the edge's;
/// everything else is here.
async fn verify(
    request: Request,
    state: &AppState,
    path_peer: &str,
) -> Result<(SignedPeerRequest, SeenNonce), ApiError> {
    let (parts, body) = request.into_parts();
    let headers = SignatureHeaders::from_header_map(&parts.headers).map_err(sig_error)?;
    let params =
        SignatureParams::parse(headers.signature_input.ok_or_else(|| {
            sig_error(SigError::Malformed("the Signature-Input header is missing"))
        })?)
        .map_err(sig_error)?;
    if params.peer_id != path_peer {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_peer",
            "the signing key belongs to another peer than the one in the path",
        ));
    }
    // The peer and its key at once (two statements, one wait); refused in this order.
    let (peer, key_row) = tokio::join!(
        state.store.peer(path_peer),
        state.store.peer_key(path_peer, params.kid.as_str())
    );
    let peer = peer?.ok_or_else(|| sig_error(SigError::UnknownKid))?;
    if peer.status != PEER_ACTIVE {
        return Err(sig_error(SigError::Revoked));
    }
    let now_ms = state.clock.now_ms();
    let key_row = key_row?
        .filter(|k| k.retires_at.is_none_or(|at| at > now_ms))
        .ok_or_else(|| sig_error(SigError::UnknownKid))?;
    let pair_key = keys::load_pair_key(state, &key_row).map_err(|err| {
        tracing::error!(error = %err, peer_id = %peer.peer_id, "cannot load a pair key");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the pair key cannot be read",
        )
    })?;
    let body = axum::body::to_bytes(body, state.config.http.body_limit_bytes)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            )
        })?;
    let authority = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or_default();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let now = now_secs(state);
    let input = VerifyInput {
        method: parts.method.as_str(),
        authority,
        path: parts.uri.path(),
        query: &query,
        body: &body,
        headers,
    };
    let request_key = pair_key.request_key();
    let verified =
        httpsig::verify_request(&input, now, DEFAULT_WINDOW_SECS, |_, _| Ok(request_key))
            .map_err(sig_error)?;

    let token = input
        .headers
        .authorization
        .and_then(|a| a.strip_prefix("SBT "))
        .ok_or_else(|| sig_error(SigError::SbtInvalid))?;
    let claims = verify_sbt(state, &peer, &key_row, &pair_key, token, now)?;
    let nonce = SeenNonce {
        peer_id: peer.peer_id.clone(),
        nonce: verified.nonce,
        seen_at: now_ms,
    };
    Ok((SignedPeerRequest { peer, claims, body }, nonce))
}

/// Checks an SBT against everything this side knows of the pairing: the peer, the pair key,
/// the account, both backends and both identity keys.
pub(super) fn verify_sbt(
    state: &AppState,
    peer: &Peer,
    key_row: &PeerKey,
    pair_key: &PairKey,
    token: &str,
    now: i64,
) -> Result<SbtClaims, ApiError> {
    let invalid = || sig_error(SigError::SbtInvalid);
    let kid: Kid = key_row.kid.parse().map_err(|_| invalid())?;
    let remote_id: BackendId = peer.remote_id.parse().map_err(|_| invalid())?;
    let remote_key_id: KeyId = peer.remote_key_id.parse().map_err(|_| invalid())?;
    let own_id = &state.identity.backend_id;
    let own_key_id = state.identity.key_id();
    let (local_id, hosted_id, local_key_id, hosted_key_id) = match state.config.mode {
        Mode::Hosted => (&remote_id, own_id, &remote_key_id, own_key_id),
        Mode::Local => (own_id, &remote_id, own_key_id, &remote_key_id),
    };
    // A hosted daemon also takes, during its grace, the key it rotated away from: SBTs
    // issued before the rotation bind it (checked below instead).
    let hosted = state.config.mode == Mode::Hosted;
    let expected = ExpectedBinding {
        peer_id: &peer.peer_id,
        kid: &kid,
        account_id: Some(&peer.account_id),
        local_id: Some(local_id),
        hosted_id: Some(hosted_id),
        local_key_id: Some(local_key_id),
        hosted_key_id: Some(hosted_key_id).filter(|_| !hosted),
    };
    let claims = SessionBindingToken::verify(token, pair_key, &expected, now)
        .map_err(|err| sig_error(err.into()))?;
    if hosted && &claims.hosted_key_id != own_key_id {
        let in_grace = state
            .identity
            .previous_in_grace(state.clock.now_ms())
            .any(|p| p.key_id == claims.hosted_key_id.as_str());
        if !in_grace {
            return Err(sig_error(SigError::SbtInvalid));
        }
    }
    // The token's MAC key derives from the pair key, which the peer holds too: it could
    // mint a token with any expiry. Only the expiry recorded when the token was issued
    // counts, so an SBT lives its eight hours and no longer (docs/security.md).
    if claims.exp != key_row.sbt_expires_at {
        return Err(sig_error(SigError::SbtInvalid));
    }
    Ok(claims)
}

/// One request to a peer, before it is signed.
#[derive(Debug)]
pub struct PeerCall<'a> {
    pub method: Method,
    /// The peer's URL (`https://hosted.example`, perhaps with a path prefix).
    pub base_url: &'a str,
    /// Appended to `base_url`: `/sync/...?since=...`.
    pub path_and_query: &'a str,
    pub body: Vec<u8>,
    /// The signature's `created` (unix seconds); it expires 300 s later.
    pub created: i64,
}

/// What a signature covers of a request besides its body.
#[derive(Debug)]
pub struct RequestTarget<'a> {
    pub method: &'a str,
    /// As the client sends it in `Host`.
    pub authority: &'a str,
    pub path: &'a str,
    /// Empty, or starting with `?`.
    pub query: &'a str,
}

/// The headers that sign one request to a peer with the pair key of `key_row`:
/// `Authorization: SBT <token>`, `Content-Digest`, `Signature-Input` and `Signature`
/// (created at `created`, expiring 300 s later). Every client of a peer route uses this:
/// HTTP calls through [`signed_request`], and the telemetry socket's upgrade.
pub fn signature_headers(
    target: &RequestTarget<'_>,
    body: &[u8],
    key_row: &PeerKey,
    pair_key: &PairKey,
    created: i64,
) -> Result<HeaderMap, SigError> {
    let sbt = key_row
        .sbt
        .as_deref()
        .ok_or(SigError::Malformed("no SBT is stored for this pair key"))?;
    let authorization = format!("SBT {sbt}");
    let kid: Kid = key_row
        .kid
        .parse()
        .map_err(|_| SigError::Malformed("stored kid is invalid"))?;
    let nonce = httpsig::new_nonce();
    let signed = httpsig::sign_request(
        &SignInput {
            method: target.method,
            authority: target.authority,
            path: target.path,
            query: target.query,
            body,
            authorization: &authorization,
            peer_id: &key_row.peer_id,
            kid: &kid,
            nonce: &nonce,
            created,
            expires: created + DEFAULT_WINDOW_SECS as i64,
        },
        &pair_key.request_key(),
    )?;
    let mut headers = HeaderMap::new();
    let value = |v: &str| HeaderValue::from_str(v).map_err(|_| SigError::Malformed("header"));
    headers.insert(header::AUTHORIZATION, value(&authorization)?);
    headers.insert("content-digest", value(&signed.content_digest)?);
    headers.insert("signature-input", value(&signed.signature_input)?);
    headers.insert("signature", value(&signed.signature)?);
    Ok(headers)
}

/// Builds the signed request of `call`, with the SBT and pair key of `key_row`.
pub fn signed_request(
    client: &reqwest::Client,
    call: PeerCall<'_>,
    key_row: &PeerKey,
    pair_key: &PairKey,
) -> Result<reqwest::RequestBuilder, SigError> {
    let url = reqwest::Url::parse(&format!(
        "{}{}",
        call.base_url.trim_end_matches('/'),
        call.path_and_query
    ))
    .map_err(|_| SigError::Malformed("the peer URL is not valid"))?;
    let authority = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => return Err(SigError::Malformed("the peer URL has no host")),
    };
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let target = RequestTarget {
        method: call.method.as_str(),
        authority: &authority,
        path: url.path(),
        query: &query,
    };
    let mut headers = signature_headers(&target, &call.body, key_row, pair_key, call.created)?;
    if !call.body.is_empty() {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    Ok(client
        .request(call.method, url)
        .headers(headers)
        .body(call.body))
}
