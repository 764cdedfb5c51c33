//! A hosted database restored from a backup lacks what its peers were told it holds. Given a
//! new epoch (`backend-8825 new-epoch`, with the daemon stopped), its peers notice at their
//! next sync and send everything again, so nothing is missed.

use backend_8825::store;

use sqlx::Connection;

use crate::common::{self, Daemon, Db, hosted_with_account, pair};
use crate::conversations::{Conversations, sync};

#[tokio::test]
async fn a_restored_database_with_a_new_epoch_gets_everything_again() {
    for db in common::databases().await {
        let name = db.name();
        let (mut hosted, token) = hosted_with_account(&db).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        local.create_conversation("before the backup").await;
        sync(&local, &peer).await;

        // The "restore": a backup from before the conversation, then a new epoch, while the
        // daemon is stopped.
        hosted.stop().await;
        let url = db.url(hosted.dir());
        let forget = sqlx::AssertSqlSafe("DELETE FROM records".to_string());
        match &db {
            Db::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(forget).execute(&mut conn).await.unwrap();
            }
            Db::Postgres(_) => {
                let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
                sqlx::query(forget).execute(&mut conn).await.unwrap();
            }
        }
        let restored = store::connect(&url, 1).await.unwrap();
        let old = store::epoch(restored.as_ref()).await.unwrap();
        let new = store::renew_epoch(restored.as_ref()).await.unwrap();
        assert_ne!(old, new);
        restored.close().await;
        hosted.restart().await;

        let summary = sync(&local, &peer).await;
        assert!(summary.epoch_reset, "{name}: {summary:?}");
        assert!(summary.pushed >= 1, "{name}: {summary:?}");
        assert_eq!(hosted.titles().await, vec!["before the backup"], "{name}");
    }
}
