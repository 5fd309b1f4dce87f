//! `verify_release` on a typical bundle: nine entries (four enrolments, the
//! release, two approvals, the rollout, the state entry) proven against a
//! checkpoint of a 10^6-entry tree with three cosignatures.
//!
//! Beside it, in the same run, two references for the 17 signatures
//! `verify_release` checks (1 log signature, 3 cosignatures, 4 record
//! signatures, 2 root signatures on each of 4 enrolments, 1 state
//! signature): one raw Ed25519 `verify_strict` each (how `verify_release`
//! checked them before batching, and still does after a failed batch), and
//! one raw `verify_batch` over all 17 (the floor for the signature work it
//! does now). The gap between `verify_release` and the batch reference is
//! the cost of everything that is not signature checking.
//!
//! Criterion writes each median to
//! `target/criterion/client/<name>/new/estimates.json` (`median`).

// The fixture lives with the integration tests; the benchmark reuses it so
// that what is measured is exactly what the tests accept.
#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use ed25519_dalek::{Signer as _, SigningKey};
use sightline_client::verify_release;
use sightline_proofs::Bundle;

/// Signatures checked by one accepted `verify_release` on this bundle.
const SIGNATURES_CHECKED: usize = 17;
/// Leaves in the benchmark's tree.
const TREE_SIZE: u64 = 1_000_000;

fn bench(c: &mut Criterion) {
    // The scenario logs 11 entries after the padding.
    let scenario = common::Scenario {
        padding: TREE_SIZE - 11,
        ..common::Scenario::default()
    };
    let built = scenario.build();
    assert_eq!(built.size, TREE_SIZE, "tree of 10^6 entries");
    let encoded = built.bundle.encode();
    println!(
        "bundle: {} entries, {} bytes, tree size {}",
        built.bundle.entries().len(),
        encoded.len(),
        built.size
    );
    built.verify().expect("the benchmark bundle is accepted");

    let mut group = c.benchmark_group("client");
    group.bench_function("verify_release", |b| {
        b.iter(|| {
            verify_release(
                black_box(&built.artifact),
                black_box(&built.bundle),
                &built.policy,
                built.now,
                &built.trusted,
            )
        });
    });
    group.bench_function("parse_and_verify_release", |b| {
        b.iter(|| {
            let bundle = Bundle::parse(black_box(&encoded)).expect("parses");
            verify_release(
                &built.artifact,
                &bundle,
                &built.policy,
                built.now,
                &built.trusted,
            )
        });
    });

    // The reference: raw verify_strict, once per signature checked above,
    // on messages of a record's size.
    let keys: Vec<SigningKey> = (0..SIGNATURES_CHECKED)
        .map(|i| SigningKey::from_bytes(&[u8::try_from(i).unwrap_or(0); 32]))
        .collect();
    let message = vec![b'r'; 300];
    let signed: Vec<_> = keys
        .iter()
        .map(|k| (k.verifying_key(), k.sign(&message)))
        .collect();
    group.bench_function("reference_17_verify_strict", |b| {
        b.iter(|| {
            for (vk, sig) in &signed {
                vk.verify_strict(black_box(&message), sig).expect("valid");
            }
        });
    });
    let messages: Vec<&[u8]> = signed.iter().map(|_| message.as_slice()).collect();
    let signatures: Vec<_> = signed.iter().map(|(_, sig)| *sig).collect();
    let verifying: Vec<_> = signed.iter().map(|(vk, _)| *vk).collect();
    group.bench_function("reference_17_verify_batch", |b| {
        b.iter(|| {
            ed25519_dalek::verify_batch(black_box(&messages), &signatures, &verifying)
                .expect("valid");
        });
    });
    group.finish();
}

// The macro generates an undocumented `pub fn client`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(client, super::bench);
}
criterion_main!(group::client);
