//! Ordinary races are not errors. Before, 16 clients PATCHing one message at once got a few
//! `500 internal` ("a version written here did not apply"): a write stamped before its
//! transaction could commit after a later one and lose.

use futures_util::future::join_all;
use serde_json::json;

use crate::common::{self, Daemon, hosted_with_account};
use crate::conversations::Conversations;

const WRITERS: usize = 16;
const ROUNDS: usize = 4;

async fn hammer(daemon: &Daemon, path: &str, field: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for round in 0..ROUNDS {
        let calls = (0..WRITERS).map(|i| {
            let body = json!({ field: format!("writer {i} round {round}") });
            daemon.call("PATCH", path, Some(body))
        });
        statuses.extend(join_all(calls).await.into_iter().map(|(status, _)| status));
    }
    statuses
}

#[tokio::test]
async fn sixteen_writers_on_one_record_all_succeed_and_the_last_write_stands() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, _) = hosted_with_account(&db).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        for daemon in [&hosted, &local] {
            let at = format!("{} on {name}", daemon.state.config.mode.as_str());
            let conv = daemon.create_conversation("raced").await;
            let message = daemon.post_message(&conv, "user", "first").await;
            let message_path = format!("/api/conversations/{conv}/messages/{message}");
            let conv_path = format!("/api/conversations/{conv}");
            for (path, field) in [(&message_path, "content"), (&conv_path, "title")] {
                let statuses = hammer(daemon, path, field).await;
                assert!(statuses.iter().all(|s| *s == 200), "{at}: {statuses:?}");
            }
            // What is stored is one of the writes, and reads back as such.
            let messages = daemon.messages(&conv).await;
            assert_eq!(messages.len(), 1, "{at}");
            assert!(messages[0].0.starts_with("writer "), "{at}: {messages:?}");
            let (_, stored) = daemon.conversation(&conv).await;
            assert!(
                stored["title"].as_str().unwrap().starts_with("writer "),
                "{at}"
            );
        }
    }
}
