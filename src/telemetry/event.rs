//! `TelemetryEvent` and the rules both ends check it against (docs/telemetry.md, "Events").

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest event name, in bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Most attributes one event may carry.
pub const MAX_ATTRIBUTES: usize = 32;
/// Longest attribute key, in bytes.
pub const MAX_ATTRIBUTE_KEY_LEN: usize = 64;
/// Largest attribute value, serialised as JSON, in bytes.
pub const MAX_ATTRIBUTE_VALUE_BYTES: usize = 2048;
/// Largest event, serialised as JSON, in bytes.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;
/// Longest duration accepted: a week, in milliseconds.
pub const MAX_DURATION_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// One thing that happened on a backend: a request served, a sync cycle, a failure.
/// Attributes carry measurements and labels, never content (a question, a message).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryEvent {
    /// UUIDv7: unique, and ordered by creation time.
    pub event_id: uuid::Uuid,
    pub ts: DateTime<Utc>,
    pub name: String,
    pub level: Level,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
    #[serde(default)]
    pub attributes: BTreeMap<String, Value>,
    /// The `backend_id` of the backend where the event happened; [`crate::telemetry::emit`]
    /// sets it.
    #[serde(default)]
    pub source_backend: String,
}

/// Why an event was refused. The message names the rule, never the offending value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EventError(pub String);

fn invalid(message: impl Into<String>) -> EventError {
    EventError(message.into())
}

impl TelemetryEvent {
    /// A new event named `name` at `ts`, with a fresh UUIDv7.
    pub fn new(name: impl Into<String>, level: Level, ts: DateTime<Utc>) -> Self {
        Self {
            event_id: uuid::Uuid::now_v7(),
            ts,
            name: name.into(),
            level,
            duration_ms: None,
            attributes: BTreeMap::new(),
            source_backend: String::new(),
        }
    }

    pub fn with_duration_ms(mut self, duration_ms: f64) -> Self {
        self.duration_ms = Some(duration_ms);
        self
    }

    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// Parses and validates one event of a received batch.
    pub fn from_json(value: Value) -> Result<Self, EventError> {
        let event: Self = serde_json::from_value(value)
            .map_err(|e| invalid(format!("not a valid event: {e}")))?;
        event.validate()?;
        Ok(event)
    }

    /// Checks every rule of docs/telemetry.md; returns the serialised event on success.
    pub fn validate(&self) -> Result<String, EventError> {
        if self.event_id.get_version_num() != 7 {
            return Err(invalid("event_id must be a UUIDv7"));
        }
        if !valid_name(&self.name) {
            return Err(invalid(format!(
                "name must be 1 to {MAX_NAME_LEN} characters of a-z 0-9 . _ -, \
                 starting with a letter"
            )));
        }
        if self
            .duration_ms
            .is_some_and(|d| !d.is_finite() || !(0.0..=MAX_DURATION_MS).contains(&d))
        {
            return Err(invalid("duration_ms must be a number from 0 to one week"));
        }
        if !self.source_backend.is_empty()
            && self
                .source_backend
                .parse::<crate::identity::BackendId>()
                .is_err()
        {
            return Err(invalid("source_backend is not a backend id"));
        }
        self.validate_attributes()?;
        let json = serde_json::to_string(self).map_err(|_| invalid("cannot serialise"))?;
        if json.len() > MAX_EVENT_BYTES {
            return Err(invalid(format!(
                "the event is larger than {MAX_EVENT_BYTES} bytes"
            )));
        }
        Ok(json)
    }

    /// Replaces personal data in the attribute values (strings, at any depth) with the
    /// redactor's tokens (docs/privacy.md, "Redaction"); keys, the name and numbers stay.
    pub fn redact_pii(&mut self) {
        self.attributes.values_mut().for_each(redact_value);
    }

