//! Enabling: the hosted side ends up with envelopes only, a second enable is refused, and
//! plaintext writes into an encrypted account are refused by the hosted side.

use serde_json::json;

use crate::common::{databases, error_code};
use crate::support::*;

const SECRETS: [&str; 4] = ["Trip to Lisbon", "passport 5512", "gate B12", "Later plans"];

#[tokio::test]
async fn enabling_leaves_no_plaintext_on_the_hosted_side() {
    for db in databases().await {
        let (hosted, _token, local, peer) = pair_of(&db).await;
        let trip = create_conversation(&local, SECRETS[0]).await;
        post_message(&local, &trip, SECRETS[1]).await;
        let gone = post_message(&local, &trip, "deleted before enabling").await;
        let path = format!("/api/conversations/{trip}/messages/{gone}");
        assert_eq!(local.call("DELETE", &path, None).await.0, 204);
        sync(&local, &peer).await;
        let before = hosted_rows(&db, &hosted).await;
        assert!(
            before.iter().any(|r| r.1.as_deref() == Some(SECRETS[0])),
            "{}: the hosted side has the plaintext before",
            db.name()
        );

        let (status, body, code) = enable(&local).await;
        assert_eq!(status, 201, "{}: {body}", db.name());
        assert_eq!(body["enabled"], true);
        assert_eq!(body["rewritten"], 3, "{body}");
        assert_eq!(body["account_key"], body["device_key"], "{body}");
        assert!(
            !body.to_string().contains(&code),
            "the answer holds no code"
        );
        // Written after enabling: sealed too.
        post_message(&local, &trip, SECRETS[2]).await;
        let later_one = create_conversation(&local, SECRETS[3]).await;
        sync(&local, &peer).await;

        let rows = hosted_rows(&db, &hosted).await;
        assert_eq!(rows.len(), 5, "{}: {rows:?}", db.name());
        for (id, title, content, e2e, _, _) in &rows {
            assert!(title.is_none() && content.is_none(), "{}: {id}", db.name());
            let sealed = e2e.as_deref().unwrap_or_default();
            assert!(sealed.starts_with("v1.1."), "{}: {id} {sealed}", db.name());
        }
        let text = format!("{rows:?}");
        for secret in SECRETS.iter().chain(["deleted before enabling"].iter()) {
            assert!(
                !text.contains(secret),
                "{}: {secret} is on the hosted side",
                db.name()
            );
        }

        // The hosted account API shows the conversation locked, not the envelope.
        let (status, body) = hosted.get(&format!("/api/conversations/{later_one}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["encrypted"], true, "{body}");
        assert!(body["title"].is_null(), "{body}");
        assert!(
            body["notice"]
                .as_str()
                .unwrap()
                .contains("open it on one of your devices")
        );
        let (status, body) = hosted
            .get(&format!("/api/conversations/{trip}/messages"))
            .await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "ordering and paging go on: {body}");
        assert!(
            items
                .iter()
                .all(|m| m["encrypted"] == true && m["content"].is_null())
        );
        // The device keeps plaintext.
        let mine = everything(&local).await;
        assert!(mine.iter().any(|(t, m)| t == SECRETS[0] && m.len() == 2));
    }
}

#[tokio::test]
async fn a_second_enable_is_refused() {
    for db in databases().await {
        let (hosted, token, local, peer) = pair_of(&db).await;
        create_conversation(&local, "first").await;
        let (status, first, _) = enable(&local).await;
        assert_eq!(status, 201, "{first}");

        // Again on the same device.
        let (status, body, _) = enable(&local).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(error_code(&body), "e2e_already_enabled");

        // From another device of the account, with its own key: refused, and the new device
        // keeps no key.
        let (other, other_peer) = another_device(&hosted, &token).await;
        let (status, body, _) = enable(&other).await;
        assert_eq!(status, 409, "{}: {body}", db.name());
        assert_eq!(error_code(&body), "e2e_already_enabled");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("recover")
        );
        let status = e2e_status(&other).await;
        assert_eq!(status["enabled"], true);
        assert!(status["device_key"].is_null(), "{status}");
        assert_eq!(status["account_key"], first["account_key"]);
        // The account's key did not change.
        sync(&local, &peer).await;
        assert_eq!(
            e2e_status(&local).await["account_key"],
            first["account_key"]
        );
        // The hosted side's compare-and-set itself, asked by that device with a signed request
        // and a key of its own: 409, the account's key unchanged.
        let keyring = backend_8825::e2e::Keyring::generate();
        let request = backend_8825::e2e::wire::EnableRequest {
            ck_id: keyring.current().unwrap().key_id(),
            epoch: 1,
            recovery: backend_8825::e2e::keyring::seal_for_recovery(&keyring, &new_code(), "x"),
        };
        let err = backend_8825::e2e::device::hosted_enable(&other.state, &other_peer, &request)
            .await
            .expect_err("a second enable is refused");
        assert_eq!(
            (err.status().as_u16(), err.code),
            (409, "e2e_already_enabled")
        );
        assert!(err.message.contains("recover"), "{}", err.message);
        assert_eq!(
            e2e_status(&other).await["account_key"],
            first["account_key"]
        );
        let entries = audited(&hosted, "e2e_").await;
        let expected = [("e2e_enable", "ok"), ("e2e_enable", "refused")];
        let expected: Vec<_> = expected
            .iter()
            .map(|(e, o)| (e.to_string(), o.to_string()))
            .collect();
        assert_eq!(entries, expected, "{}", db.name());
    }
}

