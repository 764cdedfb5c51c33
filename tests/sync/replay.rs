//! A signed `POST /sync` is taken once. Its nonce is recorded in the transaction that applies
//! its versions (one commit, not two), so a replay, sent after it or at the same time, is
//! refused with 401 `replay`, audited, and writes nothing: not even the caller's cursor,
//! which it would move back.

use backend_8825::clock::Clock;
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use serde_json::json;

use crate::common::{self, Daemon, error_code, read};
use crate::conversations::{Conversations, pair_of, versions};

/// A signed `POST /sync` of `local`'s peer `peer` to `hosted`, pushing `n` new versions of
/// `conv` and saying it has pulled the hosted feed up to `pulled`.
async fn sync_request(
    hosted: &Daemon,
    local: &Daemon,
    peer: &str,
    conv: &str,
    n: usize,
    pulled: i64,
) -> reqwest::Request {
    let store = &local.state.store;
    let current = store.peer(peer).await.unwrap().unwrap();
    let row = store.peer_key(peer, &current.kid).await.unwrap().unwrap();
    let key = load_pair_key(&local.state, &row).unwrap();
    let body = json!({
        "v": 1, "epoch": "local-epoch", "since": null, "push_through": pulled,
        "changes": versions(conv, &local.id(), n),
    });
    let call = PeerCall {
        method: reqwest::Method::POST,
        base_url: &hosted.base(),
        path_and_query: &format!("/sync/{peer}"),
        body: serde_json::to_vec(&body).unwrap(),
        created: hosted.clock.now().timestamp(),
    };
    signed_request(&local.http, call, &row, &key)
        .unwrap()
        .build()
        .unwrap()
}

async fn send(client: &reqwest::Client, request: reqwest::Request) -> (u16, String) {
    let (status, body) = read(client.execute(request).await.unwrap()).await;
    (status, error_code(&body).to_string())
}

#[tokio::test]
async fn a_replayed_sync_is_refused_audited_and_writes_nothing() {
    replayed_and_refused(2).await;
}

/// A sync that pushes nothing is written another way on Postgres (one statement that
/// commits on its own); its replay is refused all the same, and moves no cursor.
#[tokio::test]
async fn a_replayed_pull_is_refused_audited_and_writes_nothing() {
    replayed_and_refused(0).await;
}

/// A sync pushing `n` versions, then a later one, then the first again.
async fn replayed_and_refused(n: usize) {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("replayed").await;
        let client = common::http_client();
        let first = sync_request(&hosted, &local, &peer, &conv, n, 3).await;
        let replay = first.try_clone().unwrap();
        assert_eq!(send(&client, first).await.0, 200, "{name}");
        // A later sync (its own nonce) says the caller pulled up to 7.
        let later = sync_request(&hosted, &local, &peer, &conv, n.min(1), 7).await;
        assert_eq!(send(&client, later).await.0, 200, "{name}");
        let store = &hosted.state.store;
        let account = store.peer(&peer).await.unwrap().unwrap().account_id;
        let head = store.feed_head(&account).await.unwrap();

        assert_eq!(
            send(&client, replay).await,
            (401, "replay".into()),
            "{name}"
        );
        let cursor = store.sync_cursor(&peer).await.unwrap().unwrap();
        assert_eq!(
            cursor.pull_seq, 7,
            "{name}: the replay did not move the cursor back"
        );
        assert_eq!(store.feed_head(&account).await.unwrap(), head, "{name}");
        let audit = store.audit_entries(50).await.unwrap();
        assert!(
            audit.iter().any(|e| e.detail.as_deref() == Some("replay")
                && e.peer_id.as_deref() == Some(peer.as_str())),
            "{name}: the replay is audited"
        );
    }
}

#[tokio::test]
async fn of_one_sync_sent_twice_at_once_one_is_taken() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("twice").await;
        let (a, b) = (common::http_client(), common::http_client());
        // Pushes, and (on Postgres, another statement) pulls.
        for (round, n) in [3, 0, 3, 0, 3].into_iter().enumerate() {
            let request = sync_request(&hosted, &local, &peer, &conv, n, 0).await;
            let twin = request.try_clone().unwrap();
            let (one, two) = tokio::join!(send(&a, request), send(&b, twin));
            let mut statuses = [one.0, two.0];
            statuses.sort();
            assert_eq!(
                statuses,
                [200, 401],
                "{name}, round {round}: {one:?} {two:?}"
            );
        }
    }
}
