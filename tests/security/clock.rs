//! One peer against everyone's clock. Before the bound, a peer of account A pushed a version
//! stamped `999999999999999-999999-...`; the hosted daemon's one clock followed it, account
//! B's next write there was stamped with 16 digits (a malformed version), and B's local
//! daemon failed every sync from then on, across restarts.

use backend_8825::sync::hlc::{Stamp, VERSION_LEN, format_version, parse_version};
use backend_8825::sync::sync_peer_now;
use serde_json::json;

use crate::common::{self, Daemon, account, pair};
use crate::peer::{conversation, create, push, sync_body};

/// The stamp (ms) of the version a hosted account holds for `id`.
async fn stored_ms(hosted: &Daemon, token: &str, id: &str) -> (i64, String) {
    let account = backend_8825::accounts::authenticate(hosted.state.store.as_ref(), token)
        .await
        .unwrap()
        .unwrap();
    let record = hosted
        .state
        .store
        .record(&account.id, id)
        .await
        .unwrap()
        .unwrap();
    (parse_version(&record.version).unwrap().0.ms, record.version)
}

#[tokio::test]
async fn a_peer_cannot_move_the_clock_of_any_account() {
    for db in common::databases().await {
        let name = db.name();
        let mut hosted = Daemon::hosted().on(&db).start().await;
        let (token_a, token_b) = (account(&hosted, "a").await, account(&hosted, "b").await);
        let local_a = Daemon::local().automatic_sync(false).start().await;
        let local_b = Daemon::local().automatic_sync(false).start().await;
        let peer_a = pair(&local_a, &hosted, &token_a).await;
        let peer_b = pair(&local_b, &hosted, &token_b).await;
        let now_ms = hosted.now() * 1000;
        let id = uuid::Uuid::now_v7().to_string();

        // The attack: a version at the very end of the format. Refused, with its own code,
        // and nothing of it is stored.
        let end = Stamp {
            ms: 999_999_999_999_999,
            counter: 999_999,
        };
        let body = sync_body(&[conversation(&id, "poison", end, &local_a.id())]);
        let (status, answer) = push(&local_a, &hosted, &peer_a, &body).await;
        assert_eq!(status, 200, "{name}: {answer}");
        assert_eq!(
            answer["refused"][0]["code"], "clock_offset_exceeded",
            "{name}"
        );
        assert_eq!(answer["refused"][0]["id"], id.as_str(), "{name}");
        let message = answer["refused"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("ahead of this backend's clock"),
            "{message}"
        );
        let (status, _) = hosted
            .call_as(&token_a, "GET", &format!("/api/conversations/{id}"), None)
            .await;
        assert_eq!(status, 404, "{name}: the refused version was not stored");

        // Just past the bound (five minutes by default) is refused too; just within it is
        // taken: a clock a few minutes fast still syncs.
        let past = Stamp {
            ms: now_ms + 300_001,
            counter: 0,
        };
        let body = sync_body(&[conversation(&id, "late", past, &local_a.id())]);
        let (status, answer) = push(&local_a, &hosted, &peer_a, &body).await;
        assert_eq!(status, 200, "{name}: {answer}");
        assert_eq!(
            answer["refused"][0]["code"], "clock_offset_exceeded",
            "{name}"
        );
        let ahead = Stamp {
            ms: now_ms + 240_000,
            counter: 7,
        };
        let body = sync_body(&[conversation(&id, "fast clock", ahead, &local_a.id())]);
        let (status, answer) = push(&local_a, &hosted, &peer_a, &body).await;
        assert_eq!(status, 200, "{name}: {answer}");
        assert!(answer.get("refused").is_none(), "{name}: {answer}");

        // Account B's next write on the hosted daemon is stamped by the hosted clock, not
        // by A's version: well-formed, and now.
        let (status, created) = create(&hosted, &token_b, "b").await;
        assert_eq!(status, 201, "{name}: {created}");
        let b_id = created["id"].as_str().unwrap();
        let (ms, version) = stored_ms(&hosted, &token_b, b_id).await;
        assert_eq!(version.len(), VERSION_LEN, "{name}: {version}");
        assert_eq!(
            ms, now_ms,
            "{name}: B's version follows the hosted clock only"
        );

        // An edit of A's record on the hosted daemon still wins over the version it replaces.
        let (status, body) = hosted
            .call_as(
                &token_a,
                "PATCH",
                &format!("/api/conversations/{id}"),
                Some(json!({"title": "edited"})),
            )
            .await;
        assert_eq!(status, 200, "{name}: {body}");
        let (_, edited) = stored_ms(&hosted, &token_a, &id).await;
        assert!(
            edited > format_version(ahead, &local_a.id()),
            "{name}: {edited}"
        );

        // Both local daemons sync: B gets its conversation, A the edit.
        let b = sync_peer_now(&local_b.state, &peer_b).await;
        assert!(b.is_ok_and(|s| s.pulled >= 1), "{name}");
        let a = sync_peer_now(&local_a.state, &peer_a).await;
        assert!(a.is_ok_and(|s| s.pulled >= 1), "{name}");

        // After a restart the clock still follows the hosted time, not A's version.
        hosted.restart().await;
        let (status, created) = create(&hosted, &token_b, "b2").await;
        assert_eq!(status, 201, "{name}: {created}");
        let (ms, _) = stored_ms(&hosted, &token_b, created["id"].as_str().unwrap()).await;
        assert_eq!(ms, hosted.now() * 1000, "{name}");
    }
}

/// The pulling side bounds what it takes too: a hosted backend (or what it relays) cannot
/// push a local daemon's clock past the offset either; such a version is set aside, and the
/// versions behind it apply.
#[tokio::test]
async fn a_local_daemon_refuses_pulled_versions_past_the_offset() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        let account_id = hosted.state.store.peers(None).await.unwrap()[0]
            .account_id
            .clone();
        // Stored directly (as a database restored from before the bound could hold it).
        let far = Stamp {
            ms: hosted.now() * 1000 + 3_600_000,
            counter: 0,
        };
        let id = uuid::Uuid::now_v7().to_string();
        let poison = conversation(&id, "from the future", far, &hosted.id());
        let far_version = poison.version.clone();
        hosted
            .state
            .store
            .apply_versions(&account_id, &[poison], None, None)
            .await
            .unwrap();
        // A version behind it, as the hosted account API writes one.
        let (status, behind) = create(&hosted, &token, "behind it").await;
        assert_eq!(status, 201, "{name}: {behind}");
        let highest = local.state.store.max_version().await.unwrap();
        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(summary.unopened, 1, "{name}: {summary:?}");
        let stored = local.state.store.record("local", &id).await.unwrap();
        assert!(
            stored.is_none(),
            "{name}: the version past the offset is not applied"
        );
        let aside = local.state.store.set_aside_for(&peer).await.unwrap();
        assert_eq!(aside.len(), 1, "{name}: {aside:?}");
        assert_eq!(aside[0].code, "clock_offset_exceeded");
        assert!(aside[0].message.contains("ahead"), "{}", aside[0].message);
        // ... and does not stop the one behind it, nor move the local clock.
        let behind_id = behind["id"].as_str().unwrap();
        let applied = local.state.store.record("local", behind_id).await.unwrap();
        assert!(applied.is_some(), "{name}: the version behind it applied");
        let now = local.state.store.max_version().await.unwrap();
        assert!(
            now > highest && now.as_deref() < Some(far_version.as_str()),
            "{name}: {now:?}"
        );
    }
}
