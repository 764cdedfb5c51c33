//! Privacy settings in an encrypted account: content redaction, when on, runs before the
//! content is sealed, so what another device opens is the redacted text, and the device
//! that wrote it keeps the original (docs/privacy.md, docs/e2e.md).

use serde_json::json;

use crate::common::databases;
use crate::support::*;

#[tokio::test]
async fn redaction_runs_before_sealing() {
    for db in databases().await {
        let (hosted, token, first, first_peer) = pair_of(&db).await;
        let (status, body, code) = enable(&first).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = first
            .call(
                "PUT",
                "/privacy-settings",
                Some(json!({"redact_synced_content": true})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let chat = create_conversation(&first, "call 415-555-0132").await;
        post_message(&first, &chat, "mail jane@example.com please").await;
        sync(&first, &first_peer).await;

        // Sealed on the hosted side: neither the original nor the redacted text shows.
        let rows = format!("{:?}", hosted_rows(&db, &hosted).await);
        for text in ["jane@example.com", "[EMAIL]", "415-555-0132", "[PHONE]"] {
            assert!(!rows.contains(text), "{}: {text} in {rows}", db.name());
        }
        // Another device opens the redacted text; the writer keeps the original.
        let (second, second_peer) = another_device(&hosted, &token).await;
        assert_eq!(recover(&second, &code, false).await.0, 200);
        sync(&second, &second_peer).await;
        let redacted = vec![(
            "call [PHONE]".to_string(),
            vec!["mail [EMAIL] please".to_string()],
        )];
        assert_eq!(everything(&second).await, redacted, "{}", db.name());
        let original = vec![(
            "call 415-555-0132".to_string(),
            vec!["mail jane@example.com please".to_string()],
        )];
        assert_eq!(everything(&first).await, original);
    }
}