#[tokio::test]
async fn plaintext_writes_into_an_encrypted_account_are_refused() {
    for db in databases().await {
        let (hosted, token, local, peer) = pair_of(&db).await;
        let id = create_conversation(&local, "sealed").await;
        sync(&local, &peer).await;
        let (status, body, _) = enable(&local).await;
        assert_eq!(status, 201, "{body}");

        // The hosted account API: no writes, with a clear 409.
        let created = hosted
            .post("/api/conversations", json!({"title": "from the web"}))
            .await;
        assert_eq!(created.0, 409, "{}: {}", db.name(), created.1);
        assert_eq!(error_code(&created.1), "e2e_enabled");
        let path = format!("/api/conversations/{id}");
        let patched = hosted
            .call("PATCH", &path, Some(json!({"title": "renamed"})))
            .await;
        assert_eq!((patched.0, error_code(&patched.1)), (409, "e2e_enabled"));
        assert_eq!(hosted.call("DELETE", &path, None).await.0, 409);

        // A device without the key pushes plaintext: each version refused, set aside.
        let (other, other_peer) = another_device(&hosted, &token).await;
        create_conversation(&other, "plaintext from a device without the key").await;
        let summary = sync(&other, &other_peer).await;
        assert_eq!(summary.set_aside, 1, "{}: {summary:?}", db.name());
        let entries = other.state.store.set_aside_for(&other_peer).await.unwrap();
        assert!(
            entries.iter().any(|e| e.code == "e2e_enabled"),
            "{entries:?}"
        );
        // It could not open what it pulled either: nothing applied.
        assert_eq!(summary.unopened, 1, "{summary:?}");
        assert!(everything(&other).await.iter().all(|(t, _)| t != "sealed"));
        let rows = hosted_rows(&db, &hosted).await;
        assert_eq!(
            rows.len(),
            1,
            "{}: only the sealed conversation: {rows:?}",
            db.name()
        );
        assert!(!format!("{rows:?}").contains("plaintext from a device"));
    }
}

#[tokio::test]
async fn a_device_sealing_under_another_key_is_refused() {
    use backend_8825::e2e::Keyring;
    use backend_8825::e2e::device::save_keyring;
    for db in databases().await {
        let (hosted, token, local, _peer) = pair_of(&db).await;
        let (status, body, _) = enable(&local).await;
        assert_eq!(status, 201, "{body}");
        let (other, other_peer) = another_device(&hosted, &token).await;
        save_keyring(&other.state, &other_peer, &Keyring::generate()).unwrap();
        create_conversation(&other, "under another key").await;
        let err = backend_8825::sync::sync_peer_now(&other.state, &other_peer)
            .await
            .expect_err("the hosted side refuses another key");
        assert_eq!(
            err.upstream_code.as_deref(),
            Some("e2e_key_mismatch"),
            "{}",
            err.message
        );
        assert!(hosted_rows(&db, &hosted).await.is_empty(), "{}", db.name());
    }
}

#[test]
fn the_hosted_side_refuses_a_stale_epoch_and_plaintext() {
    use backend_8825::e2e::wire::KeyRef;
    use backend_8825::store::{E2eAccount, Record};
    use backend_8825::sync::sealing::hosted_verdict;
    let account = E2eAccount {
        account_id: "a".into(),
        ck_id: "bb03e97179896897383abeecee5c563f".into(),
        epoch: 2,
        recovery: "k1.x.y".into(),
        enabled_at: 0,
    };
    let declared = KeyRef {
        epoch: 2,
        ck_id: account.ck_id.clone(),
    };
    let mut record: Record = serde_json::from_value(json!({
        "kind": "conversation", "id": "0196f5a0-7c1e-7d33-9d5b-8a1f2e3c4d5e",
        "conversation_id": null, "title": null, "role": null, "content": null,
        "created_at": 1, "updated_at": 1, "deleted": false,
        "version": "001800000000000-000000-0123456789abcdef0123456789abcdef",
        "source_backend": "0123456789abcdef0123456789abcdef", "e2e": "v1.1.AAAA.BBBB"
    }))
    .unwrap();
    let code =
        |r: &Record, d: Option<&KeyRef>| hosted_verdict(Some(&account), d, r).err().map(|e| e.0);
    assert_eq!(code(&record, Some(&declared)), Some("e2e_epoch"));
    assert_eq!(code(&record, None), Some("e2e_key"));
    record.e2e = Some("v1.2.AAAA.BBBB".into());
    assert_eq!(code(&record, Some(&declared)), None);
    record.e2e = None;
    record.title = Some("plain".into());
    assert_eq!(code(&record, Some(&declared)), Some("e2e_enabled"));
    record.title = None;
    record.e2e = Some("v1.2.AAAA.BBBB".into());
    assert_eq!(
        hosted_verdict(None, None, &record).err().map(|e| e.0),
        Some("e2e_not_enabled")
    );
}
