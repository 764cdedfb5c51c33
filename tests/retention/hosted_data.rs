//! On the hosted daemon, telemetry events and audit entries past their retention go, per
//! account, exactly those; the audit log still verifies.

use backend_8825::security::audit;
use backend_8825::store::telemetry::StoredEvent;

use crate::common::{self, account, hosted_with_account};
use crate::support::{DAY, account_of, run_now, settled};

fn event(account_id: &str, ts: i64) -> StoredEvent {
    StoredEvent {
        event_id: uuid::Uuid::new_v4().to_string(),
        peer_id: "peer-1".into(),
        account_id: account_id.into(),
        source_backend: "0123456789abcdef0123456789abcdef".into(),
        name: "sync.cycle".into(),
        level: "info".into(),
        ts,
        duration_ms: Some(1.0),
        attributes: "{}".into(),
        received_at: ts,
    }
}

#[tokio::test]
async fn telemetry_and_audit_past_their_retention_go_and_nothing_else() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, _) = hosted_with_account(&db).await;
        settled(&[&hosted]).await;
        let alice = account_of(&hosted).await;
        let bob_token = account(&hosted, "bob").await;
        let store = hosted.state.store.clone();
        let bob = backend_8825::accounts::authenticate(store.as_ref(), &bob_token).await;
        let bob = bob.unwrap().unwrap().id;
        // Five decisions of alice's at day 0, two at day 60.
        let decide = |n: usize| {
            let state = hosted.state.clone();
            let alice = alice.clone();
            async move {
                for i in 0..n {
                    let peer = format!("peer-{i}");
                    audit::audit(
                        &state,
                        "renew_peer",
                        Ok(()),
                        Some(&peer),
                        Some(&alice),
                        None,
                    )
                    .await;
                }
            }
        };
        decide(5).await;
        hosted.advance(60 * DAY);
        decide(2).await;
        hosted.advance(31 * DAY);
        // Telemetry: three of alice's events and one of bob's past 30 days, two of alice's
        // within.
        let now = hosted.now() * 1000;
        let events = [
            event(&alice, now - 31 * DAY * 1000),
            event(&alice, now - 40 * DAY * 1000),
            event(&alice, now - 90 * DAY * 1000),
            event(&bob, now - 31 * DAY * 1000),
            event(&alice, now - 29 * DAY * 1000),
            event(&alice, now - 1000),
        ];
        store.telemetry().store_events(&events).await.unwrap();

        // A dry run counts what the run then deletes, and deletes nothing.
        let dry = run_now(&hosted, true).await;
        assert_eq!(
            store.telemetry().events(None, 100).await.unwrap().len(),
            6,
            "{name}"
        );

        let report = run_now(&hosted, false).await;
        assert_eq!(dry.accounts, report.accounts, "{name}");
        let of = |id: &str| {
            report
                .accounts
                .iter()
                .find(|a| a.account_id == id)
                .unwrap()
                .counts
        };
        assert_eq!(of(&alice).telemetry_events, 3, "{name}");
        assert_eq!(of(&bob).telemetry_events, 1, "{name}");
        assert_eq!(of(&alice).audit_entries, 5, "{name}");
        assert_eq!(of(&bob).audit_entries, 0, "{name}");
        let left: Vec<String> = store
            .telemetry()
            .events(None, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        assert_eq!(
            left,
            [events[4].event_id.clone(), events[5].event_id.clone()],
            "{name}"
        );
        let verification = store.audit_verify().await.unwrap();
        let problems: Vec<_> = verification.problems().collect();
        assert!(problems.is_empty(), "{name}: {problems:?}");
        // The two younger decisions and the checkpoint are alice's chain now.
        let rows = store.audit_entries(100).await.unwrap();
        let chain = rows
            .iter()
            .filter(|r| r.chain_id.as_deref() == Some(alice.as_str()))
            .count();
        assert_eq!(chain, 3, "{name}");
        // A second run finds nothing more.
        let again = run_now(&hosted, false).await.total();
        assert_eq!(
            (again.telemetry_events, again.audit_entries),
            (0, 0),
            "{name}"
        );
    }
}
