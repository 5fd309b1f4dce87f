//! What the witness does for each request, free of HTTP: handlers in
//! `http.rs` only move bytes in and out of these functions.

use std::collections::HashMap;

use serde::Serialize;
use sightline_proofs::hash::sha256;
use sightline_proofs::witness_api::encode_add_checkpoint_response;
use sightline_proofs::{
    AddCheckpointRequest, Checkpoint, ConsistencyProof, Note, Origin, ProofsError, RootHash,
    VerifierKey, verify_consistency,
};

use crate::cosigner::Cosigner;
use crate::error::WitnessError;
use crate::metrics::Metrics;
use crate::state::{Evidence, EvidenceKind, StoredCheckpoint, WitnessStore};

/// One witnessed log.
#[derive(Debug)]
struct Log {
    origin: Origin,
    keys: Vec<VerifierKey>,
}

/// Everything the handlers share: the store, the key, the trusted logs and
/// the metrics.
#[derive(Debug)]
pub struct Witness<S> {
    store: S,
    cosigner: Cosigner,
    // Keyed by the origin line as text, so that a checkpoint's first line can
    // be looked up before it is validated as an `Origin`.
    logs: HashMap<String, Log>,
    // Lowercase hex SHA-256 of each origin, for the monitoring endpoint.
    by_hash: HashMap<String, Origin>,
    metrics: Metrics,
}

