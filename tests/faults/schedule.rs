//! The main schedule: several local daemons write, edit and delete through faults on their
//! links and restarts of either side; then every replica is compared.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::json;

use crate::common::proxy::{Mode, Proxy};
use crate::common::{self, Daemon, Db, eventually, hosted_with_account, pair_via};
use crate::replicas::{Expect, check, snapshot};

/// The scheduler's tick in this suite: short, so that a link that heals syncs again soon
/// even when no write wakes it.
const TICK: Duration = Duration::from_millis(250);
const CONVERGE: Duration = Duration::from_secs(90);

/// One local daemon's writes, and what it was told of each.
struct Writer {
    n: usize,
    live_conversations: Vec<String>,
    /// Live messages: (conversation, message).
    live_messages: Vec<(String, String)>,
    expected: BTreeMap<String, Expect>,
    counter: usize,
}

impl Writer {
    fn new(n: usize) -> Self {
        Self {
            n,
            live_conversations: Vec::new(),
            live_messages: Vec::new(),
            expected: BTreeMap::new(),
            counter: 0,
        }
    }

    /// One operation, chosen by `rng`, through the local API; every one must succeed (the
    /// local daemon takes writes whatever the network does).
    async fn act(&mut self, local: &Daemon, rng: &mut StdRng) {
        self.counter += 1;
        let tag = format!("w{}-{}", self.n, self.counter);
        let roll: f64 = rng.random();
        let ok = |status: u16, body: &serde_json::Value, what: &str| {
            assert!((200..300).contains(&status), "{what}: {status} {body}");
        };
        if self.live_conversations.is_empty() || roll < 0.15 {
            let (status, body) = local
                .post("/api/conversations", json!({"title": tag}))
                .await;
            ok(status, &body, "create a conversation");
            let id = body["id"].as_str().unwrap().to_string();
            self.expected.insert(id.clone(), Expect::Title(tag));
            self.live_conversations.push(id);
        } else if self.live_messages.is_empty() || roll < 0.55 {
            let conv = pick(rng, &self.live_conversations).clone();
            let path = format!("/api/conversations/{conv}/messages");
            let (status, body) = local
                .post(&path, json!({"role": "user", "content": tag}))
                .await;
            ok(status, &body, "post a message");
            let id = body["id"].as_str().unwrap().to_string();
            self.expected.insert(id.clone(), Expect::Content(tag));
            self.live_messages.push((conv, id));
        } else if roll < 0.75 {
            let (conv, id) = pick(rng, &self.live_messages).clone();
            let path = format!("/api/conversations/{conv}/messages/{id}");
            let (status, body) = local
                .call("PATCH", &path, Some(json!({"content": tag})))
                .await;
            ok(status, &body, "edit a message");
            self.expected.insert(id, Expect::Content(tag));
        } else if roll < 0.92 || self.live_conversations.len() < 2 {
            let at = rng.random_range(0..self.live_messages.len());
            let (conv, id) = self.live_messages.swap_remove(at);
            let path = format!("/api/conversations/{conv}/messages/{id}");
            let (status, body) = local.call("DELETE", &path, None).await;
            ok(status, &body, "delete a message");
            self.expected.insert(id, Expect::Deleted);
        } else {
            let at = rng.random_range(0..self.live_conversations.len());
            let conv = self.live_conversations.swap_remove(at);
            let (status, body) = local
                .call("DELETE", &format!("/api/conversations/{conv}"), None)
                .await;
            ok(status, &body, "delete a conversation");
            self.expected.insert(conv.clone(), Expect::Deleted);
            // Its messages stay as they are; they can no longer be reached to change.
            self.live_messages.retain(|(c, _)| *c != conv);
        }
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A fault of one step.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Nothing,
    Reset(usize),
    BlackHole(usize),
    Refuse(usize),
    Latency(usize, u64),
    Chaos(usize),
    RestartHosted,
    RestartLocal(usize),
}

fn draw(rng: &mut StdRng, locals: usize) -> Fault {
    let i = rng.random_range(0..locals);
    match rng.random_range(0..8) {
        0 => Fault::Nothing,
        1 => Fault::Reset(i),
        2 => Fault::BlackHole(i),
        3 => Fault::Refuse(i),
        4 => Fault::Latency(i, rng.random_range(5..80)),
        5 => Fault::Chaos(i),
        6 => Fault::RestartHosted,
        _ => Fault::RestartLocal(i),
    }
}

async fn run(db: &Db, seed: u64, steps: usize, locals: usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut hosted, token) = hosted_with_account(db).await;
    let account = hosted
        .state
        .store
        .account_by_name("alice")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut daemons = Vec::new();
    let mut proxies = Vec::new();
    for i in 0..locals {
        let proxy = Proxy::with_seed(hosted.addr, seed.wrapping_add(i as u64)).await;
        let local = Daemon::local()
            .automatic_sync(true)
            .config(|c| c.sync.interval = TICK)
            .start()
            .await;
        pair_via(&local, &hosted, &token, &proxy.url()).await;
        daemons.push(local);
        proxies.push(proxy);
    }
    let mut writers: Vec<Writer> = (0..locals).map(Writer::new).collect();
    let mut faults = Vec::new();
    for _ in 0..steps {
        let fault = draw(&mut rng, locals);
        faults.push(fault);
        match fault {
            Fault::Nothing => {}
            Fault::Reset(i) => proxies[i].cut_all(),
            Fault::BlackHole(i) => proxies[i].set_mode(Mode::BlackHole),
            Fault::Refuse(i) => proxies[i].set_mode(Mode::Refuse),
            Fault::Latency(i, ms) => proxies[i].set_latency(Duration::from_millis(ms)),
            Fault::Chaos(i) => {
                proxies[i].set_chaos(true);
                proxies[i].cut_all();
            }
            Fault::RestartHosted => hosted.restart().await,
            Fault::RestartLocal(i) => daemons[i].restart().await,
        }
        for _ in 0..rng.random_range(2..8) {
            let w = rng.random_range(0..locals);
            writers[w].act(&daemons[w], &mut rng).await;
        }
        // How long the fault lasts: part of the schedule, not a wait for anything.
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..300))).await;
        for proxy in &proxies {
            proxy.set_chaos(false);
            proxy.set_latency(Duration::ZERO);
            proxy.set_mode(Mode::Pass);
        }
    }
    let expected: BTreeMap<String, Expect> =
        writers.iter().flat_map(|w| w.expected.clone()).collect();
    let context = format!("{} seed {seed}, faults {faults:?}", db.name());
    eventually(
        &format!("every replica to converge ({context})"),
        CONVERGE,
        || async {
            let reference = snapshot(&hosted, Some(&account)).await;
            if check(&reference, &expected).is_err() {
                return false;
            }
            for local in &daemons {
                if snapshot(local, None).await != reference {
                    return false;
                }
            }
            true
        },
    )
    .await;
    let reference = snapshot(&hosted, Some(&account)).await;
    check(&reference, &expected).unwrap_or_else(|e| panic!("{e} ({context})"));
    for (i, local) in daemons.iter().enumerate() {
        assert_eq!(
            snapshot(local, None).await,
            reference,
            "local {i} ({context})"
        );
    }
    assert!(!expected.is_empty());
}

#[tokio::test]
async fn replicas_writing_through_faults_and_restarts_end_identical_and_lose_nothing() {
    let seed = crate::seed("faults::schedule");
    let (steps, locals) = if crate::soak() { (300, 3) } else { (14, 2) };
    for db in common::databases().await {
        run(&db, seed, steps, locals).await;
    }
}
