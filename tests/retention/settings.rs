//! The policy is the account's privacy settings: a shorter records retention deletes sooner,
//! 0 keeps everything.

use serde_json::json;

use crate::common::{self, Daemon, hosted_with_account};
use crate::conversations::{self, Conversations};
use crate::support::{DAY, run_now, settled};

async fn set(daemon: &Daemon, settings: serde_json::Value) {
    let (status, body) = daemon
        .call("PUT", "/privacy-settings", Some(settings))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_accounts_retention_days_decide_what_goes() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, _) = hosted_with_account(&db).await;
        settled(&[&hosted]).await;
        set(
            &hosted,
            json!({"retention_days": 30, "telemetry_retention_days": 7}),
        )
        .await;
        let c = hosted.create_conversation("a month ago").await;
        hosted.post_message(&c, "user", "hello").await;
        hosted.advance(31 * DAY);
        let report = run_now(&hosted, false).await;
        let account = &report.accounts[0];
        assert_eq!(account.policy.records_days, 30, "{name}");
        assert_eq!(account.policy.telemetry_days, 7, "{name}");
        assert_eq!(account.policy.audit_days, 90, "{name}");
        let total = report.total();
        assert_eq!((total.conversations, total.messages), (1, 1), "{name}");
    }
}

#[tokio::test]
async fn zero_days_keep_everything() {
    let local = conversations::local().await;
    settled(&[&local]).await;
    let zero =
        json!({"retention_days": 0, "telemetry_retention_days": 0, "audit_retention_days": 0});
    set(&local, zero).await;
    let c = local.create_conversation("kept").await;
    local.post_message(&c, "user", "hello").await;
    local.advance(400 * DAY);
    let report = run_now(&local, false).await;
    let policy = report.accounts[0].policy;
    assert_eq!(
        (
            policy.records_days,
            policy.telemetry_days,
            policy.audit_days
        ),
        (0, 0, 0)
    );
    assert!(report.total().is_empty(), "{report:?}");
    assert_eq!(local.titles().await, ["kept"]);
}
