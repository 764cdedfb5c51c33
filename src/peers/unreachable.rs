//! Why another backend could not be reached, in a few plain words for logs, the CLI and the
//! Status page ("connection refused", "timed out"), instead of the HTTP client's chain of
//! wrapped errors.

use std::error::Error as _;
use std::io::ErrorKind;

/// The cause of a failed request, as a short phrase without the URL.
pub fn describe_http_error(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "it did not answer in time".into();
    }
    let mut source = err.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return describe_io(io);
        }
        source = cause.source();
    }
    let text = err.to_string();
    if text.contains("dns error") || text.contains("failed to lookup address") {
        return "its host name could not be resolved".into();
    }
    if err.is_connect() {
        return "the connection could not be opened".into();
    }
    if err.is_body() || err.is_decode() {
        return "its answer broke off".into();
    }
    "the request failed".into()
}

fn describe_io(io: &std::io::Error) -> String {
    match io.kind() {
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::ConnectionReset => "the connection was reset".into(),
        ErrorKind::ConnectionAborted => "the connection was aborted".into(),
        ErrorKind::TimedOut => "the connection timed out".into(),
        ErrorKind::HostUnreachable => "the host is unreachable".into(),
        ErrorKind::NetworkUnreachable => "the network is unreachable".into(),
        ErrorKind::UnexpectedEof => "the connection closed early".into(),
        ErrorKind::AddrNotAvailable => "the address is not available".into(),
        _ => io.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_port_reads_as_connection_refused() {
        // Bind then drop: the port is closed on loopback for the request below.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = crate::peers::http_client()
            .get(format!("http://127.0.0.1:{port}/identity"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(describe_http_error(&err), "connection refused");
    }
}
