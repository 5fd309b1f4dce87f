//! SIGKILL and restart during a stream of add-checkpoint requests: the
//! stored size never decreases, and every size the witness cosigned was
//! persisted before its cosignature left.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{LOG42_VKEY, TestLog, WitnessHome, client, get};
use sightline_proofs::witness_api::{parse_add_checkpoint_response, parse_tree_size_body};

const SUBMITTERS: usize = 4;
const ROUNDS: u64 = 5;

/// A small xorshift generator: enough to vary sizes and kill points.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The stored size as the restarted witness reports it.
async fn stored_size(http: &reqwest::Client, home: &WitnessHome) -> u64 {
    let (status, body) = get(http, home, "/v1/logs").await;
    assert_eq!(status, 200);
    let logs: serde_json::Value = serde_json::from_slice(&body).expect("json");
    logs["logs"][0]["size"].as_u64().unwrap_or(0)
}

#[allow(clippy::too_many_lines)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_stream_never_loses_a_cosigned_size() {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let home = WitnessHome::new(&[("example.com/log42", LOG42_VKEY)]);
    let log = Arc::new(Mutex::new(TestLog::log42(1)));
    let http = client();
    let mut floor = 0u64;

    for round in 0..ROUNDS {
        let witness = home.start();
        // After a restart the witness holds at least every size it ever
        // cosigned, and never less than it held before.
        let stored = stored_size(&http, &home).await;
        assert!(
            stored >= floor,
            "round {round}: stored size {stored} is below the largest cosigned size {floor}"
        );
        floor = stored;

        let max_acked = Arc::new(AtomicU64::new(stored));
        let acked = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for _ in 0..SUBMITTERS {
            let (log, http, url) = (log.clone(), http.clone(), home.url("/add-checkpoint"));
            let (max_acked, acked, stop) = (max_acked.clone(), acked.clone(), stop.clone());
            let mut rng = Rng(rng.below(u64::MAX) | 1);
            tasks.push(tokio::spawn(async move {
                let mut old = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    // Sometimes the same size again (a freshness request).
                    let new = old + rng.below(4);
                    let body = log.lock().expect("log").request(old, new);
                    let Ok(resp) = http.post(&url).body(body).send().await else {
                        return; // the witness was killed
                    };
                    let status = resp.status().as_u16();
                    let Ok(bytes) = resp.bytes().await else {
                        return;
                    };
                    match status {
                        200 => {
                            parse_add_checkpoint_response(&bytes).expect("cosignature");
                            max_acked.fetch_max(new, Ordering::SeqCst);
                            acked.fetch_add(1, Ordering::SeqCst);
                            old = new;
                        }
                        409 => old = parse_tree_size_body(&bytes).expect("size body"),
                        other => panic!("unexpected status {other}"),
                    }
                }
            }));
        }
        // Kill at a different point each round, while requests are in flight.
        let kill_after = 10 + rng.below(40);
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::SeqCst) < kill_after {
            assert!(Instant::now() < deadline, "round {round}: no progress");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        if round + 1 == ROUNDS {
            // The last round ends with a clean stop instead.
            stop.store(true, Ordering::SeqCst);
            for task in tasks.drain(..) {
                task.await.expect("submitter");
            }
            witness.stop();
        } else {
            witness.kill();
            stop.store(true, Ordering::SeqCst);
            for task in tasks {
                task.await.expect("submitter");
            }
        }
        floor = floor.max(max_acked.load(Ordering::SeqCst));
    }
    let witness = home.start();
    let stored = stored_size(&http, &home).await;
    assert!(stored >= floor, "final stored size {stored} below {floor}");
    witness.stop();
}
