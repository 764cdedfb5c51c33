//! The store contract: the same cases against SQLite and against Postgres.

mod common;

use std::sync::Arc;

use backend_8825::store::{self, DatabaseKind, Store};
use common::Db;

async fn open(db: &Db, dir: &std::path::Path) -> Arc<dyn Store> {
    store::connect(&db.url(dir), 5)
        .await
        .expect("store connects")
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_epoch_survives_a_reconnect() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let first = open(&db, dir.path()).await;
        let epoch = store::epoch(first.as_ref()).await.unwrap();
        first.close().await;
        let second = open(&db, dir.path()).await;
        assert_eq!(
            store::epoch(second.as_ref()).await.unwrap(),
            epoch,
            "{}",
            db.name()
        );
        let expected = if matches!(db, Db::Sqlite) {
            DatabaseKind::Sqlite
        } else {
            DatabaseKind::Postgres
        };
        assert_eq!(second.kind(), expected);
    }
}

#[tokio::test]
async fn a_fresh_database_has_a_new_epoch() {
    for db in common::databases().await {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = open(&db, a.path()).await;
        let other = match &db {
            Db::Sqlite => Db::Sqlite,
            Db::Postgres(_) => Db::Postgres(common::fresh_postgres_schema().await.unwrap()),
        };
        let second = open(&other, b.path()).await;
        let (e1, e2) = (
            store::epoch(first.as_ref()).await,
            store::epoch(second.as_ref()).await,
        );
        assert_ne!(e1.unwrap(), e2.unwrap(), "{}", db.name());
    }
}

#[tokio::test]
async fn meta_init_keeps_the_first_value_under_concurrent_writers() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let writers = (0..16).map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.meta_init("race", &format!("value-{i}")).await })
        });
        let mut results = Vec::new();
        for writer in writers {
            results.push(writer.await.unwrap().unwrap());
        }
        let stored = store
            .meta_get("race")
            .await
            .unwrap()
            .expect("a value was stored");
        assert!(
            results.iter().all(|r| *r == stored),
            "{}: {results:?}",
            db.name()
        );
        assert_eq!(store.meta_init("race", "later").await.unwrap(), stored);
        assert_eq!(store.meta_get("missing").await.unwrap(), None);
    }
}

#[tokio::test]
async fn ping_fails_once_the_store_is_closed() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        store.ping().await.unwrap();
        store.close().await;
        assert!(store.ping().await.is_err(), "{}", db.name());
    }
}

#[tokio::test]
async fn unsupported_urls_are_errors_not_panics() {
    for url in [
        "mysql://root@127.0.0.1/test",
        "postgress://x/y",
        "",
        "just-a-file.db",
    ] {
        let err = store::connect(url, 1).await.err().expect("refused");
        assert!(
            err.to_string().contains("unsupported database URL"),
            "{url}: {err}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error() {
    // Port 1 on loopback: nothing listens there. The error says so at once (no pool
    // timeout), once, and where.
    let err = store::connect("postgres://postgres@127.0.0.1:1/none", 1)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(err.contains("connection refused"), "{err}");
    assert!(!err.contains("timed out"), "{err}");
}

#[tokio::test]
async fn a_missing_postgres_database_is_named_once_with_what_to_do() {
    let Some(url) = common::fresh_postgres_schema().await else {
        return;
    };
    let server = url.split('?').next().unwrap().rsplit_once('/').unwrap().0;
    let missing = format!("{server}/b8825_no_such_database");
    let err = store::connect(&missing, 1).await.err().unwrap().to_string();
    assert_eq!(err.matches("does not exist").count(), 1, "said once: {err}");
    assert!(err.contains("\"b8825_no_such_database\""), "{err}");
    assert!(err.contains("createdb"), "{err}");
    assert!(!err.contains(" at line "), "{err}");
}

/// sqlx 0.9.0 connects without TCP_NODELAY; the Postgres store sets it on every connection
/// it opens (see `store::nodelay`), read back here with `getsockopt` on the socket found
/// through the ports the server reports.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn postgres_connections_are_opened_with_tcp_nodelay() {
    for db in common::databases().await {
        let Db::Postgres(url) = &db else { continue };
        let store = store::PostgresStore::connect(url, 3).await.unwrap();
        // Three connections at once, so the pool opens more than the first.
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(store.pool().acquire().await.unwrap());
        }
        for conn in &mut held {
            let (client, server): (i32, i32) =
                sqlx::query_as("SELECT inet_client_port(), inet_server_port()")
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap();
            let fd = store::nodelay::socket_fd(client as u16, server as u16)
                .unwrap()
                .expect("the connection's socket is found in /proc");
            // SAFETY: the connection is held above, so its socket stays open.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            let nodelay = socket2::SockRef::from(&fd).tcp_nodelay().unwrap();
            assert!(nodelay, "connection from port {client}");
        }
    }
}

