//! The mobile SDK: the client core of backend-8825 (`backend_8825::client`) bound to Kotlin,
//! Swift and Python with UniFFI (proc-macro mode). It adds no logic: each method runs the
//! client core's operation on a runtime the object owns, so the API is synchronous — call it
//! off the UI thread — and the app needs no async library (docs/sdk.md).

mod callbacks;
mod error;
mod records;

use std::sync::Arc;
use std::time::Duration;

use backend_8825::client::{Client, ClientOptions};
use backend_8825::telemetry::{self, Level};

pub use callbacks::{KeyStore, KeyStoreError, SyncEvent, SyncListener};
pub use error::SdkError;
pub use records::*;

uniffi::setup_scaffolding!();

/// How a client is opened.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ClientSettings {
    /// Where the client keeps its database and files (the app's private files dir).
    pub data_dir: String,
    /// Once started, sync on its own (after each write, when the hosted side pokes, every
    /// interval); off, only on `sync_now`.
    pub automatic_sync: bool,
    /// Seconds between syncs without a reason (5 is the daemon's default).
    pub sync_interval_secs: u32,
}

/// A device's sync client: its identity, its pairings, its conversations.
#[derive(uniffi::Object)]
pub struct BackendSyncClient {
    // Dropped before the runtime: the client's tasks and pool close on the runtime.
    client: Client,
    runtime: tokio::runtime::Runtime,
}

impl Drop for BackendSyncClient {
    /// Stops the background work in order (the audit counts are written) before the runtime
    /// goes; the data dir lock goes with the client.
    fn drop(&mut self) {
        // Never on a thread of the runtime itself (a foreign object is released on the
        // app's threads); there, dropping the runtime cancels the tasks instead.
        if tokio::runtime::Handle::try_current().is_err() {
            self.runtime.block_on(self.client.stop());
        }
    }
}

impl BackendSyncClient {
    fn run<T, E: Into<SdkError>>(
        &self,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, SdkError> {
        self.runtime.block_on(call).map_err(Into::into)
    }
}

#[uniffi::export]
impl BackendSyncClient {
    /// Opens (creating on first use) the client in `data_dir`, with the app's key store and
    /// the default schedule (automatic sync every 5 s once started).
    #[uniffi::constructor]
    pub fn new(data_dir: String, key_store: Box<dyn KeyStore>) -> Result<Arc<Self>, SdkError> {
        let settings = ClientSettings {
            data_dir,
            automatic_sync: true,
            sync_interval_secs: 5,
        };
        Self::with_settings(settings, key_store)
    }

