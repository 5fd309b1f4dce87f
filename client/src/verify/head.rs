//! Step 1 of DESIGN §6: the checkpoint is the policy log's, cosigned by a
//! quorum of the policy's witnesses, fresh, and not behind the trusted state.
//!
//! This composes the pieces [`Policy::verify_checkpoint`] is made of,
//! rather than calling it, so that a bad log signature and a forged
//! cosignature come back as different refusals (both surface there as
//! one signature error).

use alloc::string::ToString as _;
use alloc::vec::Vec;

use sightline_proofs::checkpoint::Checkpoint;
use sightline_proofs::cosignature::verify_cosignatures_with;
use sightline_proofs::note::{Note, SignatureCheck, VerifierKey};
use sightline_proofs::policy::QuorumInfo;
use sightline_proofs::{Policy, ProofsError};

use crate::{TrustedState, VerifyError};

/// A checkpoint that passed step 1.
pub(crate) struct CheckedHead {
    /// The checkpoint.
    pub(crate) checkpoint: Checkpoint,
    /// The policy log key that signed it (and must sign the state entry).
    pub(crate) log_key: VerifierKey,
    /// Which witnesses counted, and when.
    pub(crate) quorum: QuorumInfo,
    /// The newest counted cosignature time: what the device will trust.
    pub(crate) newest: u64,
}

/// Runs step 1 on a checkpoint note.
pub(crate) fn check_head(
    note_bytes: &[u8],
    policy: &Policy,
    now: u64,
    trusted: &TrustedState,
    check: &mut SignatureCheck<'_>,
) -> Result<CheckedHead, VerifyError> {
    let note = Note::parse(note_bytes)?;
    let checkpoint = Checkpoint::parse_text(note.text())?;

    // The log key name is the origin (DESIGN §3), so the origin picks the
    // keys to verify with.
    let origin = checkpoint.origin().as_str();
    let log_keys: Vec<VerifierKey> = policy
        .logs()
        .iter()
        .map(sightline_proofs::policy::PolicyLog::key)
        .filter(|key| key.name().as_str() == origin)
        .cloned()
        .collect();
    if log_keys.is_empty() {
        return Err(VerifyError::UnknownLog {
            origin: origin.to_string(),
        });
    }
    let signed = note
        .verify_with(&log_keys, check)
        .map_err(VerifyError::LogSignature)?;
    let log_key = signed
        .into_iter()
        .next()
        .ok_or(VerifyError::LogSignature(ProofsError::NoteUnverified))?;

    // A policy witness's line that fails to verify is a forgery and refuses
    // the checkpoint; lines from keys the policy does not list are ignored.
    let witness_keys: Vec<VerifierKey> =
        policy.witnesses().iter().map(|w| w.key().clone()).collect();
    let cosigned = verify_cosignatures_with(&note, &witness_keys, check)
        .map_err(VerifyError::ForgedCosignature)?;
    let quorum = policy
        .evaluate_quorum(&cosigned)
        .map_err(|_| VerifyError::QuorumNotMet)?;

    policy.check_max_age(&quorum, now).map_err(|e| match e {
        ProofsError::CheckpointTooOld { time, now, max_age } => {
            VerifyError::CheckpointTooOld { time, now, max_age }
        }
        _ => VerifyError::NoFreshnessProof,
    })?;
    let newest = quorum.newest_time().ok_or(VerifyError::NoFreshnessProof)?;

    // Rollback protection against what this device already trusted. Without
    // a consistency proof the device cannot check that a larger tree extends
    // the trusted one; the witnesses' cosignatures attest to that.
    if let Some(t) = trusted.checkpoint() {
        if t.origin() != checkpoint.origin() {
            return Err(VerifyError::TrustedOriginMismatch {
                origin: origin.to_string(),
                trusted: t.origin().as_str().to_string(),
            });
        }
        if checkpoint.size() < t.size() {
            return Err(VerifyError::BelowTrustedSize {
                size: checkpoint.size(),
                trusted: t.size(),
            });
        }
        if checkpoint.size() == t.size() && checkpoint.root() != *t.root() {
            return Err(VerifyError::TrustedRootMismatch {
                size: checkpoint.size(),
            });
        }
        if newest < t.time() {
            return Err(VerifyError::OlderThanTrusted {
                newest,
                trusted: t.time(),
            });
        }
    }
    Ok(CheckedHead {
        checkpoint,
        log_key,
        quorum,
        newest,
    })
}
