//! add-checkpoint throughput of one witness process (the release binary,
//! over loopback HTTP), with a raw reference measured in the same run: a
//! bare axum server that reads the same bodies and answers 200 with a
//! fixed line, driven by the same client. The ratio separates the witness's
//! own cost (parsing, signature checks, proof, cosigning, the synced store
//! write) from HTTP and client overhead on this machine.
//!
//! Phases, each run 3 times and reported as the median:
//! - `advance`: each of ORIGINS logs moves its checkpoint forward one leaf
//!   per request (every request is a synced compare-and-swap);
//! - `fresh`: each log re-submits its current checkpoint (a freshness
//!   request: verified and cosigned, the write is not synced);
//! - `raw`: the reference server, same bodies, same concurrency.
//!
//! And two raw-RocksDB references for the store write alone, in the same
//! run, with ORIGINS writer threads writing ORIGINS × STEPS heads of the
//! witness's size to a fresh database:
//! - `rocksdb synced put`: every write its own synced put (one fsync per
//!   request, as the witness did before group commit; RocksDB may still
//!   merge concurrent syncs in its own write group);
//! - `rocksdb batch/64`: one synced `WriteBatch` per ORIGINS writes (the
//!   ceiling group commit approaches when every origin is waiting).
//!
//! And the witness's own store alone (`store CAS`): ORIGINS tasks, each
//! advancing its own origin STEPS times through `RocksStore`'s synced
//! compare-and-swap, no HTTP and no signature checks: what the store's
//! write path allows, beside the raw RocksDB figures.
//!
//! Run with `cargo bench -p sightline-witness --bench add_checkpoint`.

use std::fmt::Write;
use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use sightline_proofs::checkpoint::sign_checkpoint_bytes;
use sightline_proofs::{
    AddCheckpointRequest, Checkpoint, Hash, KeyName, KeyType, MemoryNodeReader, Origin, SignerKey,
    build_consistency_proof, leaf_hash,
};
use sightline_witness::state::rocks::RocksStore;
use sightline_witness::state::{StoredCheckpoint, WitnessStore};

const ORIGINS: usize = 64;
const STEPS: u64 = 100;
const RUNS: usize = 3;

struct Log {
    key: SignerKey,
    tree: MemoryNodeReader,
}

impl Log {
    fn new(i: usize) -> Self {
        let name = KeyName::new(&format!("bench.example/log{i}")).expect("name");
        let seed = [u8::try_from(i).expect("small") + 1; 32];
        Self {
            key: SignerKey::from_seed(name, KeyType::Ed25519, seed).expect("key"),
            tree: MemoryNodeReader::new(),
        }
    }

    fn request(&mut self, old: u64, new: u64) -> Vec<u8> {
        while self.tree.size() < new {
            let i = self.tree.size();
            self.tree.push(leaf_hash(&i.to_be_bytes()));
        }
        let origin = Origin::new(self.key.name().as_str()).expect("origin");
        let root = self.tree.root(new).expect("root");
        let cp = Checkpoint::new(origin, new, *root.hash()).expect("checkpoint");
        let note = sign_checkpoint_bytes(&cp, &self.key).expect("sign");
        let proof = build_consistency_proof(&self.tree, old, new).expect("proof");
        AddCheckpointRequest::new(old, proof.into_path(), note)
            .expect("request")
            .to_bytes()
    }
}

