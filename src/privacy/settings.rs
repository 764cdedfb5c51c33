//! Privacy settings (docs/privacy.md): pause sync, telemetry on or off, what is redacted, and
//! how long data is kept. One set per local daemon; one per account on the hosted side.
//!
//! The local daemon keeps its set in memory too ([`PrivacyState`]), since the telemetry path
//! and the sync scheduler read it all the time; the hosted side reads an account's set from
//! the database when it needs it, so every instance on one database sees a change at once.
//! Every change is audited and announced to whoever listens ([`PrivacyState::subscribe`]).

use std::sync::RwLock;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::config::{Config, Mode};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{LOCAL_ACCOUNT, Store, StoreResult};

/// How long conversations are kept after their last change, unless set otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// How long the hosted side keeps telemetry events, unless set otherwise.
pub const DEFAULT_TELEMETRY_RETENTION_DAYS: u32 = 30;
/// The longest retention accepted, in days (a century). 0 keeps everything of that kind.
pub const MAX_RETENTION_DAYS: u32 = 36_500;

/// The code a local daemon records for a hosted peer that paused the account's sync (its
/// `409 sync_paused`, or its `paused` notice): shown as paused, not as a failure.
pub const REMOTE_PAUSED: &str = "remote_paused";

/// What a local daemon says of a hosted peer that paused the account's sync.
pub fn remote_paused_message(hosted_url: &str) -> String {
    format!(
        "Sync is paused for this account on the hosted backend at {hosted_url}; it resumes on \
         its own once sync is resumed there."
    )
}

/// An account's (or the local daemon's) privacy settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PrivacySettings {
    /// Pause Sync. On a local daemon: no sync and no telemetry leave or are accepted; local
    /// writes are kept and sent on resume. On the hosted side: the account's peers are
    /// refused with `409 sync_paused` and told over their telemetry socket.
    pub sync_paused: bool,
    /// Whether telemetry events are recorded at all (`false`: dropped where they are made).
    pub telemetry_enabled: bool,
    /// Personal data in telemetry, advisor records and logs is replaced by typed tokens.
    pub redact_pii: bool,
    /// Message content and titles are redacted in what is sent to the hosted backend (the
    /// local copy keeps the original).
    pub redact_synced_content: bool,
    /// Conversations unchanged for this many days are deleted (by tombstone, so the deletion
    /// syncs); 0 keeps them.
    pub retention_days: u32,
    /// Telemetry events older than this are deleted on the hosted side; 0 keeps them.
    pub telemetry_retention_days: u32,
    /// Audit entries older than this are deleted (with a checkpoint); 0 keeps them.
    pub audit_retention_days: u32,
}

impl PrivacySettings {
    /// The settings of an account that never changed any.
    pub fn defaults(config: &Config) -> Self {
        Self {
            sync_paused: false,
            telemetry_enabled: true,
            redact_pii: true,
            redact_synced_content: false,
            retention_days: DEFAULT_RETENTION_DAYS,
            telemetry_retention_days: DEFAULT_TELEMETRY_RETENTION_DAYS,
            audit_retention_days: config.audit.retention_days,
        }
    }
}

/// A change of settings: the fields given are set, the others keep their value. Also the
/// stored form (every field given), so a setting added later takes its default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivacyUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_paused: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telemetry_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redact_pii: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redact_synced_content: Option<bool>,
    /// 0 to 36500.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// 0 to 36500.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telemetry_retention_days: Option<u32>,
    /// 0 to 36500.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_retention_days: Option<u32>,
}

impl PrivacyUpdate {
    fn full(s: &PrivacySettings) -> Self {
        Self {
            sync_paused: Some(s.sync_paused),
            telemetry_enabled: Some(s.telemetry_enabled),
            redact_pii: Some(s.redact_pii),
            redact_synced_content: Some(s.redact_synced_content),
            retention_days: Some(s.retention_days),
            telemetry_retention_days: Some(s.telemetry_retention_days),
            audit_retention_days: Some(s.audit_retention_days),
        }
    }

