//! The crash test: SIGKILL the real server at random moments under
//! concurrent load, restart it, and check that every acknowledged entry is
//! at its index, the tree verifies through tlog-tiles, and no two
//! checkpoints of one size differ. `SIGHTLINE_CRASH_CYCLES` sets the number
//! of cycles (default 30).

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Fixture, HttpTiles, Server};
use rand::Rng as _;
use tlog_tiles::{HashReader as _, TileHashReader};

/// A POST that reports failure instead of panicking: the server may die
/// mid-request.
fn try_submit(addr: &str, body: &[u8]) -> Option<u64> {
    let response = common::try_http(addr, "POST", "/v1/entries", body)?;
    if response.status != 200 {
        return None;
    }
    serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()?
        .get("index")?
        .as_u64()
}

fn try_checkpoint(addr: &str) -> Option<Vec<u8>> {
    let response = common::try_http(addr, "GET", "/checkpoint", &[])?;
    (response.status == 200).then_some(response.body)
}

fn size_and_hash(note: &[u8]) -> (u64, tlog_tiles::Hash) {
    let text = String::from_utf8_lossy(note);
    let mut lines = text.lines().skip(1);
    let size = lines.next().expect("size").parse().expect("size");
    let hash = tlog_tiles::Hash::parse_hash(lines.next().expect("hash")).expect("hash");
    (size, hash)
}

/// Checks the restarted log against everything clients were told.
fn check(server: &Server, acked: &BTreeMap<u64, Vec<u8>>, checkpoints: &BTreeMap<u64, Vec<u8>>) {
    let note = server.get("/checkpoint").body;
    let (size, hash) = size_and_hash(&note);
    if let Some(seen) = checkpoints.get(&size) {
        assert_eq!(seen, &note, "two checkpoints for size {size}");
    }
    let tiles = HttpTiles { addr: &server.addr };
    let reader = TileHashReader::new(size, hash, &tiles);
    assert_eq!(
        tlog_tiles::tree_hash(size, &reader).expect("tree hash"),
        hash
    );
    let (&last_acked, _) = acked.last_key_value().unwrap_or((&0, &Vec::new()));
    assert!(
        acked.is_empty() || last_acked < size,
        "acknowledged entry {last_acked} lost"
    );
    // Every acknowledged entry, at its index, authenticated by the root.
    let indexes: Vec<u64> = acked.keys().copied().collect();
    let stored: Vec<u64> = indexes
        .iter()
        .map(|i| tlog_tiles::stored_hash_index(0, *i))
        .collect();
    let hashes = reader.read_hashes(&stored).expect("leaf hashes");
    for ((index, entry), hash) in acked.iter().zip(hashes) {
        assert_eq!(tlog_tiles::record_hash(entry), hash, "entry {index}");
    }
}

#[test]
fn sigkill_under_load_loses_nothing_acknowledged() {
    let cycles: u32 = std::env::var("SIGHTLINE_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Arc::new(Fixture::new());
    let mut server = Server::start(
        dir.path(),
        &format!("{}batch_max_age_ms = 2\n", f.roots_toml()),
    );
    server.submit(&f.enrol(&f.signer, "signer", "alice", "acme/*"));
    let config = server.config.clone();
    let data_dir = server.data_dir.clone();
    let acked: Arc<Mutex<BTreeMap<u64, Vec<u8>>>> = Arc::default();
    let mut checkpoints: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let counter = Arc::new(AtomicU64::new(0));
    let mut rng = rand::thread_rng();
    for cycle in 0..cycles {
        let stop = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::new();
        for _ in 0..4 {
            let (stop, acked, counter, f) =
                (stop.clone(), acked.clone(), counter.clone(), f.clone());
            let addr = server.addr.clone();
            workers.push(std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let entry = f.release(&format!("crash release {n}"));
                    match try_submit(&addr, &entry) {
                        Some(index) => {
                            let mut acked = acked.lock().expect("lock");
                            if let Some(previous) = acked.insert(index, entry.clone()) {
                                assert_eq!(previous, entry, "index {index} given twice");
                            }
                        }
                        None => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            }));
        }
        let watcher = {
            let (stop, addr) = (stop.clone(), server.addr.clone());
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    if let Some(note) = try_checkpoint(&addr) {
                        seen.push(note);
                    }
                    std::thread::sleep(Duration::from_millis(3));
                }
                seen
            })
        };
        // The random moment of the crash.
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..250)));
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker.join().expect("worker");
        }
        for note in watcher.join().expect("watcher") {
            let (size, _) = size_and_hash(&note);
            if let Some(previous) = checkpoints.insert(size, note.clone()) {
                assert_eq!(previous, note, "two checkpoints for size {size}");
            }
        }
        server = Server::start_with(&config, data_dir.clone(), &[]);
        let acked_now = acked.lock().expect("lock").clone();
        check(&server, &acked_now, &checkpoints);
        eprintln!(
            "cycle {cycle}: {} acknowledged, all present",
            acked_now.len()
        );
    }
    assert!(acked.lock().expect("lock").len() > usize::try_from(cycles).expect("cycles"));
}
