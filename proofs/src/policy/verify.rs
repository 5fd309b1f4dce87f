//! [`Policy::verify_checkpoint`]: the whole of DESIGN §6 step 1 short of the
//! device's clock and trusted state: the log signature, the witnesses'
//! cosignatures and the quorum (c2sp-digest §6.1 steps 2 and 3).

use alloc::vec::Vec;

use super::{Policy, QuorumInfo};
use crate::ProofsError;
use crate::checkpoint::Checkpoint;
use crate::cosignature::verify_cosignatures;
use crate::note::{Note, VerifierKey};
use crate::root::RootHash;

/// A checkpoint that a policy's log signed and a quorum of its witnesses
/// cosigned. Only [`Policy::verify_checkpoint`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    checkpoint: Checkpoint,
    log_keys: Vec<VerifierKey>,
    quorum: QuorumInfo,
}

impl VerifiedCheckpoint {
    /// The checkpoint (origin, size, root).
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The tree head, for inclusion and consistency verification.
    pub fn root_hash(&self) -> RootHash {
        self.checkpoint.root_hash()
    }

    /// The policy's log keys whose signatures verified.
    pub fn log_keys(&self) -> &[VerifierKey] {
        &self.log_keys
    }

    /// Which witnesses counted, and the quorum and newest cosignature times.
    pub fn quorum(&self) -> &QuorumInfo {
        &self.quorum
    }
}

impl Policy {
    /// Verifies a checkpoint note against the policy (DESIGN §6 step 1,
    /// c2sp-digest §6.1 steps 2–3, §6.2):
    ///
    /// 1. the note's origin must name one of the policy's logs (log key name
    ///    = origin), and that log's key must have signed it;
    /// 2. every cosignature line whose key name and key ID match a policy
    ///    witness must verify (a forged one rejects the note); lines from
    ///    unknown keys are ignored;
    /// 3. the witnesses that verified must meet the quorum.
    ///
    /// Success does not imply that the checkpoint is fresh (apply
    /// [`Policy::check_max_age`] with the device's `now`), that it is newer
    /// than or consistent with the device's trusted state, or anything about
    /// the entries of the tree.
    ///
    /// # Errors
    /// Any [`Note::parse`] or [`Checkpoint::parse_text`] error;
    /// [`ProofsError::PolicyUnknownLog`] if the origin names no policy log;
    /// any [`Note::verify`] error (no valid log signature, or a bad one, as
    /// in [`crate::checkpoint::open_checkpoint`]);
    /// any [`verify_cosignatures`] error (a policy witness's cosignature
    /// fails); [`ProofsError::QuorumNotMet`].
    ///
    /// # Panics
    /// Never.
    pub fn verify_checkpoint(&self, note_bytes: &[u8]) -> Result<VerifiedCheckpoint, ProofsError> {
        // These are the steps of `open_checkpoint`, inlined: the origin picks
        // the log keys, so it must be read before verifying, and keeping the
        // list of keys that signed would otherwise cost a second Ed25519
        // verification, which matters on a device. Selecting keys by origin
        // subsumes `open_checkpoint`'s origin check.
        let note = Note::parse(note_bytes)?;
        let checkpoint = Checkpoint::parse_text(note.text())?;
        let origin = checkpoint.origin();
        let log_keys: Vec<VerifierKey> = self
            .logs
            .iter()
            .map(|log| &log.key)
            .filter(|key| key.name().as_str() == origin.as_str())
            .cloned()
            .collect();
        if log_keys.is_empty() {
            return Err(ProofsError::PolicyUnknownLog);
        }
        let signed_by = note.verify(&log_keys)?;

        let witness_keys: Vec<VerifierKey> = self.witnesses.iter().map(|w| w.key.clone()).collect();
        let cosigned = verify_cosignatures(&note, &witness_keys)?;
        let quorum = self.evaluate_quorum(&cosigned)?;
        Ok(VerifiedCheckpoint {
            checkpoint,
            log_keys: signed_by,
            quorum,
        })
    }
}
