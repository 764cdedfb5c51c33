//! One open telemetry socket, as the local client drives it: batches read from the outbox,
//! sent while the window allows, removed from the outbox only when acknowledged; pokes
//! passed on to the sync scheduler.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use super::client::*;
use super::frames::{Downstream, Poke};
use crate::privacy::settings::{REMOTE_PAUSED, remote_paused_message};
use crate::state::AppState;
use crate::telemetry::TelemetryAccess;

/// A batch sent and not yet acknowledged: its outbox rows are `first..=last`.
struct InFlight {
    batch_id: String,
    first: i64,
    last: i64,
}

pub(super) struct Session<'a> {
    state: &'a AppState,
    peer_id: &'a str,
    in_flight: VecDeque<InFlight>,
    /// The last outbox row sent on this socket.
    cursor: i64,
    acked: bool,
}

impl<'a> Session<'a> {
    pub(super) fn new(state: &'a AppState, peer_id: &'a str) -> Self {
        Self {
            state,
            peer_id,
            in_flight: VecDeque::new(),
            cursor: 0,
            acked: false,
        }
    }

    /// Serves the socket until it ends; returns whether any batch was acknowledged, and why
    /// it ended.
    pub(super) async fn run(mut self, mut socket: Socket) -> (bool, String) {
        let why = self.serve(&mut socket).await;
        let _ = socket.close(None).await;
        // Only an open socket says the hosted side is paused: without one, sync tries again
        // and learns it from the answer.
        let client = &self.state.telemetry().client;
        client.update(self.peer_id, |l| l.paused_remotely = false);
        (self.acked, why)
    }

    async fn serve(&mut self, socket: &mut Socket) -> String {
        let client = &self.state.telemetry().client;
        let limits = self.state.telemetry().limits();
        if let Err(err) = self
            .state
            .store
            .telemetry()
            .outbox_claim(self.peer_id)
            .await
        {
            tracing::warn!(error = %err, "cannot claim unassigned telemetry");
        }
        let mut wake = client.wake.subscribe();
        let mut enabled = client.enabled.subscribe();
        let mut ping = tokio::time::interval(limits.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // A safety net for rows that arrive without a wake-up (another process, a lost race).
        let mut poll = tokio::time::interval(Duration::from_secs(1));
        let mut last_heard = Instant::now();
        loop {
            if let Err(why) = self.fill(socket).await {
                return why;
            }
            tokio::select! {
                _ = wake.changed() => {}
                _ = poll.tick() => {}
                _ = wait_until(&mut enabled, false) => return "telemetry sending is off".into(),
                _ = ping.tick() => {
                    if last_heard.elapsed() > limits.idle_timeout {
                        return "no answer to pings".into();
                    }
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        return "the socket failed".into();
                    }
                }
                message = socket.next() => {
                    last_heard = Instant::now();
                    match message {
                        None => return "the hosted backend closed the socket".into(),
                        Some(Err(err)) => return format!("socket error: {err}"),
                        Some(Ok(Message::Text(text))) => {
                            if let Err(why) = self.on_frame(text.as_str()).await {
                                return why;
                            }
                        }
                        Some(Ok(Message::Close(frame))) => {
                            return match frame {
                                Some(f) => format!("closed {}: {}", u16::from(f.code), f.reason),
                                None => "closed".into(),
                            };
                        }
                        Some(Ok(_)) => {}
                    }
                }
            }
        }
    }