#[tokio::test]
async fn a_run_of_sync_failures_keeps_its_start_and_a_success_clears_it() {
    use backend_8825::store::SyncFailure;
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let refused = SyncFailure {
            code: "peer_unreachable",
            message: "The hosted backend at http://127.0.0.1:9 cannot be reached.".into(),
        };
        store
            .record_sync_outcome("p1", 1_000, Some(&refused))
            .await
            .unwrap();
        let other = SyncFailure {
            code: "peer_refused",
            message: "refused".into(),
        };
        store
            .record_sync_outcome("p1", 2_000, Some(&other))
            .await
            .unwrap();
        let cursor = store.sync_cursor("p1").await.unwrap().unwrap();
        assert_eq!(
            cursor.failing_since,
            Some(1_000),
            "{db:?}: the run's first failure"
        );
        assert_eq!(cursor.last_error_at, Some(2_000), "{db:?}");
        assert_eq!(
            cursor.last_error_code.as_deref(),
            Some("peer_refused"),
            "{db:?}"
        );
        assert_eq!(cursor.last_error.as_deref(), Some("refused"), "{db:?}");

        store.record_sync_outcome("p1", 3_000, None).await.unwrap();
        let cursor = store.sync_cursor("p1").await.unwrap().unwrap();
        assert_eq!(cursor.last_success_at, Some(3_000), "{db:?}");
        assert_eq!(
            (
                cursor.failing_since,
                cursor.last_error_code,
                cursor.last_error
            ),
            (None, None, None),
            "{db:?}"
        );
        store
            .record_sync_outcome("p1", 4_000, Some(&refused))
            .await
            .unwrap();
        let cursor = store.sync_cursor("p1").await.unwrap().unwrap();
        assert_eq!(cursor.failing_since, Some(4_000), "{db:?}: a new run");
        assert_eq!(cursor.last_success_at, Some(3_000), "{db:?}");
    }
}

#[tokio::test]
async fn the_pending_summary_counts_sizes_and_dates_what_a_peer_has_not_acknowledged() {
    use backend_8825::store::{PendingSummary, Record};
    let version = |n: i64| Record {
        kind: "conversation".into(),
        id: format!("c{n}"),
        conversation_id: None,
        title: Some("abcd".into()),
        role: None,
        content: Some("é".repeat(n as usize)),
        created_at: n * 1000,
        updated_at: n * 1000,
        deleted: false,
        version: format!("{:013}-0000-local", n * 1000),
        source_backend: "local".into(),
        seq: 0,
        e2e: None,
        origin_peer: None,
    };
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let empty = store.pending_summary("local", 0, "p1").await.unwrap();
        assert_eq!(empty, PendingSummary::default(), "{db:?}");
        let mine: Vec<Record> = (1..=3).map(version).collect();
        store
            .apply_versions("local", &mine, None, None)
            .await
            .unwrap();
        // One that came from the peer itself is not waiting for it.
        let theirs = vec![version(9)];
        store
            .apply_versions("local", &theirs, Some("p1"), None)
            .await
            .unwrap();
        let all = store.pending_summary("local", 0, "p1").await.unwrap();
        assert_eq!(all.versions, 3, "{db:?}");
        // Characters, not bytes: "abcd" and n times "é".
        assert_eq!(all.bytes, 3 * 4 + (1 + 2 + 3), "{db:?}");
        assert_eq!(all.oldest_at, Some(1000), "{db:?}");
        assert_eq!(
            all.versions,
            store.count_pending("local", 0, "p1").await.unwrap(),
            "{db:?}: the same versions as the count"
        );
        let later = store.pending_summary("local", 2, "p1").await.unwrap();
        assert_eq!(later.versions, 1, "{db:?}");
        assert_eq!(later.oldest_at, Some(3000), "{db:?}");
    }
}

