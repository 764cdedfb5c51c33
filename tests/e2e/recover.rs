//! Recovery: a fresh device of the account, with the recovery code, gets the key the hosted
//! side keeps sealed, opens everything, and converges with the device that enabled.

use crate::common::{databases, error_code};
use crate::support::*;

#[tokio::test]
async fn a_fresh_device_recovers_with_the_code_and_both_converge() {
    for db in databases().await {
        let (hosted, token, first, first_peer) = pair_of(&db).await;
        let trip = create_conversation(&first, "Trip").await;
        post_message(&first, &trip, "pack the charger").await;
        let gone = post_message(&first, &trip, "to delete").await;
        create_conversation(&first, "Recipes").await;
        let (status, body, code) = enable(&first).await;
        assert_eq!(status, 201, "{body}");
        let path = format!("/api/conversations/{trip}/messages/{gone}");
        assert_eq!(first.call("DELETE", &path, None).await.0, 204);
        sync(&first, &first_peer).await;

        // A fresh device pulls only what it cannot open: nothing is applied.
        let (second, second_peer) = another_device(&hosted, &token).await;
        let summary = sync(&second, &second_peer).await;
        assert_eq!(summary.unopened, 4, "{}: {summary:?}", db.name());
        assert!(everything(&second).await.is_empty());
        assert_eq!(e2e_status(&second).await["unopened"], 4);

        // A wrong code opens nothing; the right one, with --check, changes nothing.
        let (status, body) = recover(&second, &new_code(), false).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "recovery_code_wrong"),
            "{body}"
        );
        let (status, body) = recover(&second, &code, true).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["checked"], true);
        assert!(body["device_key"].is_null(), "check stores no key: {body}");
        assert!(everything(&second).await.is_empty());

        // Recovered: everything opens; typed in lower case with spaces, it is the same code.
        let typed = code.to_lowercase().replace('-', " ");
        let (status, body) = recover(&second, &typed, false).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["device_key"], body["account_key"], "{body}");
        assert_eq!(body["unopened"], 0, "{body}");
        let expected = vec![
            ("Recipes".to_string(), vec![]),
            ("Trip".to_string(), vec!["pack the charger".to_string()]),
        ];
        assert_eq!(everything(&second).await, expected, "{}", db.name());
        let events: Vec<String> = audited(&second, "e2e_")
            .await
            .into_iter()
            .map(|(event, outcome)| format!("{event} {outcome}"))
            .collect();
        let expected_events = [
            "e2e_recover refused",
            "e2e_recover_check ok",
            "e2e_recover ok",
        ];
        assert_eq!(events, expected_events);

        // Both ways from now on, sealed.
        post_message(&second, &trip, "from the second device").await;
        sync(&second, &second_peer).await;
        post_message(&first, &trip, "from the first device").await;
        sync(&first, &first_peer).await;
        sync(&second, &second_peer).await;
        let mine = everything(&first).await;
        assert_eq!(mine, everything(&second).await, "{}: converged", db.name());
        assert_eq!(mine[1].1.len(), 3, "{mine:?}");
        let rows = hosted_rows(&db, &hosted).await;
        assert!(
            rows.iter()
                .all(|r| r.1.is_none() && r.2.is_none() && r.3.is_some())
        );
        assert!(!format!("{rows:?}").contains("second device"));
    }
}

#[tokio::test]
async fn recovery_needs_an_encrypted_account_and_a_recovery_code() {
    let db = crate::common::Db::Sqlite;
    let (_hosted, _token, local, _peer) = pair_of(&db).await;
    let (status, body) = recover(&local, &new_code(), true).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "e2e_not_enabled"),
        "{body}"
    );
    let (status, body) = recover(&local, "not a code", false).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "invalid_request"),
        "{body}"
    );
    assert!(!body.to_string().contains("not a code"));
}
