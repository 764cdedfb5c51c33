//! `--e2e` for the sync scenarios: the account end-to-end encrypted (docs/e2e.md), as a user
//! turns it on: `POST /e2e/enable` on the local daemon, with a recovery code made here.

use anyhow::Context;
use backend_8825::store::Record;
use serde_json::json;

use std::time::Duration;

use crate::daemons::{DbKind, Pair, PgSchema, call};
use crate::floor;
use crate::report::Row;

/// Encrypts the pair's account from its local daemon.
pub async fn enable(pair: &Pair) -> anyhow::Result<()> {
    let code = backend_8825::e2e::keyring::new_recovery_code();
    call(
        &pair.http,
        "POST",
        &format!("{}/e2e/enable", pair.local.url),
        &pair.secret,
        Some(json!({"recovery_code": code.expose()})),
    )
    .await
    .context("enabling end-to-end encryption")?;
    Ok(())
}

/// Seals `records` under the local daemon's keyring, as a device of the account would have
/// pushed them (what the hosted side stores and relays in an encrypted account).
pub fn seal(pair: &Pair, records: &mut [Record]) -> anyhow::Result<()> {
    let keyring = backend_8825::e2e::device::keyring(&pair.local.state, &pair.peer_id)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?
        .context("the local daemon holds no keyring")?;
    backend_8825::sync::sealing::seal_all(&keyring, records);
    Ok(())
}

/// sync-latency's rows in an encrypted account: local → hosted, sealed, and its floor.
pub async fn latency_rows(
    db: DbKind,
    pg: Option<&PgSchema>,
    writes: usize,
    up: &mut [Duration],
) -> anyhow::Result<Vec<Row>> {
    let mut floor_hosted = floor::measure(db, pg, writes).await?;
    let db_name = crate::sync::db_label(db);
    Ok(vec![
        Row::new(
            "sync-latency",
            format!(
                "local → hosted ({db_name}), end-to-end encrypted, p50/p95/p99, {writes} writes"
            ),
            crate::report::percentiles(up),
        )
        .target("p50 ≤ 5 ms, p99 ≤ 20 ms"),
        floor::row(db_name, &mut floor_hosted),
        floor::ratio_row(
            &format!("local → hosted ({db_name}), encrypted"),
            db_name,
            up,
            &mut floor_hosted,
        ),
    ])
}
