//! The real binary, run as a user runs it: serve, restart, refuse bad databases, print the
//! identity, migrate, install the service file, shut down on SIGTERM, redact, print the
//! OpenAPI document.

#[path = "cli/commands.rs"]
mod commands;
mod common;
#[path = "cli/config.rs"]
mod config;
#[path = "cli/openapi.rs"]
mod openapi;
#[path = "cli/privacy.rs"]
mod privacy;
#[path = "cli/redact.rs"]
mod redact;
#[path = "cli/serve.rs"]
mod serve;

use std::process::{Command, Output};

use serde_json::Value;

/// A GET; the status, the headers and the JSON body.
async fn get_json(url: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = common::http_client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}
