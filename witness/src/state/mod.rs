//! The witness's state: per origin, the latest checkpoint it cosigned, and
//! the split-view evidence it has recorded.
//!
//! [`WitnessStore`] is the one narrow storage interface, with two
//! implementations: RocksDB ([`rocks`]) and, for tests, an in-memory store
//! with fault injection (`memory`, behind the `test-util` feature). Both
//! pass the same conformance suite.
//!
//! The contract that makes the witness safe is
//! [`WitnessStore::compare_and_swap`]: "the stored size is still `old_size`"
//! and "store the new checkpoint" are one atomic step, durable before it
//! returns, so a cosignature released after it returns is for a persisted
//! size, and the stored size never decreases (c2sp-digest §4.2, STYLE 12).

use std::future::Future;

use serde::{Deserialize, Serialize};
use sightline_proofs::hash::sha256;
use sightline_proofs::{Checkpoint, Hash, Note, Origin};

use crate::error::WitnessError;

#[cfg(test)]
pub(crate) mod conformance;
pub mod group;
#[cfg(any(test, feature = "test-util"))]
pub mod memory;
pub mod rocks;

/// The latest checkpoint the witness cosigned for an origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    checkpoint: Checkpoint,
    note: Vec<u8>,
    cosigned_at: u64,
}

impl StoredCheckpoint {
    /// Bundles a parsed checkpoint with the note the witness serves for it
    /// (the re-encoded text, the log signatures it verified and its own
    /// cosignature) and the cosignature's time.
    ///
    /// # Errors
    /// [`WitnessError::StorageCorrupt`] if `note` is not a signed note whose
    /// text is exactly `checkpoint`.
    pub fn new(
        checkpoint: Checkpoint,
        note: Vec<u8>,
        cosigned_at: u64,
    ) -> Result<Self, WitnessError> {
        let parsed = Note::parse(&note)
            .map_err(|e| WitnessError::StorageCorrupt(format!("stored note: {e}")))?;
        if parsed.text() != checkpoint.to_text() {
            return Err(WitnessError::StorageCorrupt(
                "stored note text differs from its checkpoint".into(),
            ));
        }
        Ok(Self {
            checkpoint,
            note,
            cosigned_at,
        })
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.checkpoint.size()
    }

    /// The cosigned note, as served by the monitoring endpoint.
    pub fn note(&self) -> &[u8] {
        &self.note
    }

    /// When the witness cosigned it, POSIX seconds.
    pub fn cosigned_at(&self) -> u64 {
        self.cosigned_at
    }

    /// Storage form: the time as u64 big-endian, then the note bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.note.len());
        out.extend_from_slice(&self.cosigned_at.to_be_bytes());
        out.extend_from_slice(&self.note);
        out
    }

    /// Reads the storage form back.
    ///
    /// # Errors
    /// [`WitnessError::StorageCorrupt`] if the bytes are not what
    /// [`Self::encode`] writes.
    pub fn decode(bytes: &[u8]) -> Result<Self, WitnessError> {
        let corrupt = |what: String| WitnessError::StorageCorrupt(what);
        let (time, note) = bytes
            .split_first_chunk::<8>()
            .ok_or_else(|| corrupt("stored checkpoint shorter than 8 bytes".into()))?;
        let parsed =
            Note::parse(note).map_err(|e| corrupt(format!("stored checkpoint note: {e}")))?;
        let checkpoint = Checkpoint::parse_text(parsed.text())
            .map_err(|e| corrupt(format!("stored checkpoint text: {e}")))?;
        Ok(Self {
            checkpoint,
            note: note.to_vec(),
            cosigned_at: u64::from_be_bytes(*time),
        })
    }
}

/// Why a validly signed checkpoint was refused as a split view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// The log signed a checkpoint of the stored size with another root.
    SameSizeOtherRoot,
    /// The consistency proof from the stored checkpoint to the submitted one
    /// failed.
    InconsistentProof,
}

