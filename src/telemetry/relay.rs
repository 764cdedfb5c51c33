//! Pokes across hosted instances (docs/telemetry.md): several hosted instances on one
//! Postgres database each hold some of an account's telemetry sockets. A poke (and a pause or
//! resume of an account) made on one instance is sent to its own sockets and, through
//! Postgres `NOTIFY` on one channel, to every other instance, which passes it to its own.
//!
//! Every instance listens with a connection of its own. A notification names the store's
//! epoch (so two deployments sharing one database, in two schemas, ignore each other's) and
//! the instance that sent it (which has delivered it already). When the listening connection
//! drops, it is opened again and every socket of the instance is poked once: what was
//! notified meanwhile is not missed, at the price of a sync each peer did not need.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;

use super::frames::Poke;
use crate::state::AppState;
use crate::store::DatabaseKind;
use crate::telemetry::TelemetryAccess;

/// The notification channel.
pub const CHANNEL: &str = "backend_8825_relay";
/// The poke's reason after the listening connection came back.
pub const CATCH_UP: &str = "catch_up";

/// What one instance tells the others.
#[derive(Debug, Serialize, Deserialize)]
struct Relayed {
    /// The sending instance.
    from: String,
    /// The store's epoch.
    epoch: String,
    account_id: String,
    what: What,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum What {
    Poke {
        except_peer: Option<String>,
        reason: String,
    },
    Paused {
        paused: bool,
    },
}

/// Whether this daemon relays: a hosted daemon on Postgres.
fn relays(state: &AppState) -> bool {
    state.config.mode == crate::config::Mode::Hosted && state.store.kind() == DatabaseKind::Postgres
}

/// Tells the other instances to poke the sockets of `account_id` they hold.
pub(super) fn poke(state: &AppState, account_id: &str, except_peer: Option<&str>, reason: &str) {
    let what = What::Poke {
        except_peer: except_peer.map(str::to_string),
        reason: reason.to_string(),
    };
    send(state, account_id, what);
}

/// Tells the other instances that sync of `account_id` is paused or resumed.
pub(super) fn paused(state: &AppState, account_id: &str, paused: bool) {
    send(state, account_id, What::Paused { paused });
}

/// Sends in a task of its own: a write is never held up by the other instances.
fn send(state: &AppState, account_id: &str, what: What) {
    if !relays(state) {
        return;
    }
    let state = state.clone();
    let account_id = account_id.to_string();
    tokio::spawn(async move {
        let epoch = match epoch(&state).await {
            Some(epoch) => epoch,
            None => {
                tracing::debug!("cannot relay a poke: the store's epoch cannot be read");
                return;
            }
        };
        let relayed = Relayed {
            from: state.telemetry().instance.clone(),
            epoch,
            account_id,
            what,
        };
        let payload = serde_json::to_string(&relayed).expect("a notification serialises");
        if let Err(err) = state.store.notify(CHANNEL, &payload).await {
            tracing::debug!(error = %err, "cannot relay a poke to the other instances");
        }
    });
}

/// Listens for the other instances' notifications until aborted (a hosted daemon on
/// Postgres; returns at once otherwise).
pub(super) async fn listen(state: AppState) {
    if !relays(&state) {
        return;
    }
    let url = state.config.database.url.expose().to_string();
    let mut down_since: Option<std::time::Instant> = None;
    loop {
        let mut listener = match connect(&url).await {
            Ok(listener) => listener,
            Err(err) => {
                if down_since.is_none() {
                    tracing::warn!(error = %err, "cannot listen for the other instances' pokes; retrying");
                    down_since = Some(std::time::Instant::now());
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if down_since.take().is_some() {
            tracing::info!("listening for the other instances' pokes again");
        }
        // Whatever was notified before this connection listened is not missed.
        catch_up(&state);
        let epoch = epoch(&state).await;
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    deliver(&state, epoch.as_deref(), notification.payload());
                }
                // The connection dropped and sqlx opened another: notifications may have
                // been missed in between.
                Ok(None) => catch_up(&state),
                Err(err) => {
                    tracing::warn!(error = %err, "the pokes of the other instances stopped arriving; reconnecting");
                    down_since = Some(std::time::Instant::now());
                    break;
                }
            }
        }
    }
}

/// The store's epoch, read once: it changes only with `backend-8825 new-epoch`, which every
/// daemon on the database is stopped for.
async fn epoch(state: &AppState) -> Option<String> {
    let cell = &state.telemetry().relay_epoch;
    if let Some(epoch) = cell.get() {
        return Some(epoch.clone());
    }
    let epoch = crate::store::epoch(state.store.as_ref()).await.ok()?;
    Some(cell.get_or_init(|| epoch).clone())
}

async fn connect(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Passes one notification to this instance's sockets.
fn deliver(state: &AppState, epoch: Option<&str>, payload: &str) {
    let Ok(relayed) = serde_json::from_str::<Relayed>(payload) else {
        tracing::debug!("an unreadable relay notification");
        return;
    };
    if relayed.from == state.telemetry().instance || Some(relayed.epoch.as_str()) != epoch {
        return;
    }
    let hub = &state.telemetry().hub;
    match relayed.what {
        What::Poke {
            except_peer,
            reason,
        } => {
            let poke = Poke {
                reason,
                at: state.clock.now_ms(),
            };
            hub.poke(&relayed.account_id, except_peer.as_deref(), poke);
        }
        What::Paused { paused } => hub.set_paused(&relayed.account_id, paused),
    }
}

fn catch_up(state: &AppState) {
    let poke = Poke {
        reason: CATCH_UP.to_string(),
        at: state.clock.now_ms(),
    };
    state.telemetry().hub.poke_everyone(poke);
}
