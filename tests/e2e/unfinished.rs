//! An enable that did not finish: a device holding a key the hosted side never took, and an
//! enable the hosted side took but whose answer was lost. Neither loses data nor a key.

use backend_8825::e2e::Keyring;
use backend_8825::e2e::device::{keyring, save_keyring};
use backend_8825::e2e::keyring::seal_for_recovery;
use backend_8825::store::E2eAccount;

use crate::common::{databases, error_code};
use crate::support::*;

#[tokio::test]
async fn a_key_the_hosted_side_never_took_holds_sync_until_enable_starts_over() {
    for db in databases().await {
        let (hosted, token, local, peer) = pair_of(&db).await;
        let (writer, writer_peer) = another_device(&hosted, &token).await;
        create_conversation(&writer, "written elsewhere").await;
        sync(&writer, &writer_peer).await;
        let stale = Keyring::generate();
        save_keyring(&local.state, &peer, &stale).unwrap();

        // Nothing is taken while the key is there and the account is plaintext.
        let err = backend_8825::sync::sync_peer_now(&local.state, &peer)
            .await
            .expect_err("the sync stops");
        assert_eq!(
            err.code,
            "e2e_not_enabled",
            "{}: {}",
            db.name(),
            err.message
        );
        assert!(everything(&local).await.is_empty());

        // Enabling starts over with a new key, and nothing written elsewhere is missed.
        let (status, body, _) = enable(&local).await;
        assert_eq!(status, 201, "{}: {body}", db.name());
        let held = keyring(&local.state, &peer).unwrap().unwrap();
        assert_ne!(
            held.current().unwrap().key_id(),
            stale.current().unwrap().key_id()
        );
        assert_eq!(everything(&local).await[0].0, "written elsewhere");
        let rows = hosted_rows(&db, &hosted).await;
        assert!(
            rows.iter().all(|r| r.1.is_none() && r.3.is_some()),
            "{rows:?}"
        );
    }
}

#[tokio::test]
async fn an_enable_whose_answer_was_lost_is_finished_by_enabling_again() {
    for db in databases().await {
        let (hosted, _token, local, peer) = pair_of(&db).await;
        create_conversation(&local, "before").await;
        sync(&local, &peer).await;
        // The hosted side took this device's key, and the device never heard.
        let mine = Keyring::generate();
        let key = mine.current().unwrap();
        let account = account_id(&hosted).await;
        let code = new_code();
        let taken = E2eAccount {
            account_id: account.clone(),
            ck_id: key.key_id(),
            epoch: 1,
            recovery: seal_for_recovery(&mine, &code, &account),
            enabled_at: 1,
        };
        assert!(hosted.state.store.enable_e2e(&taken).await.unwrap());
        save_keyring(&local.state, &peer, &mine).unwrap();

        let (status, body, _) = enable(&local).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["already"], true, "{body}");
        assert_eq!(body["rewritten"], 1, "{body}");
        let rows = hosted_rows(&db, &hosted).await;
        assert!(
            rows.iter().all(|r| r.1.is_none() && r.3.is_some()),
            "{rows:?}"
        );
        assert!(!format!("{rows:?}").contains("before"));
        // The account's recovery code is still the one made then.
        let (other, _) = another_device(&hosted, &_token).await;
        let (status, body) = recover(&other, &code, false).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(everything(&other).await[0].0, "before");
    }
}

#[tokio::test]
async fn recovering_replaces_a_key_the_hosted_side_never_took() {
    for db in databases().await {
        let (hosted, token, first, _) = pair_of(&db).await;
        create_conversation(&first, "sealed").await;
        let (status, body, code) = enable(&first).await;
        assert_eq!(status, 201, "{body}");
        let (other, other_peer) = another_device(&hosted, &token).await;
        save_keyring(&other.state, &other_peer, &Keyring::generate()).unwrap();
        let (status, body) = recover(&other, &code, false).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["device_key"], body["account_key"], "{body}");
        assert_eq!(everything(&other).await[0].0, "sealed");
        let (status, body, _) = enable(&other).await;
        assert_eq!(
            (status, error_code(&body)),
            (409, "e2e_already_enabled"),
            "{body}"
        );
    }
}
