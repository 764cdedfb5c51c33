//! `alerts.webhook_url`: each transition is POSTed as JSON, and a refused delivery is tried
//! again with the shared backoff.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::routing::post;
use backend_8825::sync::sync_peer_now;
use serde_json::Value;

use crate::common::{self, Daemon, eventually};

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Value>>>);

impl Received {
    fn all(&self) -> Vec<Value> {
        self.0.lock().unwrap().clone()
    }
}

/// A receiver that refuses the first delivery with 503 and takes the rest; returns its URL.
async fn receiver(received: Received) -> String {
    let app = axum::Router::new().route(
        "/hook",
        post(move |Json(body): Json<Value>| {
            let received = received.clone();
            async move {
                let mut all = received.0.lock().unwrap();
                all.push(body);
                if all.len() == 1 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn each_transition_reaches_the_webhook_after_a_refusal() {
    let received = Received::default();
    let url = receiver(received.clone()).await;
    let (hosted, token) = common::hosted_with_account(&common::Db::Sqlite).await;
    let local = Daemon::local()
        .automatic_sync(false)
        .config(move |c| {
            c.alerts.evaluate_interval = Duration::from_secs(1);
            c.alerts.webhook_url = Some(url);
        })
        .start()
        .await;
    let peer = common::pair(&local, &hosted, &token).await;
    local.advance(600);
    sync_peer_now(&local.state, &peer).await.unwrap();
    let limit = Duration::from_secs(30);
    let delivered = |state: &'static str| {
        let received = received.clone();
        move || {
            let received = received.clone();
            async move {
                received
                    .all()
                    .iter()
                    .filter(|b| b["state"] == state)
                    .count()
                    >= 2
            }
        }
    };
    // The first POST was refused: the same transition comes again.
    eventually("the firing, twice", limit, delivered("firing")).await;
    let fired = received.all()[0].clone();
    assert_eq!(fired["rule"], "clock_skew", "{fired}");
    assert_eq!(fired["subject"], "daemon");
    assert_eq!(fired["backend_id"], local.id());
    assert!(
        fired["message"].as_str().unwrap().contains("600 s"),
        "{fired}"
    );

    local.advance(-600);
    sync_peer_now(&local.state, &peer).await.unwrap();
    eventually("the resolution", limit, || {
        let received = received.clone();
        async move { received.all().iter().any(|b| b["state"] == "resolved") }
    })
    .await;
}
