//! Adding a device with a transfer code (docs/e2e.md, "Transfer to a new device"): a new
//! device asks, a device holding the key approves and shows a code, the new device opens the
//! transfer with it and converges. A wrong code is refused a few times, an expired transfer
//! is refused, and a hosted database that substitutes the new device's key gets nothing.

use backend_8825::e2e::keyring::{Transfer, new_transfer_code, open_transfer};
use backend_8825::identity::IdentityKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::common::{Daemon, Db, databases, error_code};
use crate::support::*;

/// An encrypted account with one conversation written by the first device, and a second,
/// fresh device of it that pulled what it cannot open.
async fn two_devices(db: &Db) -> (Daemon, Daemon, String, Daemon, String) {
    let (hosted, token, first, first_peer) = pair_of(db).await;
    let trip = create_conversation(&first, "Trip").await;
    post_message(&first, &trip, "pack the charger").await;
    let (status, body, _code) = enable(&first).await;
    assert_eq!(status, 201, "{body}");
    let (second, second_peer) = another_device(&hosted, &token).await;
    assert_eq!(sync(&second, &second_peer).await.unopened, 2);
    let _ = first_peer;
    (hosted, first, trip, second, second_peer)
}

pub async fn request(device: &Daemon) -> Value {
    let (status, body) = device.post("/e2e/request", json!({})).await;
    assert_eq!(status, 201, "{body}");
    body
}

pub async fn approve(device: &Daemon, code: &str) -> (u16, Value) {
    device
        .post("/e2e/approve", json!({"transfer_code": code}))
        .await
}

pub async fn accept(device: &Daemon, code: &str) -> (u16, Value) {
    device
        .post("/e2e/accept", json!({"transfer_code": code}))
        .await
}

/// The hosted database's row of a transfer request: (key_id, state, wrapped, sealed,
/// approver_key_id, attempts).
type TransferRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

async fn transfer_row(db: &Db, hosted: &Daemon, id: &str) -> TransferRow {
    use sqlx::Connection;
    let sql = format!(
        "SELECT key_id, state, wrapped, sealed, approver_key_id, attempts FROM e2e_transfers \
         WHERE id = '{id}'"
    );
    let sql = sqlx::AssertSqlSafe(sql);
    match db {
        Db::Sqlite => {
            let url = db.url(hosted.dir());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap()
        }
        Db::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap()
        }
    }
}

#[tokio::test]
async fn an_approved_device_opens_the_transfer_with_the_code_and_both_converge() {
    for db in databases().await {
        let (hosted, first, trip, second, second_peer) = two_devices(&db).await;
        assert_eq!(
            accept(&second, &new_transfer_code().expose().clone())
                .await
                .0,
            404
        );
        let asked = request(&second).await;
        let id = asked["request_id"].as_str().unwrap().to_string();
        let second_key = second.state.identity.key_id().as_str().to_string();
        assert_eq!(asked["key_id"], second_key.as_str());
        assert_eq!(asked["state"], "pending");

        // Not approved yet: nothing to open.
        let code = new_transfer_code().expose().clone();
        let (status, body) = accept(&second, &code).await;
        assert_eq!((status, error_code(&body)), (409, "e2e_transfer_pending"));

        // The first device sees the request, with the key the second registered.
        let (status, waiting) = first.get("/e2e/requests").await;
        assert_eq!(status, 200, "{waiting}");
        assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
        assert_eq!(waiting[0]["request_id"], id.as_str());
        assert_eq!(waiting[0]["key_id"], second_key.as_str());
        assert_eq!(waiting[0]["device_peer_id"], second_peer.as_str());
        let (status, body) = approve(&first, &code).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["state"], "approved");
        assert!(
            !body.to_string().contains(&code),
            "the code is never answered back"
        );
        let (status, body) = approve(&first, &new_transfer_code().expose().clone()).await;
        assert_eq!(
            (status, error_code(&body)),
            (404, "e2e_no_request"),
            "{body}"
        );

        // A wrong code is refused and counted; the transfer stays.
        let (status, body) = accept(&second, &new_transfer_code().expose().clone()).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "transfer_code_wrong"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("4 attempt")
        );
        assert!(e2e_status(&second).await["device_key"].is_null());

        // The right one, typed in lower case with spaces, opens it: everything opens.
        let typed = code.to_lowercase().replace('-', " ");
        let (status, body) = accept(&second, &typed).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["device_key"], body["account_key"], "{body}");
        assert_eq!(body["unopened"], 0, "{body}");
        let expected = vec![("Trip".to_string(), vec!["pack the charger".to_string()])];
        assert_eq!(everything(&second).await, expected, "{}", db.name());

        // The hosted side dropped what it relayed; the transfer cannot be opened twice.
        let row = transfer_row(&db, &hosted, &id).await;
        assert_eq!(
            (row.1.as_str(), &row.2, &row.3, row.5),
            ("accepted", &None, &None, 1)
        );
        let (status, body) = accept(&second, &code).await;
        assert_eq!(
            (status, error_code(&body)),
            (410, "e2e_transfer_accepted"),
            "{body}"
        );

        // Both ways from now on, sealed.
        post_message(&second, &trip, "from the second device").await;
        sync(&second, &second_peer).await;
        let first_peer = e2e_status(&first).await["peer_id"]
            .as_str()
            .unwrap()
            .to_string();
        sync(&first, &first_peer).await;
        let mine = everything(&first).await;
        assert_eq!(mine, everything(&second).await, "{}: converged", db.name());
        assert_eq!(mine[0].1.len(), 2, "{mine:?}");
        let rows = hosted_rows(&db, &hosted).await;
        assert!(rows.iter().all(|r| r.1.is_none() && r.2.is_none()));
        assert!(!format!("{rows:?}").contains("second device"));
        let events: Vec<String> = audited(&second, "e2e_")
            .await
            .into_iter()
            .map(|(event, outcome)| format!("{event} {outcome}"))
            .collect();
        assert_eq!(events, ["e2e_accept refused", "e2e_accept ok"]);
        assert_eq!(audited(&first, "e2e_approve").await.len(), 1);
    }
}

