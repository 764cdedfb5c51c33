//! Rate limits (docs/security.md): per client address before anything else happens (no
//! signature, no token, no database), and per paired peer once its signature is verified.
//! Each is a [`KeyedLimiter`] (GCRA, bounded in memory) in this instance's memory; the
//! route table (`src/router/mod.rs`) says which routes have which limit.
//!
//! A refusal is `429 rate_limited` with `Retry-After`. It costs one lookup in the limiter,
//! and the first refusal of a run is written to the audit trail (not every one: a flood
//! would otherwise be a flood of rows).

mod gcra;

use std::net::IpAddr;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

pub use gcra::{Decision, KeyedLimiter, Pacer, Quota};

use super::{ClientIp, audit};
use crate::config::{RateLimit, RateLimitsConfig};
use crate::error::ApiError;
use crate::state::AppState;

/// A client address as the limits count it: an IPv4 address, or the /64 network of an IPv6
/// one (a single host is usually given a whole /64, so counting each of its addresses
/// apart would let it pick a new one per request).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub enum AddressKey {
    V4(u32),
    V6Network(u64),
    /// No address known (never the case for a request that came over TCP).
    Unknown,
}

impl AddressKey {
    pub fn of(ip: &str) -> Self {
        match ip.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(IpAddr::V4(v4)) => Self::V4(v4.to_bits()),
            Ok(IpAddr::V6(v6)) => Self::V6Network((v6.to_bits() >> 64) as u64),
            Err(_) => Self::Unknown,
        }
    }
}

/// What a limit counts, in the words of its refusal and its audit entry.
#[derive(Clone, Copy, Debug)]
pub struct LimitKind {
    /// Its keys in the configuration: `rate_limits.<name>_per_minute` and `_burst`.
    pub name: &'static str,
    audit_event: &'static str,
    /// "too many ... ; try again in N seconds".
    counted: &'static str,
}

pub const PAIRING: LimitKind = LimitKind {
    name: "pairing",
    audit_event: "pairing_attempt",
    counted: "pairing attempts from this address",
};
pub const ACCOUNT_API: LimitKind = LimitKind {
    name: "account_api",
    audit_event: "account_request",
    counted: "requests from this address",
};
pub const PEER_REQUESTS: LimitKind = LimitKind {
    name: "peer_requests",
    audit_event: "peer_request",
    counted: "peer requests from this address",
};
pub const SYNC_PER_PEER: LimitKind = LimitKind {
    name: "sync_per_peer",
    audit_event: "peer_request",
    counted: "sync requests from this peer",
};

/// The limiters of one daemon, built from its configuration; `None` where a limit is off.
pub struct RateLimits {
    pub pairing: Option<AddressLimit>,
    pub account_api: Option<AddressLimit>,
    pub peer_requests: Option<AddressLimit>,
    pub sync_per_peer: Option<PeerLimit>,
}

impl RateLimits {
    pub fn new(config: &RateLimitsConfig) -> Self {
        let capacity = config.max_tracked;
        Self {
            pairing: Limit::new(PAIRING, config.pairing, capacity).map(AddressLimit),
            account_api: Limit::new(ACCOUNT_API, config.account_api, capacity).map(AddressLimit),
            peer_requests: Limit::new(PEER_REQUESTS, config.peer_requests, capacity)
                .map(AddressLimit),
            sync_per_peer: Limit::new(SYNC_PER_PEER, config.sync_per_peer, capacity).map(PeerLimit),
        }
    }
}

/// One limiter and what it counts.
#[derive(Clone)]
pub struct Limit<K> {
    kind: LimitKind,
    limit: RateLimit,
    limiter: Arc<KeyedLimiter<K>>,
}

impl<K: std::hash::Hash + Ord + Clone> Limit<K> {
    fn new(kind: LimitKind, limit: RateLimit, capacity: usize) -> Option<Self> {
        let quota = Quota::from_limit(limit)?;
        Some(Self {
            kind,
            limit,
            limiter: Arc::new(KeyedLimiter::new(quota, capacity)),
        })
    }

    /// The `429` answer in the OpenAPI document of a route under this limit.
    pub fn describe(&self) -> String {
        let RateLimit { per_minute, burst } = self.limit;
        format!(
            "`rate_limited`: too many {} (more than {per_minute} a minute, or {burst} at once; \
             `rate_limits.{}_*`, per instance); `Retry-After` says how many seconds to wait",
            self.kind.counted, self.kind.name
        )
    }

    /// Counts one request by `key`; a refusal is the error to answer, audited on a trip.
    async fn check(
        &self,
        state: &AppState,
        key: &K,
        peer_id: Option<&str>,
        ip: &str,
    ) -> Result<(), ApiError> {
        let Decision::Refused {
            retry_after_secs,
            tripped,
        } = self.limiter.check(key, state.clock.now_ms())
        else {
            return Ok(());
        };
        if tripped {
            let event = self.kind.audit_event;
            audit(state, event, Err("rate_limited"), peer_id, None, Some(ip)).await;
        }
        let wait = match retry_after_secs {
            1 => "1 second".to_string(),
            n => format!("{n} seconds"),
        };
        Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many {}; try again in {wait}", self.kind.counted),
        )
        .with_retry_after(retry_after_secs))
    }
}

/// A limit per client address ([`ClientIp`]), checked before the route's handler and its
/// extractors run.
#[derive(Clone)]
pub struct AddressLimit(pub Limit<AddressKey>);

impl AddressLimit {
    /// `routes` with every request counted against its client address first.
    pub fn apply(
        &self,
        routes: OpenApiRouter<AppState>,
        state: &AppState,
    ) -> OpenApiRouter<AppState> {
        let enforced = Enforced {
            state: state.clone(),
            limit: self.clone(),
        };
        routes.route_layer(middleware::from_fn_with_state(enforced, enforce))
    }
}

#[derive(Clone)]
struct Enforced {
    state: AppState,
    limit: AddressLimit,
}

async fn enforce(State(enforced): State<Enforced>, request: Request, next: Next) -> Response {
    let Enforced { state, limit } = enforced;
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &state).await;
    let key = AddressKey::of(&ip);
    if let Err(refused) = limit.0.check(&state, &key, None, &ip).await {
        return refused.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A limit per paired peer. The route table puts it on routes as a request extension; the
/// signed request verifier (`peers::SignedPeerRequest`) applies it once the signature is
/// verified, so only a real peer's requests count against that peer.
#[derive(Clone)]
pub struct PeerLimit(pub Limit<String>);

impl PeerLimit {
    pub fn apply(&self, routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
        routes.route_layer(Extension(self.clone()))
    }

    /// Counts one verified request of `peer_id` (from `ip`, for the audit trail).
    pub async fn check(&self, state: &AppState, peer_id: &str, ip: &str) -> Result<(), ApiError> {
        self.0
            .check(state, &peer_id.to_string(), Some(peer_id), ip)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::AddressKey;

    #[test]
    fn an_ipv6_host_is_counted_by_its_network_and_a_mapped_ipv4_as_ipv4() {
        let a = AddressKey::of("2001:db8:1:2:aaaa::1");
        assert_eq!(a, AddressKey::of("2001:db8:1:2:bbbb::9"));
        assert_ne!(a, AddressKey::of("2001:db8:1:3::1"));
        assert_eq!(
            AddressKey::of("::ffff:192.0.2.7"),
            AddressKey::of("192.0.2.7")
        );
        assert_ne!(AddressKey::of("192.0.2.7"), AddressKey::of("192.0.2.8"));
        assert_eq!(AddressKey::of("unknown"), AddressKey::Unknown);
    }
}
