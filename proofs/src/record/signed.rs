//! [`SignedRecord`]: a log entry (DESIGN §4), a signed note whose text is a
//! record, parsed and size-checked but not yet verified.

use alloc::vec::Vec;

use super::Record;
use crate::note::{Note, SignerKey};
use crate::{Hash, ProofsError, leaf_hash};

/// Largest entry, in bytes (DESIGN §4). Entries are length-prefixed with a
/// u16 in tlog-tiles entry bundles (c2sp-digest §5.3, §9.4), so nothing
/// larger can be served.
pub const MAX_ENTRY_LEN: usize = 65_535;

/// One log entry: the signed note and the record its text holds.
///
/// Holding a `SignedRecord` means the entry is at most 65,535 bytes, is a
/// well-formed signed note in its one canonical byte form, and its text is a
/// well-formed record. It does **not** mean any signature is valid or that
/// the record may be logged: that is
/// [`LogState::admit`](crate::state::LogState::admit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRecord {
    /// The parsed note, signature lines in order.
    note: Note,
    /// The record in the note's text.
    record: Record,
    /// `SHA-256(0x00 || entry)`.
    leaf_hash: Hash,
}

impl SignedRecord {
    /// Parses a log entry.
    ///
    /// Spec: DESIGN §4 (entries are signed notes of at most 65,535 bytes),
    /// c2sp-digest §1.1 (note wire format).
    ///
    /// # Errors
    /// [`ProofsError::EntryTooLarge`] above [`MAX_ENTRY_LEN`]; any
    /// [`Note::parse`] error; [`ProofsError::NonCanonicalEntry`] if the note
    /// does not re-encode to the same bytes (for example a signature in
    /// non-canonical base64), so that one record has one entry encoding;
    /// any [`Record::parse_text`] error.
    pub fn parse(entry: &[u8]) -> Result<Self, ProofsError> {
        if entry.len() > MAX_ENTRY_LEN {
            return Err(ProofsError::EntryTooLarge(entry.len()));
        }
        let note = Note::parse(entry)?;
        if note.to_bytes() != entry {
            return Err(ProofsError::NonCanonicalEntry);
        }
        let record = Record::parse_text(note.text())?;
        Ok(Self {
            note,
            record,
            leaf_hash: leaf_hash(entry),
        })
    }

    /// Encodes `record` canonically and signs it with each key in turn,
    /// producing the entry a client submits.
    ///
    /// Spec: DESIGN §4, c2sp-digest §1.1.
    ///
    /// # Errors
    /// Any [`Note::new`] or [`Note::sign`] error (for example a key that is
    /// not an Ed25519 note key); [`ProofsError::EntryTooLarge`] if the result
    /// exceeds [`MAX_ENTRY_LEN`].
    pub fn sign(record: &Record, signers: &[&SignerKey]) -> Result<Self, ProofsError> {
        let mut note = Note::new(&record.to_text())?;
        for key in signers {
            note.sign(key)?;
        }
        Self::parse(&note.to_bytes())
    }

    /// The parsed note.
    pub const fn note(&self) -> &Note {
        &self.note
    }

    /// The record.
    pub const fn record(&self) -> &Record {
        &self.record
    }

    /// The entry's RFC 6962 leaf hash.
    pub const fn leaf_hash(&self) -> &Hash {
        &self.leaf_hash
    }

    /// The entry bytes (identical to the bytes parsed).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.note.to_bytes()
    }
}
