//! What the client tests share: a key store like an app's (in memory, counting its calls),
//! opening a client on the hosted daemon's clock, and a pairing code from the account API.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use backend_8825::client::{Client, ClientOptions};
use backend_8825::keychain::SecretStore;

use crate::common::Daemon;

/// A key store as an app would supply one (the iOS Keychain, the Android Keystore), in memory.
#[derive(Default)]
pub struct MemoryKeyStore {
    pub secrets: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemoryKeyStore {
    fn get(&self, name: &str) -> Result<Option<String>, String> {
        Ok(self.secrets.lock().unwrap().get(name).cloned())
    }

    fn set(&self, name: &str, value: &str) -> Result<(), String> {
        self.secrets
            .lock()
            .unwrap()
            .insert(name.to_string(), value.to_string());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), String> {
        self.secrets.lock().unwrap().remove(name);
        Ok(())
    }
}

/// A key store that refuses every write, as a locked keychain does.
pub struct LockedKeyStore;

impl SecretStore for LockedKeyStore {
    fn get(&self, _: &str) -> Result<Option<String>, String> {
        Ok(None)
    }

    fn set(&self, _: &str, _: &str) -> Result<(), String> {
        Err("the device is locked".to_string())
    }

    fn delete(&self, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// Opens a client in `dir` with `keys`, on `hosted`'s clock (the hosted test daemon runs on
/// a manual clock; a signed request outside its time window would be refused).
pub async fn open(dir: &Path, keys: Arc<MemoryKeyStore>, hosted: &Daemon) -> Client {
    Client::open(
        ClientOptions::new(dir)
            .key_store(keys)
            .clock(hosted.clock.clone())
            .automatic_sync(false),
    )
    .await
    .expect("the client opens")
}

/// A fresh pairing code of the account whose token is `token`.
pub async fn pairing_code(hosted: &Daemon, token: &str) -> String {
    let (status, body) = hosted.call_as(token, "POST", "/pairing-codes", None).await;
    assert_eq!(status, 201, "{body}");
    body["code"].as_str().unwrap().to_string()
}
