//! End to end with the real binary: enrol keys, submit releases, approvals,
//! rollouts, pauses and resumes; read everything back through tlog-tiles
//! with the independent `tlog_tiles` client; restart and check nothing moved.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Fixture, HttpTiles, Server, binary, poll};
use sightline_proofs::record::{Record, SignedRecord};
use sightline_proofs::tlog_proof::TlogProof;
use sightline_proofs::{Origin, VerifierKey, open_checkpoint, verify_tlog_proof};
use tlog_tiles::{HashReader as _, TileHashReader};

/// One checkpoint as the client saw it.
struct Seen {
    size: u64,
    hash: tlog_tiles::Hash,
    note: Vec<u8>,
}

fn log_vkey(server: &Server) -> VerifierKey {
    let out = Command::new(binary())
        .arg("vkey")
        .arg("--config")
        .arg(&server.config)
        .output()
        .expect("vkey");
    assert!(out.status.success());
    VerifierKey::parse(String::from_utf8(out.stdout).expect("utf8").trim()).expect("vkey")
}

fn checkpoint(server: &Server, vkey: &VerifierKey) -> Seen {
    let response = server.get("/checkpoint");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let origin = Origin::new(common::ORIGIN).expect("origin");
    let (cp, note) = open_checkpoint(&origin, std::slice::from_ref(vkey), &response.body)
        .expect("checkpoint signed by the log key");
    // The independent parser agrees on size and root.
    let parsed =
        tlog_tiles::Checkpoint::from_bytes(note.text().as_bytes()).expect("tlog_tiles parse");
    assert_eq!(parsed.size(), cp.size());
    assert_eq!(parsed.hash().0, *cp.root().as_bytes());
    assert_eq!(parsed.extension(), "", "no extension lines");
    Seen {
        size: cp.size(),
        hash: *parsed.hash(),
        note: response.body,
    }
}