/// A validly signed checkpoint that conflicts with the stored one: both
/// checkpoints and the proof, as served at `GET /v1/evidence`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The log's origin.
    pub origin: String,
    /// What the conflict is.
    pub kind: EvidenceKind,
    /// When the witness saw it, POSIX seconds.
    pub detected_at: u64,
    /// The checkpoint the witness had cosigned, with the log's signature and
    /// the witness's cosignature.
    pub stored_checkpoint: String,
    /// The conflicting checkpoint, exactly as submitted.
    pub submitted_checkpoint: String,
    /// The request's `old`.
    pub old: u64,
    /// The request's consistency proof, standard base64, in order.
    pub proof: Vec<String>,
}

impl Evidence {
    /// Builds a record from the stored checkpoint and the refused request.
    pub fn new(
        origin: &Origin,
        kind: EvidenceKind,
        detected_at: u64,
        stored: &StoredCheckpoint,
        submitted: &[u8],
        old: u64,
        proof: &[Hash],
    ) -> Self {
        Self {
            origin: origin.as_str().to_owned(),
            kind,
            detected_at,
            stored_checkpoint: String::from_utf8_lossy(stored.note()).into_owned(),
            submitted_checkpoint: String::from_utf8_lossy(submitted).into_owned(),
            old,
            proof: proof.iter().map(Hash::to_base64).collect(),
        }
    }

    /// A stable identity: the same refused request, received twice, is
    /// recorded once. The time is deliberately left out.
    pub fn id(&self) -> Hash {
        let mut bytes = Vec::new();
        for part in [
            self.origin.as_bytes(),
            self.stored_checkpoint.as_bytes(),
            self.submitted_checkpoint.as_bytes(),
        ] {
            bytes.extend_from_slice(&(part.len() as u64).to_be_bytes());
            bytes.extend_from_slice(part);
        }
        bytes.extend_from_slice(&self.old.to_be_bytes());
        for line in &self.proof {
            bytes.extend_from_slice(line.as_bytes());
        }
        sha256(&bytes)
    }
}

/// Most evidence records kept. Only a log's own key can produce evidence,
/// but a compromised key could try to fill the disk; past this bound new
/// records are counted and logged, not stored.
pub const MAX_EVIDENCE: usize = 10_000;

/// The witness's storage.
///
/// Implementations must be safe to call concurrently; calls for different
/// origins should not wait for each other.
pub trait WitnessStore: Send + Sync + 'static {
    /// The latest checkpoint cosigned for `origin`, if any.
    ///
    /// # Errors
    /// [`WitnessError::Storage`] or [`WitnessError::StorageCorrupt`].
    fn latest(
        &self,
        origin: &Origin,
    ) -> impl Future<Output = Result<Option<StoredCheckpoint>, WitnessError>> + Send;

    /// The latest cosigned checkpoint of every origin that has one.
    ///
    /// # Errors
    /// [`WitnessError::Storage`] or [`WitnessError::StorageCorrupt`].
    fn all_latest(
        &self,
    ) -> impl Future<Output = Result<Vec<StoredCheckpoint>, WitnessError>> + Send;

    /// Atomically: if the stored size for the checkpoint's origin is
    /// `old_size` (0 when nothing is stored), store `new`; otherwise change
    /// nothing. A write that changes the size or root is durable (synced)
    /// before this returns `Ok`.
    ///
    /// # Errors
    /// [`WitnessError::Conflict`] with the stored size if it is not
    /// `old_size`; [`WitnessError::Rollback`] if `new` is smaller than the
    /// stored size; [`WitnessError::Storage`] if the write failed, in which
    /// case it may or may not have happened.
    fn compare_and_swap(
        &self,
        old_size: u64,
        new: StoredCheckpoint,
    ) -> impl Future<Output = Result<(), WitnessError>> + Send;

    /// Records split-view evidence; recording the same [`Evidence::id`]
    /// again changes nothing. Returns whether the record is now stored
    /// (false once [`MAX_EVIDENCE`] records are held).
    ///
    /// # Errors
    /// [`WitnessError::Storage`].
    fn record_evidence(
        &self,
        evidence: Evidence,
    ) -> impl Future<Output = Result<bool, WitnessError>> + Send;

    /// Every evidence record, oldest first.
    ///
    /// # Errors
    /// [`WitnessError::Storage`] or [`WitnessError::StorageCorrupt`].
    fn evidence(&self) -> impl Future<Output = Result<Vec<Evidence>, WitnessError>> + Send;
}
