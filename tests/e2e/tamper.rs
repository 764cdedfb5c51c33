//! A hosted database changed by hand relays versions whose envelope does not open for them:
//! two envelopes swapped, a message moved to another conversation, an old ciphertext under a
//! newer version, a forged tombstone, an unknown epoch, a far-future version. The device
//! applies none of them (its data and its highest version stay as they were), sets each
//! aside and counts it.

use crate::common::{Daemon, Db, databases};
use crate::support::*;

/// Two devices of one encrypted account, both holding everything: the first wrote two
/// conversations, the first of which has two messages.
struct Scene {
    db: Db,
    hosted: Daemon,
    first: Daemon,
    first_peer: String,
    device: Daemon,
    peer: String,
    chat: String,
    other: String,
    m1: String,
    m2: String,
}

async fn scene(db: Db) -> Scene {
    let (hosted, token, first, first_peer) = pair_of(&db).await;
    let chat = create_conversation(&first, "chat").await;
    let other = create_conversation(&first, "other").await;
    let m1 = post_message(&first, &chat, "one").await;
    let m2 = post_message(&first, &chat, "two").await;
    let (status, body, code) = enable(&first).await;
    assert_eq!(status, 201, "{body}");
    let (device, peer) = another_device(&hosted, &token).await;
    let (status, body) = recover(&device, &code, false).await;
    assert_eq!(status, 200, "{body}");
    Scene {
        db,
        hosted,
        first,
        first_peer,
        device,
        peer,
        chat,
        other,
        m1,
        m2,
    }
}

impl Scene {
    async fn row(&self, id: &str) -> HostedRow {
        let rows = hosted_rows(&self.db, &self.hosted).await;
        rows.into_iter().find(|r| r.0 == id).expect("the row")
    }

    async fn set(&self, id: &str, assignments: &str) {
        let account = account_id(&self.hosted).await;
        let sql = format!(
            "UPDATE records SET {assignments} WHERE account_id = '{account}' AND id = '{id}'"
        );
        assert_eq!(raw(&self.db, &self.hosted, &sql).await, 1);
        to_feed_head(&self.db, &self.hosted, id).await;
    }

    /// Syncs the device after a tampering and checks it took none of it: `refused` versions
    /// set aside as `code`, its data and its highest version unchanged.
    async fn refuses(&self, refused: usize, code: &str) {
        let data = everything(&self.device).await;
        let highest = max_version(&self.device).await;
        let aside = set_aside(&self.device, &self.peer).await;
        let summary = sync(&self.device, &self.peer).await;
        let name = self.db.name();
        assert_eq!(summary.unopened, refused, "{name}: {summary:?}");
        assert_eq!(
            everything(&self.device).await,
            data,
            "{name}: data unchanged"
        );
        assert_eq!(
            max_version(&self.device).await,
            highest,
            "{name}: nothing applied"
        );
        assert_eq!(set_aside(&self.device, &self.peer).await, aside + refused);
        let entries = self
            .device
            .state
            .store
            .set_aside_for(&self.peer)
            .await
            .unwrap();
        assert!(
            entries.iter().any(|e| e.code == code),
            "{name}: {entries:?}"
        );
        // `GET /e2e` counts what did not open (not a version past the clock offset).
        if code.starts_with("e2e_") {
            let status = e2e_status(&self.device).await;
            assert!(
                status["unopened"].as_u64().unwrap() >= refused as u64,
                "{status}"
            );
        }
    }
}

#[tokio::test]
async fn two_swapped_envelopes_are_refused() {
    for db in databases().await {
        let s = scene(db).await;
        let (one, two) = (s.row(&s.m1).await.3.unwrap(), s.row(&s.m2).await.3.unwrap());
        s.set(&s.m1, &format!("e2e = '{two}'")).await;
        s.set(&s.m2, &format!("e2e = '{one}'")).await;
        s.refuses(2, "e2e_forged").await;
    }
}