/// Sends every origin's bodies in order, origins concurrently; returns
/// requests per second. Every answer must be 200.
async fn drive(client: &reqwest::Client, url: &str, work: Vec<Vec<Vec<u8>>>) -> f64 {
    let total: usize = work.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for bodies in work {
        let (client, url) = (client.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            for body in bodies {
                let resp = client.post(&url).body(body).send().await.expect("send");
                let status = resp.status();
                let text = resp.bytes().await.expect("body");
                assert!(
                    status.is_success(),
                    "{status}: {}",
                    String::from_utf8_lossy(&text)
                );
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    // A few thousand requests: exact in f64.
    #[allow(clippy::cast_precision_loss)]
    let total = total as f64;
    total / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Writes per second of ORIGINS threads writing STEPS rows each, every
/// write a synced put.
fn rocksdb_synced_puts(dir: &std::path::Path) -> f64 {
    let db = std::sync::Arc::new(rocksdb::DB::open_default(dir).expect("open"));
    let value = vec![7u8; 400];
    let start = Instant::now();
    let threads: Vec<_> = (0..ORIGINS)
        .map(|origin| {
            let (db, value) = (db.clone(), value.clone());
            std::thread::spawn(move || {
                let mut wo = rocksdb::WriteOptions::default();
                wo.set_sync(true);
                for step in 0..STEPS {
                    let key = format!("bench.example/log{origin}");
                    let mut row = value.clone();
                    row.extend_from_slice(&step.to_be_bytes());
                    db.put_opt(key, row, &wo).expect("put");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("writer");
    }
    per_second(ORIGINS as u64 * STEPS, start)
}

/// Writes per second when each step writes one row per origin in one
/// synced batch: ORIGINS writes per fsync.
fn rocksdb_batches(dir: &std::path::Path) -> f64 {
    let db = rocksdb::DB::open_default(dir).expect("open");
    let value = vec![7u8; 400];
    let mut wo = rocksdb::WriteOptions::default();
    wo.set_sync(true);
    let start = Instant::now();
    for step in 0..STEPS {
        let mut batch = rocksdb::WriteBatch::default();
        for origin in 0..ORIGINS {
            let mut row = value.clone();
            row.extend_from_slice(&step.to_be_bytes());
            batch.put(format!("bench.example/log{origin}"), row);
        }
        db.write_opt(batch, &wo).expect("write");
    }
    per_second(ORIGINS as u64 * STEPS, start)
}

fn per_second(count: u64, start: Instant) -> f64 {
    // A few thousand writes: exact in f64.
    #[allow(clippy::cast_precision_loss)]
    let count = count as f64;
    count / start.elapsed().as_secs_f64()
}

/// Compare-and-swaps per second on a fresh `RocksStore`: ORIGINS tasks,
/// each moving its origin from size 1 to 1 + STEPS, every swap a new root
/// (so synced). The heads are built before the clock starts; the store
/// checks neither roots nor log signatures.
async fn store_swaps(dir: &std::path::Path, logs: &[Log]) -> f64 {
    let store = std::sync::Arc::new(RocksStore::open(dir).await.expect("open store"));
    let head = |log: &Log, size: u64| {
        let origin = Origin::new(log.key.name().as_str()).expect("origin");
        let root = Hash::new([u8::try_from(size % 251).expect("small"); 32]);
        let cp = Checkpoint::new(origin, size, root).expect("checkpoint");
        let note = sign_checkpoint_bytes(&cp, &log.key).expect("sign");
        StoredCheckpoint::new(cp, note, size).expect("stored")
    };
    for log in logs {
        store
            .compare_and_swap(0, head(log, 1))
            .await
            .expect("first");
    }
    let work: Vec<Vec<StoredCheckpoint>> = logs
        .iter()
        .map(|log| (2..2 + STEPS).map(|size| head(log, size)).collect())
        .collect();
    let start = Instant::now();
    let tasks: Vec<_> = work
        .into_iter()
        .map(|heads| {
            let store = store.clone();
            tokio::spawn(async move {
                for (old, new) in (1..).zip(heads) {
                    store.compare_and_swap(old, new).await.expect("swap");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    per_second(ORIGINS as u64 * STEPS, start)
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn start_witness(dir: &std::path::Path, logs: &[Log], port: u16) -> Child {
    let mut config = String::from("name = \"bench.example/witness\"\n");
    for log in logs {
        let _ = write!(
            config,
            "[[log]]\norigin = \"{}\"\nvkeys = [\"{}\"]\n",
            log.key.name(),
            log.key.verifier()
        );
    }
    let path = dir.join("witness.toml");
    std::fs::write(&path, config).expect("config");
    let child = Command::new(env!("CARGO_BIN_EXE_sightline-witness"))
        .arg("serve")
        .arg("--config")
        .arg(&path)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn witness");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "witness not ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut logs: Vec<Log> = (0..ORIGINS).map(Log::new).collect();
    let port = free_port();
    let mut child = start_witness(dir.path(), &logs, port);
    let url = format!("http://127.0.0.1:{port}/add-checkpoint");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(ORIGINS)
        .build()
        .expect("client");

    // Raw reference server: same route, reads the body, fixed answer.
    let line: &'static str = "— bench.example/witness AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    let raw = Router::new().route(
        "/add-checkpoint",
        post(move |body: axum::body::Bytes| async move {
            std::hint::black_box(body);
            line
        }),
    );
    // The reference server gets its own two-thread runtime, as the witness
    // gets its own process: neither shares the client's threads.
    let raw_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    raw_listener.set_nonblocking(true).expect("nonblocking");
    let raw_url = format!(
        "http://{}/add-checkpoint",
        raw_listener.local_addr().expect("addr")
    );
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(raw_listener).expect("listener");
            axum::serve(listener, raw).await
        })
    });

    // First checkpoint of every log, outside the measurement.
    let first: Vec<Vec<Vec<u8>>> = logs.iter_mut().map(|l| vec![l.request(0, 1)]).collect();
    drive(&client, &url, first).await;

    let (mut advance, mut fresh, mut reference) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rocks_put, mut rocks_batch, mut store) = (Vec::new(), Vec::new(), Vec::new());
    let mut size = 1;
    for run in 0..RUNS {
        let raw_dir = dir.path().join(format!("raw-rocksdb-{run}"));
        rocks_put.push(rocksdb_synced_puts(&raw_dir.join("put")));
        rocks_batch.push(rocksdb_batches(&raw_dir.join("batch")));
        store.push(store_swaps(&raw_dir.join("store"), &logs).await);
        let work: Vec<Vec<Vec<u8>>> = logs
            .iter_mut()
            .map(|l| (size..size + STEPS).map(|s| l.request(s, s + 1)).collect())
            .collect();
        let raw_work = work.clone();
        advance.push(drive(&client, &url, work).await);
        size += STEPS;
        let same: Vec<Vec<Vec<u8>>> = logs
            .iter_mut()
            .map(|l| vec![l.request(size, size); usize::try_from(STEPS).expect("small")])
            .collect();
        fresh.push(drive(&client, &url, same).await);
        reference.push(drive(&client, &raw_url, raw_work).await);
    }
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "add-checkpoint, {ORIGINS} logs concurrently, {} requests per phase, median of {RUNS}:",
        ORIGINS as u64 * STEPS
    );
    println!("  advance (synced CAS)      {:>9.0} req/s", median(advance));
    println!("  fresh (same size again)   {:>9.0} req/s", median(fresh));
    println!(
        "  raw axum reference        {:>9.0} req/s",
        median(reference)
    );
    println!("  store CAS (no HTTP)       {:>9.0} swaps/s", median(store));
    println!(
        "  rocksdb synced put        {:>9.0} writes/s",
        median(rocks_put)
    );
    println!(
        "  rocksdb batch/{ORIGINS}         {:>9.0} writes/s",
        median(rocks_batch)
    );
}
