//! The audit log's chain against someone with write access to the database: an edited field,
//! a deleted row in the middle or at the end, a row inserted by hand. `audit verify` names
//! each, in the library and through the real binary; 50 appends at once leave one chain.

use std::path::Path;

use backend_8825::security::audit;
use backend_8825::store::{AuditProblem, AuditRow, AuditVerification};
use futures_util::future::join_all;

use crate::common::binary::command;
use crate::common::{self, Daemon, Db, account};

/// Runs SQL on a daemon's database, as someone with access to it would.
pub async fn raw(db: &Db, dir: &Path, sql: &str) -> u64 {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url(dir)).await.unwrap();
            sqlx::query(sql)
                .execute(&mut conn)
                .await
                .unwrap()
                .rows_affected()
        }
        Db::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql)
                .execute(&mut conn)
                .await
                .unwrap()
                .rows_affected()
        }
    }
}

/// Every problem `audit verify` finds.
pub async fn problems(daemon: &Daemon) -> Vec<AuditProblem> {
    let verification: AuditVerification = daemon.state.store.audit_verify().await.unwrap();
    verification.problems().cloned().collect()
}

/// The entries of one chain, oldest first.
pub async fn chain(daemon: &Daemon, chain: &str) -> Vec<AuditRow> {
    let mut rows: Vec<AuditRow> = daemon
        .state
        .store
        .audit_entries(10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.chain_id.as_deref() == Some(chain))
        .collect();
    rows.sort_by_key(|row| row.seq);
    rows
}

/// `audit verify` through the real binary, on the daemon's database: success, stdout, stderr.
fn verify_binary(daemon: &Daemon, db: &Db, mode: &str) -> (bool, String, String) {
    let url = db.url(daemon.dir());
    let out = command(daemon.dir())
        .args(["audit", "verify", "--mode", mode, "--database-url", &url])
        .arg("--data-dir")
        .arg(daemon.dir())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// Six decisions in one account's chain.
async fn six_entries(hosted: &Daemon, account_id: &str) {
    for i in 0..6 {
        let peer = format!("peer-{i}");
        let ip = format!("10.0.0.{i}");
        let outcome = if i % 2 == 0 { Ok(()) } else { Err("replay") };
        audit::audit(
            &hosted.state,
            "peer_request",
            outcome,
            Some(&peer),
            Some(account_id),
            Some(&ip),
        )
        .await;
        hosted.advance(1);
    }
}

async fn account_id(hosted: &Daemon, token: &str) -> String {
    let store = hosted.state.store.as_ref();
    let account = backend_8825::accounts::authenticate(store, token).await;
    account.unwrap().unwrap().id
}

#[tokio::test]
async fn verify_names_the_entry_that_was_edited_or_deleted() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let account = account_id(&hosted, &token).await;
        six_entries(&hosted, &account).await;
        let rows = chain(&hosted, &account).await;
        assert_eq!(rows.len(), 6, "{name}");
        assert!(problems(&hosted).await.is_empty(), "{name}");
        let (ok, out, err) = verify_binary(&hosted, &db, "hosted");
        assert!(ok, "{name}: {out}{err}");
        assert!(out.contains("the audit log verifies"), "{name}: {out}");

        // One field of the third entry, changed in the database.
        let third = &rows[2];
        let edit = format!(
            "UPDATE audit_log SET ip = '10.9.9.9' WHERE id = {}",
            third.id
        );
        assert_eq!(raw(&db, hosted.dir(), &edit).await, 1);
        let found = problems(&hosted).await;
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].entry.as_ref().unwrap().id, third.id, "{name}");
        assert!(found[0].what.contains("changed"), "{}", found[0]);
        let (ok, _, err) = verify_binary(&hosted, &db, "hosted");
        assert!(!ok, "{name}: verify must fail");
        let named = format!(
            "entry {} (place 3, written 2027-01-15T08:00:02.000Z)",
            third.id
        );
        assert!(err.contains(&named), "{name}: {err}");
        assert!(err.contains("does not verify"), "{name}: {err}");

        // Changed back, it verifies again; then the fourth entry goes.
        let undo = format!(
            "UPDATE audit_log SET ip = '10.0.0.2' WHERE id = {}",
            third.id
        );
        raw(&db, hosted.dir(), &undo).await;
        assert!(problems(&hosted).await.is_empty(), "{name}");
        let delete = format!("DELETE FROM audit_log WHERE id = {}", rows[3].id);
        assert_eq!(raw(&db, hosted.dir(), &delete).await, 1);
        let found = problems(&hosted).await;
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].entry.as_ref().unwrap().id, rows[4].id, "{name}");
        let text = found[0].to_string();
        assert!(text.contains("the entry at place 4 was"), "{text}");
        assert!(
            text.contains(&format!("entry {} (place 3", third.id)),
            "{text}"
        );
        let (ok, _, err) = verify_binary(&hosted, &db, "hosted");
        assert!(!ok && err.contains("place 4"), "{name}: {err}");

        // The last entry deleted too: the head still records it.
        let delete = format!("DELETE FROM audit_log WHERE id = {}", rows[5].id);
        raw(&db, hosted.dir(), &delete).await;
        let found = problems(&hosted).await;
        assert_eq!(found.len(), 2, "{name}: {found:?}");
        assert!(
            found[1].what.contains("head records place 6"),
            "{}",
            found[1]
        );

        // A row inserted by hand is in no chain.
        raw(
            &db,
            hosted.dir(),
            "INSERT INTO audit_log (at, event, outcome) VALUES (1, 'register_peer', 'ok')",
        )
        .await;
        let found = problems(&hosted).await;
        assert!(
            found[0].what.contains("written outside the daemon"),
            "{name}: {found:?}"
        );
    }
}

