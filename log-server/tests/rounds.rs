//! Rounds on the sequencer with the in-memory store. When rounds close: as
//! soon as the queue is drained, not at the age bound (an hour here, so a
//! sequencer that waited for it would never answer these submitters). What
//! reaches the round: a recent resubmission is answered from memory, and a
//! signature by a key enrolled earlier in the same round is checked there.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Fixture;
use sightline_log_server::error::Error;
use sightline_log_server::metrics::Metrics;
use sightline_log_server::sequencer::{self, BatchLimits, SequencerConfig};
use sightline_log_server::storage::FaultPoint;
use sightline_log_server::storage::memory::{FaultMode, MemoryStore};
use sightline_proofs::Origin;
use sightline_proofs::state::AdmissionRules;

fn config(f: &Fixture) -> SequencerConfig {
    SequencerConfig {
        log_key: common::key(common::ORIGIN, 99),
        origin: Origin::new(common::ORIGIN).expect("origin"),
        rules: AdmissionRules::new(
            f.roots
                .iter()
                .map(sightline_proofs::SignerKey::verifier)
                .collect(),
            2,
            600,
        )
        .expect("rules"),
        limits: BatchLimits {
            max_entries: 4096,
            max_age: Duration::from_secs(3600),
            queue_max: 64,
        },
    }
}

#[tokio::test]
async fn a_drained_queue_closes_the_round() {
    let f = Fixture::new();
    let started = sequencer::start(
        Arc::new(MemoryStore::new()),
        config(&f),
        Arc::new(Metrics::default()),
    )
    .await
    .expect("start");
    // One submitter at a time: each round holds one entry and its state
    // entry, and each answer comes once that round is committed.
    let mut entries = f.enrolments();
    entries.push(f.release("lone"));
    for (n, entry) in entries.into_iter().enumerate() {
        let before = started.published.get().size;
        let sequenced = started.handle.submit(entry).await.expect("admitted");
        assert_eq!(sequenced.index, before, "submission {n}");
        assert_eq!(started.published.get().size, before + 2, "submission {n}");
    }
}

#[tokio::test]
async fn concurrent_submitters_are_all_answered_in_drained_rounds() {
    let f = Fixture::new();
    let started = sequencer::start(
        Arc::new(MemoryStore::new()),
        config(&f),
        Arc::new(Metrics::default()),
    )
    .await
    .expect("start");
    for entry in f.enrolments() {
        started.handle.submit(entry).await.expect("enrol");
    }
    let base = started.published.get().size;
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let handle = started.handle.clone();
            let entry = f.release(&format!("r{i}"));
            tokio::spawn(async move { handle.submit(entry).await })
        })
        .collect();
    let mut indices = Vec::new();
    for task in tasks {
        indices.push(task.await.expect("join").expect("admitted").index);
    }
    indices.sort_unstable();
    indices.dedup();
    assert_eq!(indices.len(), 32, "every release has its own index");
    let size = started.published.get().size;
    assert!(indices.iter().all(|i| *i >= base && *i < size));
}

#[tokio::test]
async fn a_recent_resubmission_is_answered_without_reading_storage() {
    let f = Fixture::new();
    let store = MemoryStore::new();
    let started = sequencer::start(
        Arc::new(store.clone()),
        config(&f),
        Arc::new(Metrics::default()),
    )
    .await
    .expect("start");
    for entry in f.enrolments() {
        started.handle.submit(entry).await.expect("enrol");
    }
    let release = f.release("again");
    let first = started
        .handle
        .submit(release.clone())
        .await
        .expect("logged");
    // From here the leaf index cannot be read: a submission that reached
    // the sequencer's deduplication would fail its round.
    store.inject(FaultPoint::LookupLeaves, FaultMode::Fail);
    let again = started.handle.submit(release).await.expect("from memory");
    assert_eq!(again, first);
    // The fault was still armed, so nothing read the leaf index above.
    assert!(matches!(
        started.handle.submit(f.release("fresh")).await,
        Err(Error::RoundFailed)
    ));
}

#[tokio::test]
async fn a_key_enrolled_earlier_in_the_same_round_signs_validly() {
    let f = Fixture::new();
    let started = sequencer::start(
        Arc::new(MemoryStore::new()),
        config(&f),
        Arc::new(Metrics::default()),
    )
    .await
    .expect("start");
    let erin = common::key("erin-signing", 20);
    let enrol = f.enrol(&erin, "signer", "erin", "acme/*");
    let release = common::sign_text(&f.release_text("erin", "acme/thermostat/*"), &[&erin]);
    // Erin's signature line over other text: it names erin but does not
    // verify, so skipping the check would admit it.
    let forged = String::from_utf8(common::sign_text(
        &f.release_text("erin forged", "acme/thermostat/*"),
        &[&erin],
    ))
    .expect("utf-8")
    .replace("version 1.0.0", "version 9.9.9")
    .into_bytes();
    // On this single-threaded runtime both submissions are preverified
    // (against a state without erin) and queued before the sequencer runs,
    // so they form one round, in this order: the release's signature is
    // checked by the sequencer against the key enrolled just before it.
    let (enrolled, released, refused) = tokio::join!(
        started.handle.submit(enrol),
        started.handle.submit(release),
        started.handle.submit(forged),
    );
    let enrolled = enrolled.expect("enrolled");
    assert_eq!(released.expect("released").index, enrolled.index + 1);
    assert!(matches!(
        refused,
        Err(Error::Admission(
            sightline_proofs::ProofsError::BadSignature { .. }
        ))
    ));
}
