//! The replay behind `sightline audit` and `sightline monitor`: 962
//! entries (a signer's enrolment, 960 releases in rounds of 64 with their
//! state entries) admitted, applied and checked through
//! `History::replay`.
//!
//! Beside it, in the same run, the floor it cannot go below: one raw
//! Ed25519 `verify_strict` per signature the replay checks (one per
//! entry: 962), on messages of a release record's size. The ratio of the
//! two medians is the cost of everything that is not signature checking
//! (parsing, admission rules, re-encoding each state entry).

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use ed25519_dalek::{Signer as _, SigningKey};
use sightline_client::audit::History;
use sightline_client::tlog::Replay;
use sightline_proofs::note::{KeyName, KeyType, SignerKey};
use sightline_proofs::record::{
    ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Record, Release,
    SignedRecord, Timestamp, Token, Version,
};
use sightline_proofs::state::LogState;

/// Releases per round; each round ends with a state entry.
const PER_ROUND: usize = 63;
/// Rounds of releases.
const ROUNDS: usize = 15;
/// Entries replayed: enrolment and its state entry, then the rounds.
const ENTRIES: usize = 2 + ROUNDS * (PER_ROUND + 1);
/// A fixed issue time.
const TIME: u64 = 1_780_000_000;

fn key(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(
        KeyName::new(name).expect("name"),
        KeyType::Ed25519,
        [seed; 32],
    )
    .expect("key")
}

fn entries(root: &SignerKey, log: &SignerKey) -> Vec<Vec<u8>> {
    let signer = key("alice", 3);
    let time = Timestamp::from_unix(TIME).expect("time");
    let mut honest = Replay::new(
        vec![root.verifier()],
        1,
        log.verifier(),
        LogState::new(),
        BTreeMap::new(),
    )
    .expect("replay");
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(ENTRIES);
    let push = |out: &mut Vec<Vec<u8>>, honest: &mut Replay, entry: Vec<u8>| {
        let _ = honest.step(out.len() as u64, &entry);
        out.push(entry);
    };
    let close = |out: &mut Vec<Vec<u8>>, honest: &mut Replay| {
        let index = out.len() as u64;
        let state = honest
            .state()
            .sign_state_entry(index, time, log)
            .expect("state")
            .to_bytes();
        let _ = honest.step(index, &state);
        out.push(state);
    };
    let enrol = Record::Key(
        KeyRecord::new(
            KeyAction::Enrol,
            signer.verifier(),
            KeyRole::Signer,
            Token::new("alice").expect("owner"),
            Some(
                Enrolment::new(
                    vec![Pattern::new("acme/*").expect("scope")],
                    Timestamp::from_unix(TIME + 1_000_000).expect("expiry"),
                )
                .expect("enrolment"),
            ),
            None,
            time,
        )
        .expect("key"),
    );
    let entry = SignedRecord::sign(&enrol, &[root])
        .expect("sign")
        .to_bytes();
    push(&mut out, &mut honest, entry);
    close(&mut out, &mut honest);
    for round in 0..ROUNDS {
        for i in 0..PER_ROUND {
            let release = Record::Release(
                Release::new(
                    ArtifactDigest::parse(&format!("sha256:{}", "5d".repeat(32))).expect("digest"),
                    1024,
                    Token::new("fw").expect("name"),
                    Version::new(&format!("1.{round}.{i}")).expect("version"),
                    vec![Pattern::new("acme/thermostat/*").expect("target")],
                    time,
                )
                .expect("release"),
            );
            let entry = SignedRecord::sign(&release, &[&signer])
                .expect("sign")
                .to_bytes();
            push(&mut out, &mut honest, entry);
        }
        close(&mut out, &mut honest);
    }
    out
}

fn bench(c: &mut Criterion) {
    let root = key("root", 1);
    let log = key("example.com/log", 2);
    let entries = entries(&root, &log);
    assert_eq!(entries.len(), ENTRIES);
    let replay = Replay::new(
        vec![root.verifier()],
        1,
        log.verifier(),
        LogState::new(),
        BTreeMap::new(),
    )
    .expect("replay");
    let history = History::replay(&entries, replay.clone());
    assert!(history.refused().is_empty(), "{:?}", history.refused());
    assert_eq!(history.entries().len(), ENTRIES - ROUNDS - 1);

    let mut group = c.benchmark_group("replay");
    group.sample_size(20);
    group.bench_function("history_replay_962_entries", |b| {
        b.iter(|| History::replay(black_box(&entries), replay.clone()));
    });

    // The reference: raw verify_strict once per entry, on messages of a
    // release record's size.
    let message = vec![b'r'; entries.get(2).map_or(300, Vec::len)];
    let signing = SigningKey::from_bytes(&[7; 32]);
    let (vk, sig) = (signing.verifying_key(), signing.sign(&message));
    group.bench_function("reference_962_verify_strict", |b| {
        b.iter(|| {
            for _ in 0..ENTRIES {
                vk.verify_strict(black_box(&message), &sig).expect("valid");
            }
        });
    });
    group.finish();
}

// The macro generates an undocumented `pub fn replay`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(replay, super::bench);
}
criterion_main!(group::replay);
