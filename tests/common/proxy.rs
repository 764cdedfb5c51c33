//! A loopback TCP proxy: forwards to a target, can hold back what the target sends, can cut
//! each connection after a random number of bytes, and counts the HTTP requests sent
//! through it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    /// Connections cut so far.
    pub cuts: Arc<AtomicU64>,
    /// HTTP requests sent through so far (request lines; a WebSocket upgrade is one).
    pub requests: Arc<AtomicU64>,
    hold: watch::Sender<bool>,
    chaos: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hold = watch::Sender::new(false);
        let chaos = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(AtomicU64::new(0));
        let requests = Arc::new(AtomicU64::new(0));
        let task = {
            let (hold, chaos, cuts) = (hold.clone(), chaos.clone(), cuts.clone());
            let requests = requests.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let Ok(server) = TcpStream::connect(target).await else {
                        continue;
                    };
                    // Under chaos, the connection dies after 2 KiB to 160 KiB, either way.
                    let budget = if chaos.load(Ordering::SeqCst) {
                        rand::random_range(2_048..160_000u64)
                    } else {
                        u64::MAX
                    };
                    tokio::spawn(forward(
                        client,
                        server,
                        hold.subscribe(),
                        budget,
                        cuts.clone(),
                        requests.clone(),
                    ));
                }
            })
        };
        Self {
            addr,
            cuts,
            requests,
            hold,
            chaos,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// While held, bytes from the target are read but not passed on (acks never arrive).
    pub fn hold_downstream(&self, on: bool) {
        self.hold.send_replace(on);
    }

    /// New connections are cut at a random point.
    pub fn set_chaos(&self, on: bool) {
        self.chaos.store(on, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    client: TcpStream,
    server: TcpStream,
    hold: watch::Receiver<bool>,
    budget: u64,
    cuts: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let used = Arc::new(AtomicU64::new(0));
    let up = {
        let used = used.clone();
        async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match client_read.read(&mut buf).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => n,
                };
                // A request line ends with the protocol version; WebSocket frames from the
                // client are masked, so they do not spell it.
                let lines = buf[..n]
                    .windows(10)
                    .filter(|w| w == b"HTTP/1.1\r\n")
                    .count();
                requests.fetch_add(lines as u64, Ordering::SeqCst);
                let before = used.fetch_add(n as u64, Ordering::SeqCst);
                let allowed = budget.saturating_sub(before).min(n as u64) as usize;
                if allowed < n {
                    return true;
                }
                if server_write.write_all(&buf[..allowed]).await.is_err() {
                    return false;
                }
            }
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => n,
            };
            if *hold.borrow() {
                continue;
            }
            let before = used.fetch_add(n as u64, Ordering::SeqCst);
            let allowed = budget.saturating_sub(before).min(n as u64) as usize;
            if allowed < n {
                return true;
            }
            if client_write.write_all(&buf[..allowed]).await.is_err() {
                return false;
            }
        }
    };
    // Whichever direction ends first ends the connection: both halves are dropped.
    let cut = tokio::select! {
        cut = up => cut,
        cut = down => cut,
    };
    if cut {
        cuts.fetch_add(1, Ordering::SeqCst);
    }
}
