//! Bodies of c2sp.org/tlog-witness `POST /add-checkpoint` (c2sp-digest
//! §4.2), shared by the log (which sends requests) and the witness (which
//! parses them), so that both sides use exactly one parser (STYLE §8).
//!
//! Three bodies are defined here:
//! - the request: `old N`, up to 63 consistency-proof hashes, a blank line,
//!   the signed checkpoint ([`AddCheckpointRequest`]);
//! - the 200 response: cosignature lines only
//!   ([`parse_add_checkpoint_response`]);
//! - the 409 response, `text/x.tlog.size`: the witness's size and LF
//!   ([`parse_tree_size_body`]).
//!
//! Only the framing is checked here. The note, its signatures and the proof
//! are checked by the witness's processing (open the checkpoint, compare
//! sizes, verify consistency), in the order the spec gives.

use alloc::string::String;
use alloc::vec::Vec;

use crate::ProofsError;
use crate::hash::Hash;
use crate::note::{MAX_SIGNATURES, NoteSignature};
use crate::wire::{check_decimal, parse_decimal, split_line};

/// Most consistency-proof lines a request may carry: a proof between trees of
/// at most 2^63 - 1 leaves has at most 63 hashes (c2sp-digest §4.2).
pub const MAX_PROOF_LINES: usize = 63;

/// Largest request or 200-response body accepted, in bytes. Sunlight's
/// witness accepts 128 KiB (c2sp-digest §4.2); a log sends only its own
/// signature, so real requests stay far below this.
pub const MAX_BODY_BYTES: usize = 128 * 1024;

/// The media type of the 409 body (c2sp-digest §4.2 step 4).
pub const TREE_SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// An add-checkpoint request body (c2sp-digest §4.2).
///
/// Invariants: `old <= i64::MAX`, at most [`MAX_PROOF_LINES`] proof hashes,
/// a non-empty checkpoint, and the encoded body within [`MAX_BODY_BYTES`].
/// The checkpoint is kept as bytes: it is opened with
/// [`crate::checkpoint::open_checkpoint`] against the origin's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    old: u64,
    proof: Vec<Hash>,
    checkpoint: Vec<u8>,
}

impl AddCheckpointRequest {
    /// Builds a request (c2sp-digest §4.2).
    ///
    /// # Errors
    /// [`ProofsError::DecimalTooLarge`] if `old > i64::MAX`;
    /// [`ProofsError::AddCheckpointProofTooLong`] above
    /// [`MAX_PROOF_LINES`]; [`ProofsError::AddCheckpointNoCheckpoint`] if
    /// `checkpoint` is empty; [`ProofsError::AddCheckpointTooLarge`] if the
    /// body would exceed [`MAX_BODY_BYTES`].
    pub fn new(old: u64, proof: Vec<Hash>, checkpoint: Vec<u8>) -> Result<Self, ProofsError> {
        check_decimal(old)?;
        if proof.len() > MAX_PROOF_LINES {
            return Err(ProofsError::AddCheckpointProofTooLong(proof.len()));
        }
        if checkpoint.is_empty() {
            return Err(ProofsError::AddCheckpointNoCheckpoint);
        }
        let request = Self {
            old,
            proof,
            checkpoint,
        };
        // "old " + 19 digits + LF, 45 bytes per hash line, one blank line.
        let len = 24 + 45 * request.proof.len() + 1 + request.checkpoint.len();
        if len > MAX_BODY_BYTES {
            return Err(ProofsError::AddCheckpointTooLarge(len));
        }
        Ok(request)
    }

