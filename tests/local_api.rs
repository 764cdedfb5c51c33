//! The local API guard (docs/local-api.md), tried the way a hostile web page or a careless script
//! would: rebinding Hosts, foreign Origins, form posts, missing secrets, replayed and
//! expired launch URLs; and the `token` and `ui` commands of the real binary.

mod common;

#[path = "local_api/auth.rs"]
mod auth;
#[path = "local_api/client.rs"]
mod client;
#[path = "local_api/commands.rs"]
mod commands;
#[path = "local_api/cors.rs"]
mod cors;
#[path = "local_api/launch.rs"]
mod launch;
#[path = "local_api/origins.rs"]
mod origins;
