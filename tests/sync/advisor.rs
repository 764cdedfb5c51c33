//! The advisor endpoint: the echo provider, a stand-in OpenAI-compatible server that checks
//! what the daemon sends, the answer when nothing is configured, and the telemetry event
//! that each call leaves (without the question or the answer).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use backend_8825::config::{Config, LlmConfig};
use backend_8825::secret::Secret;
use serde_json::{Value, json};

use crate::common::{Daemon, Db, eventually, hosted_with_account, pair};
use crate::conversations::Conversations;

async fn local_with(llm: LlmConfig) -> Daemon {
    Daemon::local()
        .automatic_sync(true)
        .config(move |c: &mut Config| {
            c.llm = llm;
        })
        .start()
        .await
}

/// The advisor events the hosted daemon has received, as JSON attribute objects.
async fn advisor_events(hosted: &Daemon) -> Vec<Value> {
    let events = hosted
        .state
        .store
        .telemetry()
        .events(None, 100)
        .await
        .unwrap();
    events
        .into_iter()
        .filter(|e| e.name == "advisor.ask")
        .map(|e| serde_json::from_str(&e.attributes).unwrap())
        .collect()
}

#[tokio::test]
async fn the_echo_provider_answers_stores_both_messages_and_emits_an_event() {
    let (hosted, token) = hosted_with_account(&Db::Sqlite).await;
    let llm = LlmConfig {
        provider: Some("echo".into()),
        ..LlmConfig::default()
    };
    let local = local_with(llm).await;
    pair(&local, &hosted, &token).await;

    let question = "What is the capital of Portugal?";
    let (status, body) = local
        .call(
            "POST",
            "/api/maestra/advisor/ask",
            Some(json!({"question": question})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let conv = body["conversation_id"].as_str().unwrap().to_string();
    assert_eq!(body["answer"]["role"], "assistant");
    assert_eq!(body["answer"]["content"], format!("You asked: {question}"));
    let stored = local.messages(&conv).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].0, question);
    // A follow-up in the same conversation.
    let (status, _) = local
        .call(
            "POST",
            "/api/maestra/advisor/ask",
            Some(json!({"question": "And of Spain?", "conversation_id": conv})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(local.messages(&conv).await.len(), 4);

    // The events reach the hosted daemon over the telemetry socket, without any text.
    eventually("the advisor events", Duration::from_secs(15), || async {
        advisor_events(&hosted).await.len() == 2
    })
    .await;
    for event in advisor_events(&hosted).await {
        assert_eq!(event["provider"], "echo");
        assert_eq!(event["outcome"], "ok");
        assert!(event["prompt_tokens"].is_u64() && event["completion_tokens"].is_u64());
        let text = event.to_string();
        assert!(
            !text.contains("Portugal") && !text.contains("Spain"),
            "{text}"
        );
    }
    // The messages themselves reached the hosted daemon by sync.
    let path = format!("/api/conversations/{conv}/messages");
    eventually(
        "the messages on the hosted daemon",
        Duration::from_secs(15),
        || async {
            let (status, body) = hosted.call("GET", &path, None).await;
            status == 200 && body["items"].as_array().is_some_and(|i| i.len() == 4)
        },
    )
    .await;
}

/// What the stand-in received: the Authorization header and the JSON body of each request.
type Received = (Option<String>, Value);

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Received>>>);

async fn completions(
    axum::extract::State(seen): axum::extract::State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    seen.0.lock().unwrap().push((auth, body));
    Json(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Lisbon."},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 21, "completion_tokens": 2, "total_tokens": 23}
    }))
}

#[tokio::test]
async fn an_openai_compatible_server_gets_the_conversation_and_its_answer_is_stored() {
    let seen = Seen::default();
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let llm = LlmConfig {
        provider: Some("openai".into()),
        base_url: Some(format!("http://{addr}/v1")),
        api_key: Some(Secret::new("sk-test-key".into())),
        model: Some("test-model".into()),
    };
    let local = local_with(llm).await;
    let (status, body) = local
        .call(
            "POST",
            "/api/maestra/advisor/ask",
            Some(json!({"question": "Capital of Portugal?"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["answer"]["content"], "Lisbon.");
    let requests = seen.0.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let (auth, sent) = &requests[0];
    assert_eq!(auth.as_deref(), Some("Bearer sk-test-key"));
    assert_eq!(sent["model"], "test-model");
    let messages = sent["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    assert_eq!(messages.last().unwrap()["content"], "Capital of Portugal?");
    assert_eq!(messages.last().unwrap()["role"], "user");
}

#[tokio::test]
async fn without_a_provider_the_advisor_says_how_to_configure_one() {
    let local = local_with(LlmConfig::default()).await;
    let (status, body) = local
        .call(
            "POST",
            "/api/maestra/advisor/ask",
            Some(json!({"question": "Hello?"})),
        )
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "llm_not_configured");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("LLM_PROVIDER=echo")
    );
    let (status, _) = local
        .call(
            "POST",
            "/api/maestra/advisor/ask",
            Some(json!({"question": ""})),
        )
        .await;
    assert_eq!(status, 422);
}
