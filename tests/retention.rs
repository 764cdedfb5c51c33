//! Retention end to end, on the daemons' manual clocks, hosted on SQLite and Postgres: old
//! conversations are deleted by tombstone on every replica, tombstones go once every active
//! peer has them, old telemetry and audit entries go on the hosted side, a dry run changes
//! nothing, one instance runs at a time on Postgres, and the command prints what went.

#[path = "retention/cli.rs"]
mod cli;
mod common;
#[path = "sync/conversations.rs"]
#[allow(dead_code)]
mod conversations;
#[path = "retention/dry_run.rs"]
mod dry_run;
#[path = "retention/hosted_data.rs"]
mod hosted_data;
#[path = "retention/lock.rs"]
mod lock;
#[path = "retention/purge.rs"]
mod purge;
#[path = "retention/records.rs"]
mod records;
#[path = "retention/settings.rs"]
mod settings;
#[path = "retention/store.rs"]
mod store;
#[path = "retention/support.rs"]
mod support;
