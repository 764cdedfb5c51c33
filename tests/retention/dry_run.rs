//! A dry run changes nothing and counts what the real run then removes, kind by kind.

use backend_8825::retention::RetentionReport;
use backend_8825::security::audit;
use backend_8825::store::CHECKPOINT_EVENT;

use crate::common::{self, Daemon};
use crate::conversations::{Conversations, pair_of, sync};
use crate::support::{DAY, account_of, advance, live, run_now, settled};

/// Everything a run could change here: live records, the feed's head, the old audit entries.
/// (Telemetry events stream in from the local daemon at their own pace:
/// `hosted_data.rs` tries the dry run on them.)
async fn everything(daemon: &Daemon) -> String {
    let account = account_of(daemon).await;
    let store = &daemon.state.store;
    // The audit entries a run could delete or add: those of more than a day ago, and
    // checkpoints. (Newer ones come in at their own pace: a telemetry socket reconnecting.)
    let recent = (daemon.now() - DAY) * 1000;
    let audit: Vec<_> = store
        .audit_entries(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.at < recent || row.event == CHECKPOINT_EVENT)
        .collect();
    format!(
        "{:?} {} {:?}",
        live(daemon).await,
        store.feed_head(&account).await.unwrap(),
        audit
    )
}

#[tokio::test]
async fn a_dry_run_changes_nothing_and_counts_what_a_run_removes() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        settled(&[&hosted, &local]).await;
        let account = account_of(&hosted).await;
        // Day 0: two conversations with messages, one deleted and known to the peer, a
        // decision in the audit log.
        let old = local.create_conversation("old").await;
        local.post_message(&old, "user", "one").await;
        local.post_message(&old, "assistant", "two").await;
        let gone = hosted.create_conversation("deleted").await;
        hosted.post_message(&gone, "user", "three").await;
        let path = format!("/api/conversations/{gone}");
        assert_eq!(hosted.call("DELETE", &path, None).await.0, 204);
        audit::audit(
            &hosted.state,
            "renew_peer",
            Ok(()),
            None,
            Some(&account),
            None,
        )
        .await;
        sync(&local, &peer).await;
        sync(&local, &peer).await;
        advance(&[&hosted, &local], 91 * DAY);
        let young = hosted.create_conversation("young").await;
        hosted.post_message(&young, "user", "four").await;
        sync(&local, &peer).await;

        for daemon in [&hosted, &local] {
            let before = everything(daemon).await;
            let dry = run_now(daemon, true).await;
            assert!(dry.dry_run, "{name}");
            assert_eq!(
                everything(daemon).await,
                before,
                "{name}: a dry run changed it"
            );
            let real = run_now(daemon, false).await;
            let without_telemetry = |r: &RetentionReport| {
                let mut accounts = r.accounts.clone();
                accounts
                    .iter_mut()
                    .for_each(|a| a.counts.telemetry_events = 0);
                accounts
            };
            assert_eq!(without_telemetry(&dry), without_telemetry(&real), "{name}");
            assert_eq!(
                dry.unattributed_audit_entries, real.unattributed_audit_entries,
                "{name}"
            );
            let total = real.total();
            assert_eq!(total.conversations, 1, "{name}: {total:?}");
            // The message of the deleted conversation goes too: it is past the retention
            // and its conversation is not live.
            assert_eq!(total.messages, 3, "{name}: {total:?}");
            assert_eq!(total.tombstones_purged, 1, "{name}: {total:?}");
            assert!(total.audit_entries >= 1, "{name}: {total:?}");
        }
        let mut hosted_total = run_now(&hosted, true).await.total();
        hosted_total.telemetry_events = 0;
        assert!(hosted_total.is_empty(), "{name}: {hosted_total:?}");
        assert!(live(&hosted).await.contains_key(&young), "{name}");
    }
}
