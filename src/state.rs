//! The state every handler shares: one `AppState` per daemon (tests run several in one
//! process, so nothing here is global).
//!
//! It holds infrastructure only: the configuration, the store, the identity, the keychain,
//! the clock. Each capability keeps its own runtime state (the sync engine's clock and
//! locks, the telemetry hub, the local API's sessions...) as a *part*, put in when the
//! daemon is built and reached through an accessor the capability owns
//! (`crate::sync::SyncAccess::sync`, ...). This file imports no capability, so no
//! capability depends on another through the state (docs/architecture.md).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::identity::BackendIdentity;
use crate::keychain::KeychainManager;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub identity: Arc<BackendIdentity>,
    pub keychain: KeychainManager,
    pub clock: Arc<dyn Clock>,
    /// The address the daemon listens on, once it is bound (with `--port 0`, the port the
    /// OS chose). Unset in states that are never served.
    pub bound_addr: OnceLock<SocketAddr>,
    /// Each capability's runtime state, one value per type.
    pub parts: Parts,
}

/// The capabilities' runtime states, by type: filled once while the daemon is built, then
/// read-only (each part synchronises its own insides).
#[derive(Default)]
pub struct Parts(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl Parts {
    /// Adds a part; a second part of the same type replaces the first.
    pub fn insert<T: Any + Send + Sync>(&mut self, part: T) -> &mut Self {
        self.0.insert(TypeId::of::<T>(), Box::new(part));
        self
    }

    fn get<T: Any>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref()
    }
}

impl AppState {
    pub fn new(inner: AppInner) -> Self {
        Self(Arc::new(inner))
    }

    /// The part of type `T`. Every part is put in when the daemon is built, so a missing one
    /// is a bug in building it, not a runtime condition.
    pub fn part<T: Any>(&self) -> &T {
        self.0.parts.get().unwrap_or_else(|| {
            panic!(
                "the daemon was built without its {} part",
                std::any::type_name::<T>()
            )
        })
    }
}

impl axum::extract::FromRef<AppState> for Arc<BackendIdentity> {
    fn from_ref(state: &AppState) -> Self {
        state.identity.clone()
    }
}

impl axum::extract::FromRef<AppState> for Arc<dyn Clock> {
    fn from_ref(state: &AppState) -> Self {
        state.clock.clone()
    }
}

impl Deref for AppState {
    type Target = AppInner;

    fn deref(&self) -> &AppInner {
        &self.0
    }
}