/// Every entry of the tree of `seen`, read from entry bundles and checked
/// against level-0 hashes authenticated by the root.
fn verified_entries(server: &Server, seen: &Seen) -> Vec<Vec<u8>> {
    let tiles = HttpTiles { addr: &server.addr };
    let reader = TileHashReader::new(seen.size, seen.hash, &tiles);
    assert_eq!(
        tlog_tiles::tree_hash(seen.size, &reader).expect("tree hash"),
        seen.hash
    );
    let mut entries = Vec::new();
    let mut n = 0u64;
    while n * 256 < seen.size {
        let width = (seen.size - n * 256).min(256);
        let tile = tlog_tiles::Tile::new(8, 0, n, u32::try_from(width).expect("width"), true);
        let path = tile.path().replacen("tile/8/data/", "/tile/entries/", 1);
        let response = server.get(&path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        // Split the bundle by hand: u16 big-endian length, then the entry.
        let mut rest = &response.body[..];
        while !rest.is_empty() {
            let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
            entries.push(rest[2..2 + len].to_vec());
            rest = &rest[2 + len..];
        }
        n += 1;
    }
    assert_eq!(entries.len() as u64, seen.size);
    let indexes: Vec<u64> = (0..seen.size)
        .map(|i| tlog_tiles::stored_hash_index(0, i))
        .collect();
    let hashes = reader.read_hashes(&indexes).expect("leaf hashes");
    for (entry, hash) in entries.iter().zip(hashes) {
        assert_eq!(
            tlog_tiles::record_hash(entry),
            hash,
            "entry matches its leaf"
        );
    }
    entries
}

fn check_tree(server: &Server, vkey: &VerifierKey, seen: &Seen, logged: &[(u64, Vec<u8>)]) {
    let entries = verified_entries(server, seen);
    // The last leaf of every checkpoint is the log's state entry for itself.
    let last = SignedRecord::parse(entries.last().expect("non-empty")).expect("parse");
    match last.record() {
        Record::State(state) => assert_eq!(state.index(), seen.size - 1),
        other => panic!("last entry is not a state entry: {other:?}"),
    }
    last.note()
        .verify(std::slice::from_ref(vkey))
        .expect("signed by the log");
    for (index, entry) in logged {
        if *index < seen.size {
            assert_eq!(
                &entries[usize::try_from(*index).expect("index")],
                entry,
                "entry {index}"
            );
        }
    }
    // Inclusion of every entry, proven by both clients.
    let tiles = HttpTiles { addr: &server.addr };
    let reader = TileHashReader::new(seen.size, seen.hash, &tiles);
    for index in 0..seen.size {
        let proof = tlog_tiles::prove_record(seen.size, index, &reader).expect("prove");
        let leaf = tlog_tiles::record_hash(&entries[usize::try_from(index).expect("index")]);
        tlog_tiles::check_record(&proof, seen.size, seen.hash, index, leaf).expect("included");
    }
}

fn check_consistency(server: &Server, old: &Seen, new: &Seen) {
    let tiles = HttpTiles { addr: &server.addr };
    let reader = TileHashReader::new(new.size, new.hash, &tiles);
    let proof = tlog_tiles::prove_tree(new.size, old.size, &reader).expect("prove tree");
    tlog_tiles::check_tree(&proof, new.size, new.hash, old.size, old.hash).expect("consistent");
    // The log's own endpoint answers the same proof.
    let ours = server.get(&format!(
        "/v1/consistency?old={}&new={}",
        old.size, new.size
    ));
    assert_eq!(ours.status, 200);
    let lines: Vec<String> = ours.text().lines().map(str::to_owned).collect();
    let theirs: Vec<String> = proof
        .iter()
        .map(|h| sightline_proofs::Hash::new(h.0).to_base64())
        .collect();
    assert_eq!(lines, theirs);
}

#[test]
#[allow(clippy::too_many_lines)]
fn records_round_trip_through_tlog_tiles_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(
        dir.path(),
        &format!("{}batch_max_age_ms = 5\n", f.roots_toml()),
    );
    let vkey = log_vkey(&server);
    let mut seen = vec![checkpoint(&server, &vkey)];
    assert_eq!(seen[0].size, 1, "a new log starts with its state entry");
    let mut logged: Vec<(u64, Vec<u8>)> = Vec::new();

    for entry in f.enrolments() {
        let (index, _) = server.submit(&entry);
        logged.push((index, entry));
    }
    seen.push(checkpoint(&server, &vkey));

    // Releases from several threads at once, so rounds hold many entries.
    let addr = server.addr.clone();
    let releases: Vec<(u64, String, Vec<u8>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let f = &f;
                let addr = addr.clone();
                scope.spawn(move || {
                    (0..4)
                        .map(|n| {
                            let entry = f.release(&format!("firmware {t}-{n}"));
                            let response = common::http(&addr, "POST", "/v1/entries", &entry);
                            assert_eq!(response.status, 200, "{}", response.text());
                            let json = response.json();
                            (
                                json["index"].as_u64().expect("index"),
                                json["leaf_hash"].as_str().expect("hash").to_owned(),
                                entry,
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    for (index, _, entry) in &releases {
        logged.push((*index, entry.clone()));
    }
    seen.push(checkpoint(&server, &vkey));

    for (index, hash, _) in releases.iter().take(4) {
        for entry in [f.approval(*index, hash), f.rollout(*index, hash)] {
            let (i, _) = server.submit(&entry);
            logged.push((i, entry));
        }
    }
    let pause = f.pause("acme/thermostat/*");
    let (pause_index, _) = server.submit(&pause);
    logged.push((pause_index, pause.clone()));
    seen.push(checkpoint(&server, &vkey));
    let resume = f.resume("acme/thermostat/*");
    let (i, _) = server.submit(&resume);
    logged.push((i, resume));

    // An identical resubmission returns the existing index.
    assert_eq!(server.submit(&pause).0, pause_index);
    assert_eq!(server.submit(&logged[0].1).0, logged[0].0);
    seen.push(checkpoint(&server, &vkey));

    // Indexes are distinct and every acknowledged entry is where it was said to be.
    let mut indexes: Vec<u64> = logged.iter().map(|(i, _)| *i).collect();
    indexes.sort_unstable();
    indexes.dedup();
    assert_eq!(indexes.len(), logged.len());

    for s in &seen {
        check_tree(&server, &vkey, s, &logged);
    }
    for pair in seen.windows(2) {
        check_consistency(&server, &pair[0], &pair[1]);
    }

    // tlog-proof@v1 for every logged entry, against the latest checkpoint.
    let origin = Origin::new(common::ORIGIN).expect("origin");
    let latest = seen.last().expect("latest");
    for (index, entry) in &logged {
        let response = server.get(&format!("/v1/proof/{index}"));
        assert_eq!(response.status, 200);
        let proof = TlogProof::parse(&response.body).expect("tlog-proof");
        assert_eq!(proof.index(), *index);
        let (cp, _) = verify_tlog_proof(
            &proof,
            &origin,
            std::slice::from_ref(&vkey),
            &sightline_proofs::leaf_hash(entry),
        )
        .expect("proof verifies");
        assert!(cp.size() >= latest.size);
    }

    // Search: by artifact, by key, by owner.
    let digest = sightline_proofs::hash::sha256(b"firmware 0-0").to_hex();
    let by_artifact = server.get(&format!("/v1/search?artifact=sha256:{digest}"));
    assert_eq!(by_artifact.status, 200);
    let found: Vec<u64> = by_artifact.json()["indexes"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_u64().expect("index"))
        .collect();
    let release_index = releases
        .iter()
        .find(|(_, _, e)| String::from_utf8_lossy(e).contains(&digest))
        .map(|(i, _, _)| *i)
        .expect("release");
    assert!(found.contains(&release_index), "{found:?}");
    let by_owner = server.get("/v1/search?owner=dave").json();
    let owner_hits = by_owner["indexes"].as_array().expect("array");
    assert!(owner_hits.iter().any(|v| v.as_u64() == Some(pause_index)));
    let signer = urlencode(&f.signer.verifier().to_string());
    let by_key = server.get(&format!("/v1/search?key={signer}")).json();
    assert_eq!(
        by_key["indexes"].as_array().expect("array").len(),
        1 + releases.len(),
        "the enrolment and every release"
    );

    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    for name in [
        "sightline_queue_depth",
        "sightline_tree_size",
        "sightline_round_size_last",
        "sightline_round_latency_seconds_count",
        "sightline_entries_total",
    ] {
        assert!(metrics.text().contains(name), "{name}");
    }
    assert_eq!(server.get("/healthz").status, 200);

    // Restart: SIGTERM exits 0; everything is still there and the log goes on.
    let before = checkpoint(&server, &vkey);
    let config = server.config.clone();
    let data_dir = server.data_dir.clone();
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let server = Server::start_with(&config, data_dir, &[]);
    let after = checkpoint(&server, &vkey);
    assert_eq!(after.note, before.note, "the same signed checkpoint");
    check_tree(&server, &vkey, &after, &logged);
    let (next, _) = server.submit(&f.release("after restart"));
    assert_eq!(next, after.size);
    let grown = poll(Duration::from_secs(10), || {
        let s = checkpoint(&server, &vkey);
        (s.size > after.size).then_some(s)
    });
    check_consistency(&server, &after, &grown);
    check_tree(&server, &vkey, &grown, &logged);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