impl<S: WitnessStore> Witness<S> {
    /// Builds the shared state.
    pub fn new(store: S, cosigner: Cosigner, logs: HashMap<Origin, Vec<VerifierKey>>) -> Self {
        let by_hash = logs
            .keys()
            .map(|o| (sha256(o.as_str().as_bytes()).to_hex(), o.clone()))
            .collect();
        let logs = logs
            .into_iter()
            .map(|(origin, keys)| (origin.as_str().to_owned(), Log { origin, keys }))
            .collect();
        Self {
            store,
            cosigner,
            logs,
            by_hash,
            metrics: Metrics::default(),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The cosigning key.
    pub fn cosigner(&self) -> &Cosigner {
        &self.cosigner
    }
}

/// Handles `POST /add-checkpoint` (c2sp-digest §4.2, tlog-witness HEAD) at
/// time `now` (POSIX seconds) and returns the 200 body: the witness's
/// cosignature line.
///
/// The checks run in the order the spec gives, so each failure has the
/// spec's status. The cosignature is computed over the re-encoding of the
/// parsed checkpoint and leaves only after the compare-and-swap committed.
///
/// # Errors
/// One [`WitnessError`] variant per failed check (see `http.rs` for the
/// status of each); [`WitnessError::Storage`] if the store failed, in which
/// case no cosignature is returned.
pub async fn process_add_checkpoint<S: WitnessStore>(
    witness: &Witness<S>,
    body: &[u8],
    now: u64,
) -> Result<Vec<u8>, WitnessError> {
    let request = AddCheckpointRequest::parse(body).map_err(WitnessError::MalformedRequest)?;
    let note = Note::parse(request.checkpoint()).map_err(WitnessError::MalformedNote)?;

    // 1. The origin is the first line; 404 if we do not witness it.
    let first_line = note.text().split('\n').next().unwrap_or_default();
    let log = witness
        .logs
        .get(first_line)
        .ok_or(WitnessError::UnknownOrigin)?;

    // 2. Only this origin's keys; unknown lines are ignored (403).
    let signers = note.verify(&log.keys).map_err(WitnessError::LogSignature)?;

    // The checkpoint itself. Its parser refuses a size-0 tree with another
    // root, which the spec answers with 422 only after the 400 and 409
    // checks, so that case continues as "size 0, bad root".
    let (checkpoint, empty_root_mismatch) = match Checkpoint::parse_text(note.text()) {
        Ok(cp) => (Some(cp), false),
        Err(ProofsError::EmptyTreeRootMismatch) => (None, true),
        Err(e) => return Err(WitnessError::MalformedCheckpoint(e)),
    };
    let size = checkpoint.as_ref().map_or(0, Checkpoint::size);

    // 3. old > size (400).
    if request.old() > size {
        return Err(WitnessError::OldAfterNew {
            old: request.old(),
            size,
        });
    }

    // 4. old must be the stored size (409).
    let stored = witness.store.latest(&log.origin).await?;
    let known_size = stored.as_ref().map_or(0, StoredCheckpoint::size);
    if request.old() != known_size {
        // A checkpoint of the stored size with another root is a fork even
        // when the log's idea of our size is stale: keep it as evidence.
        if let (Some(stored), Some(cp)) = (&stored, &checkpoint)
            && cp.size() == known_size
            && cp.root() != stored.checkpoint().root()
        {
            record(
                witness,
                &request,
                stored,
                EvidenceKind::SameSizeOtherRoot,
                now,
            )
            .await;
        }
        return Err(WitnessError::Conflict { known_size });
    }

    // 5. A size-0 checkpoint must have the empty root (422).
    let Some(checkpoint) = checkpoint.filter(|_| !empty_root_mismatch) else {
        return Err(WitnessError::EmptyTreeRoot);
    };

    // 6, 7. Consistency with what we cosigned (422).
    if request.old() == 0 {
        if !request.proof().is_empty() {
            return Err(WitnessError::ProofForEmptyTree);
        }
    } else if let Some(stored) = &stored {
        let old_root: RootHash = stored.checkpoint().root_hash();
        let checked = ConsistencyProof::new(old_root.size(), size, request.proof().to_vec())
            .and_then(|proof| verify_consistency(&old_root, &checkpoint.root_hash(), &proof));
        if let Err(e) = checked {
            let (kind, err) = match e {
                ProofsError::ConsistencySameSizeRootMismatch(n) => (
                    EvidenceKind::SameSizeOtherRoot,
                    WitnessError::SameSizeOtherRoot(n),
                ),
                e => (
                    EvidenceKind::InconsistentProof,
                    WitnessError::BadConsistencyProof(e),
                ),
            };
            record(witness, &request, stored, kind, now).await;
            return Err(err);
        }
    }

    // 8. Cosign the re-encoded checkpoint; the served note carries the log
    // signatures that verified and our cosignature.
    let cosignature = witness.cosigner.cosign(&checkpoint, now)?;
    let mut served = Note::new(&checkpoint.to_text()).map_err(WitnessError::Cosign)?;
    for key in &signers {
        if let Some(line) = note.signatures().iter().find(|s| key.matches(s)) {
            served
                .push_signature(line.clone())
                .map_err(WitnessError::Cosign)?;
        }
    }
    served
        .push_signature(cosignature.clone())
        .map_err(WitnessError::Cosign)?;
    let new = StoredCheckpoint::new(checkpoint, served.to_bytes(), now)?;

    // The cosignature exists only in memory until this returns Ok: if the
    // process dies first, nothing was released.
    witness.store.compare_and_swap(request.old(), new).await?;
    witness.metrics.cosigned();
    encode_add_checkpoint_response(&[cosignature]).map_err(WitnessError::Cosign)
}

/// Stores split-view evidence. A failure to store is logged and counted but
/// does not change the answer: the request is refused either way.
async fn record<S: WitnessStore>(
    witness: &Witness<S>,
    request: &AddCheckpointRequest,
    stored: &StoredCheckpoint,
    kind: EvidenceKind,
    now: u64,
) {
    let evidence = Evidence::new(
        stored.checkpoint().origin(),
        kind,
        now,
        stored,
        request.checkpoint(),
        request.old(),
        request.proof(),
    );
    tracing::warn!(origin = %evidence.origin, ?kind, "split view: conflicting checkpoint refused");
    match witness.store.record_evidence(evidence).await {
        Ok(true) => witness.metrics.evidence_recorded(),
        Ok(false) => {
            tracing::error!("evidence store full: record not kept");
            witness.metrics.evidence_dropped();
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot store evidence");
            witness.metrics.evidence_dropped();
        }
    }
}

/// Handles `GET /<hex SHA-256 of the origin>/checkpoint`: the latest
/// cosigned checkpoint note (c2sp-digest §4.4).
///
/// # Errors
/// [`WitnessError::UnknownOrigin`] if the hash names no configured origin
/// or the witness never cosigned for it; store errors.
pub async fn process_monitor_checkpoint<S: WitnessStore>(
    witness: &Witness<S>,
    origin_hash: &str,
) -> Result<Vec<u8>, WitnessError> {
    let origin = witness
        .by_hash
        .get(origin_hash)
        .ok_or(WitnessError::UnknownOrigin)?;
    let stored = witness
        .store
        .latest(origin)
        .await?
        .ok_or(WitnessError::UnknownOrigin)?;
    Ok(stored.note().to_vec())
}

/// One log in `GET /v1/logs`.
#[derive(Debug, Serialize)]
pub struct LogStatus {
    /// The origin.
    pub origin: String,
    /// Lowercase hex SHA-256 of the origin (the monitoring path).
    pub origin_hash: String,
    /// Size of the latest cosigned checkpoint, if any.
    pub size: Option<u64>,
    /// Its root, standard base64.
    pub root: Option<String>,
    /// Time of the last cosignature, POSIX seconds.
    pub last_cosigned: Option<u64>,
}

/// The body of `GET /v1/logs`.
#[derive(Debug, Serialize)]
pub struct LogsResponse {
    /// The witness's cosignature verifier key.
    pub witness: String,
    /// Every configured log, sorted by origin.
    pub logs: Vec<LogStatus>,
}

/// Handles `GET /v1/logs`: per configured origin, the latest cosigned size,
/// root and time.
///
/// # Errors
/// Store errors.
pub async fn process_logs<S: WitnessStore>(
    witness: &Witness<S>,
) -> Result<LogsResponse, WitnessError> {
    let heads: HashMap<Origin, StoredCheckpoint> = witness
        .store
        .all_latest()
        .await?
        .into_iter()
        .map(|s| (s.checkpoint().origin().clone(), s))
        .collect();
    let mut logs: Vec<LogStatus> = witness
        .logs
        .values()
        .map(|log| {
            let head = heads.get(&log.origin);
            LogStatus {
                origin: log.origin.as_str().to_owned(),
                origin_hash: sha256(log.origin.as_str().as_bytes()).to_hex(),
                size: head.map(StoredCheckpoint::size),
                root: head.map(|h| h.checkpoint().root().to_base64()),
                last_cosigned: head.map(StoredCheckpoint::cosigned_at),
            }
        })
        .collect();
    logs.sort_by(|a, b| a.origin.cmp(&b.origin));
    Ok(LogsResponse {
        witness: witness.cosigner.verifier().to_string(),
        logs,
    })
}

/// Handles `GET /v1/evidence`: every split-view record, oldest first.
///
/// # Errors
/// Store errors.
pub async fn process_evidence<S: WitnessStore>(
    witness: &Witness<S>,
) -> Result<Vec<Evidence>, WitnessError> {
    witness.store.evidence().await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use sightline_proofs::checkpoint::sign_checkpoint_bytes;
    use sightline_proofs::{
        Hash, KeyName, KeyType, MemoryNodeReader, SignerKey, build_consistency_proof, leaf_hash,
    };

    use super::*;
    use crate::state::memory::{Fault, MemoryStore, Step};

    const LOG_SKEY: &str =
        "PRIVATE+KEY+example.com/log42+61581bf9+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
    const LOG_VKEY: &str =
        "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";

    fn testdata(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../testdata/note")
            .join(name);
        std::fs::read(&path).expect("testdata")
    }

    fn witness() -> Witness<MemoryStore> {
        let mut seed = [0u8; 32];
        for (b, v) in seed.iter_mut().zip(0x20u8..) {
            *b = v;
        }
        let name = KeyName::new("witness.example/w1").expect("name");
        let key = SignerKey::from_seed(name, KeyType::CosignatureV1, seed).expect("key");
        let origin = Origin::new("example.com/log42").expect("origin");
        let logs = HashMap::from([(origin, vec![VerifierKey::parse(LOG_VKEY).expect("vkey")])]);
        Witness::new(
            MemoryStore::new(),
            Cosigner::new(key).expect("cosigner"),
            logs,
        )
    }

    /// The digest §8.2 tree.
    fn tree() -> MemoryNodeReader {
        let bundle = "00000001000001100002202100023031000440414243000850515253545556570010606162636465666768696a6b6c6d6e6f";
        let bytes: Vec<u8> = (0..bundle.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&bundle[i..i + 2], 16).expect("hex"))
            .collect();
        let mut leaves = Vec::new();
        let mut rest = &bytes[..];
        while let Some((len, tail)) = rest.split_first_chunk::<2>() {
            let len = usize::from(u16::from_be_bytes(*len));
            leaves.push(leaf_hash(&tail[..len]));
            rest = &tail[len..];
        }
        MemoryNodeReader::from_leaf_hashes(&leaves)
    }

    fn request(old: u64, new: u64) -> Vec<u8> {
        let tree = tree();
        let root = tree.root(new).expect("root");
        let origin = Origin::new("example.com/log42").expect("origin");
        let cp = Checkpoint::new(origin, new, *root.hash()).expect("checkpoint");
        let note =
            sign_checkpoint_bytes(&cp, &SignerKey::parse(LOG_SKEY).expect("skey")).expect("sign");
        let proof = build_consistency_proof(&tree, old, new)
            .expect("proof")
            .into_path();
        AddCheckpointRequest::new(old, proof, note)
            .expect("request")
            .to_bytes()
    }

    #[tokio::test]
    async fn digest_vector_is_reproduced_byte_for_byte() {
        let w = witness();
        process_add_checkpoint(&w, &request(0, 6), 1_600_000_000)
            .await
            .expect("size 6");
        let body = process_add_checkpoint(&w, &testdata("add-checkpoint-6-8.body"), 1_700_000_000)
            .await
            .expect("6 -> 8");
        assert_eq!(body, testdata("add-checkpoint-200.body"));
        // The served note is the digest's cosigned note, byte for byte.
        let origin_hash = sha256(b"example.com/log42").to_hex();
        let note = process_monitor_checkpoint(&w, &origin_hash)
            .await
            .expect("note");
        assert_eq!(note, testdata("checkpoint-8-cosigned.note"));
    }

    #[tokio::test]
    async fn digest_409_vector() {
        let w = witness();
        process_add_checkpoint(&w, &request(0, 7), 1)
            .await
            .expect("size 7");
        let err = process_add_checkpoint(&w, &testdata("add-checkpoint-6-8.body"), 2)
            .await
            .expect_err("stale");
        assert!(
            matches!(err, WitnessError::Conflict { known_size: 7 }),
            "{err}"
        );
    }

    #[tokio::test]
    async fn failed_write_releases_no_cosignature() {
        let w = witness();
        w.store()
            .inject(Step::CompareAndSwap, Fault::FailNotPersisted);
        let err = process_add_checkpoint(&w, &request(0, 3), 1)
            .await
            .expect_err("fault");
        assert!(matches!(err, WitnessError::InjectedFault));
        assert_eq!(
            w.store()
                .latest(&Origin::new("example.com/log42").expect("o"))
                .await
                .expect("latest"),
            None
        );
        // Nothing persisted: the same request succeeds next time.
        process_add_checkpoint(&w, &request(0, 3), 2)
            .await
            .expect("retry");

        // Persisted but reported as failed: still no cosignature, and the
        // log learns the size with a 409 and resumes from it.
        w.store()
            .inject(Step::CompareAndSwap, Fault::FailButPersisted);
        assert!(process_add_checkpoint(&w, &request(3, 5), 3).await.is_err());
        let err = process_add_checkpoint(&w, &request(3, 5), 4)
            .await
            .expect_err("409");
        assert!(
            matches!(err, WitnessError::Conflict { known_size: 5 }),
            "{err}"
        );
        process_add_checkpoint(&w, &request(5, 8), 5)
            .await
            .expect("resumes");

        // A failed read answers 500 and changes nothing.
        w.store().inject(Step::Latest, Fault::FailNotPersisted);
        assert!(matches!(
            process_add_checkpoint(&w, &request(8, 8), 6).await,
            Err(WitnessError::InjectedFault)
        ));
        assert_eq!(
            w.metrics()
                .render()
                .matches("witness_cosignatures_total 2")
                .count(),
            1
        );
    }

    #[tokio::test]
    async fn evidence_write_failure_still_refuses() {
        let w = witness();
        process_add_checkpoint(&w, &request(0, 4), 1)
            .await
            .expect("size 4");
        let mut proof = build_consistency_proof(&tree(), 4, 8)
            .expect("proof")
            .into_path();
        proof[0] = Hash::new([1; 32]);
        let note = AddCheckpointRequest::parse(&request(4, 8))
            .expect("parse")
            .checkpoint()
            .to_vec();
        let bad = AddCheckpointRequest::new(4, proof, note)
            .expect("request")
            .to_bytes();
        w.store()
            .inject(Step::RecordEvidence, Fault::FailNotPersisted);
        let err = process_add_checkpoint(&w, &bad, 2)
            .await
            .expect_err("bad proof");
        assert!(matches!(err, WitnessError::BadConsistencyProof(_)), "{err}");
        assert!(w.store().evidence().await.expect("evidence").is_empty());
        assert!(
            w.metrics()
                .render()
                .contains("witness_evidence_dropped_total 1")
        );
        let err = process_add_checkpoint(&w, &bad, 3)
            .await
            .expect_err("bad proof");
        assert!(matches!(err, WitnessError::BadConsistencyProof(_)), "{err}");
        assert_eq!(w.store().evidence().await.expect("evidence").len(), 1);
    }
}
