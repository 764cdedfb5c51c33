//! `POST /api/maestra/advisor/ask` (local): appends a question to a conversation, asks the
//! configured language model, appends the answer. Every call emits an `advisor.ask`
//! telemetry event with latency, outcome, provider, model and token counts — never the
//! question or the answer.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::LlmConfig;
use crate::error::{ApiError, ApiJson};
use crate::network::NetworkAccess;
use crate::resilience::{Backoff, Failure, RetryStrategy};
use crate::state::AppState;
use crate::store::{KIND_CONVERSATION, KIND_MESSAGE, LOCAL_ACCOUNT, RecordQuery};
use crate::sync::records::{MessageView, Tenant, new_record, write};
use crate::telemetry::{Level, TelemetryEvent, emit};

pub const MAX_QUESTION_BYTES: usize = 16 * 1024;
/// Messages of the conversation sent along as context, at most.
const HISTORY: i64 = 40;
const SYSTEM_PROMPT: &str = "You are a helpful advisor. Answer concisely.";

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AskRequest {
    question: String,
    conversation_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AskResponse {
    conversation_id: String,
    question: MessageView,
    answer: MessageView,
}

/// What a provider answered.
struct Answer {
    text: String,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

fn not_configured() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "llm_not_configured",
        "no language model is configured: set LLM_PROVIDER=echo for a demo, or LLM_BASE_URL, \
         LLM_API_KEY and LLM_MODEL for an OpenAI-compatible endpoint, in the environment or \
         in <data dir>/.env",
    )
}

fn llm_error(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, "llm_error", message)
}

fn api(err: ApiError) -> ApiError {
    ApiError::new(err.status(), err.code(), err.to_string())
}

