//! Offline inclusion proofs, `c2sp.org/tlog-proof@v1` (c2sp-digest §6.1).
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>          (optional)
//! index <N>
//! <base64 hash>           (zero or more: the audit path, leaf's sibling first)
//!                         (blank line)
//! <checkpoint note, verbatim, with its signatures and cosignatures>
//! ```
//!
//! [`TlogProof::parse`] checks the framing; [`verify_tlog_proof`] runs the
//! spec's verification steps that need no policy: the log signature, then
//! the inclusion proof. Cosignatures and quorum (step 3) are left to the
//! caller's policy, with [`crate::cosignature::verify_cosignatures`] on the
//! returned note.

use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::ProofsError;
use crate::checkpoint::{Checkpoint, Origin, open_checkpoint};
use crate::hash::Hash;
use crate::inclusion::{InclusionProof, MAX_INCLUSION_PATH, verify_inclusion};
use crate::note::{MAX_NOTE_BYTES, Note, VerifierKey};
use crate::wire::{check_decimal, parse_decimal, split_line};

/// The first line of every tlog-proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Largest `extra` payload accepted, in decoded bytes. The spec sets no
/// bound; this one is ample for context strings and VRF proofs while
/// keeping a hostile file from making us decode megabytes.
pub const MAX_EXTRA_BYTES: usize = 4096;

/// A parsed tlog-proof (c2sp-digest §6.1).
///
/// Invariants: `index <= i64::MAX`, at most 63 path hashes, `extra` absent
/// or non-empty and at most [`MAX_EXTRA_BYTES`], and a non-empty checkpoint
/// no larger than a note may be. The checkpoint is kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    extra: Option<Vec<u8>>,
    index: u64,
    path: Vec<Hash>,
    checkpoint: Vec<u8>,
}

impl TlogProof {
    /// Builds a proof (c2sp-digest §6.1).
    ///
    /// # Errors
    /// [`ProofsError::TlogProofEmptyExtra`] for `Some` empty extra data;
    /// [`ProofsError::TlogProofExtraTooLarge`];
    /// [`ProofsError::DecimalTooLarge`] if `index > i64::MAX`;
    /// [`ProofsError::TlogProofPathTooLong`] above 63 hashes;
    /// [`ProofsError::TlogProofNoCheckpoint`] for an empty checkpoint;
    /// [`ProofsError::NoteTooLarge`] for an oversized one.
    pub fn new(
        extra: Option<Vec<u8>>,
        index: u64,
        path: Vec<Hash>,
        checkpoint: Vec<u8>,
    ) -> Result<Self, ProofsError> {
        if let Some(extra) = &extra {
            check_extra_len(extra.len())?;
        }
        check_decimal(index)?;
        if path.len() > MAX_INCLUSION_PATH {
            return Err(ProofsError::TlogProofPathTooLong(path.len()));
        }
        check_checkpoint_len(checkpoint.len())?;
        Ok(Self {
            extra,
            index,
            path,
            checkpoint,
        })
    }

