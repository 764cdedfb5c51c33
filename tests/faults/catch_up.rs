//! A long catch-up, several pages each way, with the hosted daemon restarted mid-sync several
//! times and the local one once: it ends identical, nothing lost or doubled.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use crate::common::proxy::{Mode, Proxy};
use backend_8825::config::RateLimit;

use crate::common::{self, Daemon, account, eventually, pair_via};
use crate::replicas::{Expect, check, snapshot};

/// Messages written on each side while the link is down: three pages of 500 each way.
const EACH_SIDE: usize = 1200;
const WAIT: Duration = Duration::from_secs(120);

async fn write_many(daemon: &Daemon, title: &str, expected: &mut BTreeMap<String, Expect>) {
    let (status, body) = daemon
        .post("/api/conversations", json!({"title": title}))
        .await;
    assert_eq!(status, 201, "{body}");
    let conv = body["id"].as_str().unwrap().to_string();
    expected.insert(conv.clone(), Expect::Title(title.into()));
    let path = format!("/api/conversations/{conv}/messages");
    for i in 0..EACH_SIDE {
        let content = format!("{title} {i}");
        let (status, body) = daemon
            .post(&path, json!({"role": "user", "content": content}))
            .await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_str().unwrap().to_string();
        expected.insert(id, Expect::Content(content));
    }
}

/// How many of the `expected` records `daemon` holds.
async fn held(daemon: &Daemon, account: Option<&str>, of: &BTreeMap<String, Expect>) -> usize {
    let replica = snapshot(daemon, account).await;
    of.keys().filter(|id| replica.contains_key(*id)).count()
}

#[tokio::test]
async fn a_catch_up_of_thousands_of_versions_killed_mid_sync_ends_identical() {
    let seed = crate::seed("faults::catch_up");
    for db in common::databases().await {
        // The test writes on the hosted side faster than the account API's rate limit allows.
        let mut hosted = Daemon::hosted()
            .on(&db)
            .config(|c| c.rate_limits.account_api = RateLimit::OFF)
            .start()
            .await;
        let token = account(&hosted, "alice").await;
        hosted.bearer = token.clone();
        let account = hosted
            .state
            .store
            .account_by_name("alice")
            .await
            .unwrap()
            .unwrap()
            .id;
        let proxy = Proxy::with_seed(hosted.addr, seed).await;
        let mut local = Daemon::local()
            .automatic_sync(true)
            .config(|c| c.sync.interval = Duration::from_millis(250))
            .start()
            .await;
        pair_via(&local, &hosted, &token, &proxy.url()).await;

        // Offline: each side writes its share.
        proxy.set_mode(Mode::Refuse);
        let (mut from_local, mut from_hosted) = (BTreeMap::new(), BTreeMap::new());
        write_many(&local, "written offline on local", &mut from_local).await;
        write_many(&hosted, "written on hosted meanwhile", &mut from_hosted).await;

        // Back, slowly enough that each page takes a while; killed at a quarter, half and
        // three quarters of the way up, and the local daemon once on the way down.
        proxy.set_latency(Duration::from_millis(40));
        proxy.set_mode(Mode::Pass);
        let total = from_local.len();
        let mut mid_sync = 0;
        for quarter in 1..=3 {
            let at = total * quarter / 4;
            eventually(
                &format!("{at} versions up ({} seed {seed})", db.name()),
                WAIT,
                || async { held(&hosted, Some(&account), &from_local).await >= at },
            )
            .await;
            if held(&hosted, Some(&account), &from_local).await < total {
                mid_sync += 1;
            }
            hosted.restart().await;
        }
        eventually("some versions down", WAIT, || async {
            held(&local, None, &from_hosted).await >= from_hosted.len() / 3
        })
        .await;
        if held(&local, None, &from_hosted).await < from_hosted.len() {
            mid_sync += 1;
        }
        local.restart().await;
        proxy.set_latency(Duration::ZERO);

        let mut expected = from_local;
        expected.extend(from_hosted);
        let context = format!("{} seed {seed}", db.name());
        eventually(
            &format!("both replicas complete ({context})"),
            WAIT,
            || async {
                let reference = snapshot(&hosted, Some(&account)).await;
                check(&reference, &expected).is_ok() && snapshot(&local, None).await == reference
            },
        )
        .await;
        let reference = snapshot(&hosted, Some(&account)).await;
        check(&reference, &expected).unwrap_or_else(|e| panic!("{e} ({context})"));
        assert_eq!(snapshot(&local, None).await, reference, "{context}");
        assert!(
            mid_sync >= 2,
            "at least two kills landed mid-sync ({mid_sync}, {context})"
        );
    }
}