/// `POST /api/maestra/advisor/ask` (local).
#[utoipa::path(
    post,
    path = "/api/maestra/advisor/ask",
    tag = "advisor",
    security(("local_secret" = []), ("ui_session" = [])),
    request_body = AskRequest,
    responses(
        (status = 200, description = "The question and the answer, both stored as messages of the conversation", body = AskResponse),
        (status = 404, description = "`not_found`: no such conversation", body = crate::error::ErrorBody),
        (status = 502, description = "`llm_error`: the language model failed", body = crate::error::ErrorBody),
        (status = 503, description = "`llm_not_configured`: no language model is configured", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn ask(
    State(state): State<AppState>,
    body: Result<ApiJson<AskRequest>, ApiError>,
) -> Result<Json<AskResponse>, ApiError> {
    let ApiJson(request) = body.map_err(api)?;
    let question = request.question.trim().to_string();
    if question.is_empty() || question.len() > MAX_QUESTION_BYTES {
        return Err(api(ApiError::unprocessable(format!(
            "question must be 1 to {MAX_QUESTION_BYTES} bytes"
        ))));
    }
    let llm = &state.config.llm;
    let provider = llm.provider.clone().ok_or_else(not_configured)?;
    let tenant = Tenant(LOCAL_ACCOUNT.to_string());
    let conversation_id = match request.conversation_id {
        Some(id) => {
            let found = state.store.record(LOCAL_ACCOUNT, &id).await?;
            match found {
                Some(r) if r.kind == KIND_CONVERSATION && !r.deleted => id,
                _ => {
                    return Err(ApiError::new(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        "no such conversation",
                    ));
                }
            }
        }
        None => {
            let mut conversation = new_record(&state, KIND_CONVERSATION);
            conversation.title = Some(question.chars().take(60).collect());
            write(&state, &tenant, conversation).await.map_err(api)?.id
        }
    };
    let mut message = new_record(&state, KIND_MESSAGE);
    message.conversation_id = Some(conversation_id.clone());
    message.role = Some("user".into());
    message.content = Some(question.clone());
    let asked = write(&state, &tenant, message).await.map_err(api)?;

    let started = Instant::now();
    let answered = match provider.as_str() {
        "echo" => Ok(echo(&question)),
        "openai" => openai(&state, llm, &conversation_id).await,
        other => Err(llm_error(format!(
            "unknown LLM_PROVIDER {other:?}: use echo or openai"
        ))),
    };
    let took = started.elapsed();
    emit_event(&state, &provider, llm.model.as_deref(), took, &answered).await;
    let answer = answered?;

    let mut reply = new_record(&state, KIND_MESSAGE);
    reply.conversation_id = Some(conversation_id.clone());
    reply.role = Some("assistant".into());
    reply.content = Some(answer.text);
    let replied = write(&state, &tenant, reply).await.map_err(api)?;
    Ok(Json(AskResponse {
        conversation_id,
        question: MessageView::from(&asked),
        answer: MessageView::from(&replied),
    }))
}

/// The demo provider: answers with the question, and counts words as tokens.
fn echo(question: &str) -> Answer {
    let words = question.split_whitespace().count() as u64;
    Answer {
        text: format!("You asked: {question}"),
        prompt_tokens: Some(words),
        completion_tokens: Some(words + 2),
    }
}

/// The model call's retry strategy: a request that never arrived, a `429` and a `5xx` are
/// sent again, three attempts in all, within about 6 s (a `Retry-After` of up to 10 s is
/// waited); the user is waiting for the answer. Its retries count against their own budget.
const MODEL_RETRY: RetryStrategy = RetryStrategy::bounded(
    Backoff::new(Duration::from_secs(1), Duration::from_secs(4)),
    3,
    Duration::from_secs(10),
);
const MODEL_BUDGET: &str = "advisor:model";

/// A model call that may be retried: no answer, or a busy or failing provider's answer.
enum Busy {
    Transport(reqwest::Error),
    Status(reqwest::Response),
}

impl From<reqwest::Error> for Busy {
    fn from(err: reqwest::Error) -> Self {
        Self::Transport(err)
    }
}

impl Busy {
    fn failure(&self) -> Option<Failure> {
        match self {
            // Only a request that never left is sent again: a timeout may have been
            // answered (and paid for) already.
            Self::Transport(err) if err.is_connect() => Some(Failure::Transport),
            Self::Transport(_) => None,
            Self::Status(response) => Some(Failure::status(
                response.status().as_u16(),
                response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse().ok())
                    .map(Duration::from_secs),
            )),
        }
    }
}

/// Any OpenAI-compatible `POST {base}/chat/completions`, with the conversation so far.
async fn openai(state: &AppState, llm: &LlmConfig, conversation: &str) -> Result<Answer, ApiError> {
    let base = llm.base_url.as_deref().ok_or_else(not_configured)?;
    let model = llm.model.as_deref().ok_or_else(not_configured)?;
    let history = state
        .store
        .list_records(&RecordQuery {
            account_id: LOCAL_ACCOUNT,
            kind: KIND_MESSAGE,
            conversation_id: Some(conversation),
            cursor: None,
            descending: true,
            limit: HISTORY,
        })
        .await?;
    let mut messages = vec![json!({"role": "system", "content": SYSTEM_PROMPT})];
    messages.extend(history.iter().rev().map(|m| {
        json!({"role": m.role.as_deref().unwrap_or("user"), "content": m.content.as_deref().unwrap_or("")})
    }));
    let url = format!("{}/chat/completions", base.trim_end_matches('/'));
    let payload = json!({"model": model, "messages": messages});
    let send = || {
        let mut request = crate::peers::http_client()
            .post(&url)
            .timeout(Duration::from_secs(60))
            .json(&payload);
        if let Some(key) = &llm.api_key {
            request = request.bearer_auth(key.expose());
        }
        async move {
            let response = request.send().await?;
            // A busy or failing provider is retried (see `MODEL_RETRY`); its answer is read
            // below otherwise.
            match response.status().as_u16() {
                429 | 500..=599 => Err(Busy::Status(response)),
                _ => Ok(response),
            }
        }
    };
    let answer = crate::resilience::retrying(
        &MODEL_RETRY,
        Some((&state.network().budgets, MODEL_BUDGET)),
        || state.clock.now_ms(),
        Busy::failure,
        send,
    )
    .await;
    let response = match answer {
        Ok(response) | Err(Busy::Status(response)) => response,
        Err(Busy::Transport(e)) => {
            return Err(llm_error(format!(
                "the language model cannot be reached: {e}"
            )));
        }
    };
    let status = response.status();
    let body: Value = response.json().await.map_err(|_| {
        llm_error(format!(
            "the language model answered HTTP {status} without JSON"
        ))
    })?;
    if !status.is_success() {
        return Err(llm_error(format!(
            "the language model answered HTTP {status}"
        )));
    }
    let text = body["choices"][0]["message"]["content"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| llm_error("the language model's answer has no message content"))?;
    Ok(Answer {
        text: text
            .chars()
            .take(crate::sync::records::MAX_CONTENT_BYTES / 4)
            .collect(),
        prompt_tokens: body["usage"]["prompt_tokens"].as_u64(),
        completion_tokens: body["usage"]["completion_tokens"].as_u64(),
    })
}

async fn emit_event(
    state: &AppState,
    provider: &str,
    model: Option<&str>,
    took: Duration,
    answered: &Result<Answer, ApiError>,
) {
    let level = if answered.is_ok() {
        Level::Info
    } else {
        Level::Error
    };
    let mut event = TelemetryEvent::new("advisor.ask", level, state.clock.now())
        .with_duration_ms(took.as_secs_f64() * 1000.0)
        .with_attribute("provider", provider)
        .with_attribute(
            "model",
            model.unwrap_or(if provider == "echo" { "echo" } else { "" }),
        )
        .with_attribute("outcome", if answered.is_ok() { "ok" } else { "error" });
    match answered {
        Ok(answer) => {
            if let Some(n) = answer.prompt_tokens {
                event = event.with_attribute("prompt_tokens", n);
            }
            if let Some(n) = answer.completion_tokens {
                event = event.with_attribute("completion_tokens", n);
            }
        }
        Err(err) => event = event.with_attribute("error", err.code),
    }
    if let Err(err) = emit(state, event).await {
        tracing::warn!(error = %err, "cannot record an advisor telemetry event");
    }
}