#[tokio::test]
async fn the_local_daemons_log_verifies_through_the_binary_until_a_row_is_edited() {
    let db = Db::Sqlite;
    let local = Daemon::local().start().await;
    // A refused local API request and a few decisions.
    let (status, _) = local.call_as("wrong", "GET", "/peers", None).await;
    assert_eq!(status, 401);
    for i in 0..3 {
        let peer = format!("p{i}");
        audit::audit(&local.state, "renew_peer", Ok(()), Some(&peer), None, None).await;
    }
    let (ok, out, err) = verify_binary(&local, &db, "local");
    assert!(ok, "{out}{err}");
    assert!(out.contains("the local chain: 4 entries"), "{out}");
    let rows = chain(&local, "local").await;
    let edit = format!(
        "UPDATE audit_log SET peer_id = 'someone-else' WHERE id = {}",
        rows[1].id
    );
    raw(&db, local.dir(), &edit).await;
    let (ok, _, err) = verify_binary(&local, &db, "local");
    assert!(!ok);
    assert!(
        err.contains(&format!("entry {} (place 2", rows[1].id)),
        "{err}"
    );
    assert!(err.contains("in the local chain"), "{err}");
}

#[tokio::test]
async fn fifty_appends_at_once_make_one_chain() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let account = account_id(&hosted, &token).await;
        let appends = (0..50).map(|i| {
            let (state, account) = (&hosted.state, account.as_str());
            async move {
                let peer = format!("peer-{i}");
                // Half in the account's chain, half in the chain of no account.
                let account = (i % 2 == 0).then_some(account);
                audit::audit(state, "renew_peer", Ok(()), Some(&peer), account, None).await;
            }
        });
        join_all(appends).await;
        for (chain_id, expected) in [(account.as_str(), 25), ("hosted", 25)] {
            let rows = chain(&hosted, chain_id).await;
            let places: Vec<i64> = rows.iter().filter_map(|r| r.seq).collect();
            assert_eq!(places, (1..=expected).collect::<Vec<_>>(), "{name}");
            for pair in rows.windows(2) {
                assert_eq!(pair[1].prev_hash, pair[0].hash, "{name}");
            }
        }
        assert!(problems(&hosted).await.is_empty(), "{name}");
    }
}
