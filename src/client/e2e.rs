//! End-to-end encryption on a client (docs/e2e.md): how it stands, encrypting the account
//! from this device, and getting the account's key with the recovery code. Each calls the
//! local API's handler for the same thing, so a phone seals, opens and recovers as a laptop
//! does.

use axum::Json;
use axum::extract::State;

use super::{Client, ClientError};
use crate::error::ApiJson;
use crate::sync::e2e_routes::{self, DeviceE2e, EnableInput, RecoverInput};

/// End-to-end encryption with one hosted peer, as this device sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct E2eStatus {
    pub peer_id: String,
    /// Whether the hosted side says the account is encrypted; `None` when it could not be
    /// asked.
    pub enabled: Option<bool>,
    /// The epoch of the account's current key, when it is encrypted.
    pub account_epoch: Option<u32>,
    /// Whether this device holds the account's current key (it seals and opens with it).
    pub holds_key: bool,
    /// Pulled versions set aside because they did not open here.
    pub unopened: u64,
    /// A device of the account was revoked: a device that holds the key should rotate it.
    pub rotation_due: bool,
}

impl From<DeviceE2e> for E2eStatus {
    fn from(view: DeviceE2e) -> Self {
        let holds_key = view.device_key.is_some() && view.device_key == view.account_key;
        Self {
            peer_id: view.peer_id,
            enabled: view.enabled,
            account_epoch: view.account_key.map(|k| k.epoch),
            holds_key,
            unopened: view.unopened as u64,
            rotation_due: view.rotation_due.is_some(),
        }
    }
}

/// A new recovery code (160 bits, shown as Crockford base32 in groups of four), for
/// [`Client::e2e_enable`]: show it to the user once, and never store it.
pub fn new_recovery_code() -> String {
    crate::e2e::keyring::new_recovery_code().expose().clone()
}

impl Client {
    /// How encryption stands with each active hosted peer.
    pub async fn e2e_status(&self) -> Result<Vec<E2eStatus>, ClientError> {
        let Json(views) = e2e_routes::status(State(self.state.clone())).await?;
        Ok(views.into_iter().map(Into::into).collect())
    }

    /// Encrypts the account from this device (its hosted peer's account, once per account):
    /// makes the key, keeps it in the key store, seals it under `recovery_code` for the
    /// hosted side to keep, and rewrites every record so it syncs sealed.
    pub async fn e2e_enable(&self, recovery_code: &str) -> Result<E2eStatus, ClientError> {
        let input = EnableInput::new(recovery_code.to_string());
        let (_, Json(view)) = e2e_routes::enable(State(self.state.clone()), ApiJson(input)).await?;
        Ok(view.into())
    }

    /// Gets the account's key with its recovery code, then syncs everything again: what
    /// did not open before opens now. With `check`, only checks that the code opens it.
    pub async fn e2e_recover(
        &self,
        recovery_code: &str,
        check: bool,
    ) -> Result<E2eStatus, ClientError> {
        let input = RecoverInput::new(recovery_code.to_string(), check);
        let Json(view) = e2e_routes::recover(State(self.state.clone()), ApiJson(input)).await?;
        Ok(view.into())
    }
}