    /// Parses a request body (c2sp-digest §4.2).
    ///
    /// # Errors
    /// [`ProofsError::AddCheckpointTooLarge`] above [`MAX_BODY_BYTES`];
    /// [`ProofsError::AddCheckpointMissingOld`] unless the first line is
    /// `old N`; [`ProofsError::NotDecimal`],
    /// [`ProofsError::DecimalLeadingZero`] or
    /// [`ProofsError::DecimalTooLarge`] for `N`;
    /// [`ProofsError::AddCheckpointBadProofLine`] for a proof line that is
    /// not canonical base64 of 32 bytes;
    /// [`ProofsError::AddCheckpointMissingBlankLine`] without the blank line;
    /// [`ProofsError::AddCheckpointProofTooLong`] above 63 lines;
    /// [`ProofsError::AddCheckpointNoCheckpoint`] if nothing follows the
    /// blank line.
    pub fn parse(body: &[u8]) -> Result<Self, ProofsError> {
        if body.len() > MAX_BODY_BYTES {
            return Err(ProofsError::AddCheckpointTooLarge(body.len()));
        }
        let (first, mut rest) = split_line(body).ok_or(ProofsError::AddCheckpointMissingOld)?;
        let old = first
            .strip_prefix(b"old ")
            .ok_or(ProofsError::AddCheckpointMissingOld)?;
        let old = core::str::from_utf8(old).map_err(|_| ProofsError::NotDecimal)?;
        let old = parse_decimal(old)?;
        let mut proof = Vec::new();
        loop {
            // Every proof line and the blank line end in LF; running out
            // of LFs means the blank separator line is missing.
            let (line, after) =
                split_line(rest).ok_or(ProofsError::AddCheckpointMissingBlankLine)?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(ProofsError::AddCheckpointProofTooLong(MAX_PROOF_LINES + 1));
            }
            let line =
                core::str::from_utf8(line).map_err(|_| ProofsError::AddCheckpointBadProofLine)?;
            let hash =
                Hash::from_base64(line).map_err(|_| ProofsError::AddCheckpointBadProofLine)?;
            proof.push(hash);
        }
        if rest.is_empty() {
            return Err(ProofsError::AddCheckpointNoCheckpoint);
        }
        Ok(Self {
            old,
            proof,
            checkpoint: rest.to_vec(),
        })
    }

    /// The request body (c2sp-digest §4.2).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + 45 * self.proof.len() + 1 + self.checkpoint.len());
        out.extend_from_slice(alloc::format!("old {}\n", self.old).as_bytes());
        for hash in &self.proof {
            out.extend_from_slice(hash.to_base64().as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(&self.checkpoint);
        out
    }

    /// The size of the checkpoint the log believes the witness holds (c2sp-digest §4.2).
    pub fn old(&self) -> u64 {
        self.old
    }

    /// The consistency proof from `old` to the new checkpoint's size (c2sp-digest §4.2).
    pub fn proof(&self) -> &[Hash] {
        &self.proof
    }

    /// The signed checkpoint note, verbatim (c2sp-digest §4.2).
    pub fn checkpoint(&self) -> &[u8] {
        &self.checkpoint
    }
}

/// Parses a 200 response body: one or more cosignature lines, each ending in
/// LF, and nothing else (c2sp-digest §4.2 step 8).
///
/// The lines are not verified: append them to the checkpoint note and check
/// them with [`crate::cosignature::verify_cosignatures`] before publishing.
///
/// # Errors
/// [`ProofsError::AddCheckpointTooLarge`] above [`MAX_BODY_BYTES`];
/// [`ProofsError::NoteNotUtf8`]; [`ProofsError::NoteControlCharacter`];
/// [`ProofsError::NoteNoSignatures`] for an empty body;
/// [`ProofsError::NoteNoFinalNewline`]; [`ProofsError::TooManySignatures`]
/// above [`MAX_SIGNATURES`]; any [`NoteSignature::parse_line`] error.
pub fn parse_add_checkpoint_response(body: &[u8]) -> Result<Vec<NoteSignature>, ProofsError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ProofsError::AddCheckpointTooLarge(body.len()));
    }
    let text = core::str::from_utf8(body).map_err(|_| ProofsError::NoteNotUtf8)?;
    if let Some(&b) = body.iter().find(|&&b| b < 0x20 && b != b'\n') {
        return Err(ProofsError::NoteControlCharacter(b));
    }
    if text.is_empty() {
        return Err(ProofsError::NoteNoSignatures);
    }
    let text = text
        .strip_suffix('\n')
        .ok_or(ProofsError::NoteNoFinalNewline)?;
    let mut lines = Vec::new();
    for line in text.split('\n') {
        if lines.len() == MAX_SIGNATURES {
            return Err(ProofsError::TooManySignatures(MAX_SIGNATURES + 1));
        }
        lines.push(NoteSignature::parse_line(line)?);
    }
    Ok(lines)
}

