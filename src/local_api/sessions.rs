//! One-time launch tokens and the web UI sessions they open. Both live in memory only: a
//! restart ends every session (run `backend-8825 ui` again). Entries are keyed by the
//! SHA-256 of the token, so a lookup's timing says nothing about the tokens themselves.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::secret::random_token;
use crate::secret::Secret;

/// How long a launch URL works (once).
pub const LAUNCH_TOKEN_TTL: Duration = Duration::minutes(2);
/// How long a UI session lasts after its launch.
pub const SESSION_TTL: Duration = Duration::hours(12);
/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "b8825_session";

/// A launch token just issued.
pub struct IssuedLaunch {
    pub token: Secret<String>,
    pub expires_at: DateTime<Utc>,
}

/// A session opened by a launch token: the cookie value and the session's details.
pub struct OpenedSession {
    pub id: Secret<String>,
    pub session: UiSession,
}

/// A live UI session, as the guard hands it to handlers.
#[derive(Clone, Debug)]
pub struct UiSession {
    /// The value the UI must send as `X-CSRF-Token` on writes.
    pub csrf: Secret<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Sessions(Mutex<Inner>);

#[derive(Default)]
struct Inner {
    launch_tokens: HashMap<String, DateTime<Utc>>,
    sessions: HashMap<String, UiSession>,
}

impl Inner {
    fn prune(&mut self, now: DateTime<Utc>) {
        self.launch_tokens.retain(|_, expires_at| *expires_at > now);
        self.sessions.retain(|_, s| s.expires_at > now);
    }
}

fn key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The maps stay consistent even if a holder panicked: every change is one insert or
        // one remove.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Issues a launch token that opens one session within [`LAUNCH_TOKEN_TTL`].
    pub fn issue_launch_token(&self, now: DateTime<Utc>) -> IssuedLaunch {
        let token = random_token();
        let expires_at = now + LAUNCH_TOKEN_TTL;
        let mut inner = self.lock();
        inner.prune(now);
        inner.launch_tokens.insert(key(token.expose()), expires_at);
        IssuedLaunch { token, expires_at }
    }

    /// Spends a launch token: a known, unexpired one opens a new session. Whatever the
    /// outcome, the token cannot be used again.
    pub fn redeem_launch_token(&self, token: &str, now: DateTime<Utc>) -> Option<OpenedSession> {
        let mut inner = self.lock();
        let expires_at = inner.launch_tokens.remove(&key(token))?;
        inner.prune(now);
        if expires_at <= now {
            return None;
        }
        let id = random_token();
        let session = UiSession {
            csrf: random_token(),
            expires_at: now + SESSION_TTL,
        };
        inner.sessions.insert(key(id.expose()), session.clone());
        Some(OpenedSession { id, session })
    }

    /// The live session whose cookie value is `id`.
    pub fn session(&self, id: &str, now: DateTime<Utc>) -> Option<UiSession> {
        let inner = self.lock();
        inner
            .sessions
            .get(&key(id))
            .filter(|s| s.expires_at > now)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launch_token_opens_one_session_within_its_lifetime() {
        let sessions = Sessions::default();
        let now = Utc::now();
        let issued = sessions.issue_launch_token(now);
        assert_eq!(issued.expires_at, now + LAUNCH_TOKEN_TTL);
        let opened = sessions
            .redeem_launch_token(issued.token.expose(), now)
            .unwrap();
        assert!(
            sessions
                .redeem_launch_token(issued.token.expose(), now)
                .is_none()
        );
        let live = sessions.session(opened.id.expose(), now).unwrap();
        assert_eq!(live.csrf, opened.session.csrf);
        assert!(sessions.session(issued.token.expose(), now).is_none());
        let later = now + SESSION_TTL;
        assert!(sessions.session(opened.id.expose(), later).is_none());

        let late = sessions.issue_launch_token(now);
        let expiry = now + LAUNCH_TOKEN_TTL;
        assert!(
            sessions
                .redeem_launch_token(late.token.expose(), expiry)
                .is_none()
        );
    }
}