    /// Sends batches of unsent outbox rows until the in-flight window is full. Only the
    /// first batch in flight may be partial.
    async fn fill(&mut self, socket: &mut Socket) -> Result<(), String> {
        let limits = self.state.telemetry().limits();
        if self.state.telemetry().client.paused_remotely(self.peer_id) {
            return Ok(());
        }
        while self.in_flight.len() < limits.max_in_flight {
            let rows = self
                .state
                .store
                .telemetry()
                .outbox_batch(
                    self.peer_id,
                    self.cursor,
                    limits.batch_max_events,
                    limits.batch_max_bytes,
                )
                .await
                .map_err(store_failed)?;
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                return Ok(());
            };
            // A partial batch waits while others are in flight: under load the rows that
            // arrive meanwhile join it (fewer, fuller batches); when idle it goes at once.
            let bytes: i64 = rows.iter().map(|r| r.bytes).sum();
            let full =
                rows.len() as i64 >= limits.batch_max_events || bytes * 2 >= limits.batch_max_bytes;
            if !full && !self.in_flight.is_empty() {
                return Ok(());
            }
            let (first, last) = (first.seq, last.seq);
            let batch_id = format!("{first}-{last}");
            let events: Vec<&str> = rows.iter().map(|r| r.payload.as_str()).collect();
            // The payloads are events serialised when they were emitted: valid JSON as is.
            let frame = format!(
                r#"{{"type":"batch","batch_id":"{batch_id}","events":[{}]}}"#,
                events.join(",")
            );
            socket
                .send(Message::Text(frame.into()))
                .await
                .map_err(|_| "the socket failed".to_string())?;
            self.cursor = last;
            let client = &self.state.telemetry().client;
            client.update(self.peer_id, |l| l.sent_batches += 1);
            self.in_flight.push_back(InFlight {
                batch_id,
                first,
                last,
            });
        }
        Ok(())
    }

    async fn on_frame(&mut self, text: &str) -> Result<(), String> {
        let frame: Downstream =
            serde_json::from_str(text).map_err(|_| "an unreadable frame".to_string())?;
        match frame {
            Downstream::Ack {
                batch_id, rejected, ..
            } => {
                // The hub answers batches in order; anything else is a broken socket.
                let batch = self
                    .in_flight
                    .pop_front()
                    .filter(|b| b.batch_id == batch_id)
                    .ok_or("an acknowledgement out of order")?;
                if !rejected.is_empty() {
                    tracing::warn!(
                        peer_id = self.peer_id,
                        rejected = rejected.len(),
                        "the hosted backend refused some telemetry events"
                    );
                }
                self.state
                    .store
                    .telemetry()
                    .outbox_ack(self.peer_id, batch.first, batch.last)
                    .await
                    .map_err(store_failed)?;
                self.acked = true;
                let now = self.state.clock.now_ms();
                self.state.telemetry().client.update(self.peer_id, |l| {
                    l.acked_batches += 1;
                    l.last_ack_at = Some(now);
                });
            }
            Downstream::Paused { .. } => {
                tracing::info!(
                    peer_id = self.peer_id,
                    "sync is paused by the hosted backend"
                );
                let client = &self.state.telemetry().client;
                client.update(self.peer_id, |l| l.paused_remotely = true);
                // What GET /peers and the Status page show until a sync succeeds again.
                let peer = self.state.store.peer(self.peer_id).await.ok().flatten();
                let url = peer.and_then(|p| p.remote_url).unwrap_or_default();
                let paused = crate::store::SyncFailure {
                    code: REMOTE_PAUSED,
                    message: remote_paused_message(&url),
                };
                let now = self.state.clock.now_ms();
                let store = &self.state.store;
                if let Err(err) = store
                    .record_sync_outcome(self.peer_id, now, Some(&paused))
                    .await
                {
                    tracing::warn!(error = %err, "cannot record that sync is paused");
                }
            }
            Downstream::Resumed { .. } => {
                tracing::info!(
                    peer_id = self.peer_id,
                    "sync is resumed by the hosted backend"
                );
                let client = &self.state.telemetry().client;
                client.update(self.peer_id, |l| l.paused_remotely = false);
                client.deliver_poke(PokeNotice {
                    peer_id: self.peer_id.to_string(),
                    reason: "resumed".to_string(),
                });
            }
            Downstream::Poke(Poke { reason, .. }) => {
                self.state.telemetry().client.deliver_poke(PokeNotice {
                    peer_id: self.peer_id.to_string(),
                    reason,
                });
            }
        }
        Ok(())
    }
}