    /// Checks the values; the message names the setting and the range.
    pub fn validate(&self) -> Result<(), String> {
        let days = [
            ("retention_days", self.retention_days),
            ("telemetry_retention_days", self.telemetry_retention_days),
            ("audit_retention_days", self.audit_retention_days),
        ];
        for (name, value) in days {
            if let Some(value) = value
                && value > MAX_RETENTION_DAYS
            {
                return Err(format!(
                    "{name} is {value}: give a number of days from 1 to {MAX_RETENTION_DAYS}, \
                     or 0 to keep everything"
                ));
            }
        }
        Ok(())
    }

    /// `settings` with this change applied.
    pub fn apply(&self, settings: &PrivacySettings) -> PrivacySettings {
        PrivacySettings {
            sync_paused: self.sync_paused.unwrap_or(settings.sync_paused),
            telemetry_enabled: self.telemetry_enabled.unwrap_or(settings.telemetry_enabled),
            redact_pii: self.redact_pii.unwrap_or(settings.redact_pii),
            redact_synced_content: self
                .redact_synced_content
                .unwrap_or(settings.redact_synced_content),
            retention_days: self.retention_days.unwrap_or(settings.retention_days),
            telemetry_retention_days: self
                .telemetry_retention_days
                .unwrap_or(settings.telemetry_retention_days),
            audit_retention_days: self
                .audit_retention_days
                .unwrap_or(settings.audit_retention_days),
        }
    }
}

/// What changed, as the audit log records it: `name=value` of each setting that changed.
fn describe_change(before: &PrivacySettings, after: &PrivacySettings) -> String {
    let (before, after) = (
        serde_json::to_value(before).unwrap_or_default(),
        serde_json::to_value(after).unwrap_or_default(),
    );
    let mut changed = Vec::new();
    if let (Some(before), Some(after)) = (before.as_object(), after.as_object()) {
        for (name, value) in after {
            if before.get(name) != Some(value) {
                changed.push(format!("{name}={value}"));
            }
        }
    }
    changed.join(" ")
}

/// A change of an account's settings, as announced to the listeners.
#[derive(Clone, Debug)]
pub struct SettingsChange {
    pub account_id: String,
    pub before: PrivacySettings,
    pub after: PrivacySettings,
}

/// The privacy capability's runtime state, a part of the daemon's state.
pub struct PrivacyState {
    /// A local daemon's settings (on the hosted side, the defaults: unused).
    local: RwLock<PrivacySettings>,
    /// One change at a time, so two concurrent changes cannot undo each other.
    writing: tokio::sync::Mutex<()>,
    changes: broadcast::Sender<SettingsChange>,
}

/// How the capabilities reach the privacy state.
pub trait PrivacyAccess {
    fn privacy(&self) -> &PrivacyState;
}

impl PrivacyAccess for AppState {
    fn privacy(&self) -> &PrivacyState {
        self.part()
    }
}

impl PrivacyState {
    /// Reads a local daemon's settings from its database (defaults when never set).
    pub async fn load(config: &Config, store: &dyn Store) -> StoreResult<Self> {
        let local = match config.mode {
            Mode::Local => read(config, store, LOCAL_ACCOUNT).await?,
            Mode::Hosted => PrivacySettings::defaults(config),
        };
        // The log is the process's: a local daemon's setting decides; the hosted daemon logs
        // for every account, and always redacts.
        crate::logging::set_redaction(local.redact_pii);
        Ok(Self {
            local: RwLock::new(local),
            writing: tokio::sync::Mutex::new(()),
            changes: broadcast::channel(64).0,
        })
    }

