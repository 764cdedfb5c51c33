//! The hosted side's record of an encrypted account, on both databases: enabling is a
//! compare-and-set (one winner, the first key kept), and a record's envelope is stored and
//! read back with it.

use backend_8825::store::{E2eAccount, KIND_CONVERSATION, Record};
use futures_util::future::join_all;

use crate::common::{Daemon, databases};

fn account(ck: char) -> E2eAccount {
    E2eAccount {
        account_id: "acct".into(),
        ck_id: ck.to_string().repeat(32),
        epoch: 1,
        recovery: format!("k1.{ck}.{ck}"),
        enabled_at: 1_800_000_000_000,
    }
}

#[tokio::test]
async fn enabling_is_a_compare_and_set_and_envelopes_are_stored() {
    for db in databases().await {
        let hosted = Daemon::hosted().on(&db).start().await;
        let store = &hosted.state.store;
        assert_eq!(store.e2e_account("acct").await.unwrap(), None);
        // Eight devices enable at once, each with its own key: one wins.
        let tries = "01234567".chars().map(|ck| {
            let candidate = account(ck);
            async move { (store.enable_e2e(&candidate).await.unwrap(), candidate) }
        });
        let outcomes = join_all(tries).await;
        let winners: Vec<_> = outcomes.iter().filter(|(won, _)| *won).collect();
        assert_eq!(winners.len(), 1, "{}: {outcomes:?}", db.name());
        let kept = store.e2e_account("acct").await.unwrap();
        assert_eq!(kept.as_ref(), Some(&winners[0].1), "{}", db.name());
        assert!(!store.enable_e2e(&account('f')).await.unwrap());
        assert_eq!(store.e2e_account("acct").await.unwrap(), kept);

        let sealed = Record {
            kind: KIND_CONVERSATION.into(),
            id: uuid::Uuid::now_v7().to_string(),
            conversation_id: None,
            title: None,
            role: None,
            content: None,
            created_at: 1,
            updated_at: 1,
            deleted: false,
            version: "001800000000000-000000-0123456789abcdef0123456789abcdef".into(),
            source_backend: "0123456789abcdef0123456789abcdef".into(),
            e2e: Some("v1.1.AAAA.BBBB".into()),
            seq: 0,
            origin_peer: None,
        };
        assert_eq!(
            store
                .apply_versions("acct", std::slice::from_ref(&sealed), None, None)
                .await
                .unwrap(),
            1
        );
        let read = store.record("acct", &sealed.id).await.unwrap().unwrap();
        assert_eq!(read.e2e, sealed.e2e, "{}", db.name());
        let feed = store.feed_page("acct", 0, 10).await.unwrap();
        assert_eq!(feed[0].e2e, sealed.e2e);
    }
}
