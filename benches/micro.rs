//! Micro-benchmarks of the hot paths under every peer request and every sync: the HTTP
//! message signature, the Session Binding Token, the Hybrid Logical Clock, and a
//! Last-Write-Wins batch on SQLite; and what observability adds to each sync and each
//! request. `cargo bench --bench micro`; see BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use backend_8825::clock::SystemClock;
use backend_8825::handshake::httpsig::{
    self, DEFAULT_WINDOW_SECS, SignInput, SignatureHeaders, VerifyInput,
};
use backend_8825::handshake::pair_key::{Kid, PairKey};
use backend_8825::handshake::sbt::{ExpectedBinding, SbtBinding, SbtClaims, SessionBindingToken};
use backend_8825::identity::BackendId;
use backend_8825::observability::Metrics;
use backend_8825::store::{KIND_MESSAGE, Record, SqliteStore, Store};
use backend_8825::sync::hlc::Hlc;
use backend_8825::sync::stats::{Direction, Exchange, SyncStats};
use criterion::{BatchSize, Criterion, Throughput};

fn id(hex: char, len: usize) -> String {
    std::iter::repeat_n(hex, len).collect()
}

fn backend(hex: char) -> BackendId {
    id(hex, 32).parse().expect("a backend id")
}

fn httpsig_sign_verify(c: &mut Criterion) {
    let key = PairKey::generate().request_key();
    let kid = Kid::generate();
    let body = vec![b'x'; 4096];
    let authorization = format!("SBT {}", id('a', 600));
    let now = 1_800_000_000;
    let sign = |nonce: &str| {
        httpsig::sign_request(
            &SignInput {
                method: "POST",
                authority: "sync.example.com",
                path: "/sync/peer-1",
                query: "",
                body: &body,
                authorization: &authorization,
                peer_id: "peer-1",
                kid: &kid,
                nonce,
                created: now,
                expires: now + DEFAULT_WINDOW_SECS as i64,
            },
            &key,
        )
        .expect("signs")
    };
    let mut group = c.benchmark_group("httpsig");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign+verify (4 KiB body)", |b| {
        b.iter(|| {
            let signed = sign(&httpsig::new_nonce());
            let input = VerifyInput {
                method: "POST",
                authority: "sync.example.com",
                path: "/sync/peer-1",
                query: "",
                body: &body,
                headers: SignatureHeaders {
                    content_digest: Some(&signed.content_digest),
                    signature_input: Some(&signed.signature_input),
                    signature: Some(&signed.signature),
                    authorization: Some(&authorization),
                },
            };
            black_box(httpsig::verify_request(
                &input,
                now,
                DEFAULT_WINDOW_SECS,
                |_, _| Ok(key),
            ))
            .expect("verifies")
        })
    });
    group.finish();
}

fn sbt_issue_verify(c: &mut Criterion) {
    let key = PairKey::generate();
    let binding = SbtBinding {
        kid: Kid::generate(),
        account_id: "0190c4b2-7a3e-7c1d-9e5f-3b2a1c0d9e8f".into(),
        peer_id: "0190c4b2-7a3e-7c1d-9e5f-3b2a1c0d9e90".into(),
        local_id: backend('1'),
        hosted_id: backend('2'),
        local_key_id: id('3', 64).parse().expect("a key id"),
        hosted_key_id: id('4', 64).parse().expect("a key id"),
    };
    let now = 1_800_000_000;
    c.bench_function("sbt issue+verify", |b| {
        b.iter(|| {
            let claims = SbtClaims::new(binding.clone(), now);
            let token = SessionBindingToken::issue(&key, &claims);
            black_box(SessionBindingToken::verify(
                &token,
                &key,
                &ExpectedBinding::exact(&binding),
                now,
            ))
            .expect("verifies")
        })
    });
}

fn hlc_next(c: &mut Criterion) {
    let hlc = Hlc::new(&backend('a'), None, i64::MAX);
    c.bench_function("hlc next", |b| b.iter(|| black_box(hlc.next(&SystemClock))));
}

/// 500 new message versions: one sync round trip's worth.
fn batch(hlc: &Hlc, source: &str) -> Vec<Record> {
    let conv = uuid::Uuid::now_v7().to_string();
    (0..500)
        .map(|_| Record {
            kind: KIND_MESSAGE.into(),
            id: uuid::Uuid::now_v7().to_string(),
            conversation_id: Some(conv.clone()),
            title: None,
            role: Some("user".into()),
            content: Some("x".repeat(200)),
            created_at: 1_800_000_000_000,
            updated_at: 1_800_000_000_000,
            deleted: false,
            version: hlc.next(&SystemClock),
            source_backend: source.into(),
            seq: 0,
            e2e: None,
            origin_peer: None,
        })
        .collect()
}

fn apply_versions_sqlite(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = rt
        .block_on(SqliteStore::connect(&url, 4))
        .expect("the store opens");
    let source = id('b', 32);
    let hlc = Hlc::new(&backend('b'), None, i64::MAX);
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(500));
    group.sample_size(20);
    group.bench_function("apply_versions 500 new (SQLite)", |b| {
        b.iter_batched(
            || batch(&hlc, &source),
            |versions| {
                rt.block_on(store.apply_versions("bench", &versions, None, None))
                    .expect("applies")
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The cost observability adds: recording one sync exchange (once per sync on the caller,
/// once per `POST /sync` on the responder) and counting one HTTP request (every request).
fn observability_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("observability");
    let stats = SyncStats::default();
    let peers: Vec<String> = (0..100).map(|i| format!("peer-{i}")).collect();
    let mut i = 0usize;
    group.bench_function("record one sync exchange (100 peers)", |b| {
        b.iter(|| {
            i = (i + 1) % peers.len();
            stats.record(
                black_box(&peers[i]),
                Exchange {
                    at: 1_800_000_000_000,
                    direction: Direction::Outbound,
                    pushed: 500,
                    pulled: 0,
                    status: "ok",
                    error_code: None,
                    error_message: None,
                    duration_ms: 4.2,
                },
            );
            stats.add_bytes(&peers[i], 250_000, 2_000);
        })
    });
    let metrics = Metrics::new();
    let routes = ["/sync/{peer_id}", "/api/conversations", "/peers", "/health"];
    let mut j = 0usize;
    group.bench_function("count one HTTP request", |b| {
        b.iter(|| {
            j = (j + 1) % routes.len();
            metrics.count_request("POST", black_box(routes[j]), 200, 0.0042);
        })
    });
    group.finish();
}

fn main() {
    // `cargo test --all-targets` runs bench targets without `--bench`: benchmarks never run
    // in the test suite (criterion would otherwise run each once as a smoke test).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    httpsig_sign_verify(&mut c);
    sbt_issue_verify(&mut c);
    hlc_next(&mut c);
    apply_versions_sqlite(&mut c);
    observability_overhead(&mut c);
    c.final_summary();
}
