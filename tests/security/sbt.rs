//! The SBT's eight hours. Its MAC key derives from the pair key, which the local daemon
//! holds: before, the holder minted a token ten years long and the hosted daemon took it,
//! even once the expiry it had recorded was past.

use backend_8825::handshake::pair_key::Kid;
use backend_8825::handshake::sbt::{ExpectedBinding, SessionBindingToken};
use serde_json::json;

use crate::common;
use crate::peer::{current_key, paired, push_with};

#[tokio::test]
async fn only_the_sbt_the_hosted_daemon_issued_is_taken_and_only_for_its_eight_hours() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, _token, local, peer) = paired(&db).await;
        let body = json!({"v": 1, "epoch": "e", "since": null, "push_through": 0, "changes": []});

        // The issued token works.
        let (row, key) = current_key(&local, &peer).await;
        let (status, answer) = push_with(&local, &hosted, &peer, &body, &row, &key).await;
        assert_eq!(status, 200, "{name}: {answer}");

        // A token minted with the pair key, ten years long, is refused.
        let issued = row.sbt.clone().unwrap();
        let kid: Kid = row.kid.parse().unwrap();
        let mut claims = SessionBindingToken::verify(
            &issued,
            &key,
            &ExpectedBinding::new(&peer, &kid),
            local.now(),
        )
        .unwrap();
        claims.exp += 10 * 365 * 86_400;
        let mut minted = row.clone();
        minted.sbt = Some(SessionBindingToken::issue(&key, &claims));
        let (status, answer) = push_with(&local, &hosted, &peer, &body, &minted, &key).await;
        assert_eq!(status, 401, "{name}: {answer}");
        assert_eq!(answer["error"]["code"], "sbt_invalid", "{name}");

        // Past the recorded eight hours, neither the issued nor a minted token is taken.
        hosted.advance(8 * 3600 + 1);
        local.advance(8 * 3600 + 1);
        let (status, answer) = push_with(&local, &hosted, &peer, &body, &row, &key).await;
        assert_eq!(status, 401, "{name}: {answer}");
        assert_eq!(answer["error"]["code"], "sbt_expired", "{name}");
        let (status, answer) = push_with(&local, &hosted, &peer, &body, &minted, &key).await;
        assert_eq!(status, 401, "{name}: {answer}");
        assert_eq!(answer["error"]["code"], "sbt_invalid", "{name}");
    }
}
