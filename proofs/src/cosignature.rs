//! Witness cosignatures, `cosignature/v1` (c2sp.org/tlog-cosignature,
//! c2sp-digest §3.2).
//!
//! A cosignature is an ordinary note signature line from a 0x04 key. Its
//! payload is `time (u64 big-endian) || Ed25519 signature` after the usual
//! four-byte key ID, 76 bytes in all, and the signed message is
//!
//! ```text
//! cosignature/v1\n
//! time <T>\n
//! <checkpoint text>
//! ```
//!
//! It states: as of time `T` (POSIX seconds), the largest checkpoint this
//! witness has seen for the origin, consistent with all earlier ones, is this
//! one. The message does not name the witness; the key does.

use alloc::vec::Vec;

use crate::ProofsError;
use crate::checkpoint::Checkpoint;
use crate::note::{
    KeyType, Note, NoteSignature, SIGNATURE_LEN, SignatureCheck, SignerKey, VerifierKey, find_key,
};
use crate::wire::check_decimal;

/// Bytes of a cosignature after the key ID: an 8-byte time and a 64-byte
/// Ed25519 signature.
pub const COSIGNATURE_PAYLOAD_LEN: usize = 8 + SIGNATURE_LEN;

/// The first line of every `cosignature/v1` signed message.
const HEADER: &str = "cosignature/v1\n";

/// The signed message for a cosignature at `time` (c2sp-digest §3.2).
///
/// The checkpoint text is the re-encoding of the parsed values, never bytes
/// received, so a witness cannot be tricked into signing something its parser
/// read differently (c2sp-digest §2.3).
///
/// # Errors
/// [`ProofsError::DecimalTooLarge`] if `time > 2^63 - 1`.
pub fn cosigned_message(checkpoint: &Checkpoint, time: u64) -> Result<Vec<u8>, ProofsError> {
    check_decimal(time)?;
    let text = checkpoint.to_text();
    let mut msg = Vec::with_capacity(HEADER.len() + 26 + text.len());
    msg.extend_from_slice(HEADER.as_bytes());
    msg.extend_from_slice(alloc::format!("time {time}\n").as_bytes());
    msg.extend_from_slice(text.as_bytes());
    Ok(msg)
}

/// Cosigns a checkpoint at `time`, POSIX seconds passed in by the caller
/// (c2sp-digest §3.2). Returns the line to append to the checkpoint note.
///
/// # Errors
/// [`ProofsError::WrongKeyType`] unless `key` is a 0x04 key;
/// [`ProofsError::DecimalTooLarge`] if `time > 2^63 - 1`.
pub fn cosign(
    checkpoint: &Checkpoint,
    key: &SignerKey,
    time: u64,
) -> Result<NoteSignature, ProofsError> {
    if key.key_type() != KeyType::CosignatureV1 {
        return Err(ProofsError::WrongKeyType {
            expected: KeyType::CosignatureV1.to_byte(),
            got: key.key_type().to_byte(),
        });
    }
    let msg = cosigned_message(checkpoint, time)?;
    let mut payload = Vec::with_capacity(COSIGNATURE_PAYLOAD_LEN);
    payload.extend_from_slice(&time.to_be_bytes());
    payload.extend_from_slice(&key.sign(&msg));
    NoteSignature::new(key.name().clone(), key.key_id(), payload)
}

/// Verifies one cosignature line against one witness key and returns its
/// time (c2sp-digest §3.2).
///
/// Success does not imply that the time is recent or not in the future
/// (the caller has the clock), nor that the witness is trusted for this log,
/// nor that any quorum is met.
///
/// # Errors
/// [`ProofsError::WrongKeyType`] unless `key` is a 0x04 key;
/// [`ProofsError::CosignatureKeyMismatch`] if the line's name or key ID is
/// not the key's; [`ProofsError::CosignatureBadLength`] unless the payload
/// is 72 bytes; [`ProofsError::DecimalTooLarge`] if the time exceeds
/// `2^63 - 1`; [`ProofsError::BadSignature`] if the signature fails.
pub fn verify_cosignature(
    checkpoint: &Checkpoint,
    key: &VerifierKey,
    signature: &NoteSignature,
) -> Result<u64, ProofsError> {
    cosignature_with(checkpoint, key, signature, &mut SignatureCheck::Strict)
}

/// [`verify_cosignature`], with the Ed25519 check done as `check` says.
fn cosignature_with(
    checkpoint: &Checkpoint,
    key: &VerifierKey,
    signature: &NoteSignature,
    check: &mut SignatureCheck<'_>,
) -> Result<u64, ProofsError> {
    if key.key_type() != KeyType::CosignatureV1 {
        return Err(ProofsError::WrongKeyType {
            expected: KeyType::CosignatureV1.to_byte(),
            got: key.key_type().to_byte(),
        });
    }
    if !key.matches(signature) {
        return Err(ProofsError::CosignatureKeyMismatch);
    }
    let payload = signature.signature();
    let (time, sig) = payload
        .split_first_chunk::<8>()
        .filter(|(_, sig)| sig.len() == SIGNATURE_LEN)
        .ok_or(ProofsError::CosignatureBadLength(payload.len()))?;
    let time = u64::from_be_bytes(*time);
    let msg = cosigned_message(checkpoint, time)?;
    check.check(key, &msg, sig)?;
    Ok(time)
}