    /// A local daemon's settings now (cheap: no database).
    pub fn local(&self) -> PrivacySettings {
        self.local.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Changes as they are made, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SettingsChange> {
        self.changes.subscribe()
    }
}

/// The stored settings of `account_id` over the defaults.
async fn read(
    config: &Config,
    store: &dyn Store,
    account_id: &str,
) -> StoreResult<PrivacySettings> {
    let defaults = PrivacySettings::defaults(config);
    let Some(stored) = store.privacy_settings(account_id).await? else {
        return Ok(defaults);
    };
    match serde_json::from_str::<PrivacyUpdate>(&stored) {
        Ok(update) => Ok(update.apply(&defaults)),
        Err(err) => {
            // Written by this code, so unreadable only if edited by hand: say so, and keep
            // the defaults rather than refuse to start.
            tracing::error!(
                account_id,
                error = %err,
                "the stored privacy settings are unreadable; the defaults apply until they are \
                 set again (PUT /privacy-settings or `backend-8825 privacy set`)"
            );
            Ok(defaults)
        }
    }
}

/// The settings of `account_id`: a local daemon's from memory, an account's from the
/// database.
pub async fn settings_of(state: &AppState, account_id: &str) -> StoreResult<PrivacySettings> {
    match state.config.mode {
        Mode::Local => Ok(state.privacy().local()),
        Mode::Hosted => read(&state.config, state.store.as_ref(), account_id).await,
    }
}

/// Applies `update` to the settings of `account_id`: validated, stored, audited, announced.
/// Returns the settings now in force.
pub async fn update(
    state: &AppState,
    account_id: &str,
    update: &PrivacyUpdate,
) -> ApiResult<PrivacySettings> {
    update.validate().map_err(ApiError::unprocessable)?;
    let privacy = state.privacy();
    let _one_at_a_time = privacy.writing.lock().await;
    let before = settings_of(state, account_id).await?;
    let after = update.apply(&before);
    if after == before {
        return Ok(after);
    }
    let stored = serde_json::to_string(&PrivacyUpdate::full(&after)).map_err(ApiError::internal)?;
    state
        .store
        .put_privacy_settings(account_id, &stored, state.clock.now_ms())
        .await?;
    if state.config.mode == Mode::Local {
        *privacy.local.write().unwrap_or_else(|e| e.into_inner()) = after.clone();
        crate::logging::set_redaction(after.redact_pii);
    }
    let audited_account = (state.config.mode == Mode::Hosted).then_some(account_id);
    let change = describe_change(&before, &after);
    tracing::info!(change = %change, "privacy settings changed");
    crate::security::audit::audit_change(state, "privacy_settings", change, audited_account).await;
    // Nobody listening is fine: nothing runs that cares.
    let _ = privacy.changes.send(SettingsChange {
        account_id: account_id.to_string(),
        before,
        after: after.clone(),
    });
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> PrivacySettings {
        PrivacySettings {
            sync_paused: false,
            telemetry_enabled: true,
            redact_pii: true,
            redact_synced_content: false,
            retention_days: 90,
            telemetry_retention_days: 30,
            audit_retention_days: 90,
        }
    }

    #[test]
    fn an_update_sets_only_the_fields_it_names() {
        let update = PrivacyUpdate {
            sync_paused: Some(true),
            retention_days: Some(7),
            ..PrivacyUpdate::default()
        };
        let after = update.apply(&defaults());
        assert!(after.sync_paused);
        assert_eq!(after.retention_days, 7);
        assert_eq!(
            PrivacySettings {
                sync_paused: false,
                retention_days: 90,
                ..after.clone()
            },
            defaults()
        );
        assert_eq!(
            describe_change(&defaults(), &after),
            "retention_days=7 sync_paused=true"
        );
    }

    #[test]
    fn a_retention_past_a_century_is_refused_by_name() {
        let update = PrivacyUpdate {
            telemetry_retention_days: Some(MAX_RETENTION_DAYS + 1),
            ..PrivacyUpdate::default()
        };
        let err = update.validate().unwrap_err();
        assert!(
            err.starts_with("telemetry_retention_days is 36501"),
            "{err}"
        );
        let ok = PrivacyUpdate {
            retention_days: Some(0),
            audit_retention_days: Some(MAX_RETENTION_DAYS),
            ..PrivacyUpdate::default()
        };
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn the_stored_form_reads_back_and_a_missing_field_takes_its_default() {
        let mut s = defaults();
        s.redact_synced_content = true;
        let stored = serde_json::to_string(&PrivacyUpdate::full(&s)).unwrap();
        let back: PrivacyUpdate = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.apply(&defaults()), s);
        let old: PrivacyUpdate = serde_json::from_str(r#"{"sync_paused":true}"#).unwrap();
        assert_eq!(old.apply(&defaults()).telemetry_retention_days, 30);
    }
}