#[tokio::test]
async fn wrong_codes_use_up_the_transfer_and_an_expired_one_is_refused() {
    for db in databases().await {
        let (hosted, first, _trip, second, _peer) = two_devices(&db).await;
        let id = request(&second).await["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        let code = new_transfer_code().expose().clone();
        assert_eq!(approve(&first, &code).await.0, 200);
        for left in (1..5).rev() {
            let (status, body) = accept(&second, &new_transfer_code().expose().clone()).await;
            assert_eq!((status, error_code(&body)), (422, "transfer_code_wrong"));
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(&format!("{left} attempt")), "{message}");
        }
        let (status, body) = accept(&second, &new_transfer_code().expose().clone()).await;
        assert_eq!(
            (status, error_code(&body)),
            (410, "e2e_transfer_failed"),
            "{body}"
        );
        // Used up: the right code opens nothing now, and the hosted side dropped it.
        let (status, body) = accept(&second, &code).await;
        assert_eq!(
            (status, error_code(&body)),
            (410, "e2e_transfer_failed"),
            "{body}"
        );
        let row = transfer_row(&db, &hosted, &id).await;
        assert_eq!((row.1.as_str(), &row.3), ("failed", &None));
        assert!(e2e_status(&second).await["device_key"].is_null());

        // A new request, approved, then past its expiry: refused, and so is its approval.
        let id = request(&second).await["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        let code = new_transfer_code().expose().clone();
        assert_eq!(approve(&first, &code).await.0, 200);
        let past = "UPDATE e2e_transfers SET expires_at = 1000";
        raw(&db, &hosted, &format!("{past} WHERE id = '{id}'")).await;
        let (status, body) = accept(&second, &code).await;
        assert_eq!(
            (status, error_code(&body)),
            (410, "e2e_transfer_expired"),
            "{}: {body}",
            db.name()
        );
        assert!(e2e_status(&second).await["device_key"].is_null());
        let id = request(&second).await["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        raw(&db, &hosted, &format!("{past} WHERE id = '{id}'")).await;
        let (status, body) = approve(&first, &code).await;
        assert_eq!(
            (status, error_code(&body)),
            (404, "e2e_no_request"),
            "{body}"
        );
        let (status, body) = first
            .post(
                "/e2e/approve",
                json!({"transfer_code": code, "request_id": id}),
            )
            .await;
        assert_eq!(
            (status, error_code(&body)),
            (409, "e2e_transfer_expired"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_hosted_side_that_substitutes_the_new_devices_key_gets_nothing() {
    for db in databases().await {
        let (hosted, first, _trip, second, _peer) = two_devices(&db).await;
        let id = request(&second).await["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        // Someone with the hosted database puts their own key in place of the new device's.
        let theirs = IdentityKey::generate().unwrap();
        let sql = format!(
            "UPDATE e2e_transfers SET key_id = '{}', public_key = '{}' WHERE id = '{id}'",
            theirs.key_id().as_str(),
            theirs.public().pem()
        );
        assert_eq!(raw(&db, &hosted, &sql).await, 1);
        let code = new_transfer_code().expose().clone();
        assert_eq!(approve(&first, &code).await.0, 200);

        // They unwrap `w`, but without the code the keyring does not open.
        let (_, _, wrapped, sealed, approver, _) = transfer_row(&db, &hosted, &id).await;
        let (wrapped, sealed, approver) = (wrapped.unwrap(), sealed.unwrap(), approver.unwrap());
        let w = URL_SAFE_NO_PAD.decode(&wrapped).unwrap();
        assert!(
            theirs.unwrap(&w).is_ok(),
            "w was wrapped to the substituted key"
        );
        let transfer = Transfer { wrapped, sealed };
        for guess in 0..3 {
            let guess = if guess == 0 {
                new_transfer_code().expose().clone()
            } else {
                "0".repeat(16)
            };
            assert!(open_transfer(&transfer, &guess, &id, &theirs, &approver).is_err());
        }

        // The real device, even with the right code, says the transfer is not for it.
        let (status, body) = accept(&second, &code).await;
        assert_eq!(
            (status, error_code(&body)),
            (409, "e2e_key_substituted"),
            "{}: {body}",
            db.name()
        );
        assert!(e2e_status(&second).await["device_key"].is_null());
        assert!(everything(&second).await.is_empty());
        assert_eq!(
            audited(&second, "e2e_accept").await,
            [("e2e_accept".to_string(), "refused".to_string())]
        );
    }
}
