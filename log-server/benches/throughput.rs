//! Log server benchmarks, each beside a raw-RocksDB baseline of the same
//! bytes from the same run (`cargo bench -p sightline-log-server --bench
//! throughput`):
//! 1. admitted release records per second from 64 concurrent submitters,
//!    against synced `WriteBatch`es of the same entries in the same round
//!    sizes;
//! 2. acknowledgement latency p50 / p99 at 1,000 records per second,
//!    against one synced write per round;
//! 3. tile GETs per second over 64 connections, against raw RocksDB GETs
//!    of the same tiles from 64 threads.
//!
//! Each figure is the median of `RUNS` runs. The server, its clients and
//! the baselines share the machine, as they would in a test deployment.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sightline_log_server::sequencer::{BatchLimits, SequencerConfig};
use sightline_log_server::storage::rocks::{RocksStore, baseline};
use sightline_proofs::record::Timestamp;
use sightline_proofs::state::AdmissionRules;
use sightline_proofs::{KeyName, KeyType, Note, Origin, SignerKey};
use tokio::sync::oneshot;

const RUNS: usize = 3;
const SUBMITTERS: usize = 64;
const RECORDS: usize = 20_000;

fn key(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(
        KeyName::new(name).expect("name"),
        KeyType::Ed25519,
        [seed; 32],
    )
    .expect("key")
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn time(secs: u64) -> String {
    Timestamp::from_unix(secs).expect("time").to_string()
}

fn sign(text: &str, keys: &[&SignerKey]) -> Vec<u8> {
    let mut note = Note::new(text).expect("note");
    for k in keys {
        note.sign(k).expect("sign");
    }
    note.to_bytes()
}

fn releases(signer: &SignerKey, run: usize, count: usize) -> Vec<Vec<u8>> {
    let issued = time(now());
    (0..count)
        .map(|i| {
            let digest = sightline_proofs::hash::sha256(format!("{run}-{i}").as_bytes()).to_hex();
            sign(
                &format!(
                    "sightline/v1 release\nartifact sha256:{digest}\nsize 1048576\nname thermo\nversion 1.2.{i}\ntarget acme/thermostat/*\nissued {issued}\n"
                ),
                &[signer],
            )
        })
        .collect()
}

struct Log {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
    signer: SignerKey,
    client: reqwest::Client,
}

impl Log {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = key("bench-root", 1);
        let signer = key("bench-signer", 2);
        let origin = Origin::new("bench.sightline/log").expect("origin");
        let config = SequencerConfig {
            log_key: SignerKey::from_seed(origin.key_name(), KeyType::Ed25519, [3; 32])
                .expect("key"),
            origin,
            rules: AdmissionRules::new(vec![root.verifier()], 1, 600).expect("rules"),
            limits: BatchLimits {
                max_entries: 4096,
                max_age: Duration::from_millis(20),
                queue_max: 16_384,
            },
        };
        let store = RocksStore::open(&dir.path().join("db"))
            .await
            .expect("open");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            sightline_log_server::serve(listener, Arc::new(store), config, async {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
        });
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(SUBMITTERS)
            .build()
            .expect("client");
        let log = Self {
            addr,
            stop: Some(stop),
            task,
            _dir: dir,
            signer,
            client,
        };
        let enrol = sign(
            &format!(
                "sightline/v1 key\naction enrol\nvkey {}\nrole signer\nowner alice\nscope acme/*\nexpires {}\nissued {}\n",
                log.signer.verifier(),
                time(now() + 86_400),
                time(now())
            ),
            &[&root],
        );
        assert_eq!(log.post(enrol).await.0, 200);
        log
    }

    async fn post(&self, body: Vec<u8>) -> (u16, Duration) {
        let start = Instant::now();
        let response = self
            .client
            .post(format!("http://{}/v1/entries", self.addr))
            .body(body)
            .send()
            .await
            .expect("post");
        let status = response.status().as_u16();
        let _ = response.bytes().await;
        (status, start.elapsed())
    }

    async fn metric(&self, name: &str) -> f64 {
        let text = self
            .client
            .get(format!("http://{}/metrics", self.addr))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or(0.0)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.task.await;
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn percentile(values: &mut [Duration], p: f64) -> Duration {
    values.sort();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let at = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[at]
}

/// Throughput: 64 submitters; returns (records/s, mean round size).
async fn throughput(log: &Log, run: usize) -> (f64, f64, Vec<Vec<u8>>) {
    let entries = Arc::new(releases(&log.signer, run, RECORDS));
    let rounds_before = log.metric("sightline_round_latency_seconds_count").await;
    let entries_before = log.metric("sightline_entries_total").await;
    let start = Instant::now();
    let tasks: Vec<_> = (0..SUBMITTERS)
        .map(|t| {
            let entries = Arc::clone(&entries);
            let client = log.client.clone();
            let url = format!("http://{}/v1/entries", log.addr);
            tokio::spawn(async move {
                for entry in entries.iter().skip(t).step_by(SUBMITTERS) {
                    loop {
                        let response = client
                            .post(&url)
                            .body(entry.clone())
                            .send()
                            .await
                            .expect("post");
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        if status == 200 {
                            break;
                        }
                        assert_eq!(status, 503, "refused");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("submitter");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rounds = log.metric("sightline_round_latency_seconds_count").await - rounds_before;
    let committed = log.metric("sightline_entries_total").await - entries_before;
    #[allow(clippy::cast_precision_loss)]
    let rate = RECORDS as f64 / elapsed;
    let entries = Arc::try_unwrap(entries).unwrap_or_else(|a| (*a).clone());
    (rate, committed / rounds.max(1.0), entries)
}

#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
fn raw_throughput(entries: &[Vec<u8>], round_size: f64) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let per = (round_size.round() as usize).max(1);
    let batches: Vec<Vec<(Vec<u8>, Vec<u8>)>> = entries
        .chunks(per)
        .enumerate()
        .map(|(b, chunk)| {
            chunk
                .iter()
                .enumerate()
                .map(|(i, e)| (((b * per + i) as u64).to_be_bytes().to_vec(), e.clone()))
                .collect()
        })
        .collect();
    let (elapsed, _) = baseline::synced_batches(dir.path(), &batches).expect("raw");
    entries.len() as f64 / elapsed.as_secs_f64()
}

/// Latency at a steady 1,000 records/s for 3 s.
async fn latency(log: &Log, run: usize) -> (Duration, Duration) {
    let entries = releases(&log.signer, 1000 + run, 3000);
    let mut interval = tokio::time::interval(Duration::from_millis(1));
    let mut tasks = Vec::with_capacity(entries.len());
    for entry in entries {
        interval.tick().await;
        let client = log.client.clone();
        let url = format!("http://{}/v1/entries", log.addr);
        tasks.push(tokio::spawn(async move {
            let start = Instant::now();
            let response = client.post(&url).body(entry).send().await.expect("post");
            assert_eq!(response.status().as_u16(), 200);
            let _ = response.bytes().await;
            start.elapsed()
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    for task in tasks {
        latencies.push(task.await.expect("task"));
    }
    (
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
    )
}

fn raw_latency(entries: &[Vec<u8>]) -> (Duration, Duration) {
    let dir = tempfile::tempdir().expect("tempdir");
    let batches: Vec<Vec<(Vec<u8>, Vec<u8>)>> = (0u64..)
        .zip(entries.iter().take(500))
        .map(|(i, e)| vec![(i.to_be_bytes().to_vec(), e.clone())])
        .collect();
    let (_, mut latencies) = baseline::synced_batches(dir.path(), &batches).expect("raw");
    (
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
    )
}

/// Full level-0 tile GETs over 64 connections for 3 s.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
async fn tile_gets(log: &Log) -> (f64, Vec<Vec<u8>>) {
    let size = log.metric("sightline_tree_size").await as u64;
    let full = (size / 256).max(1);
    let mut tiles = Vec::new();
    for n in 0..full.min(64) {
        let body = log
            .client
            .get(format!("http://{}/tile/0/{:03}", log.addr, n))
            .send()
            .await
            .expect("tile")
            .bytes()
            .await
            .expect("bytes");
        tiles.push(body.to_vec());
    }
    let count = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(3);
    let start = Instant::now();
    let tasks: Vec<_> = (0..SUBMITTERS as u64)
        .map(|t| {
            let client = log.client.clone();
            let addr = log.addr;
            let count = Arc::clone(&count);
            tokio::spawn(async move {
                let mut n = t;
                while Instant::now() < deadline {
                    let url = format!("http://{addr}/tile/0/{:03}", n % full.min(64));
                    let response = client.get(url).send().await.expect("get");
                    assert_eq!(response.status().as_u16(), 200);
                    let _ = response.bytes().await;
                    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    n += SUBMITTERS as u64;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    #[allow(clippy::cast_precision_loss)]
    let rate =
        count.load(std::sync::atomic::Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
    (rate, tiles)
}

#[allow(clippy::cast_precision_loss)]
fn raw_gets(tiles: &[Vec<u8>]) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let duration = Duration::from_secs(3);
    let count = baseline::random_gets(dir.path(), tiles, SUBMITTERS, duration).expect("raw gets");
    count as f64 / duration.as_secs_f64()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let mut rates = Vec::new();
    let mut raw_rates = Vec::new();
    let mut round_sizes = Vec::new();
    let mut p50s = Vec::new();
    let mut p99s = Vec::new();
    let mut raw_p50s = Vec::new();
    let mut raw_p99s = Vec::new();
    let mut gets = Vec::new();
    let mut raw_get_rates = Vec::new();
    for run in 0..RUNS {
        let log = Log::start().await;
        let (rate, round_size, entries) = throughput(&log, run).await;
        let raw = tokio::task::spawn_blocking({
            let entries = entries.clone();
            move || raw_throughput(&entries, round_size)
        })
        .await
        .expect("raw");
        let (p50, p99) = latency(&log, run).await;
        let (raw_p50, raw_p99) = tokio::task::spawn_blocking(move || raw_latency(&entries))
            .await
            .expect("raw latency");
        let (get_rate, tiles) = tile_gets(&log).await;
        let raw_get = tokio::task::spawn_blocking(move || raw_gets(&tiles))
            .await
            .expect("raw gets");
        log.stop().await;
        println!(
            "run {run}: {rate:.0} records/s (raw {raw:.0}/s, mean round {round_size:.0}); \
             ack p50 {:.2} ms p99 {:.2} ms (raw sync p50 {:.2} ms p99 {:.2} ms); \
             tile GETs {get_rate:.0}/s (raw {raw_get:.0}/s)",
            ms(p50),
            ms(p99),
            ms(raw_p50),
            ms(raw_p99)
        );
        rates.push(rate);
        raw_rates.push(raw);
        round_sizes.push(round_size);
        p50s.push(ms(p50));
        p99s.push(ms(p99));
        raw_p50s.push(ms(raw_p50));
        raw_p99s.push(ms(raw_p99));
        gets.push(get_rate);
        raw_get_rates.push(raw_get);
    }
    let (rate, raw) = (median(rates), median(raw_rates));
    let (get_rate, raw_get) = (median(gets), median(raw_get_rates));
    println!("median of {RUNS} runs:");
    println!(
        "  admitted releases/s, {SUBMITTERS} submitters: {rate:.0} (raw synced batches of the same bytes: {raw:.0}; ratio {:.3}; mean round {:.0})",
        rate / raw,
        median(round_sizes)
    );
    println!(
        "  ack latency at 1000/s: p50 {:.2} ms, p99 {:.2} ms (raw synced write: p50 {:.2} ms, p99 {:.2} ms)",
        median(p50s),
        median(p99s),
        median(raw_p50s),
        median(raw_p99s)
    );
    println!(
        "  tile GETs/s, {SUBMITTERS} connections: {get_rate:.0} (raw RocksDB GETs: {raw_get:.0}; ratio {:.3})",
        get_rate / raw_get
    );
}
