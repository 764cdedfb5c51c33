//! The OS keychain behind one trait-object type, `keyring_core`'s `CredentialStore`: the
//! Secret Service on Linux, the macOS Keychain on macOS, nothing elsewhere. Only this file
//! knows which; the macOS half cannot be compiled on the Linux machines the tests run on,
//! so it stays as small as the Linux one.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::config::APP_NAME;

/// The platform store, or why there is none (for the user: what to do about it).
pub fn open() -> Result<Arc<CredentialStore>, String> {
    let store = platform_store()?;
    // Creating a store does not prove the service answers: probe with a lookup.
    match Entry::new_in_store(&store, APP_NAME, "probe").and_then(|e| e.get_password()) {
        Ok(_) | Err(keyring_core::Error::NoEntry) => Ok(store),
        Err(e) => Err(format!("{} does not answer ({e})", name())),
    }
}

/// The keychain's name, for messages.
pub fn name() -> &'static str {
    if cfg!(target_os = "macos") {
        "the macOS Keychain"
    } else {
        "the Secret Service"
    }
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|store| store as Arc<CredentialStore>)
        .map_err(|e| format!("the macOS Keychain cannot be opened ({e})"))
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, String> {
    // The Secret Service lives on the desktop session's bus; SSH, cron, a system unit or a
    // container usually has none.
    zbus_secret_service_keyring_store::Store::new()
        .map(|store| store as Arc<CredentialStore>)
        .map_err(|e| {
            tracing::debug!(error = %e, "Secret Service");
            let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").filter(|v| !v.is_empty());
            match bus {
                None => "the Secret Service cannot be reached: DBUS_SESSION_BUS_ADDRESS is not \
                         set, so this process is not inside a desktop session"
                    .to_string(),
                Some(_) => format!("the Secret Service cannot be reached on the session bus ({e})"),
            }
        })
}

#[cfg(not(any(target_os = "macos", target_os = "linux")))]
fn platform_store() -> Result<Arc<CredentialStore>, String> {
    Err("this platform has no supported keychain".into())
}
