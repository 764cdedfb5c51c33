//! The client core (`backend_8825::client`): a local-profile daemon without its server, as
//! the mobile SDKs embed it, against a real hosted daemon on SQLite and on Postgres.

mod common;

#[path = "client/errors.rs"]
mod errors;
#[path = "client/story.rs"]
mod story;
#[path = "client/support.rs"]
mod support;
