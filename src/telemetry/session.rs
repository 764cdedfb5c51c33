//! One telemetry socket on the hosted side: read batches, store them, acknowledge, pass
//! pokes down, and close with 1008 once the peer is revoked or its SBT has expired.

use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use serde_json::Value;

use super::TelemetryLimits;
use super::event::TelemetryEvent;
use super::frames::{Downstream, Rejected, Upstream, close};
use super::hub::Control;
use super::outbox::{payload_attributes, stored_event};
use crate::peers::SignedPeerRequest;
use crate::security::rate_limit::{Pacer, Quota};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer};
use crate::telemetry::TelemetryAccess;

/// Why a socket ends: the other side left, or we close it with a code.
enum End {
    Gone,
    Close(u16, String),
}

/// Serves one accepted socket until it ends.
pub(super) async fn run(state: AppState, signed: SignedPeerRequest, mut socket: WebSocket) {
    let peer = signed.peer;
    let sbt_exp = signed.claims.exp;
    let hub = &state.telemetry().hub;
    let Some((id, mut control)) = hub.register(&peer.peer_id, &peer.account_id) else {
        send_close(&mut socket, close::GOING_AWAY, "the server is stopping").await;
        return;
    };
    tracing::info!(peer_id = %peer.peer_id, "telemetry socket open");
    // An account paused before the peer connected: say so at once.
    match crate::privacy::settings::settings_of(&state, &peer.account_id).await {
        Ok(settings) if settings.sync_paused => hub.set_paused(&peer.account_id, true),
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "cannot read the account's privacy settings"),
    }
    let limits = state.telemetry().limits();
    let mut pacer = frame_pacer(&limits);
    let mut tick = tokio::time::interval(limits.check_interval.min(limits.ping_interval));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    // A frame read faster than the pace allows waits here, not in the loop: pokes and
    // pause notices go down meanwhile, and no more frames are read until it is handled.
    let mut held: Option<Utf8Bytes> = None;
    let release = tokio::time::sleep(std::time::Duration::ZERO);
    tokio::pin!(release);
    let end = loop {
        tokio::select! {
            message = socket.recv(), if held.is_none() => {
                last_heard = Instant::now();
                let Some(Ok(message)) = message else { break End::Gone };
                let text = match screen(&state, &limits, message) {
                    Ok(Some(text)) => text,
                    Ok(None) => continue,
                    Err(end) => break end,
                };
                let wait = pacer.delay();
                if !wait.is_zero() {
                    state.telemetry().hub.count_throttled();
                    release.as_mut().reset(tokio::time::Instant::now() + wait);
                    held = Some(text);
                    continue;
                }
                match on_batch(&state, &peer, sbt_exp, &text).await {
                    Ok(reply) => {
                        if socket.send(reply).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Err(end) => break end,
                }
            }
            () = &mut release, if held.is_some() => {
                let text = held.take().expect("held");
                match on_batch(&state, &peer, sbt_exp, &text).await {
                    Ok(reply) => {
                        if socket.send(reply).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Err(end) => break end,
                }
            }
            command = control.recv() => match command {
                Some(Control::Poke(poke)) => {
                    if socket.send(text_message(&Downstream::Poke(poke))).await.is_err() {
                        break End::Gone;
                    }
                }
                Some(Control::Paused(paused)) => {
                    let at = state.clock.now_ms();
                    let frame = if paused { Downstream::Paused { at } } else { Downstream::Resumed { at } };
                    if socket.send(text_message(&frame)).await.is_err() {
                        break End::Gone;
                    }
                }
                Some(Control::Close(code, reason)) => break End::Close(code, reason),
                Some(Control::Recheck) => {
                    if let Err(end) = check_sbt(&state, sbt_exp) {
                        break end;
                    }
                }
                None => break End::Close(close::GOING_AWAY, "the server is stopping".into()),
            },
            _ = tick.tick() => {
                // Whether the peer is still active is the hub's sweep's to check, for all
                // sockets at once (`sweep.rs`); the SBT's expiry needs no query.
                if let Err(end) = check_sbt(&state, sbt_exp) {
                    break end;
                }
                if last_heard.elapsed() > limits.idle_timeout {
                    break End::Close(close::IDLE, "no frame within the idle timeout".into());
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    break End::Gone;
                }
            }
        }
    };
    if let End::Close(code, reason) = end {
        tracing::info!(peer_id = %peer.peer_id, code, reason = %reason, "closing telemetry socket");
        send_close(&mut socket, code, &reason).await;
    }
    hub.unregister(&peer.peer_id, id);
}

/// The text of a received message, if it is a frame to handle; an error ends the socket.
fn screen(
    state: &AppState,
    limits: &TelemetryLimits,
    message: Message,
) -> Result<Option<Utf8Bytes>, End> {
    let text = match message {
        Message::Text(text) => text,
        Message::Binary(_) => {
            return Err(End::Close(
                close::UNSUPPORTED,
                "only JSON text frames are accepted".into(),
            ));
        }
        Message::Close(_) => return Err(End::Gone),
        // Pings are answered by the WebSocket layer itself.
        Message::Ping(_) | Message::Pong(_) => return Ok(None),
    };
    if text.len() > limits.max_frame_bytes {
        state.telemetry().hub.count_too_big();
        return Err(End::Close(
            close::TOO_BIG,
            format!("frames are limited to {} bytes", limits.max_frame_bytes),
        ));
    }
    Ok(Some(text))
}

/// Handles one batch frame; the acknowledgement to send.
async fn on_batch(
    state: &AppState,
    peer: &Peer,
    sbt_exp: i64,
    text: &Utf8Bytes,
) -> Result<Message, End> {
    let Upstream::Batch { batch_id, events } =
        Upstream::parse(text.as_str()).map_err(|reason| End::Close(close::INVALID, reason))?;
    check_peer(state, &peer.peer_id, sbt_exp).await?;
    let ack = store_batch(state, peer, batch_id, events).await?;
    Ok(text_message(&ack))
}

/// Validates and stores a batch; the acknowledgement once it is durable.
async fn store_batch(
    state: &AppState,
    peer: &Peer,
    batch_id: String,
    events: Vec<Value>,
) -> Result<Downstream, End> {
    let mut rows = Vec::with_capacity(events.len());
    let mut rejected = Vec::new();
    for value in events {
        let event_id = value
            .get("event_id")
            .and_then(Value::as_str)
            .filter(|id| id.len() <= 64)
            .map(str::to_string);
        match TelemetryEvent::from_json(value) {
            Ok(event) if event.source_backend == peer.remote_id => {
                let attributes = payload_attributes(&event);
                rows.push(stored_event(
                    &event,
                    &peer.peer_id,
                    &peer.account_id,
                    attributes,
                    state,
                ));
            }
            Ok(_) => rejected.push(Rejected {
                event_id,
                reason: "source_backend is not this peer's backend".into(),
            }),
            Err(err) => rejected.push(Rejected {
                event_id,
                reason: err.to_string(),
            }),
        }
    }
    // An account that turned telemetry off has its events acknowledged and not kept.
    let wanted = match crate::privacy::settings::settings_of(state, &peer.account_id).await {
        Ok(settings) => settings.telemetry_enabled,
        Err(_) => true,
    };
    if !wanted {
        rows.clear();
    }
    let stored = state
        .store
        .telemetry()
        .store_events(&rows)
        .await
        .map_err(|err| {
            // A database that is down says so once itself, not once per socket.
            if err.is_connection_lost() {
                tracing::debug!(error = %err, peer_id = %peer.peer_id, "cannot store telemetry");
            } else {
                tracing::error!(error = %err, peer_id = %peer.peer_id, "cannot store telemetry");
            }
            End::Close(1011, "the events cannot be stored now".into())
        })?;
    let duplicates = rows.len() as u64 - stored;
    state
        .telemetry()
        .hub
        .count_batch(stored, duplicates, rejected.len() as u64);
    Ok(Downstream::Ack {
        batch_id,
        stored,
        duplicates,
        rejected,
    })
}

/// The peer must still be active and the SBT it connected with unexpired.
async fn check_peer(state: &AppState, peer_id: &str, sbt_exp: i64) -> Result<(), End> {
    let peer = match state.store.peer(peer_id).await {
        Ok(peer) => peer,
        Err(err) => {
            // A database hiccup does not end the socket: the next check decides. (One
            // that is down says so once itself.)
            if err.is_connection_lost() {
                tracing::debug!(error = %err, peer_id, "cannot check a telemetry peer");
            } else {
                tracing::warn!(error = %err, peer_id, "cannot check a telemetry peer");
            }
            return Ok(());
        }
    };
    if peer.is_none_or(|p| p.status != PEER_ACTIVE) {
        return Err(End::Close(close::POLICY, "revoked".into()));
    }
    check_sbt(state, sbt_exp)
}

/// The SBT the socket was opened with must be unexpired.
fn check_sbt(state: &AppState, sbt_exp: i64) -> Result<(), End> {
    if state.clock.now_ms().div_euclid(1000) >= sbt_exp {
        return Err(End::Close(close::POLICY, "sbt_expired".into()));
    }
    Ok(())
}

fn text_message(frame: &Downstream) -> Message {
    let json = serde_json::to_string(frame).expect("frames serialise");
    Message::Text(Utf8Bytes::from(json))
}

async fn send_close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Frames per second for one socket, GCRA like the request limits (a second's worth at once,
/// then evenly spaced), except that a sender above the rate is read more slowly (TCP pushes
/// back on it) and never disconnected for it: a frame already carries events the local
/// side will resend until they are acknowledged.
fn frame_pacer(limits: &TelemetryLimits) -> Pacer {
    let per_second = limits.max_frames_per_second;
    Pacer::new(Quota::per_second(per_second, per_second))
}
