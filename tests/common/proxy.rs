//! A loopback TCP proxy between two daemons: forwards to a target (which can change, as a
//! load balancer moves to another instance), and on command holds back
//! what the target sends, cuts each connection after a random number of bytes, refuses or
//! black-holes new connections, adds latency, or cuts every open connection at once. It
//! counts the HTTP requests sent through it (and those it could not forward, the target
//! being down), keeping their request lines. Its randomness comes from a seed, so a run can
//! be repeated.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with a new connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forward it.
    Pass = 0,
    /// Close it at once, as a closed port would.
    Refuse = 1,
    /// Hold it open and never forward a byte, as a black-holed address would.
    BlackHole = 2,
}

pub struct Proxy {
    pub addr: SocketAddr,
    /// Connections cut so far.
    pub cuts: Arc<AtomicU64>,
    /// HTTP requests sent through so far (request lines; a WebSocket upgrade is one), the
    /// ones that found the target down included.
    pub requests: Arc<AtomicU64>,
    /// Their request lines (`GET /health HTTP/1.1`), in order.
    pub lines: Arc<Mutex<Vec<String>>>,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    /// Where new connections go.
    target: Mutex<SocketAddr>,
    hold: watch::Sender<bool>,
    chaos: AtomicBool,
    mode: AtomicU8,
    latency_ms: AtomicU64,
    /// Bumped to cut every open connection.
    generation: watch::Sender<u64>,
    rng: Mutex<StdRng>,
    cuts: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        Self::with_seed(target, rand::random()).await
    }

    /// A proxy whose random choices (where chaos cuts) follow `seed`.
    pub async fn with_seed(target: SocketAddr, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cuts = Arc::new(AtomicU64::new(0));
        let requests = Arc::new(AtomicU64::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared {
            target: Mutex::new(target),
            hold: watch::Sender::new(false),
            chaos: AtomicBool::new(false),
            mode: AtomicU8::new(Mode::Pass as u8),
            latency_ms: AtomicU64::new(0),
            generation: watch::Sender::new(0),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            cuts: cuts.clone(),
            requests: requests.clone(),
            lines: lines.clone(),
        });
        let task = {
            let shared = shared.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let generation = shared.generation.subscribe();
                    match shared.mode() {
                        Mode::Refuse => {
                            drop(client);
                            continue;
                        }
                        Mode::BlackHole => {
                            tokio::spawn(hold_until_cut(client, generation));
                            continue;
                        }
                        Mode::Pass => {}
                    }
                    let target = *shared.target.lock().unwrap();
                    let Ok(server) = TcpStream::connect(target).await else {
                        // The target is down: the request is read, counted and dropped,
                        // and the connection closed unanswered.
                        tokio::spawn(count_unanswered(client, shared.clone()));
                        continue;
                    };
                    // Under chaos, the connection dies after 2 KiB to 160 KiB, either way.
                    let budget = if shared.chaos.load(Ordering::SeqCst) {
                        shared.rng.lock().unwrap().random_range(2_048..160_000u64)
                    } else {
                        u64::MAX
                    };
                    tokio::spawn(forward(client, server, shared.clone(), generation, budget));
                }
            })
        };
        Self {
            addr,
            cuts,
            requests,
            lines,
            shared,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// New connections go to `target` from now on; the open ones stay where they are (as a
    /// load balancer moves traffic off an instance that is stopping).
    pub fn set_target(&self, target: SocketAddr) {
        *self.shared.target.lock().unwrap() = target;
    }

    /// While held, bytes from the target are read but not passed on (acks never arrive).
    pub fn hold_downstream(&self, on: bool) {
        self.shared.hold.send_replace(on);
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
        self.shared.chaos.store(on, Ordering::SeqCst);
    }

    /// What happens to new connections from now on; the open ones are cut, so that nothing
    /// forwards across the change.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.mode.store(mode as u8, Ordering::SeqCst);
        self.cut_all();
    }

    /// Each chunk forwarded, either way, waits this long first.
    pub fn set_latency(&self, latency: Duration) {
        let ms = latency.as_millis() as u64;
        self.shared.latency_ms.store(ms, Ordering::SeqCst);
    }

    /// Forwards new connections to `target` from now on and cuts the open ones, as a load
    /// balancer's connections to an instance that went away are.
    pub fn move_to(&self, target: SocketAddr) {
        self.set_target(target);
        self.cut_all();
    }

    /// Cuts every open connection (a network reset).
    pub fn cut_all(&self) {
        self.shared.generation.send_modify(|g| *g += 1);
    }
}

impl Shared {
    fn mode(&self) -> Mode {
        match self.mode.load(Ordering::SeqCst) {
            1 => Mode::Refuse,
            2 => Mode::BlackHole,
            _ => Mode::Pass,
        }
    }

    /// Counts the request lines in what a client sent, and keeps them. A request line ends
    /// with the protocol version; WebSocket frames from the client are masked, so they do
    /// not spell it.
    fn note_requests(&self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let found: Vec<String> = text
            .split("\r\n")
            .filter(|line| line.ends_with(" HTTP/1.1"))
            .map(str::to_string)
            .collect();
        self.requests
            .fetch_add(found.len() as u64, Ordering::SeqCst);
        self.lines.lock().unwrap().extend(found);
    }

    async fn delay(&self) {
        let ms = self.latency_ms.load(Ordering::SeqCst);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        self.cut_all();
    }
}

async fn hold_until_cut(client: TcpStream, mut generation: watch::Receiver<u64>) {
    let _ = generation.changed().await;
    drop(client);
}

async fn forward(
    client: TcpStream,
    server: TcpStream,
    shared: Arc<Shared>,
    mut generation: watch::Receiver<u64>,
    budget: u64,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let used = Arc::new(AtomicU64::new(0));
    let hold = shared.hold.subscribe();
    let up = {
        let (used, shared) = (used.clone(), shared.clone());
        async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match client_read.read(&mut buf).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => n,
                };
                shared.note_requests(&buf[..n]);
                let before = used.fetch_add(n as u64, Ordering::SeqCst);
                let allowed = budget.saturating_sub(before).min(n as u64) as usize;
                if allowed < n {
                    return true;
                }
                shared.delay().await;
                if server_write.write_all(&buf[..allowed]).await.is_err() {
                    return false;
                }
            }
        }
    };
    let down = {
        let shared = shared.clone();
        async move {
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
                shared.delay().await;
                if client_write.write_all(&buf[..allowed]).await.is_err() {
                    return false;
                }
            }
        }
    };
    // Whichever direction ends first ends the connection: both halves are dropped.
    let cut = tokio::select! {
        cut = up => cut,
        cut = down => cut,
        _ = generation.changed() => true,
    };
    if cut {
        shared.cuts.fetch_add(1, Ordering::SeqCst);
    }
}

/// A client whose request cannot be forwarded: its first bytes are read and counted, then
/// the connection is closed.
async fn count_unanswered(mut client: TcpStream, shared: Arc<Shared>) {
    let mut buf = vec![0u8; 16 * 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buf));
    if let Ok(Ok(n)) = read.await {
        shared.note_requests(&buf[..n]);
    }
}