/// A cursor written with the versions it came with: with `last_success_at` it records the
/// success in the same write (clearing a run of failures), without it the outcome stays.
#[tokio::test]
async fn a_cursor_written_with_a_success_clears_the_failures_and_one_without_keeps_them() {
    use backend_8825::store::{SyncCursor, SyncFailure};
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let failure = SyncFailure {
            code: "peer_refused",
            message: "refused".into(),
        };
        store
            .record_sync_outcome("p1", 1_000, Some(&failure))
            .await
            .unwrap();
        let cursor = |pull_seq, last_success_at| SyncCursor {
            peer_id: "p1".into(),
            pull_epoch: Some("e".into()),
            pull_seq,
            push_epoch: Some("f".into()),
            push_seq: 0,
            last_success_at,
            ..SyncCursor::default()
        };
        // Nothing to apply, only the cursor: its position moves, the outcome stays.
        store
            .apply_versions("acct", &[], Some("p1"), Some(&cursor(5, None)))
            .await
            .unwrap();
        let read = store.sync_cursor("p1").await.unwrap().unwrap();
        assert_eq!(read.pull_seq, 5, "{db:?}");
        assert_eq!(read.failing_since, Some(1_000), "{db:?}");
        assert_eq!(
            read.last_error_code.as_deref(),
            Some("peer_refused"),
            "{db:?}"
        );

        store
            .apply_versions("acct", &[], Some("p1"), Some(&cursor(7, Some(2_000))))
            .await
            .unwrap();
        let read = store.sync_cursor("p1").await.unwrap().unwrap();
        assert_eq!(
            (read.pull_seq, read.last_success_at),
            (7, Some(2_000)),
            "{db:?}"
        );
        assert_eq!(
            (
                read.failing_since,
                read.last_error_code,
                read.last_error,
                read.last_error_at
            ),
            (None, None, None, None),
            "{db:?}"
        );

        // A later cursor without an outcome keeps the success.
        store
            .apply_versions("acct", &[], Some("p1"), Some(&cursor(9, None)))
            .await
            .unwrap();
        let read = store.sync_cursor("p1").await.unwrap().unwrap();
        assert_eq!(
            (read.pull_seq, read.last_success_at),
            (9, Some(2_000)),
            "{db:?}"
        );
    }
}

/// A pool whose every connection is in use is busy, not cut off: the statement that waited
/// too long for a connection fails as unreachable (a 503 for its caller), but the database
/// is not marked down for every other statement. (Postgres: the only store with a health.)
#[tokio::test]
async fn a_saturated_pool_is_busy_not_down() {
    use backend_8825::store::Record;
    use sqlx::Connection;
    let Some(url) = common::fresh_postgres_schema().await else {
        return;
    };
    let store = store::connect(&url, 1).await.unwrap();
    let version = |id: &str| Record {
        kind: "conversation".into(),
        id: id.into(),
        conversation_id: None,
        title: Some("t".into()),
        role: None,
        content: None,
        created_at: 1000,
        updated_at: 1000,
        deleted: false,
        version: "0000000001000-0000-local".into(),
        source_backend: "local".into(),
        seq: 0,
        e2e: None,
        origin_peer: None,
    };
    store
        .apply_versions("a", &[version("c1")], None, None)
        .await
        .unwrap();
    // Another session holds the account's feed counter: the store's one connection waits on
    // it inside the next write.
    let mut outside = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut outside).await.unwrap();
    sqlx::query("SELECT seq FROM feed_counters WHERE account_id = 'a' FOR UPDATE")
        .execute(&mut outside)
        .await
        .unwrap();
    let writer = store.clone();
    let blocked = tokio::spawn(async move {
        writer
            .apply_versions("a", &[version("c2")], None, None)
            .await
    });
    common::eventually(
        "the write to hold the only connection",
        std::time::Duration::from_secs(10),
        || {
            let usage = store.pool_usage();
            async move { usage.open == 1 && usage.idle == 0 }
        },
    )
    .await;

    let err = store.peers(None).await.unwrap_err();
    assert!(err.is_unreachable(), "{err}");
    let health = store.database_health().expect("Postgres has a health");
    assert!(
        health.is_up(),
        "a busy pool does not mark the database down"
    );

    sqlx::query("ROLLBACK").execute(&mut outside).await.unwrap();
    blocked.await.unwrap().unwrap();
    assert!(store.peers(None).await.is_ok());
}
