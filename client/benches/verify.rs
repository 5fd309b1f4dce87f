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
//! `target/criterion/client/<name>/new/estimates.json` (`median`). Its
//! functions run one after the other, so on a shared machine a change in
//! load between them skews their ratio; the bench therefore also prints an
//! interleaved comparison: rounds of verify_release, the batch reference
//! and the verify_strict reference back to back, each timed over a few
//! calls, and the median of each over all rounds.

// The fixture lives with the integration tests; the benchmark reuses it so
// that what is measured is exactly what the tests accept.
#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

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

    let references = References::new();
    interleaved(&built, &references);

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

    group.bench_function("reference_17_verify_strict", |b| {
        b.iter(|| references.strict());
    });
    group.bench_function("reference_17_verify_batch", |b| {
        b.iter(|| references.batch());
    });
    group.finish();
}

/// The references: 17 raw signatures on messages of a record's size.
struct References {
    message: Vec<u8>,
    keys: Vec<ed25519_dalek::VerifyingKey>,
    signatures: Vec<ed25519_dalek::Signature>,
}

impl References {
    fn new() -> Self {
        let message = vec![b'r'; 300];
        let (keys, signatures) = (0..SIGNATURES_CHECKED)
            .map(|i| {
                let key = SigningKey::from_bytes(&[u8::try_from(i).unwrap_or(0); 32]);
                (key.verifying_key(), key.sign(&message))
            })
            .unzip();
        Self {
            message,
            keys,
            signatures,
        }
    }

    /// One `verify_strict` per signature.
    fn strict(&self) {
        for (key, sig) in self.keys.iter().zip(&self.signatures) {
            key.verify_strict(black_box(&self.message), sig)
                .expect("valid");
        }
    }

    /// One `verify_batch` over all of them.
    fn batch(&self) {
        let messages: Vec<&[u8]> = self.keys.iter().map(|_| self.message.as_slice()).collect();
        ed25519_dalek::verify_batch(black_box(&messages), &self.signatures, &self.keys)
            .expect("valid");
    }
}

/// Rounds of the interleaved comparison, and calls per timed sample.
const ROUNDS: usize = 301;
const CALLS: u32 = 10;

/// Times `f` over [`CALLS`] calls; microseconds per call.
fn sample(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..CALLS {
        f();
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(CALLS)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Prints the interleaved medians and their ratios.
fn interleaved(built: &common::Built, references: &References) {
    let (mut release, mut batch, mut strict) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        release.push(sample(|| {
            verify_release(
                black_box(&built.artifact),
                black_box(&built.bundle),
                &built.policy,
                built.now,
                &built.trusted,
            )
            .expect("accepted");
        }));
        batch.push(sample(|| references.batch()));
        strict.push(sample(|| references.strict()));
    }
    let (release, batch, strict) = (median(release), median(batch), median(strict));
    println!("interleaved, median of {ROUNDS} rounds of {CALLS} calls each:");
    println!("  verify_release               {release:>8.1} µs");
    println!("  reference_17_verify_batch    {batch:>8.1} µs");
    println!("  reference_17_verify_strict   {strict:>8.1} µs");
    println!(
        "  verify_release / batch {:.2}, / strict {:.2}; batch / strict {:.2}",
        release / batch,
        release / strict,
        batch / strict
    );
}

// The macro generates an undocumented `pub fn client`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(client, super::bench);
}
criterion_main!(group::client);
