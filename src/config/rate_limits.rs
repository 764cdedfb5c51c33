//! The `rate_limits.*` keys: how many requests a client address, or a paired peer, may make
//! on the hosted daemon (docs/security.md says which routes each limit covers).

use serde::Deserialize;

/// One limit: a sustained rate and how many requests may come at once. `per_minute = 0`
/// turns the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    /// Requests accepted back to back from a client that has been quiet (at least 1).
    pub burst: u32,
}

impl RateLimit {
    pub const OFF: RateLimit = RateLimit {
        per_minute: 0,
        burst: 1,
    };

    pub fn is_on(&self) -> bool {
        self.per_minute > 0
    }
}

/// The limits of the hosted daemon, each per instance (docs/security.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitsConfig {
    /// Per client address: `POST /register-peer` and `POST /peers/{peer_id}/renew`.
    pub pairing: RateLimit,
    /// Per client address: the routes an account token opens (the conversation API,
    /// `GET /peers`, `POST /pairing-codes`, the dashboard).
    pub account_api: RateLimit,
    /// Per client address: signed peer requests (`POST /sync/{peer_id}`, the binding, the
    /// telemetry upgrade), before their signature is checked.
    pub peer_requests: RateLimit,
    /// Per paired peer, once its signature is verified: `POST /sync/{peer_id}`.
    pub sync_per_peer: RateLimit,
    /// How many clients each limit remembers; past it the one nearest to a full allowance
    /// is forgotten first.
    pub max_tracked: usize,
}

/// Defaults a normal client never reaches: a peer syncing every 5 s with bursts after
/// writes, an initial sync of a large account, a UI polling every second, an office of
/// users behind one address.
pub const DEFAULT_PAIRING: RateLimit = RateLimit {
    per_minute: 30,
    burst: 30,
};
pub const DEFAULT_ACCOUNT_API: RateLimit = RateLimit {
    per_minute: 1_200,
    burst: 200,
};
pub const DEFAULT_PEER_REQUESTS: RateLimit = RateLimit {
    per_minute: 2_400,
    burst: 1_200,
};
/// A first sync of 300 000 versions (600 pages of 500, back to back) passes at full speed.
pub const DEFAULT_SYNC_PER_PEER: RateLimit = RateLimit {
    per_minute: 1_200,
    burst: 600,
};
pub const DEFAULT_MAX_TRACKED: usize = 20_000;
/// A rate above this (a million a second) has no use and would round the spacing of
/// requests to nothing.
pub const MAX_PER_MINUTE: u32 = 60_000_000;

/// The `[rate_limits]` section as a file or the environment gives it (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RateLimitsLayer {
    pub(super) pairing_per_minute: Option<u32>,
    pub(super) pairing_burst: Option<u32>,
    pub(super) account_api_per_minute: Option<u32>,
    pub(super) account_api_burst: Option<u32>,
    pub(super) peer_requests_per_minute: Option<u32>,
    pub(super) peer_requests_burst: Option<u32>,
    pub(super) sync_per_peer_per_minute: Option<u32>,
    pub(super) sync_per_peer_burst: Option<u32>,
    pub(super) max_tracked: Option<usize>,
}

impl RateLimitsLayer {
    /// The environment's values: `BACKEND_8825_RATE_LIMITS_<KEY>` for each key.
    pub(super) fn from_env(env: &super::Env) -> Result<Self, super::ConfigError> {
        let get = |key: &str| {
            super::env::env_parse::<u32>(env, &format!("BACKEND_8825_RATE_LIMITS_{key}"))
        };
        Ok(Self {
            pairing_per_minute: get("PAIRING_PER_MINUTE")?,
            pairing_burst: get("PAIRING_BURST")?,
            account_api_per_minute: get("ACCOUNT_API_PER_MINUTE")?,
            account_api_burst: get("ACCOUNT_API_BURST")?,
            peer_requests_per_minute: get("PEER_REQUESTS_PER_MINUTE")?,
            peer_requests_burst: get("PEER_REQUESTS_BURST")?,
            sync_per_peer_per_minute: get("SYNC_PER_PEER_PER_MINUTE")?,
            sync_per_peer_burst: get("SYNC_PER_PEER_BURST")?,
            max_tracked: super::env::env_parse(env, "BACKEND_8825_RATE_LIMITS_MAX_TRACKED")?,
        })
    }

    /// Overwrites every key `top` sets.
    pub(super) fn merge(&mut self, top: RateLimitsLayer) {
        let pairs = [
            (&mut self.pairing_per_minute, top.pairing_per_minute),
            (&mut self.pairing_burst, top.pairing_burst),
            (&mut self.account_api_per_minute, top.account_api_per_minute),
            (&mut self.account_api_burst, top.account_api_burst),
            (
                &mut self.peer_requests_per_minute,
                top.peer_requests_per_minute,
            ),
            (&mut self.peer_requests_burst, top.peer_requests_burst),
            (
                &mut self.sync_per_peer_per_minute,
                top.sync_per_peer_per_minute,
            ),
            (&mut self.sync_per_peer_burst, top.sync_per_peer_burst),
        ];
        for (slot, value) in pairs {
            if value.is_some() {
                *slot = value;
            }
        }
        if top.max_tracked.is_some() {
            self.max_tracked = top.max_tracked;
        }
    }

    pub(super) fn finish(&self) -> RateLimitsConfig {
        let limit = |per_minute: Option<u32>, burst: Option<u32>, default: RateLimit| RateLimit {
            per_minute: per_minute.unwrap_or(default.per_minute).min(MAX_PER_MINUTE),
            burst: burst.unwrap_or(default.burst).max(1),
        };
        RateLimitsConfig {
            pairing: limit(self.pairing_per_minute, self.pairing_burst, DEFAULT_PAIRING),
            account_api: limit(
                self.account_api_per_minute,
                self.account_api_burst,
                DEFAULT_ACCOUNT_API,
            ),
            peer_requests: limit(
                self.peer_requests_per_minute,
                self.peer_requests_burst,
                DEFAULT_PEER_REQUESTS,
            ),
            sync_per_peer: limit(
                self.sync_per_peer_per_minute,
                self.sync_per_peer_burst,
                DEFAULT_SYNC_PER_PEER,
            ),
            max_tracked: self.max_tracked.unwrap_or(DEFAULT_MAX_TRACKED).max(1),
        }
    }
}

impl Default for RateLimitsConfig {
    fn default() -> Self {
        RateLimitsLayer::default().finish()
    }
}
