//! One retention run at a time on a Postgres database: a second instance skips while the
//! first holds the lock, and two runs at once do the work once. On SQLite the lock is
//! always granted (one process owns the file).

use backend_8825::retention::run;

use crate::common::{self, Daemon, Db, hosted_with_account};
use crate::conversations::Conversations;
use crate::support::{DAY, account_of, advance, live, settled};

#[tokio::test]
async fn two_instances_on_one_postgres_database_do_the_work_once() {
    for db in common::databases().await {
        let name = db.name();
        let (a, token) = hosted_with_account(&db).await;
        if let Db::Sqlite = db {
            // Nothing to share: the lock is granted however many are taken.
            let first = a.state.store.retention_lock().await.unwrap();
            let second = a.state.store.retention_lock().await.unwrap();
            assert!(first.is_some() && second.is_some(), "{name}");
            first.unwrap().release().await;
            second.unwrap().release().await;
            continue;
        }
        let mut b = Daemon::hosted().instance_of(&a).start().await;
        b.bearer = token;
        let account = account_of(&a).await;
        settled(&[&a, &b]).await;
        for i in 0..3 {
            let c = a.create_conversation(&format!("c{i}")).await;
            a.post_message(&c, "user", "hello").await;
        }
        advance(&[&a, &b], 91 * DAY);

        // While one holds the lock, the other skips, and says so.
        let held = a.state.store.retention_lock().await.unwrap();
        let held = held.expect("the lock is free");
        let skipped = run(&b.state, false).await;
        assert!(skipped.skipped && skipped.total().is_empty(), "{name}");
        assert_eq!(live(&b).await.len(), 6, "{name}");
        held.release().await;

        // Two runs at once: the records are deleted once (one feed position each).
        let head = a.state.store.feed_head(&account).await.unwrap();
        let (ra, rb) = tokio::join!(run(&a.state, false), run(&b.state, false));
        let done = |r: &backend_8825::retention::RetentionReport| {
            let t = r.total();
            (t.conversations, t.messages)
        };
        let (ca, ma) = done(&ra);
        let (cb, mb) = done(&rb);
        assert_eq!((ca + cb, ma + mb), (3, 3), "{name}: {ra:?} {rb:?}");
        let after = a.state.store.feed_head(&account).await.unwrap();
        assert_eq!(after - head, 6, "{name}");
        assert!(live(&a).await.is_empty(), "{name}");
    }
}
