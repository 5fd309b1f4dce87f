//! The contract of [`WitnessStore`], run against every implementation.

use std::sync::Arc;

use sightline_proofs::checkpoint::sign_checkpoint_bytes;
use sightline_proofs::{Checkpoint, MemoryNodeReader, Origin, SignerKey, leaf_hash};

use super::{Evidence, EvidenceKind, StoredCheckpoint, WitnessStore};
use crate::error::WitnessError;

const LOG_SKEY: &str =
    "PRIVATE+KEY+example.com/log42+61581bf9+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

/// A stored checkpoint of `size` leaves of history `history` for
/// `example.com/log42`, cosigned at time `size`.
pub(crate) fn stored(size: u64, history: u8) -> StoredCheckpoint {
    stored_for("example.com/log42", size, history, size)
}

/// Like [`stored`], for any origin and cosignature time.
pub(crate) fn stored_for(origin: &str, size: u64, history: u8, time: u64) -> StoredCheckpoint {
    let leaves: Vec<_> = (0..size)
        .map(|i| leaf_hash(&[&[history][..], &i.to_be_bytes()].concat()))
        .collect();
    let root = MemoryNodeReader::from_leaf_hashes(&leaves)
        .root(size)
        .expect("root");
    let origin = Origin::new(origin).expect("origin");
    let checkpoint = Checkpoint::new(origin, size, *root.hash()).expect("checkpoint");
    // The signature is not checked by stores; any key gives a valid note.
    let key = SignerKey::parse(LOG_SKEY).expect("skey");
    let key = if checkpoint.origin().as_str() == "example.com/log42" {
        key
    } else {
        SignerKey::from_seed(
            checkpoint.origin().key_name(),
            sightline_proofs::KeyType::Ed25519,
            [7; 32],
        )
        .expect("key")
    };
    let note = sign_checkpoint_bytes(&checkpoint, &key).expect("sign");
    StoredCheckpoint::new(checkpoint, note, time).expect("stored")
}

fn evidence(n: u64) -> Evidence {
    let stored = stored(3, 1);
    let other = stored_for("example.com/log42", 3, 2, 0);
    Evidence::new(
        stored.checkpoint().origin(),
        EvidenceKind::SameSizeOtherRoot,
        n,
        &stored,
        other.note(),
        n,
        &[],
    )
}

/// Runs every check against `store`, which must start empty.
pub(crate) async fn run<S: WitnessStore>(store: &S) {
    let a = Origin::new("example.com/log42").expect("origin");
    assert_eq!(store.latest(&a).await.expect("latest"), None);
    assert!(store.all_latest().await.expect("all").is_empty());
    assert!(store.evidence().await.expect("evidence").is_empty());

    // The first write must say old 0.
    assert!(matches!(
        store.compare_and_swap(1, stored(2, 1)).await,
        Err(WitnessError::Conflict { known_size: 0 })
    ));
    store
        .compare_and_swap(0, stored(2, 1))
        .await
        .expect("first");
    assert_eq!(store.latest(&a).await.expect("latest"), Some(stored(2, 1)));

    // A stale old size loses, and changes nothing.
    assert!(matches!(
        store.compare_and_swap(0, stored(5, 1)).await,
        Err(WitnessError::Conflict { known_size: 2 })
    ));
    assert_eq!(store.latest(&a).await.expect("latest"), Some(stored(2, 1)));
    store
        .compare_and_swap(2, stored(5, 1))
        .await
        .expect("advance");

    // Never backwards, even with the right old size.
    assert!(matches!(
        store.compare_and_swap(5, stored(4, 1)).await,
        Err(WitnessError::Rollback { stored: 5, new: 4 })
    ));
    // Re-cosigning the same head is allowed and updates the time.
    let fresh = stored_for("example.com/log42", 5, 1, 99);
    store
        .compare_and_swap(5, fresh.clone())
        .await
        .expect("same size");
    assert_eq!(store.latest(&a).await.expect("latest"), Some(fresh.clone()));

    // Origins are independent.
    let other = stored_for("example.com/other", 7, 3, 1);
    store
        .compare_and_swap(0, other.clone())
        .await
        .expect("other");
    let mut all = store.all_latest().await.expect("all");
    all.sort_by_key(StoredCheckpoint::size);
    assert_eq!(all, vec![fresh.clone(), other]);

    // Evidence: recorded once per identity, served oldest first.
    assert!(store.record_evidence(evidence(1)).await.expect("record"));
    assert!(store.record_evidence(evidence(1)).await.expect("again"));
    assert!(store.record_evidence(evidence(2)).await.expect("second"));
    assert_eq!(
        store.evidence().await.expect("evidence"),
        vec![evidence(1), evidence(2)]
    );
    assert_eq!(store.latest(&a).await.expect("latest"), Some(fresh));
}

/// Many concurrent swaps from the same old size: exactly one wins, and the
/// others learn the winner's size.
pub(crate) async fn run_concurrent<S: WitnessStore>(store: Arc<S>) {
    let origin = Origin::new("example.com/log42").expect("origin");
    store
        .compare_and_swap(0, stored(1, 1))
        .await
        .expect("first");
    let mut tasks = Vec::new();
    for size in 2..18 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            (size, store.compare_and_swap(1, stored(size, 1)).await)
        }));
    }
    let mut winners = Vec::new();
    let mut losers = Vec::new();
    for task in tasks {
        match task.await.expect("join") {
            (size, Ok(())) => winners.push(size),
            (_, Err(WitnessError::Conflict { known_size })) => losers.push(known_size),
            (_, Err(e)) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one swap wins");
    assert!(losers.iter().all(|&k| k == winners[0]));
    let head = store.latest(&origin).await.expect("latest").expect("head");
    assert_eq!(head.size(), winners[0]);
}