#[tokio::test]
async fn a_message_moved_to_another_conversation_is_refused() {
    for db in databases().await {
        let s = scene(db).await;
        s.set(&s.m1, &format!("conversation_id = '{}'", s.other))
            .await;
        s.refuses(1, "e2e_forged").await;
        let path = format!("/api/conversations/{}/messages", s.other);
        let (_, body) = s.device.get(&path).await;
        assert_eq!(body["items"].as_array().unwrap().len(), 0, "{body}");
        assert_eq!(
            local_record(&s.device, &s.m1).await.conversation_id,
            Some(s.chat.clone())
        );
    }
}

#[tokio::test]
async fn an_old_ciphertext_under_a_newer_version_is_refused() {
    for db in databases().await {
        let s = scene(db).await;
        let old = s.row(&s.m1).await.3.unwrap();
        let path = format!("/api/conversations/{}/messages/{}", s.chat, s.m1);
        let edit = serde_json::json!({"content": "one, edited"});
        assert_eq!(s.first.call("PATCH", &path, Some(edit)).await.0, 200);
        sync(&s.first, &s.first_peer).await;
        sync(&s.device, &s.peer).await;
        assert_eq!(
            local_record(&s.device, &s.m1).await.content.as_deref(),
            Some("one, edited")
        );
        let newer = later(&s.row(&s.m1).await.4);
        s.set(&s.m1, &format!("e2e = '{old}', version = '{newer}'"))
            .await;
        s.refuses(1, "e2e_forged").await;
        assert_eq!(
            local_record(&s.device, &s.m1).await.content.as_deref(),
            Some("one, edited")
        );
    }
}

#[tokio::test]
async fn a_forged_tombstone_is_refused() {
    for db in databases().await {
        let s = scene(db).await;
        // The message's own envelope, under a deleted flag and a newer version.
        let newer = later(&s.row(&s.m2).await.4);
        s.set(&s.m2, &format!("deleted = TRUE, version = '{newer}'"))
            .await;
        s.refuses(1, "e2e_forged").await;
        // A tombstone with no envelope at all: plaintext in an encrypted account.
        let newer = later(&newer);
        s.set(
            &s.chat,
            &format!("deleted = TRUE, e2e = NULL, version = '{newer}'"),
        )
        .await;
        s.refuses(1, "e2e_plaintext").await;
        assert!(!local_record(&s.device, &s.m2).await.deleted);
        assert!(!local_record(&s.device, &s.chat).await.deleted);
    }
}

#[tokio::test]
async fn an_envelope_of_an_unknown_epoch_is_refused() {
    for db in databases().await {
        let s = scene(db).await;
        let sealed = s.row(&s.other).await.3.unwrap();
        let moved = sealed.replacen("v1.1.", "v1.7.", 1);
        s.set(&s.other, &format!("e2e = '{moved}'")).await;
        s.refuses(1, "e2e_unknown_epoch").await;
    }
}

#[tokio::test]
async fn a_far_future_version_is_refused_before_it_moves_the_clock() {
    for db in databases().await {
        let s = scene(db).await;
        // The conversation's own envelope under a version stamped a year ahead: were it
        // applied, its record would be stamped past it on every later edit. Past the clock
        // offset, it is set aside before any envelope is opened (and its envelope, bound to
        // the version, would not open either); nothing moves.
        let version = s.row(&s.other).await.4;
        let (ms, rest) = version.split_at(15);
        let ahead: i64 = ms.parse::<i64>().unwrap() + 365 * 24 * 3600 * 1000;
        s.set(&s.other, &format!("version = '{ahead:015}{rest}'"))
            .await;
        s.refuses(1, "clock_offset_exceeded").await;
        let next = create_conversation(&s.device, "after").await;
        let stamped = local_record(&s.device, &next).await.version;
        let ahead = format!("{ahead:015}");
        assert!(
            stamped[..15] < ahead[..],
            "{stamped} took the clock of {ahead}"
        );
    }
}
