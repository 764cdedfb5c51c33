//! Accounts and pairing codes on SQLite and Postgres: tokens authenticate, codes redeem
//! exactly once, expire after ten minutes, and are never stored in the clear.

mod common;

use std::process::Command;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backend_8825::accounts::{self, secrets};
use backend_8825::app::{build_state_with_clock, router};
use backend_8825::clock::{Clock, ManualClock};
use backend_8825::config::Mode;
use backend_8825::store::{Redemption, StoreError};
use chrono::{Duration, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

#[tokio::test]
async fn codes_redeem_once_and_expire_after_ten_minutes() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(Mode::Hosted, dir.path(), &db).await;
        let clock = ManualClock::new(Utc::now());
        let store = state.store.as_ref();
        let (account, token) = accounts::create_account(store, &clock, "alice")
            .await
            .unwrap();
        let found = accounts::authenticate(store, token.expose()).await.unwrap();
        assert_eq!(found.as_ref(), Some(&account), "{}", db.name());
        assert_eq!(
            accounts::authenticate(store, "b8825_at_forged")
                .await
                .unwrap(),
            None
        );
        let dup = accounts::create_account(store, &clock, "alice")
            .await
            .unwrap_err();
        assert!(
            matches!(dup, accounts::AccountError::Store(StoreError::Conflict(_))),
            "{dup}"
        );

        let issued = accounts::issue_pairing_code(store, &clock, &account, None)
            .await
            .unwrap();
        assert_eq!(issued.expires_at, clock.now() + Duration::minutes(10));
        // Typed in lower case without dashes, it still redeems.
        let typed = issued.code.expose().replace('-', "").to_lowercase();
        let first = accounts::redeem_pairing_code(store, &clock, &typed)
            .await
            .unwrap();
        assert!(matches!(first, Redemption::Redeemed(ref r) if r.account_id == account.id));
        let again = accounts::redeem_pairing_code(store, &clock, issued.code.expose()).await;
        assert_eq!(again.unwrap(), Redemption::AlreadyUsed);
        let random = secrets::new_pairing_code();
        let unknown = accounts::redeem_pairing_code(store, &clock, random.expose()).await;
        assert_eq!(unknown.unwrap(), Redemption::Unknown);

        let late = accounts::issue_pairing_code(store, &clock, &account, None)
            .await
            .unwrap();
        clock.advance(Duration::minutes(10));
        let expired = accounts::redeem_pairing_code(store, &clock, late.code.expose()).await;
        assert_eq!(expired.unwrap(), Redemption::Expired, "{}", db.name());
    }
}

#[tokio::test]
async fn twenty_parallel_redemptions_have_exactly_one_winner() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(Mode::Hosted, dir.path(), &db).await;
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let (account, _) = accounts::create_account(state.store.as_ref(), clock.as_ref(), "bob")
            .await
            .unwrap();
        let issued =
            accounts::issue_pairing_code(state.store.as_ref(), clock.as_ref(), &account, None)
                .await
                .unwrap();
        let racers = (0..20).map(|_| {
            let (store, clock, code) = (state.store.clone(), clock.clone(), issued.code.clone());
            tokio::spawn(async move {
                accounts::redeem_pairing_code(store.as_ref(), clock.as_ref(), code.expose()).await
            })
        });
        let mut outcomes = Vec::new();
        for racer in racers {
            outcomes.push(racer.await.unwrap().unwrap());
        }
        let winners = outcomes
            .iter()
            .filter(|o| matches!(o, Redemption::Redeemed(_)))
            .count();
        assert_eq!(winners, 1, "{}: {outcomes:?}", db.name());
        assert!(
            outcomes
                .iter()
                .all(|o| matches!(o, Redemption::Redeemed(_) | Redemption::AlreadyUsed))
        );
    }
}

async fn post_code(
    app: axum::Router,
    auth: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::post("/pairing-codes");
    if let Some(auth) = auth {
        request = request.header(header::AUTHORIZATION, auth);
    }
    let body = match body {
        Some(b) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let response = app.oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn pairing_codes_over_http_need_a_valid_account_token() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let config = common::config(Mode::Hosted, dir.path(), &db);
        let state =
            build_state_with_clock(config, common::mock_keychain(dir.path()), clock.clone())
                .await
                .unwrap();
        let (_, token) = accounts::create_account(state.store.as_ref(), clock.as_ref(), "carol")
            .await
            .unwrap();
        let bearer = format!("Bearer {}", token.expose());

        for auth in [
            None,
            Some("Bearer b8825_at_wrong"),
            Some("Basic abc"),
            Some(token.expose().as_str()),
        ] {
            let (status, body) = post_code(router(state.clone()), auth, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
            assert_eq!(body["error"]["code"], "unauthorized");
        }
        let (status, body) = post_code(router(state.clone()), Some(&bearer), None).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", db.name());
        let code = body["code"].as_str().unwrap();
        assert_eq!(secrets::normalize_code(code).len(), 32);
        let expires =
            chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
        assert_eq!(
            expires.timestamp(),
            (clock.now() + Duration::minutes(10)).timestamp()
        );

        let bound = format!(r#"{{"local_key_id":"{}"}}"#, "ab".repeat(32));
        let (status, _) = post_code(router(state.clone()), Some(&bearer), Some(&bound)).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = post_code(
            router(state.clone()),
            Some(&bearer),
            Some(r#"{"local_key_id":"nope"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = post_code(router(state), Some(&bearer), Some("{")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
}

#[test]
fn the_cli_prints_only_the_secret_on_stdout() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("hosted.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_backend-8825"))
            .env_clear()
            .env("HOME", home.path())
            .env("DATABASE_URL", &url)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["account", "create", "dave"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    assert!(token.trim().starts_with(secrets::ACCOUNT_TOKEN_PREFIX) && token.lines().count() == 1);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(token.trim()));

    let out = run(&["pairing-code", "--account", "dave"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8(out.stdout).unwrap();
    assert_eq!(secrets::normalize_code(code.trim()).len(), 32);

    let out = run(&["pairing-code", "--account", "nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account named \"nobody\""));
    let out = run(&["account", "create", "Bad Name"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
