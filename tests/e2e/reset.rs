//! Reset: with no device holding the key and the recovery code lost, the account's owner
//! turns encryption off on the hosted side (account token), which deletes the encrypted
//! data; the account syncs in plaintext again, and a device that still holds the old key
//! can encrypt it anew.

use backend_8825::sync::sync_peer_now;
use serde_json::json;

use crate::common::{databases, error_code};
use crate::support::*;

#[tokio::test]
async fn a_reset_deletes_the_encrypted_data_and_the_account_can_start_again() {
    for db in databases().await {
        let (hosted, token, first, first_peer) = pair_of(&db).await;
        let trip = create_conversation(&first, "Trip").await;
        post_message(&first, &trip, "pack the charger").await;
        let (status, body, _code) = enable(&first).await;
        assert_eq!(status, 201, "{body}");
        sync(&first, &first_peer).await;
        let sealed = hosted_rows(&db, &hosted).await.len();
        assert_eq!(sealed, 2, "{}", db.name());

        // The owner sees the account's encryption, without the sealed keyring.
        let (status, view) = hosted.call_as(&token, "GET", "/e2e", None).await;
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["enabled"], true);
        assert_eq!(view["key"]["epoch"], 1);
        assert!(view["recovery"].is_null(), "{view}");
        let old_key = view["key"].clone();

        // Without the words that say what it does, nothing happens.
        for body in [json!({"confirm": "yes"}), json!({"confirm": ""})] {
            let (status, answer) = hosted
                .call_as(&token, "POST", "/e2e/reset", Some(body))
                .await;
            assert_eq!(
                (status, error_code(&answer)),
                (422, "confirmation_required"),
                "{answer}"
            );
            assert!(
                answer["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("delete encrypted data")
            );
        }
        let (status, _) = hosted
            .call_as("not-a-token", "POST", "/e2e/reset", Some(reset_body()))
            .await;
        assert_eq!(status, 401);
        assert_eq!(hosted_rows(&db, &hosted).await.len(), sealed);
        assert_eq!(
            hosted.call_as(&token, "GET", "/e2e", None).await.1["enabled"],
            true
        );

        // Reset: the sealed records and the key are gone, once.
        let (status, answer) = reset(&hosted, &token).await;
        assert_eq!(status, 200, "{}: {answer}", db.name());
        assert_eq!(answer["deleted_records"], 2);
        assert_eq!(answer["e2e"]["enabled"], false);
        assert!(hosted_rows(&db, &hosted).await.is_empty());
        let (_, view) = hosted.call_as(&token, "GET", "/e2e", None).await;
        assert_eq!(
            (view["enabled"].clone(), view["key"].clone()),
            (json!(false), json!(null))
        );
        let (status, answer) = reset(&hosted, &token).await;
        assert_eq!(
            (status, error_code(&answer)),
            (409, "e2e_not_enabled"),
            "{answer}"
        );
        let audit: Vec<(String, String)> = audited(&hosted, "e2e_reset").await;
        assert_eq!(
            audit,
            [
                ("e2e_reset".into(), "ok".into()),
                ("e2e_reset".into(), "refused".into())
            ]
        );

        // A device without a key syncs in plaintext again.
        let (second, second_peer) = another_device(&hosted, &token).await;
        let later = create_conversation(&second, "After the reset").await;
        let summary = sync(&second, &second_peer).await;
        assert_eq!(summary.unopened, 0, "{summary:?}");
        let rows = hosted_rows(&db, &hosted).await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].1.as_deref(), Some("After the reset"));

        // The device that holds the old key stops rather than sync in plaintext ...
        let err = sync_peer_now(&first.state, &first_peer).await.unwrap_err();
        assert_eq!(err.code, "e2e_not_enabled", "{}", err.message);
        // ... until it encrypts again, under a new key: its own copies go up sealed, with
        // what the account holds now.
        let (status, body, _code) = enable(&first).await;
        assert_eq!(status, 201, "{}: {body}", db.name());
        assert_ne!(body["account_key"], old_key, "{body}");
        assert_eq!(body["device_key"], body["account_key"], "{body}");
        let titles: Vec<String> = everything(&first).await.into_iter().map(|c| c.0).collect();
        assert_eq!(titles, ["After the reset", "Trip"]);
        let rows = hosted_rows(&db, &hosted).await;
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(
            rows.iter()
                .all(|r| r.1.is_none() && r.2.is_none() && r.3.is_some()),
            "{rows:?}"
        );
        assert!(rows.iter().any(|r| r.0 == later));
    }
}

fn reset_body() -> serde_json::Value {
    json!({"confirm": "delete encrypted data"})
}

async fn reset(hosted: &crate::common::Daemon, token: &str) -> (u16, serde_json::Value) {
    hosted
        .call_as(token, "POST", "/e2e/reset", Some(reset_body()))
        .await
}
