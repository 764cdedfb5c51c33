//! Pairing codes that must not pair: spent, random, expired, bound to another key, raced by
//! twenty clients at once, or tried too often from one address.

use serde_json::json;

use crate::common::{self, account, error_code, read};
use crate::fixture::{Pairing, post_hosted};

#[tokio::test]
async fn spent_expired_random_and_bound_codes_are_refused_and_leave_nothing() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let code = h.code().await;
        assert_eq!(h.pair(&code).await.0, 201);

        let (status, body) = h.pair(&code).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_used"),
            "{body}"
        );

        let random = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789";
        let (status, body) = h.pair(random).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_invalid"),
            "{body}"
        );

        let expiring = h.code().await;
        h.advance(10 * 60 + 1);
        let (status, body) = h.pair(&expiring).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_expired"),
            "{body}"
        );

        // A code bound to another local key is refused and stays unused.
        let other_key = "ab".repeat(32);
        let bound = h
            .code_for(&h.token, Some(json!({"local_key_id": other_key})))
            .await;
        let (status, body) = h.pair(&bound).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_bound"),
            "{body}"
        );
        // Bound to this local key, it works.
        let mine = h.local.state.identity.key_id().to_string();
        let bound = h
            .code_for(&h.token, Some(json!({"local_key_id": mine})))
            .await;
        assert_eq!(h.pair(&bound).await.0, 201, "{}", db.name());

        // Only the two good pairings exist, on both ends.
        assert_eq!(h.hosted_peers(&h.token).await.len(), 2, "{}", db.name());
        assert_eq!(h.local_peers().await.len(), 2);

        // Another account's code pairs into that account, never into this one.
        let bob = account(&h.hosted, "bob").await;
        let bobs_code = h.code_for(&bob, None).await;
        assert_eq!(h.pair(&bobs_code).await.0, 201);
        assert_eq!(h.hosted_peers(&bob).await.len(), 1);
        assert_eq!(h.hosted_peers(&h.token).await.len(), 2);

        let refused = h.hosted.state.store.audit_entries(50).await.unwrap();
        let codes: Vec<_> = refused
            .iter()
            .filter(|e| e.event == "register_peer" && e.outcome == "refused")
            .filter_map(|e| e.detail.clone())
            .collect();
        for expected in [
            "pairing_code_used",
            "pairing_code_invalid",
            "pairing_code_expired",
        ] {
            assert!(
                codes.iter().any(|c| c == expected),
                "{expected} not audited: {codes:?}"
            );
        }
        assert!(
            refused.iter().all(|e| e.ip.is_some()),
            "audit rows carry the client ip"
        );
    }
}

#[tokio::test]
async fn twenty_parallel_pairings_with_one_code_have_one_winner() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let code = h.code().await;
        let attempts = (0..20).map(|_| h.pair(&code));
        let outcomes = futures_util::future::join_all(attempts).await;
        let won = outcomes.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(won, 1, "{}: {outcomes:?}", db.name());
        for (status, body) in outcomes.iter().filter(|(s, _)| *s != 201) {
            assert_eq!(
                (*status, error_code(body)),
                (422, "pairing_code_used"),
                "{body}"
            );
        }
        assert_eq!(h.hosted_peers(&h.token).await.len(), 1);
        assert_eq!(h.local_peers().await.len(), 1);
    }
}

#[tokio::test]
async fn pairing_attempts_are_limited_per_client_address() {
    let h = Pairing::start(&common::Db::Sqlite).await;
    let limit = h.hosted.state.config.rate_limits.pairing;
    for _ in 0..limit.burst {
        let (status, _) = post_hosted(&h, &json!({})).await;
        assert_eq!(status, 422);
    }
    let response = h
        .http
        .post(h.hosted.url("/register-peer"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry_after, 60 / i64::from(limit.per_minute));
    let (_, body) = read(response).await;
    assert_eq!(error_code(&body), "rate_limited");
    // A good pairing from the same address is refused too, before any work.
    let code = h.code().await;
    let (status, body) = h.pair(&code).await;
    assert_eq!((status, error_code(&body)), (429, "rate_limited"), "{body}");
    // Once the wait is over, one more attempt is allowed: the limit slides.
    h.advance(retry_after);
    let (status, body) = h.pair(&code).await;
    assert_eq!(status, 201, "{body}");
}
