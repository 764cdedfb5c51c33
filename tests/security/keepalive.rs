//! A request refused before its body is read (an unsigned `/sync`, an unknown route, a wrong
//! method) used to close the connection without saying so: a client that pools connections
//! sent its next request on it and saw it fail. Now each such answer either says
//! `Connection: close`, or the connection keeps serving.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::common::Daemon;

/// One response on a kept-alive connection: the status, whether it says `Connection:
/// close`.
async fn response(reader: &mut BufReader<TcpStream>) -> Option<(u16, bool)> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line).await.ok()? == 0 {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let (mut length, mut close) = (0usize, false);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end().to_ascii_lowercase();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        close |= line == "connection: close";
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    Some((status, close))
}

#[tokio::test]
async fn a_refusal_before_the_body_is_read_never_breaks_the_next_request() {
    for mode in ["hosted", "local"] {
        let daemon = match mode {
            "hosted" => Daemon::hosted().start().await,
            _ => Daemon::local().automatic_sync(false).start().await,
        };
        let host = daemon.addr.to_string();
        let body = format!("{{\"padding\": \"{}\"}}", "x".repeat(20_000));
        let refusals = [
            ("POST", "/sync/some-peer"),
            ("POST", "/no/such/route"),
            ("DELETE", "/health"),
        ];
        for (method, path) in refusals {
            let at = format!("{method} {path} on {mode}");
            let stream = TcpStream::connect(&host).await.unwrap();
            let mut reader = BufReader::new(stream);
            // The head first; the answer comes before the body is sent (as it does for a
            // client whose body is still on its way).
            let head = format!(
                "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            );
            reader.get_mut().write_all(head.as_bytes()).await.unwrap();
            let (status, close) = response(&mut reader).await.expect(&at);
            assert!((400..500).contains(&status), "{at}: {status}");
            if close {
                continue;
            }
            // Not told to close: the connection must take the body and serve the next
            // request.
            let next = format!("{body}GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n");
            let sent = reader.get_mut().write_all(next.as_bytes()).await;
            let answer = match sent {
                Ok(()) => response(&mut reader).await,
                Err(_) => None,
            };
            assert!(
                matches!(answer, Some((200, _))),
                "{at}: the kept-alive connection broke without Connection: close: {answer:?}"
            );
        }
    }
}
