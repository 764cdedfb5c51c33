//! `TCP_NODELAY` on Postgres connections.
//!
//! sqlx 0.9.0 opens its TCP connections without `TCP_NODELAY` (upstream issue
//! transact-rs/sqlx#4335; the fix is merged but not in a release yet). With Nagle's
//! algorithm on, a statement larger than one TCP segment sends its full segments at once
//! and holds the last, partial one until the server acknowledges them, which Linux delays
//! by up to 40 ms. A 500-event telemetry insert took 135 ms instead of a few.
//!
//! Until a release carries the fix, each new connection finds its own socket and sets the
//! option: the server tells the client port it sees (`inet_client_port()`), and on Linux
//! `/proc` maps that port to the socket's descriptor in this process. When the ports do
//! not match (a proxy or NAT between the daemon and Postgres) or `/proc` is not there, the
//! connection works as sqlx made it, and a debug line says so.

use sqlx::PgConnection;

/// Sets `TCP_NODELAY` on the socket of `conn`, a connection being opened by the pool.
pub(crate) async fn set_on(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let (client, server): (Option<i32>, Option<i32>) =
        sqlx::query_as("SELECT inet_client_port(), inet_server_port()")
            .fetch_one(&mut *conn)
            .await?;
    // NULL: a Unix socket, where Nagle does not apply.
    let (Some(client), Some(server)) = (client, server) else {
        return Ok(());
    };
    let (Ok(client), Ok(server)) = (u16::try_from(client), u16::try_from(server)) else {
        return Ok(());
    };
    match set_by_ports(client, server) {
        Ok(true) => {}
        Ok(false) => tracing::debug!(
            client,
            server,
            "no socket of this process matches the Postgres connection: TCP_NODELAY not set"
        ),
        Err(err) => {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY on a Postgres connection")
        }
    }
    Ok(())
}

/// The descriptor of this process's TCP socket from local port `local` to remote port
/// `remote`, if `/proc` shows exactly one.
#[cfg(target_os = "linux")]
pub fn socket_fd(local: u16, remote: u16) -> std::io::Result<Option<i32>> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid
        // timeout inode ...; addresses are HEXIP:HEXPORT.
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = |field: Option<&&str>| {
                field
                    .and_then(|a| a.rsplit_once(':'))
                    .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
            };
            if port(fields.get(1)) == Some(local)
                && port(fields.get(2)) == Some(remote)
                && let Some(inode) = fields.get(9).filter(|i| **i != "0")
            {
                inodes.push(format!("socket:[{inode}]"));
            }
        }
    }
    if inodes.len() != 1 {
        return Ok(None);
    }
    for entry in std::fs::read_dir("/proc/self/fd")? {
        let entry = entry?;
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        if target.as_os_str() == inodes[0].as_str() {
            return Ok(entry.file_name().to_str().and_then(|n| n.parse().ok()));
        }
    }
    Ok(None)
}

#[cfg(target_os = "linux")]
fn set_by_ports(client: u16, server: u16) -> std::io::Result<bool> {
    let Some(fd) = socket_fd(client, server)? else {
        return Ok(false);
    };
    // SAFETY: `fd` is the socket of the connection being set up: the pool calls this hook
    // with that connection borrowed, so the descriptor stays open for this call.
    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    socket2::SockRef::from(&fd).set_tcp_nodelay(true)?;
    Ok(true)
}

#[cfg(not(target_os = "linux"))]
fn set_by_ports(_client: u16, _server: u16) -> std::io::Result<bool> {
    Ok(false)
}
