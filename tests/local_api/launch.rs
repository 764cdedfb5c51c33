//! Launch URLs open a browser session: once, for two minutes; the session lasts twelve hours
//! and its writes need its CSRF token.

use backend_8825::clock::Clock;
use backend_8825::local_api::SESSION_COOKIE;
use chrono::Duration;

use crate::client::local_daemon;

#[tokio::test]
async fn a_launch_url_works_once_and_opens_a_session_that_needs_csrf_on_writes() {
    let local = local_daemon().await;
    let addr = local.daemon.addr;
    let token = local.launch_token().await;
    let session = local.launch(&token).await.expect("the launch URL works");
    let replay = local
        .launch(&token)
        .await
        .expect_err("a launch URL works once");
    assert_eq!(replay.error(), (401, "unauthorized".into()));
    for bad in ["/launch?token=nope", "/launch", "/launch?token="] {
        let answer = local.req("GET", bad).send(addr).await;
        assert_eq!(answer.error(), (401, "unauthorized".into()), "{bad}");
    }
    // HEAD spends nothing (link previews, prefetchers).
    let spare = local.launch_token().await;
    let head = format!("/launch?token={spare}");
    assert_eq!(local.req("HEAD", &head).send(addr).await.status, 204);
    assert!(local.launch(&spare).await.is_ok());

    let cookie = format!("{SESSION_COOKIE}={session}");
    let answer = local.req("GET", "/session").header("Cookie", &cookie);
    let answer = answer.send(addr).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["auth"], "session");
    let csrf = answer.json()["csrf"].as_str().unwrap().to_string();
    assert_ne!(csrf, session);
    // Among other cookies (another app on localhost sets its own).
    let crowded = format!("theme=dark; {SESSION_COOKIE}=stale; {cookie}");
    let answer = local.req("GET", "/session").header("Cookie", crowded);
    assert_eq!(answer.send(addr).await.status, 200);
    let forged = format!("{SESSION_COOKIE}={token}");
    let answer = local.req("GET", "/session").header("Cookie", forged);
    assert_eq!(
        answer.send(addr).await.error(),
        (401, "unauthorized".into())
    );

    // A write with the cookie needs this session's CSRF token.
    let write = |csrf: Option<&str>| {
        let mut req = local
            .req("POST", "/no/such/route")
            .json()
            .header("Cookie", &cookie);
        if let Some(csrf) = csrf {
            req = req.header("X-CSRF-Token", csrf);
        }
        req
    };
    let forged_csrf = format!("{csrf}x");
    for bad in [None, Some(forged_csrf.as_str()), Some(session.as_str())] {
        let answer = write(bad).send(addr).await;
        assert_eq!(answer.error(), (401, "unauthorized".into()), "{bad:?}");
    }
    let answer = write(Some(&csrf)).send(addr).await;
    assert_eq!(
        answer.error(),
        (404, "not_found".into()),
        "passes the guard"
    );
    // A session cannot mint launch URLs; the Bearer alone can.
    let mint = local
        .req("POST", "/launch-tokens")
        .json()
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf);
    assert_eq!(mint.send(addr).await.error(), (403, "forbidden".into()));
    // A wrong Bearer is not rescued by a good cookie.
    let both = local
        .req("GET", "/session")
        .header("Cookie", &cookie)
        .header("Authorization", "Bearer wrong");
    assert_eq!(both.send(addr).await.error(), (401, "unauthorized".into()));
}

#[tokio::test]
async fn launch_urls_expire_after_two_minutes_and_sessions_after_twelve_hours() {
    let local = local_daemon().await;
    let clock = local.daemon.clock.clone();

    let issue = local
        .req("POST", "/launch-tokens")
        .json()
        .bearer(&local.secret);
    let issued = issue.send(local.daemon.addr).await.json();
    let expires_at = issued["expires_at"].as_str().unwrap();
    let expires_at = chrono::DateTime::parse_from_rfc3339(expires_at).unwrap();
    assert_eq!(
        expires_at.timestamp(),
        (clock.now() + Duration::minutes(2)).timestamp()
    );
    let late = local.launch_token().await;
    clock.advance(Duration::minutes(2));
    let answer = local.launch(&late).await.expect_err("expired");
    assert_eq!(answer.error(), (401, "unauthorized".into()));
    // A browser that opens the expired link gets a page that says how to get a new one.
    let target = format!("/launch?token={late}");
    let page = local
        .req("GET", &target)
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send(local.daemon.addr)
        .await;
    assert_eq!(page.status, 401);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html"),
        "{page:?}"
    );
    assert!(
        page.body.contains("expired or was already used"),
        "{page:?}"
    );
    let data_dir = local.daemon.state.config.data_dir.display().to_string();
    assert!(
        page.body
            .contains(&format!("backend-8825 ui --data-dir {data_dir}")),
        "{page:?}"
    );
    assert!(!page.body.contains(&late), "the token is not echoed");
    assert!(!page.body.contains("<script"), "{page:?}");

    let token = local.launch_token().await;
    clock.advance(Duration::minutes(2) - Duration::seconds(1));
    let session = local.launch(&token).await.expect("still valid");
    let cookie = format!("{SESSION_COOKIE}={session}");
    let who = || local.req("GET", "/session").header("Cookie", &cookie);
    assert_eq!(who().send(local.daemon.addr).await.status, 200);
    clock.advance(Duration::hours(12) - Duration::seconds(1));
    assert_eq!(who().send(local.daemon.addr).await.status, 200);
    clock.advance(Duration::seconds(1));
    let answer = who().send(local.daemon.addr).await;
    assert_eq!(answer.error(), (401, "unauthorized".into()));
}
