//! A loopback TCP proxy: forwards to a target, can hold back what the target sends, can cut
//! each connection after a random number of bytes, and counts the HTTP requests sent
//! through it (and those it could not forward, the target being down), keeping their
//! request lines.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    /// Connections cut so far.
    pub cuts: Arc<AtomicU64>,
    /// HTTP requests sent through so far (request lines; a WebSocket upgrade is one), the
    /// ones that found the target down included.
    pub requests: Arc<AtomicU64>,
    /// Their request lines (`GET /health HTTP/1.1`), in order.
    pub lines: Arc<Mutex<Vec<String>>>,
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
        let lines = Arc::new(Mutex::new(Vec::new()));
        let task = {
            let (hold, chaos, cuts) = (hold.clone(), chaos.clone(), cuts.clone());
            let (requests, lines) = (requests.clone(), lines.clone());
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let Ok(server) = TcpStream::connect(target).await else {
                        // The target is down: the request is read, counted and dropped,
                        // and the connection closed unanswered.
                        tokio::spawn(count_unanswered(client, requests.clone(), lines.clone()));
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
                        lines.clone(),
                    ));
                }
            })
        };
        Self {
            addr,
            cuts,
            requests,
            lines,
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

    /// The request lines seen since `from` (an index into [`Proxy::lines`]).
    pub fn lines_since(&self, from: usize) -> Vec<String> {
        self.lines.lock().unwrap()[from..].to_vec()
    }

    /// How many request lines were seen so far.
    pub fn line_count(&self) -> usize {
        self.lines.lock().unwrap().len()
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
    lines: Arc<Mutex<Vec<String>>>,
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
                note_requests(&buf[..n], &requests, &lines);
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

/// Counts the request lines in what a client sent, and keeps them. A request line ends
/// with the protocol version; WebSocket frames from the client are masked, so they do not
/// spell it.
fn note_requests(bytes: &[u8], requests: &AtomicU64, lines: &Mutex<Vec<String>>) {
    let text = String::from_utf8_lossy(bytes);
    let found: Vec<String> = text
        .split("\r\n")
        .filter(|line| line.ends_with(" HTTP/1.1"))
        .map(str::to_string)
        .collect();
    requests.fetch_add(found.len() as u64, Ordering::SeqCst);
    lines.lock().unwrap().extend(found);
}

/// A client whose request cannot be forwarded: its first bytes are read and counted, then
/// the connection is closed.
async fn count_unanswered(
    mut client: TcpStream,
    requests: Arc<AtomicU64>,
    lines: Arc<Mutex<Vec<String>>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), client.read(&mut buf));
    if let Ok(Ok(n)) = read.await {
        note_requests(&buf[..n], &requests, &lines);
    }
}