/// Encodes a 200 response body: the cosignature lines (c2sp-digest §4.2).
///
/// # Errors
/// [`ProofsError::NoteNoSignatures`] for no lines;
/// [`ProofsError::TooManySignatures`] above [`MAX_SIGNATURES`].
pub fn encode_add_checkpoint_response(
    cosignatures: &[NoteSignature],
) -> Result<Vec<u8>, ProofsError> {
    if cosignatures.is_empty() {
        return Err(ProofsError::NoteNoSignatures);
    }
    if cosignatures.len() > MAX_SIGNATURES {
        return Err(ProofsError::TooManySignatures(cosignatures.len()));
    }
    let mut out = Vec::new();
    for sig in cosignatures {
        out.extend_from_slice(sig.to_line().as_bytes());
    }
    Ok(out)
}

/// Parses a 409 `text/x.tlog.size` body, `N\n`: the size of the latest
/// checkpoint the witness cosigned for the origin (c2sp-digest §4.2 step 4).
///
/// Some witnesses send a 409 without this body for a fork (c2sp-digest
/// §9.3); callers must treat an unparseable 409 as an alarm, not a resync.
///
/// # Errors
/// [`ProofsError::TreeSizeBodyNoNewline`] unless the body is one line ending
/// in LF; [`ProofsError::NotDecimal`], [`ProofsError::DecimalLeadingZero`] or
/// [`ProofsError::DecimalTooLarge`] for the number.
pub fn parse_tree_size_body(body: &[u8]) -> Result<u64, ProofsError> {
    // 19 digits and an LF at most; anything longer is not a size.
    let digits = body
        .strip_suffix(b"\n")
        .filter(|d| d.len() <= 19)
        .ok_or(ProofsError::TreeSizeBodyNoNewline)?;
    let digits = core::str::from_utf8(digits).map_err(|_| ProofsError::NotDecimal)?;
    parse_decimal(digits)
}

/// Encodes a 409 body, `N\n` (c2sp-digest §4.2 step 4).
///
/// # Errors
/// [`ProofsError::DecimalTooLarge`] if `size > i64::MAX`.
pub fn encode_tree_size_body(size: u64) -> Result<String, ProofsError> {
    check_decimal(size)?;
    Ok(alloc::format!("{size}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_size_body_round_trip_and_rejections() {
        assert_eq!(parse_tree_size_body(b"7\n"), Ok(7));
        assert_eq!(encode_tree_size_body(7).as_deref(), Ok("7\n"));
        assert_eq!(
            parse_tree_size_body(b"7"),
            Err(ProofsError::TreeSizeBodyNoNewline)
        );
        assert_eq!(
            parse_tree_size_body(b"07\n"),
            Err(ProofsError::DecimalLeadingZero)
        );
        assert_eq!(parse_tree_size_body(b"7\n\n"), Err(ProofsError::NotDecimal));
        assert!(encode_tree_size_body(u64::MAX).is_err());
    }

    #[test]
    fn request_round_trip() {
        let req = AddCheckpointRequest::new(3, alloc::vec![Hash::new([9; 32])], b"cp\n".to_vec())
            .expect("request");
        let bytes = req.to_bytes();
        assert_eq!(AddCheckpointRequest::parse(&bytes), Ok(req));
    }
}
