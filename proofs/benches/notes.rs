//! Signed-note verification costs (c2sp-digest §1-§3), side by side with the
//! independent `signed_note` crate on the same bytes, and raw ed25519-dalek
//! `verify_strict` as the floor: one Ed25519 verification dominates, so the
//! parse and framing overhead is the gap between the rows.

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use ed25519_dalek::{Signature, VerifyingKey};
use sightline_proofs::checkpoint::{Checkpoint, Origin, open_checkpoint};
use sightline_proofs::cosignature::{verify_cosignature, verify_cosignatures};
use sightline_proofs::note::{Note, VerifierKey};
use signed_note::{Note as TheirNote, StandardVerifier, VerifierList};

/// The digest §8.5 cosigned checkpoint, its log-signed form and keys.
const NOTE: &[u8] = include_bytes!("../../testdata/note/checkpoint-8-cosigned.note");
const LOG_VKEY: &str = "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
const WITNESS_VKEY: &str =
    "witness.example/w1+20324abe+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X";

fn benches(c: &mut Criterion) {
    let log = VerifierKey::parse(LOG_VKEY).expect("log vkey");
    let witness = VerifierKey::parse(WITNESS_VKEY).expect("witness vkey");
    let origin = Origin::new("example.com/log42").expect("origin");
    // The log-signed note alone (drop the witness line) for the note rows.
    let full = Note::parse(NOTE).expect("note");
    let mut log_only = Note::new(full.text()).expect("text");
    log_only
        .push_signature(full.signatures()[0].clone())
        .expect("push");
    let log_only = log_only.to_bytes();

    let mut g = c.benchmark_group("note_verify_one_ed25519");
    g.bench_function("sightline parse+verify", |b| {
        b.iter(|| {
            let note = Note::parse(black_box(&log_only)).expect("parse");
            note.verify(std::slice::from_ref(&log)).expect("verify")
        });
    });
    // The two halves of the row above, to show where the time goes.
    g.bench_function("sightline parse only", |b| {
        b.iter(|| Note::parse(black_box(&log_only)).expect("parse"));
    });
    let parsed = Note::parse(&log_only).expect("parse");
    g.bench_function("sightline verify only", |b| {
        b.iter(|| {
            black_box(&parsed)
                .verify(std::slice::from_ref(&log))
                .expect("verify")
        });
    });
    let their_list = VerifierList::new(vec![Box::new(
        StandardVerifier::new(LOG_VKEY).expect("their vkey"),
    )]);
    g.bench_function("signed_note parse+verify", |b| {
        b.iter(|| {
            let note = TheirNote::from_bytes(black_box(&log_only)).expect("parse");
            note.verify(&their_list).expect("verify").0.len()
        });
    });
    let raw_key = VerifyingKey::from_bytes(&log.public_key()).expect("key");
    let raw_sig = Signature::from_slice(full.signatures()[0].signature()).expect("signature bytes");
    let text = full.text().as_bytes().to_vec();
    g.bench_function("ed25519-dalek verify_strict", |b| {
        b.iter(|| {
            raw_key
                .verify_strict(black_box(&text), &raw_sig)
                .expect("verify");
        });
    });
    g.finish();

    let mut g = c.benchmark_group("checkpoint");
    g.bench_function("open_checkpoint (log sig, 2-line note)", |b| {
        b.iter(|| {
            open_checkpoint(&origin, std::slice::from_ref(&log), black_box(NOTE)).expect("open")
        });
    });
    let cp = Checkpoint::parse_text(full.text()).expect("checkpoint");
    let line = full.signatures()[1].clone();
    g.bench_function("verify_cosignature (one line)", |b| {
        b.iter(|| verify_cosignature(&cp, &witness, black_box(&line)).expect("cosig"));
    });
    g.bench_function("open_checkpoint + verify_cosignatures", |b| {
        b.iter(|| {
            let (_, note) = open_checkpoint(&origin, std::slice::from_ref(&log), black_box(NOTE))
                .expect("open");
            verify_cosignatures(&note, std::slice::from_ref(&witness)).expect("cosigs")
        });
    });
    g.finish();
}

// The macro generates an undocumented `pub fn notes`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(notes, super::benches);
}
criterion_main!(group::notes);