    fn validate_attributes(&self) -> Result<(), EventError> {
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(invalid(format!(
                "at most {MAX_ATTRIBUTES} attributes are allowed"
            )));
        }
        for (key, value) in &self.attributes {
            let key_ok = (1..=MAX_ATTRIBUTE_KEY_LEN).contains(&key.len())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
            if !key_ok {
                return Err(invalid(format!(
                    "attribute keys are 1 to {MAX_ATTRIBUTE_KEY_LEN} characters of \
                     A-Z a-z 0-9 . _ -"
                )));
            }
            let size = serde_json::to_string(value).map_or(usize::MAX, |s| s.len());
            if size > MAX_ATTRIBUTE_VALUE_BYTES {
                return Err(invalid(format!(
                    "attribute {key:?} is larger than {MAX_ATTRIBUTE_VALUE_BYTES} bytes"
                )));
            }
        }
        Ok(())
    }
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=MAX_NAME_LEN).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b))
}

fn redact_value(value: &mut Value) {
    match value {
        Value::String(s) => {
            let redacted = match crate::privacy::redact(s).text {
                std::borrow::Cow::Owned(text) => Some(text),
                std::borrow::Cow::Borrowed(_) => None,
            };
            if let Some(text) = redacted {
                *s = text;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => map.values_mut().for_each(redact_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_data_in_attribute_strings_is_redacted() {
        let mut e = event()
            .with_attribute("error", "no user jane@example.com, call 415-555-0132")
            .with_attribute(
                "nested",
                json!({"cards": ["4111 1111 1111 1111", "v1.2.3"]}),
            )
            .with_attribute("peer", "10.0.0.1:8825");
        e.redact_pii();
        assert_eq!(e.attributes["error"], "no user [EMAIL], call [PHONE]");
        assert_eq!(
            e.attributes["nested"],
            json!({"cards": ["[CREDIT_CARD]", "v1.2.3"]})
        );
        assert_eq!(e.attributes["peer"], "10.0.0.1:8825");
    }

    fn event() -> TelemetryEvent {
        TelemetryEvent::new("sync.cycle", Level::Info, Utc::now()).with_duration_ms(12.5)
    }

    #[test]
    fn a_plain_event_passes_and_round_trips() {
        let e = event().with_attribute("versions_sent", 3);
        let json = e.validate().unwrap();
        let back = TelemetryEvent::from_json(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn each_rule_refuses() {
        let mut bad = vec![
            TelemetryEvent::new("", Level::Info, Utc::now()),
            TelemetryEvent::new("Upper", Level::Info, Utc::now()),
            TelemetryEvent::new("9lives", Level::Info, Utc::now()),
            TelemetryEvent::new("a b", Level::Info, Utc::now()),
            TelemetryEvent::new("a".repeat(65), Level::Info, Utc::now()),
            event().with_duration_ms(-1.0),
            event().with_duration_ms(f64::NAN),
            event().with_attribute("bad key", 1),
            event().with_attribute("big", "x".repeat(MAX_ATTRIBUTE_VALUE_BYTES)),
        ];
        let mut many = event();
        for i in 0..=MAX_ATTRIBUTES {
            many = many.with_attribute(format!("k{i}"), i);
        }
        bad.push(many);
        let mut v4 = event();
        v4.event_id = uuid::Uuid::new_v4();
        bad.push(v4);
        let mut total = event();
        for i in 0..10 {
            total = total.with_attribute(format!("k{i}"), "x".repeat(2000));
        }
        bad.push(total);
        for e in bad {
            assert!(e.validate().is_err(), "{e:?} passed");
        }
    }

    #[test]
    fn unknown_fields_and_levels_are_refused() {
        let good = serde_json::to_value(event()).unwrap();
        assert!(TelemetryEvent::from_json(good.clone()).is_ok());
        let mut extra = good.clone();
        extra["question"] = json!("what?");
        assert!(TelemetryEvent::from_json(extra).is_err());
        let mut level = good;
        level["level"] = json!("fatal");
        assert!(TelemetryEvent::from_json(level).is_err());
    }
}
