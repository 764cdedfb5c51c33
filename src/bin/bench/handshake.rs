//! `handshake`: pairings, one after another, against an in-process hosted daemon, with
//! the keys generated first and timed apart.

use std::time::Instant;

use backend_8825::accounts;
use backend_8825::clock::SystemClock;
use backend_8825::config::Mode;

use crate::daemons::{Daemon, DbKind, PgSchema, in_schema};
use crate::report::{Row, ms, quantile};
use crate::sim::{self, CLIENT_IP_HEADER};
use crate::sync::db_label;

pub async fn run(db: DbKind, pairings: usize) -> anyhow::Result<Vec<Row>> {
    in_schema(db, async |pg| handshake_on(db, pg, pairings).await).await
}

async fn handshake_on(
    db: DbKind,
    pg: Option<&PgSchema>,
    pairings: usize,
) -> anyhow::Result<Vec<Row>> {
    let hosted = Daemon::start(Mode::Hosted, db, pg, |c| {
        c.http.client_ip_header = Some(CLIENT_IP_HEADER.into());
    })
    .await?;
    let started = Instant::now();
    let (keys, mut keygen) = sim::keygen(pairings).await?;
    let keygen_wall = started.elapsed();
    let store = hosted.state.store.as_ref();
    let (account, _) = accounts::create_account(store, &SystemClock, "bench").await?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let (mut ok, mut times, mut first_error) = (0, Vec::new(), None);
    for (n, key) in keys.into_iter().enumerate() {
        // Issuing the code is the person's step, before pairing: not timed.
        let code = accounts::issue_pairing_code(store, &SystemClock, &account, None).await?;
        let started = Instant::now();
        match sim::pair(
            &http,
            &hosted.url,
            key,
            code.code.expose(),
            sim::client_ip(n),
        )
        .await
        {
            Ok(_) => {
                ok += 1;
                times.push(started.elapsed());
            }
            Err(e) => {
                first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    let db_name = db_label(db);
    let mut rows = vec![
        Row::new(
            "handshake",
            format!("{pairings} pairings against hosted ({db_name}): success"),
            format!(
                "{ok}/{pairings} ({:.1} %)",
                100.0 * ok as f64 / pairings as f64
            ),
        )
        .target("100 %"),
        Row::new(
            "handshake",
            "pairing latency p50 / p99 (key generation excluded)",
            format!(
                "{} / {}",
                ms(quantile(&mut times, 0.5)),
                ms(quantile(&mut times, 0.99))
            ),
        ),
        Row::new(
            "handshake",
            "RSA-2048 key generation p50 / p99 (per key, reported apart)",
            format!(
                "{} / {}",
                ms(quantile(&mut keygen, 0.5)),
                ms(quantile(&mut keygen, 0.99))
            ),
        ),
        Row::new(
            "handshake",
            format!("  {pairings} keys on all cores, wall time"),
            ms(keygen_wall),
        ),
    ];
    if let Some(e) = first_error {
        rows.push(Row::new("handshake", "first failure", e));
    }
    Ok(rows)
}