    /// [`BackendSyncClient::new`] with settings.
    #[uniffi::constructor]
    pub fn with_settings(
        settings: ClientSettings,
        key_store: Box<dyn KeyStore>,
    ) -> Result<Arc<Self>, SdkError> {
        if settings.sync_interval_secs == 0 {
            return Err(SdkError::invalid("sync_interval_secs must be at least 1"));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("backend-8825-sdk")
            .enable_all()
            .build()
            .map_err(|e| SdkError::Internal {
                code: "internal".into(),
                detail: format!("cannot start the SDK's runtime: {e}"),
            })?;
        let options = ClientOptions::new(settings.data_dir)
            .key_store(Arc::new(callbacks::AppKeyStore(key_store)))
            .automatic_sync(settings.automatic_sync)
            .sync_interval(Duration::from_secs(settings.sync_interval_secs.into()));
        let client = runtime.block_on(Client::open(options))?;
        Ok(Arc::new(Self { client, runtime }))
    }

    /// Who this device is.
    pub fn identity(&self) -> Identity {
        let me = self.client.identity();
        Identity {
            backend_id: me.backend_id,
            key_id: me.key_id,
            public_key: me.public_key,
        }
    }

    /// Pairs with the hosted backend at `hosted_url` using a pairing code from the user's
    /// account; with `expected_hosted_key_id`, stops if that backend has another key.
    pub fn pair(
        &self,
        hosted_url: String,
        pairing_code: String,
        expected_hosted_key_id: Option<String>,
    ) -> Result<Pairing, SdkError> {
        let paired = self.run(self.client.pair(
            &hosted_url,
            &pairing_code,
            expected_hosted_key_id.as_deref(),
        ))?;
        Ok(Pairing {
            peer_id: paired.peer_id,
            account_id: paired.account_id,
            hosted_backend_id: paired.hosted_backend_id,
            hosted_key_id: paired.hosted_key_id,
            sbt_expires_at_ms: paired.sbt_expires_at,
        })
    }

    /// Syncs with every paired hosted backend now; what each did.
    pub fn sync_now(&self) -> Result<Vec<PeerSyncResult>, SdkError> {
        let done = self.run(self.client.sync_now())?;
        Ok(done.into_iter().map(Into::into).collect())
    }

    /// Starts background sync, telemetry and renewal (do it when the app is in front).
    pub fn start(&self) {
        self.runtime.block_on(self.client.start());
    }

    /// Stops them (when the app goes to the background); operations still work.
    pub fn stop(&self) {
        self.runtime.block_on(self.client.stop());
    }

    /// Calls `listener` with each event from now on, on a thread of the SDK's own.
    pub fn add_listener(&self, listener: Box<dyn SyncListener>) -> Result<(), SdkError> {
        callbacks::deliver(self.client.subscribe(), listener).map_err(|e| SdkError::Internal {
            code: "internal".into(),
            detail: format!("cannot start the listener's thread: {e}"),
        })
    }

    pub fn status(&self) -> Result<ClientStatus, SdkError> {
        Ok(self.run(self.client.status())?.into())
    }

    /// Pause Sync: nothing is sent or accepted; writes accumulate and flow on resume.
    pub fn pause(&self) -> Result<(), SdkError> {
        self.run(self.client.pause())
    }

    pub fn resume(&self) -> Result<(), SdkError> {
        self.run(self.client.resume())
    }

    /// Revokes this device's pairings (the hosted side is told); returns the peers revoked.
    pub fn revoke(&self) -> Result<Vec<String>, SdkError> {
        self.run(self.client.revoke())
    }

    /// Records a telemetry event; the started client sends it.
    pub fn emit(&self, event: TelemetryEvent) -> Result<(), SdkError> {
        let level = match event.level {
            EventLevel::Debug => Level::Debug,
            EventLevel::Info => Level::Info,
            EventLevel::Warn => Level::Warn,
            EventLevel::Error => Level::Error,
        };
        let now = self.client.state().clock.now();
        let mut built = telemetry::TelemetryEvent::new(event.name, level, now);
        if let Some(ms) = event.duration_ms {
            built = built.with_duration_ms(ms);
        }
        for (key, value) in event.attributes {
            built = built.with_attribute(key, value);
        }
        self.run(self.client.emit(built))
    }

    /// Conversations, newest first: `limit` 1 to 200 (50 if none), `cursor` from the last page.
    pub fn list_conversations(
        &self,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<ConversationPage, SdkError> {
        let limit = limit.map(i64::from);
        let page = self.run(self.client.list_conversations(limit, cursor.as_deref()))?;
        Ok(ConversationPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// A conversation with all its messages.
    pub fn get_conversation(&self, id: String) -> Result<ConversationDetail, SdkError> {
        let got = self.run(self.client.get_conversation(&id))?;
        Ok(ConversationDetail {
            conversation: got.conversation.into(),
            messages: got.messages.into_iter().map(Into::into).collect(),
        })
    }

    pub fn create_conversation(&self, title: String) -> Result<Conversation, SdkError> {
        Ok(self.run(self.client.create_conversation(&title))?.into())
    }

    pub fn update_title(&self, id: String, title: String) -> Result<Conversation, SdkError> {
        Ok(self.run(self.client.update_title(&id, &title))?.into())
    }

    pub fn delete_conversation(&self, id: String) -> Result<(), SdkError> {
        self.run(self.client.delete_conversation(&id))
    }

    /// Adds a message; `role` is `user`, `assistant` or `system`.
    pub fn create_message(
        &self,
        conversation_id: String,
        role: String,
        content: String,
    ) -> Result<Message, SdkError> {
        let made = self
            .client
            .create_message(&conversation_id, &role, &content);
        Ok(self.run(made)?.into())
    }

    pub fn edit_message(
        &self,
        conversation_id: String,
        id: String,
        content: String,
    ) -> Result<Message, SdkError> {
        let edited = self.client.edit_message(&conversation_id, &id, &content);
        Ok(self.run(edited)?.into())
    }

    pub fn delete_message(&self, conversation_id: String, id: String) -> Result<(), SdkError> {
        self.run(self.client.delete_message(&conversation_id, &id))
    }

    /// How end-to-end encryption stands with each paired hosted backend (docs/e2e.md).
    pub fn e2e_status(&self) -> Result<Vec<E2eStatus>, SdkError> {
        let views = self.run(self.client.e2e_status())?;
        Ok(views.into_iter().map(Into::into).collect())
    }

    /// Encrypts the account from this device, once per account: `recovery_code` from
    /// [`new_recovery_code`], shown to the user once and never stored by the app.
    pub fn e2e_enable(&self, recovery_code: String) -> Result<E2eStatus, SdkError> {
        Ok(self.run(self.client.e2e_enable(&recovery_code))?.into())
    }

    /// Gets the account's key with its recovery code (`check`: only checks the code), then
    /// syncs everything again.
    pub fn e2e_recover(&self, recovery_code: String, check: bool) -> Result<E2eStatus, SdkError> {
        Ok(self
            .run(self.client.e2e_recover(&recovery_code, check))?
            .into())
    }
}

/// A new recovery code for [`BackendSyncClient::e2e_enable`] (160 random bits, Crockford
/// base32 in groups of four).
#[uniffi::export]
pub fn new_recovery_code() -> String {
    backend_8825::client::new_recovery_code()
}
