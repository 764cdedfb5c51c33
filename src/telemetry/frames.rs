//! The frames of the telemetry socket: JSON text frames with a `type` (docs/telemetry.md).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest `batch_id`, in bytes.
pub const MAX_BATCH_ID_LEN: usize = 64;
/// Most events in one batch.
pub const MAX_BATCH_EVENTS: usize = 500;

/// Close codes of the telemetry socket (RFC 6455 §7.4, and 4000-4999 for this protocol).
pub mod close {
    /// The hosted backend is stopping.
    pub const GOING_AWAY: u16 = 1001;
    /// A binary frame: only JSON text frames are part of the protocol.
    pub const UNSUPPORTED: u16 = 1003;
    /// A frame that is not a valid frame of this protocol.
    pub const INVALID: u16 = 1007;
    /// The peer was revoked, or its SBT expired: reconnect only after renewing.
    pub const POLICY: u16 = 1008;
    /// A frame larger than the limit.
    pub const TOO_BIG: u16 = 1009;
    /// No frame (not even a pong) for longer than the idle timeout.
    pub const IDLE: u16 = 4000;
    /// A newer socket of the same peer replaced this one.
    pub const REPLACED: u16 = 4001;
}

/// A frame from the local backend to the hosted one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Upstream {
    /// Events to store. Events are kept as JSON values here so that one invalid event is
    /// refused alone, not with its whole batch.
    Batch {
        batch_id: String,
        events: Vec<Value>,
    },
}

/// An event of a batch the hosted backend did not store, and why. It is acknowledged all
/// the same: sending it again would not change the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The event's id when it had a readable one.
    pub event_id: Option<String>,
    pub reason: String,
}

/// Why a poke was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poke {
    /// What changed (`"data"` for synced records).
    pub reason: String,
    /// When the hosted backend sent it (unix ms, its clock).
    pub at: i64,
}

/// A frame from the hosted backend to the local one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Downstream {
    /// The batch `batch_id` is durably stored: `stored` new events, `duplicates` already
    /// stored before, `rejected` refused. The sender may forget the whole batch.
    Ack {
        batch_id: String,
        stored: u64,
        duplicates: u64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rejected: Vec<Rejected>,
    },
    /// Something of this peer's account changed elsewhere: sync now.
    Poke(Poke),
    /// Sync is paused for this peer's account on the hosted backend (its privacy settings):
    /// send no batch and no sync until `resumed` comes, or the socket closes.
    Paused { at: i64 },
    /// Sync is resumed for the account: sync now and send what waited.
    Resumed { at: i64 },
}

impl Upstream {
    /// Parses a text frame; the error is the reason the socket closes with.
    pub fn parse(text: &str) -> Result<Self, String> {
        let frame: Self =
            serde_json::from_str(text).map_err(|e| format!("not a valid frame: {e}"))?;
        let Self::Batch { batch_id, events } = &frame;
        if batch_id.is_empty() || batch_id.len() > MAX_BATCH_ID_LEN {
            return Err(format!("batch_id must be 1 to {MAX_BATCH_ID_LEN} bytes"));
        }
        if events.len() > MAX_BATCH_EVENTS {
            return Err(format!("a batch holds at most {MAX_BATCH_EVENTS} events"));
        }
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_have_the_documented_shape() {
        let ack = Downstream::Ack {
            batch_id: "b1".into(),
            stored: 2,
            duplicates: 1,
            rejected: vec![],
        };
        assert_eq!(
            serde_json::to_value(&ack).unwrap(),
            json!({"type": "ack", "batch_id": "b1", "stored": 2, "duplicates": 1})
        );
        let poke = Downstream::Poke(Poke {
            reason: "data".into(),
            at: 5,
        });
        assert_eq!(
            serde_json::to_value(&poke).unwrap(),
            json!({"type": "poke", "reason": "data", "at": 5})
        );
        let batch = Upstream::parse(r#"{"type":"batch","batch_id":"x","events":[]}"#).unwrap();
        assert_eq!(
            batch,
            Upstream::Batch {
                batch_id: "x".into(),
                events: vec![]
            }
        );
    }

    #[test]
    fn bad_frames_are_refused() {
        for text in [
            "not json",
            r#"{"type":"ack","batch_id":"x"}"#,
            r#"{"type":"batch","batch_id":"","events":[]}"#,
            r#"{"type":"batch","batch_id":"x"}"#,
            r#"{"type":"batch","batch_id":"x","events":[],"extra":1}"#,
        ] {
            assert!(Upstream::parse(text).is_err(), "{text}");
        }
    }
}
