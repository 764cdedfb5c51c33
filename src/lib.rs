//! backend-8825: a local-plus-cloud sync daemon. One binary, two profiles (local, hosted)
//! over one shared [`state::AppState`].

pub mod accounts;
pub mod advisor;
pub mod app;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod demo;
pub mod e2e;
pub mod error;
pub mod handshake;
pub mod health;
pub mod humanize;
pub mod identity;
pub mod keychain;
pub mod local_api;
pub mod lock;
pub mod logging;
pub mod network;
pub mod observability;
pub mod peers;
pub mod privacy;
pub mod resilience;
pub mod retention;
pub mod router;
pub mod secret;
pub mod security;
pub mod service;
pub mod state;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod ui;