    /// Parses a tlog-proof file (c2sp-digest §6.1).
    ///
    /// # Errors
    /// [`ProofsError::TlogProofBadHeader`] unless the first line is exactly
    /// the header; [`ProofsError::TlogProofBadExtra`] for an `extra` line
    /// that is not canonical base64; [`ProofsError::TlogProofEmptyExtra`];
    /// [`ProofsError::TlogProofExtraTooLarge`];
    /// [`ProofsError::TlogProofMissingIndex`] without an `index N` line;
    /// [`ProofsError::NotDecimal`], [`ProofsError::DecimalLeadingZero`] or
    /// [`ProofsError::DecimalTooLarge`] for `N`;
    /// [`ProofsError::TlogProofBadPathLine`] for a path line that is not
    /// canonical base64 of 32 bytes;
    /// [`ProofsError::TlogProofPathTooLong`] above 63 lines;
    /// [`ProofsError::TlogProofMissingBlankLine`] without the blank line;
    /// [`ProofsError::TlogProofNoCheckpoint`] if nothing follows it;
    /// [`ProofsError::NoteTooLarge`] for an oversized checkpoint.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProofsError> {
        let (header, mut rest) = split_line(bytes).ok_or(ProofsError::TlogProofBadHeader)?;
        if header != HEADER.as_bytes() {
            return Err(ProofsError::TlogProofBadHeader);
        }
        let (mut line, after) = split_line(rest).ok_or(ProofsError::TlogProofMissingIndex)?;
        rest = after;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix(b"extra ") {
            // Bound the input before decoding: 4 characters per 3 bytes.
            if b64.len() > MAX_EXTRA_BYTES.div_ceil(3) * 4 {
                return Err(ProofsError::TlogProofExtraTooLarge);
            }
            let data = STANDARD
                .decode(b64)
                .map_err(|_| ProofsError::TlogProofBadExtra)?;
            check_extra_len(data.len())?;
            extra = Some(data);
            (line, rest) = split_line(rest).ok_or(ProofsError::TlogProofMissingIndex)?;
        }
        let index = line
            .strip_prefix(b"index ")
            .ok_or(ProofsError::TlogProofMissingIndex)?;
        let index = core::str::from_utf8(index).map_err(|_| ProofsError::NotDecimal)?;
        let index = parse_decimal(index)?;
        let mut path = Vec::new();
        loop {
            let (line, after) = split_line(rest).ok_or(ProofsError::TlogProofMissingBlankLine)?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if path.len() == MAX_INCLUSION_PATH {
                return Err(ProofsError::TlogProofPathTooLong(MAX_INCLUSION_PATH + 1));
            }
            let line = core::str::from_utf8(line).map_err(|_| ProofsError::TlogProofBadPathLine)?;
            path.push(Hash::from_base64(line).map_err(|_| ProofsError::TlogProofBadPathLine)?);
        }
        check_checkpoint_len(rest.len())?;
        Ok(Self {
            extra,
            index,
            path,
            checkpoint: rest.to_vec(),
        })
    }

    /// The file's bytes (c2sp-digest §6.1).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 45 * self.path.len() + self.checkpoint.len());
        out.extend_from_slice(HEADER.as_bytes());
        out.push(b'\n');
        if let Some(extra) = &self.extra {
            out.extend_from_slice(b"extra ");
            out.extend_from_slice(STANDARD.encode(extra).as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(alloc::format!("index {}\n", self.index).as_bytes());
        for hash in &self.path {
            out.extend_from_slice(hash.to_base64().as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(&self.checkpoint);
        out
    }

    /// The unauthenticated extra data, if any (c2sp-digest §6.1).
    pub fn extra(&self) -> Option<&[u8]> {
        self.extra.as_deref()
    }

    /// The proven leaf's index (c2sp-digest §6.1).
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The audit path, the leaf's sibling first (c2sp-digest §6.1).
    pub fn path(&self) -> &[Hash] {
        &self.path
    }

    /// The checkpoint note, verbatim (c2sp-digest §6.1).
    pub fn checkpoint(&self) -> &[u8] {
        &self.checkpoint
    }
}

/// Verifies a tlog-proof for a leaf hash (c2sp-digest §6.1 steps 2 and 4):
/// opens the checkpoint with the log's keys for `origin`, then verifies the
/// inclusion proof of `leaf_hash` at the proof's index against it.
///
/// Computing the leaf hash (step 1) is the caller's, as it depends on the
/// application. Returns the checkpoint and the note so the caller can run
/// step 3, cosignatures and quorum, with its policy.
///
/// Success does not imply that any witness cosigned, that the checkpoint is
/// fresh or consistent with earlier ones, or anything about the `extra` data,
/// which is not authenticated.
///
/// # Errors
/// Any [`open_checkpoint`] error; [`ProofsError::LeafIndexOutOfRange`] if
/// the index is not below the checkpoint size; any
/// [`verify_inclusion`] error (wrong path length, root mismatch).
pub fn verify_tlog_proof(
    proof: &TlogProof,
    origin: &Origin,
    log_keys: &[VerifierKey],
    leaf_hash: &Hash,
) -> Result<(Checkpoint, Note), ProofsError> {
    let (checkpoint, note) = open_checkpoint(origin, log_keys, &proof.checkpoint)?;
    let inclusion = InclusionProof::new(proof.index, checkpoint.size(), proof.path.clone())?;
    verify_inclusion(leaf_hash, &inclusion, &checkpoint.root_hash())?;
    Ok((checkpoint, note))
}

/// An `extra` line exists only for non-empty data (the spec omits it
/// otherwise), so every proof has one encoding.
fn check_extra_len(len: usize) -> Result<(), ProofsError> {
    if len == 0 {
        return Err(ProofsError::TlogProofEmptyExtra);
    }
    if len > MAX_EXTRA_BYTES {
        return Err(ProofsError::TlogProofExtraTooLarge);
    }
    Ok(())
}

/// The checkpoint must be present and within the note size bound.
fn check_checkpoint_len(len: usize) -> Result<(), ProofsError> {
    if len == 0 {
        return Err(ProofsError::TlogProofNoCheckpoint);
    }
    if len > MAX_NOTE_BYTES {
        return Err(ProofsError::NoteTooLarge(len));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_and_without_extra() {
        for extra in [None, Some(alloc::vec![1, 2, 3])] {
            let proof = TlogProof::new(extra, 5, alloc::vec![Hash::new([3; 32])], b"cp\n".to_vec())
                .expect("proof");
            assert_eq!(TlogProof::parse(&proof.to_bytes()), Ok(proof));
        }
    }
}
