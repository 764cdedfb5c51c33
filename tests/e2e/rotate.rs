//! Rotation on revocation: a device of an encrypted account is revoked, the hosted side says
//! a new epoch is due, a device holding the key rotates it (a new recovery code), new writes
//! are sealed under the new epoch, the hosted side refuses the old one, the revoked device's
//! keyring cannot open them, and a remaining device gets the new epoch by a transfer.

use backend_8825::e2e::{Field, open};
use serde_json::json;

use crate::common::{databases, error_code};
use crate::support::*;
use crate::transfer::{accept, approve, request};

const LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

#[tokio::test]
async fn revocation_rotates_the_epoch_and_the_old_one_is_refused() {
    for db in databases().await {
        let (hosted, token, first, first_peer) = pair_of(&db).await;
        let trip = create_conversation(&first, "Trip").await;
        post_message(&first, &trip, "before the rotation").await;
        let (status, body, code) = enable(&first).await;
        assert_eq!(status, 201, "{body}");
        let (second, second_peer) = another_device(&hosted, &token).await;
        assert_eq!(recover(&second, &code, false).await.0, 200);
        let (revoked, revoked_peer) = another_device(&hosted, &token).await;
        assert_eq!(recover(&revoked, &code, false).await.0, 200);
        assert!(e2e_status(&first).await.get("rotation_due").is_none());

        // What the device to be revoked holds (a copy it could have kept).
        let theirs = backend_8825::e2e::device::keyring(&revoked.state, &revoked_peer).unwrap();
        let theirs = theirs.expect("the device holds the keyring");

        // The account revokes a device: a new epoch is due.
        let path = format!("/peers/{revoked_peer}");
        let (status, body) = hosted.call_as(&token, "DELETE", &path, None).await;
        assert_eq!(status, 200, "{body}");
        assert!(e2e_status(&first).await["rotation_due"].is_string());

        // The first device rotates; the old recovery code no longer opens the keyring.
        let new = new_code();
        let (status, body) = first
            .post("/e2e/rotate", json!({"recovery_code": new}))
            .await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["device_key"]["epoch"], 2, "{body}");
        assert_eq!(body["account_key"], body["device_key"], "{body}");
        assert!(body.get("rotation_due").is_none(), "{body}");
        assert!(!body.to_string().contains(&new));
        let (status, body) = second
            .post("/e2e/rotate", json!({"recovery_code": new_code()}))
            .await;
        assert_eq!((status, error_code(&body)), (409, "e2e_no_key"), "{body}");

        // New writes are sealed under epoch 2, which the revoked device's keyring lacks.
        let after = post_message(&first, &trip, "after the rotation").await;
        sync(&first, &first_peer).await;
        let row = hosted_rows(&db, &hosted)
            .await
            .into_iter()
            .find(|r| r.0 == after);
        let envelope = row.expect("pushed").3.expect("sealed");
        assert!(envelope.starts_with("v1.2."), "{envelope}");
        let record = local_record(&first, &after).await;
        let mine = backend_8825::e2e::device::keyring(&first.state, &first_peer).unwrap();
        let opened = open(&mine.unwrap().keys, &record, Field::Content, &envelope);
        assert_eq!(opened.unwrap(), "after the rotation");
        assert!(theirs.keys.iter().all(|k| k.epoch == 1));
        assert!(open(&theirs.keys, &record, Field::Content, &envelope).is_err());
        let refused = backend_8825::sync::sync_peer_now(&revoked.state, &revoked_peer).await;
        assert!(refused.is_err(), "the revoked device syncs no more");
        // Told it is revoked (its telemetry socket closed with `revoked`, or its sync refused),
        // it forgets the keyring.
        let name = backend_8825::e2e::device::keyring_secret_name(&revoked_peer);
        crate::common::eventually("the revoked device forgets its keyring", LIMIT, || async {
            revoked.keychain().get(&name).unwrap().is_none()
        })
        .await;
        let gone = backend_8825::e2e::device::keyring(&revoked.state, &revoked_peer).unwrap();
        assert!(gone.is_none(), "{}", db.name());

        // A remaining device still on epoch 1: its write is refused as a whole.
        post_message(&second, &trip, "from the second device").await;
        let err = backend_8825::sync::sync_peer_now(&second.state, &second_peer)
            .await
            .expect_err("the hosted side refuses the stale epoch");
        assert_eq!(
            err.upstream_code.as_deref(),
            Some("e2e_key_mismatch"),
            "{}",
            err.message
        );
        // One sentence that says what to do, in the user's words.
        assert!(err.message.contains("e2e request"), "{}", err.message);
        assert!(!err.message.contains("  "), "{:?}", err.message);
        let rows = hosted_rows(&db, &hosted).await;
        assert_eq!(
            rows.len(),
            3,
            "nothing of the stale write was taken: {rows:?}"
        );

        // It gets the new epoch by a transfer, and converges; its write goes under epoch 2.
        request(&second).await;
        let transfer_code = backend_8825::e2e::keyring::new_transfer_code();
        let transfer_code = transfer_code.expose().clone();
        assert_eq!(approve(&first, &transfer_code).await.0, 200);
        let (status, body) = accept(&second, &transfer_code).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["device_key"]["epoch"], 2, "{body}");
        sync(&first, &first_peer).await;
        let all = everything(&first).await;
        assert_eq!(all, everything(&second).await, "{}: converged", db.name());
        assert_eq!(all[0].1.len(), 3, "{all:?}");
        let rows = hosted_rows(&db, &hosted).await;
        let epochs: Vec<&str> = rows.iter().map(|r| &r.3.as_deref().unwrap()[..5]).collect();
        assert_eq!(
            epochs.iter().filter(|e| **e == "v1.2.").count(),
            2,
            "{epochs:?}"
        );

        // The recovery code is the new one now.
        let (status, body) = recover(&second, &code, true).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "recovery_code_wrong"),
            "{body}"
        );
        assert_eq!(recover(&second, &new, true).await.0, 200);
    }
}
