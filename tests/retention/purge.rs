//! Tombstones leave the store only once every active peer of the account has acknowledged
//! them, and are older than the safety age; a revoked peer does not hold them back.

use crate::common::{self, Daemon, pair};
use crate::conversations::{self, Conversations, pair_of, sync};
use crate::support::{DAY, advance, holds, is_tombstone, run_now, settled};

async fn purged(daemon: &Daemon) -> u64 {
    run_now(daemon, false).await.total().tombstones_purged
}

async fn delete(daemon: &Daemon, conversation: &str) {
    let path = format!("/api/conversations/{conversation}");
    let (status, body) = daemon.call("DELETE", &path, None).await;
    assert_eq!(status, 204, "{body}");
}

#[tokio::test]
async fn the_hosted_daemon_purges_a_tombstone_once_every_peer_has_it() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        let local2 = conversations::local().await;
        let peer2 = pair(&local2, &hosted, &hosted.bearer).await;
        settled(&[&hosted, &local, &local2]).await;
        let c = hosted.create_conversation("soon deleted").await;
        sync(&local, &peer).await;
        sync(&local2, &peer2).await;
        delete(&hosted, &c).await;
        // The first local daemon fetches the tombstone, and its next sync says so.
        sync(&local, &peer).await;
        sync(&local, &peer).await;
        assert!(is_tombstone(&local, &c).await, "{name}");
        // Too young, and the second local daemon has not fetched it.
        assert_eq!(purged(&hosted).await, 0, "{name}");
        advance(&[&hosted, &local, &local2], 8 * DAY);
        assert_eq!(purged(&hosted).await, 0, "{name}: a peer lacks it");
        assert!(is_tombstone(&hosted, &c).await, "{name}");
        sync(&local2, &peer2).await;
        sync(&local2, &peer2).await;
        assert!(is_tombstone(&local2, &c).await, "{name}");
        assert_eq!(purged(&hosted).await, 1, "{name}");
        assert!(!holds(&hosted, &c).await, "{name}");
        // Nothing comes back: the peers keep their tombstone and sync on.
        sync(&local, &peer).await;
        sync(&local2, &peer2).await;
        assert!(!holds(&hosted, &c).await, "{name}");
        assert!(is_tombstone(&local, &c).await, "{name}");
        assert!(is_tombstone(&local2, &c).await, "{name}");
    }
}

#[tokio::test]
async fn a_revoked_peer_does_not_hold_purging_back() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        let local2 = conversations::local().await;
        let peer2 = pair(&local2, &hosted, &hosted.bearer).await;
        settled(&[&hosted, &local, &local2]).await;
        let c = hosted.create_conversation("soon deleted").await;
        delete(&hosted, &c).await;
        sync(&local, &peer).await;
        sync(&local, &peer).await;
        advance(&[&hosted, &local, &local2], 8 * DAY);
        assert_eq!(purged(&hosted).await, 0, "{name}: the second peer lacks it");
        let (status, body) = hosted
            .call("DELETE", &format!("/peers/{peer2}"), None)
            .await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(purged(&hosted).await, 1, "{name}");
        assert!(!holds(&hosted, &c).await, "{name}");
    }
}

#[tokio::test]
async fn the_local_daemon_purges_what_its_hosted_peer_acknowledged() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        settled(&[&hosted, &local]).await;
        let c = local.create_conversation("soon deleted").await;
        local.post_message(&c, "user", "hello").await;
        sync(&local, &peer).await;
        delete(&local, &c).await;
        advance(&[&hosted, &local], 8 * DAY);
        assert_eq!(purged(&local).await, 0, "{name}: not pushed yet");
        sync(&local, &peer).await;
        assert!(is_tombstone(&hosted, &c).await, "{name}");
        assert_eq!(purged(&local).await, 1, "{name}");
        assert!(!holds(&local, &c).await, "{name}");
        // The hosted daemon knows the local one has it (its own version, not echoed back)
        // once the next sync confirms its position.
        sync(&local, &peer).await;
        assert_eq!(purged(&hosted).await, 1, "{name}");
        assert!(!holds(&hosted, &c).await, "{name}");
        sync(&local, &peer).await;
        assert!(!holds(&local, &c).await, "{name}");
    }
}

#[tokio::test]
async fn the_local_daemon_purges_a_tombstone_it_fetched_once_its_position_is_acknowledged() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        settled(&[&hosted, &local]).await;
        let c = hosted.create_conversation("deleted over there").await;
        delete(&hosted, &c).await;
        // The first sync fetches the tombstone; the next one tells the hosted daemon how
        // far this feed goes, past the fetched tombstone (the peer's own version is not sent
        // back, but the position is acknowledged).
        sync(&local, &peer).await;
        assert!(is_tombstone(&local, &c).await, "{name}");
        advance(&[&hosted, &local], 8 * DAY);
        assert_eq!(purged(&local).await, 0, "{name}: not acknowledged yet");
        sync(&local, &peer).await;
        assert_eq!(purged(&local).await, 1, "{name}");
        assert!(!holds(&local, &c).await, "{name}");
        sync(&local, &peer).await;
        assert!(!holds(&local, &c).await, "{name}: it did not come back");
    }
}
