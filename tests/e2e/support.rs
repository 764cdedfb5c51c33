//! What the end-to-end encryption suite does to the common daemons: write conversations,
//! sync, enable and recover through the local API, and read or change the hosted database
//! by hand, as someone with access to it would.

use backend_8825::store::LOCAL_ACCOUNT;
use backend_8825::sync::{SyncSummary, sync_peer_now};
use serde_json::{Value, json};

use crate::common::{Daemon, Db, hosted_with_account, pair};

/// A hosted daemon on `db` with an account, and a local daemon paired to it that syncs only
/// when the test asks.
pub async fn pair_of(db: &Db) -> (Daemon, String, Daemon, String) {
    let (hosted, token) = hosted_with_account(db).await;
    let local = Daemon::local().automatic_sync(false).start().await;
    let peer = pair(&local, &hosted, &token).await;
    (hosted, token, local, peer)
}

/// Another local daemon of the account, fresh and paired.
pub async fn another_device(hosted: &Daemon, token: &str) -> (Daemon, String) {
    let local = Daemon::local().automatic_sync(false).start().await;
    let peer = pair(&local, hosted, token).await;
    (local, peer)
}

pub async fn sync(local: &Daemon, peer: &str) -> SyncSummary {
    sync_peer_now(&local.state, peer)
        .await
        .unwrap_or_else(|e| panic!("sync failed: {} {}", e.code, e.message))
}

pub async fn create_conversation(daemon: &Daemon, title: &str) -> String {
    let (status, body) = daemon
        .call("POST", "/api/conversations", Some(json!({"title": title})))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

pub async fn post_message(daemon: &Daemon, conversation: &str, content: &str) -> String {
    let path = format!("/api/conversations/{conversation}/messages");
    let body = json!({"role": "user", "content": content});
    let (status, body) = daemon.call("POST", &path, Some(body)).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Every live conversation and its messages, as the daemon's API shows them: (title,
/// [message contents]), by title.
pub async fn everything(daemon: &Daemon) -> Vec<(String, Vec<String>)> {
    let (status, body) = daemon
        .call("GET", "/api/conversations?limit=200", None)
        .await;
    assert_eq!(status, 200, "{body}");
    let mut all = Vec::new();
    for conversation in body["items"].as_array().unwrap() {
        let id = conversation["id"].as_str().unwrap();
        let path = format!("/api/conversations/{id}/messages?limit=200");
        let (status, messages) = daemon.call("GET", &path, None).await;
        assert_eq!(status, 200, "{messages}");
        let contents = messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().to_string())
            .collect();
        all.push((
            conversation["title"].as_str().unwrap().to_string(),
            contents,
        ));
    }
    all.sort();
    all
}

/// A new recovery code, as the CLI makes one.
pub fn new_code() -> String {
    backend_8825::e2e::keyring::new_recovery_code()
        .expose()
        .clone()
}

/// `POST /e2e/enable` on a local daemon with a new recovery code: the answer and the code.
pub async fn enable(local: &Daemon) -> (u16, Value, String) {
    let code = new_code();
    let (status, body) = local
        .post("/e2e/enable", json!({"recovery_code": code}))
        .await;
    (status, body, code)
}

/// `POST /e2e/recover`.
pub async fn recover(local: &Daemon, code: &str, check: bool) -> (u16, Value) {
    local
        .post(
            "/e2e/recover",
            json!({"recovery_code": code, "check": check}),
        )
        .await
}

/// What `GET /e2e` says of the daemon's one peer.
pub async fn e2e_status(local: &Daemon) -> Value {
    let (status, body) = local.get("/e2e").await;
    assert_eq!(status, 200, "{body}");
    body[0].clone()
}

/// The highest version the local daemon stores: what any applied version would move.
pub async fn max_version(local: &Daemon) -> Option<String> {
    local.state.store.max_version().await.unwrap()
}

/// How many versions the local daemon has set aside for `peer` (`GET /peers` counts them).
pub async fn set_aside(local: &Daemon, peer: &str) -> usize {
    local.state.store.set_aside_for(peer).await.unwrap().len()
}

/// The audit log's `(event, outcome)` entries of a daemon, oldest first.
pub async fn audited(daemon: &Daemon, prefix: &str) -> Vec<(String, String)> {
    let mut rows = daemon.state.store.audit_entries(1000).await.unwrap();
    rows.reverse();
    rows.into_iter()
        .filter(|r| r.event.starts_with(prefix))
        .map(|r| (r.event, r.outcome))
        .collect()
}

/// The local daemon's own copy of a record.
pub async fn local_record(local: &Daemon, id: &str) -> backend_8825::store::Record {
    let record = local.state.store.record(LOCAL_ACCOUNT, id).await.unwrap();
    record.expect("the record is stored")
}

/// Runs SQL on the hosted daemon's database, as someone with access to it would.
pub async fn raw(db: &Db, hosted: &Daemon, sql: &str) -> u64 {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite => {
            let url = db.url(hosted.dir());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let done = sqlx::query(sql).execute(&mut conn).await.unwrap();
            done.rows_affected()
        }
        Db::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            let done = sqlx::query(sql).execute(&mut conn).await.unwrap();
            done.rows_affected()
        }
    }
}

/// Every text the hosted database keeps of the account's records, read straight from it:
/// (id, title, content, e2e).
pub async fn hosted_rows(db: &Db, hosted: &Daemon) -> Vec<HostedRow> {
    use sqlx::Connection;
    let account = account_id(hosted).await;
    let sql = format!(
        "SELECT id, title, content, e2e, version, conversation_id FROM records \
         WHERE account_id = '{account}' ORDER BY id"
    );
    let sql = sqlx::AssertSqlSafe(sql);
    match db {
        Db::Sqlite => {
            let url = db.url(hosted.dir());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        }
        Db::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

pub type HostedRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The id of the hosted daemon's one account.
pub async fn account_id(hosted: &Daemon) -> String {
    let ids = hosted.state.store.account_ids().await.unwrap();
    assert_eq!(ids.len(), 1);
    ids[0].clone()
}

/// Puts a record the hosted database holds at the head of the account's feed, as a hosted
/// backend relaying a new version would: devices pull it at their next sync.
pub async fn to_feed_head(db: &Db, hosted: &Daemon, id: &str) {
    let account = account_id(hosted).await;
    raw(
        db,
        hosted,
        &format!("UPDATE feed_counters SET seq = seq + 1 WHERE account_id = '{account}'"),
    )
    .await;
    let moved = raw(
        db,
        hosted,
        &format!(
            "UPDATE records SET seq = (SELECT seq FROM feed_counters WHERE account_id = \
             '{account}') WHERE account_id = '{account}' AND id = '{id}'"
        ),
    )
    .await;
    assert_eq!(moved, 1);
}

/// A version that sorts after `version`: one millisecond later, by the same backend.
pub fn later(version: &str) -> String {
    let (ms, rest) = version.split_at(15);
    let ms: i64 = ms.parse().unwrap();
    format!("{:015}{rest}", ms + 1)
}
