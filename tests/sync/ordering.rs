//! Concurrent edits resolve to one state everywhere, whatever the clocks of the daemons say.

use serde_json::json;

use crate::common;
use crate::conversations::{Conversations, pair_of, sync};

#[tokio::test]
async fn edits_on_both_sides_while_partitioned_resolve_to_one_state() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("v0").await;
        sync(&local, &peer).await;
        // Local edits first, hosted a second later: hosted's edit wins everywhere.
        let path = format!("/api/conversations/{conv}");
        local
            .call("PATCH", &path, Some(json!({"title": "local edit"})))
            .await;
        hosted.clock.advance(chrono::Duration::seconds(1));
        local.clock.advance(chrono::Duration::seconds(1));
        hosted
            .call("PATCH", &path, Some(json!({"title": "hosted edit"})))
            .await;
        sync(&local, &peer).await;
        sync(&local, &peer).await;
        assert_eq!(local.titles().await, vec!["hosted edit"], "{}", db.name());
        assert_eq!(hosted.titles().await, vec!["hosted edit"]);
    }
}

#[tokio::test]
async fn a_local_clock_an_hour_behind_still_orders_edits_correctly() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        local.clock.advance(chrono::Duration::hours(-1));
        let conv = hosted.create_conversation("from hosted").await;
        sync(&local, &peer).await;
        // The user renames it on the laptop after seeing it: the rename must win although
        // the laptop's wall clock is an hour behind the hosted write.
        let path = format!("/api/conversations/{conv}");
        let (status, _) = local
            .call("PATCH", &path, Some(json!({"title": "renamed on laptop"})))
            .await;
        assert_eq!(status, 200);
        sync(&local, &peer).await;
        assert_eq!(
            hosted.titles().await,
            vec!["renamed on laptop"],
            "{}",
            db.name()
        );
        // And a clock minutes ahead (within sync.max_clock_offset_ms; further ahead, the
        // version is set aside: tests/security/clock.rs): the hosted side's later edit still
        // wins.
        local
            .clock
            .advance(chrono::Duration::hours(1) + chrono::Duration::minutes(4));
        local
            .call(
                "PATCH",
                &path,
                Some(json!({"title": "laptop, clock ahead"})),
            )
            .await;
        sync(&local, &peer).await;
        hosted
            .call(
                "PATCH",
                &path,
                Some(json!({"title": "hosted, after seeing it"})),
            )
            .await;
        sync(&local, &peer).await;
        assert_eq!(local.titles().await, vec!["hosted, after seeing it"]);
    }
}