/// A witness cosignature that verified: which key, and the time it states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCosignature {
    key: VerifierKey,
    time: u64,
}

impl VerifiedCosignature {
    /// The witness key that produced the cosignature (c2sp-digest §3.2).
    pub fn key(&self) -> &VerifierKey {
        &self.key
    }

    /// The cosignature's time, POSIX seconds (c2sp-digest §3.2).
    pub fn time(&self) -> u64 {
        self.time
    }
}

/// Finds which of `witnesses` cosigned a checkpoint note, and when
/// (c2sp-digest §3.1, §6.1 step 3).
///
/// The checkpoint is read from the note's text. Lines whose (name, key ID)
/// match no 0x04 key in `witnesses` are ignored: log signatures, unknown
/// witnesses and grease lines. A witness with several valid lines is listed
/// once, with its newest time. An empty result is not an error: whether
/// enough witnesses cosigned is for the caller's policy to decide.
///
/// Success does not imply that the log signature is valid (use
/// [`crate::checkpoint::open_checkpoint`] first), that the times are fresh, or that
/// a quorum is met.
///
/// # Errors
/// Any [`Checkpoint::parse_text`] error for the note's text;
/// [`ProofsError::AmbiguousVerifierKey`] if two different witness keys share
/// a line's name and ID; any [`verify_cosignature`] error for a line that
/// matches a known witness: a known witness's bad line rejects the note.
pub fn verify_cosignatures(
    note: &Note,
    witnesses: &[VerifierKey],
) -> Result<Vec<VerifiedCosignature>, ProofsError> {
    verify_cosignatures_with(note, witnesses, &mut SignatureCheck::Strict)
}

/// [`verify_cosignatures`], with each Ed25519 check done as `check` says:
/// at once, or queued in a [`crate::note::SignatureBatch`]. When deferring,
/// the result assumes every queued cosignature verifies, and means nothing
/// until the batch has verified.
///
/// # Errors
/// As [`verify_cosignatures`]; when deferring,
/// [`ProofsError::BadSignature`] only for a signature the batch's
/// pre-checks refuse.
pub fn verify_cosignatures_with(
    note: &Note,
    witnesses: &[VerifierKey],
    check: &mut SignatureCheck<'_>,
) -> Result<Vec<VerifiedCosignature>, ProofsError> {
    let checkpoint = Checkpoint::parse_text(note.text())?;
    let mut found: Vec<VerifiedCosignature> = Vec::new();
    for line in note.signatures() {
        let Some(key) = find_key(witnesses, KeyType::CosignatureV1, line)? else {
            continue;
        };
        let time = cosignature_with(&checkpoint, key, line, check)?;
        match found.iter_mut().find(|c| c.key == *key) {
            Some(seen) => seen.time = seen.time.max(time),
            None => found.push(VerifiedCosignature {
                key: key.clone(),
                time,
            }),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::Origin;
    use crate::hash::Hash;
    use crate::note::KeyName;

    fn checkpoint() -> Checkpoint {
        let root = Hash::from_base64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=").expect("root");
        Checkpoint::new(Origin::new("example.com/log42").expect("origin"), 8, root)
            .expect("checkpoint")
    }

    fn witness() -> SignerKey {
        let mut seed = [0u8; 32];
        for (i, b) in (0x20u8..).zip(seed.iter_mut()) {
            *b = i;
        }
        let name = KeyName::new("witness.example/w1").expect("name");
        SignerKey::from_seed(name, KeyType::CosignatureV1, seed).expect("key")
    }

    #[test]
    fn message_matches_digest_vector() {
        let msg = cosigned_message(&checkpoint(), 1_700_000_000).expect("msg");
        assert_eq!(
            msg,
            b"cosignature/v1\ntime 1700000000\nexample.com/log42\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
        );
    }

    #[test]
    fn cosign_then_verify_and_line_matches_vector() {
        let key = witness();
        let sig = cosign(&checkpoint(), &key, 1_700_000_000).expect("cosign");
        assert_eq!(
            sig.to_line(),
            "\u{2014} witness.example/w1 IDJKvgAAAABlU/EAUO8WFZTwN0PUdtMHMcgPgCwU+1QTL9jHkFtMMCcndYy/vjvr8kPg8ywf0+H0Eu/rhgqiZ4dHl8EdWkctiFM+Cw==\n"
        );
        assert_eq!(
            verify_cosignature(&checkpoint(), &key.verifier(), &sig),
            Ok(1_700_000_000)
        );
        assert!(cosign(&checkpoint(), &key, u64::MAX).is_err());
    }
}
