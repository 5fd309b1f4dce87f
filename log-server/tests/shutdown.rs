//! Graceful shutdown under load: SIGTERM reaches the real server while
//! many submitters keep its queue non-empty. The process must exit 0, every
//! submission it answered 200 must be in the log after a restart, and every
//! submission must get an answer (200 or 503) or a connection error, never
//! hang.

mod common;

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use common::{Fixture, HttpTiles, Server};
use tlog_tiles::{HashReader as _, TileHashReader};

const SUBMITTERS: usize = 64;
/// Far longer than any answer takes; a read still blocked after it is a
/// hang, which is what this test looks for.
const HANG: Duration = Duration::from_secs(20);

/// What one submission got.
#[derive(Debug)]
enum Outcome {
    /// 200, with the index.
    Logged(u64),
    /// 503 (shutting down, busy or a failed round).
    Unavailable,
    /// Refused, reset or closed without an answer.
    ConnectionError,
    /// No answer within [`HANG`].
    Hung,
    /// Any other answer: its status line and body.
    Other(String),
}

fn submit(addr: &str, body: &[u8]) -> Outcome {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return Outcome::ConnectionError;
    };
    if stream.set_read_timeout(Some(HANG)).is_err() || stream.set_write_timeout(Some(HANG)).is_err()
    {
        return Outcome::ConnectionError;
    }
    let head = format!(
        "POST /v1/entries HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
        return Outcome::ConnectionError;
    }
    let mut raw = Vec::new();
    match stream.read_to_end(&mut raw) {
        Ok(_) => {}
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            return Outcome::Hung;
        }
        Err(_) => return Outcome::ConnectionError,
    }
    let text = String::from_utf8_lossy(&raw);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Outcome::ConnectionError;
    };
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    match status {
        200 => serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["index"].as_u64())
            .map_or_else(|| Outcome::Other(format!("200 {body}")), Outcome::Logged),
        503 => Outcome::Unavailable,
        other => Outcome::Other(format!("{other} {body}")),
    }
}

/// `sightline_queue_depth` from `/metrics`.
fn queue_depth(server: &Server) -> Option<u64> {
    let response = common::try_http(&server.addr, "GET", "/metrics", &[])?;
    response.text().lines().find_map(|l| {
        l.strip_prefix("sightline_queue_depth ")?
            .trim()
            .parse()
            .ok()
    })
}

#[test]
fn sigterm_with_a_full_queue_answers_everyone_and_keeps_every_acknowledged_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Arc::new(Fixture::new());
    // One entry per round: each round is a synced write, so 64 submitters
    // keep the queue non-empty.
    let server = Server::start(
        dir.path(),
        &format!(
            "{}batch_max_entries = 1\nqueue_max = 4096\n",
            f.roots_toml()
        ),
    );
    for entry in f.enrolments() {
        server.submit(&entry);
    }
    let addr = server.addr.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    for t in 0..SUBMITTERS {
        let (f, addr, stop, tx) = (Arc::clone(&f), addr.clone(), Arc::clone(&stop), tx.clone());
        std::thread::spawn(move || {
            let mut outcomes = Vec::new();
            for n in 0.. {
                let entry = f.release(&format!("shutdown {t} {n}"));
                let outcome = submit(&addr, &entry);
                let ended = matches!(outcome, Outcome::ConnectionError | Outcome::Hung);
                outcomes.push((entry, outcome));
                // Keep going until the server is gone, so that submissions
                // are in flight at every stage of the shutdown.
                if ended || stop.load(Ordering::Relaxed) {
                    break;
                }
            }
            let _ = tx.send(outcomes);
        });
    }
    drop(tx);
    common::poll(Duration::from_secs(60), || {
        queue_depth(&server).filter(|d| *d >= 8)
    });
    let data_dir = server.data_dir.clone();
    let config = server.config.clone();
    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    // The submitters stop at their first connection error; the flag only
    // bounds a submitter that somehow never sees one.
    stop.store(true, Ordering::Relaxed);

    let mut acked: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let (mut unavailable, mut errors) = (0, 0);
    for _ in 0..SUBMITTERS {
        let outcomes = rx.recv_timeout(HANG * 3).expect("every submitter finishes");
        for (entry, outcome) in outcomes {
            match outcome {
                Outcome::Logged(index) => {
                    assert!(acked.insert(index, entry).is_none(), "index {index} twice");
                }
                Outcome::Unavailable => unavailable += 1,
                Outcome::ConnectionError => errors += 1,
                Outcome::Hung => panic!("a submission got no answer within {HANG:?}"),
                Outcome::Other(answer) => panic!("a submission got {answer}"),
            }
        }
    }
    assert!(
        !acked.is_empty() && unavailable + errors > 0,
        "load ran: {} acknowledged, {unavailable} answered 503, {errors} connection errors",
        acked.len()
    );

    // Every acknowledged entry is at its index, authenticated by the root
    // of the restarted log.
    let server = Server::start_with(&config, data_dir, &[]);
    let note = server.get("/checkpoint").text();
    let mut lines = note.lines().skip(1);
    let size: u64 = lines.next().expect("size").parse().expect("size");
    let hash = tlog_tiles::Hash::parse_hash(lines.next().expect("hash")).expect("hash");
    let tiles = HttpTiles { addr: &server.addr };
    let reader = TileHashReader::new(size, hash, &tiles);
    let stored: Vec<u64> = acked
        .keys()
        .map(|i| tlog_tiles::stored_hash_index(0, *i))
        .collect();
    let hashes = reader.read_hashes(&stored).expect("leaf hashes");
    for ((index, entry), hash) in acked.iter().zip(hashes) {
        assert_eq!(tlog_tiles::record_hash(entry), hash, "entry {index}");
    }
    assert_eq!(server.terminate().code(), Some(0));
}
