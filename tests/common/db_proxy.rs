//! A TCP proxy of the test's own between one daemon and Postgres, to crash the database for
//! that daemon alone (the shared server keeps running for every other test): `crash` resets
//! every open connection and holds new ones unanswered, as a server that died and a host
//! that stopped answering would; `recover` forwards again.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct DbProxy {
    addr: SocketAddr,
    /// `true` while crashed.
    crashed: watch::Sender<bool>,
    accept: tokio::task::JoinHandle<()>,
}

impl DbProxy {
    /// A proxy on an ephemeral loopback port in front of the server `database_url` names.
    pub async fn start(database_url: &str) -> Self {
        let url = reqwest::Url::parse(database_url).expect("a database URL");
        let host = url.host_str().expect("a database host").to_string();
        let target = format!("{host}:{}", url.port().unwrap_or(5432));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let crashed = watch::channel(false).0;
        let watcher = crashed.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, target.clone(), watcher.subscribe()));
            }
        });
        Self {
            addr,
            crashed,
            accept,
        }
    }

    /// `database_url` with its host and port replaced by the proxy's.
    pub fn url(&self, database_url: &str) -> String {
        let mut url = reqwest::Url::parse(database_url).unwrap();
        url.set_host(Some(&self.addr.ip().to_string())).unwrap();
        url.set_port(Some(self.addr.port())).unwrap();
        url.to_string()
    }

    /// Resets every open connection; new ones are accepted and never answered.
    pub fn crash(&self) {
        self.crashed.send_replace(true);
    }

    /// Forwards new connections again (those held during the crash are reset).
    pub fn recover(&self) {
        self.crashed.send_replace(false);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// One client connection: forwarded until a crash, then reset. One that arrives during a
/// crash is held silent until the recovery, then reset.
async fn serve(mut client: TcpStream, target: String, mut crashed: watch::Receiver<bool>) {
    if *crashed.borrow_and_update() {
        let _ = crashed.wait_for(|down| !*down).await;
        reset(client);
        return;
    }
    let Ok(mut server) = TcpStream::connect(&target).await else {
        reset(client);
        return;
    };
    let _ = server.set_nodelay(true);
    let _ = client.set_nodelay(true);
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = crashed.wait_for(|down| *down) => {
            reset(client);
            reset(server);
        }
    }
}

/// Closes with a TCP reset instead of a clean end: what a peer sees when the other side's
/// process dies.
fn reset(stream: TcpStream) {
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}
