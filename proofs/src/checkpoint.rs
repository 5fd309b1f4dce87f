//! Checkpoints (c2sp.org/tlog-checkpoint, c2sp-digest §2): the signed
//! statement "the log named `origin` has `size` entries and root `root`".
//!
//! Sightline's checkpoints carry no extension lines (DESIGN §3), so the text
//! is exactly three lines and [`Checkpoint::parse_text`] refuses anything
//! else. The parser is strict in the way c2sp-digest §2.3 recommends: every
//! value has one text form, so a re-encoding of what was parsed is the same
//! bytes, and cosigning the re-encoding (as witnesses must) cannot diverge
//! from what the log signed.
//!
//! ```
//! use sightline_proofs::checkpoint::{Checkpoint, Origin, open_checkpoint, sign_checkpoint};
//! use sightline_proofs::cosignature::{cosign, verify_cosignatures};
//! use sightline_proofs::note::{KeyName, KeyType, SignerKey};
//! use sightline_proofs::EMPTY_ROOT;
//!
//! // The log signs its (here empty) tree; its key is named like the origin.
//! let origin = Origin::new("example.com/log42")?;
//! let log = SignerKey::from_seed(origin.key_name(), KeyType::Ed25519, [1; 32])?;
//! let checkpoint = Checkpoint::new(origin.clone(), 0, EMPTY_ROOT)?;
//! let mut note = sign_checkpoint(&checkpoint, &log)?;
//!
//! // A witness cosigns at a time the caller supplies (POSIX seconds).
//! let name = KeyName::new("witness.example/w1")?;
//! let w = SignerKey::from_seed(name, KeyType::CosignatureV1, [2; 32])?;
//! note.push_signature(cosign(&checkpoint, &w, 1_700_000_000)?)?;
//!
//! // A client opens it with the log key, then checks its witnesses.
//! let (opened, note) = open_checkpoint(&origin, &[log.verifier()], &note.to_bytes())?;
//! assert_eq!(opened, checkpoint);
//! let cosigned = verify_cosignatures(&note, &[w.verifier()])?;
//! assert_eq!(cosigned[0].time(), 1_700_000_000);
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::ProofsError;
use crate::hash::Hash;
use crate::note::{KeyName, NameFault, Note, SignerKey, VerifierKey, check_name};
use crate::root::RootHash;
use crate::wire::parse_decimal;

/// A log's identity: the first line of its checkpoints and, in Sightline,
/// also the name of its signing key (c2sp-digest §2.1, DESIGN §3).
///
/// Invariant: non-empty, no `+`, no Unicode space and no control character,
/// that is, a valid [`KeyName`]. The spec recommends a scheme-less URL such
/// as `example.com/log42` but clients must not rely on that, so it is not
/// checked.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(String);

impl Origin {
    /// Checks and wraps an origin (c2sp-digest §2.1).
    ///
    /// # Errors
    /// [`ProofsError::OriginEmpty`], [`ProofsError::OriginHasPlus`],
    /// [`ProofsError::OriginHasSpace`] or [`ProofsError::OriginHasControl`].
    pub fn new(origin: &str) -> Result<Self, ProofsError> {
        check_name(origin).map_err(|fault| match fault {
            NameFault::Empty => ProofsError::OriginEmpty,
            NameFault::Plus => ProofsError::OriginHasPlus,
            NameFault::Space => ProofsError::OriginHasSpace,
            NameFault::Control => ProofsError::OriginHasControl,
        })?;
        Ok(Self(origin.to_string()))
    }

    /// The origin as text (c2sp-digest §2.1).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The origin as the log's key name (DESIGN §3: key name = origin).
    pub fn key_name(&self) -> KeyName {
        // Origins pass exactly the checks of `KeyName::new` (both use
        // `check_name`), so the name needs no second check.
        KeyName::from_checked(self.0.clone())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Origin({:?})", self.0)
    }
}

/// A parsed checkpoint: origin, tree size and root hash (c2sp-digest §2.1).
///
/// Invariants: `size <= i64::MAX`, and a tree of size 0 has root
/// `SHA-256("")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    origin: Origin,
    // Size and root travel as one validated tree head, the type every
    // Merkle verifier takes.
    root: RootHash,
}

impl Checkpoint {
    /// Builds a checkpoint from its values (c2sp-digest §2.1).
    ///
    /// # Errors
    /// [`ProofsError::TreeSizeTooLarge`] if `size > i64::MAX`;
    /// [`ProofsError::EmptyTreeRootMismatch`] if `size == 0` and the root
    /// is not `SHA-256("")`.
    pub fn new(origin: Origin, size: u64, root: Hash) -> Result<Self, ProofsError> {
        Ok(Self {
            origin,
            root: RootHash::new(size, root)?,
        })
    }

    /// Parses checkpoint text, the note text without signatures
    /// (c2sp-digest §2.1, §2.3): exactly `origin LF size LF base64(root) LF`.
    ///
    /// # Errors
    /// [`ProofsError::CheckpointMissingLine`] if there are fewer than three
    /// LF-terminated lines; [`ProofsError::CheckpointExtensionLines`] if
    /// anything follows the root line; any [`Origin::new`] error;
    /// [`ProofsError::NotDecimal`], [`ProofsError::DecimalLeadingZero`] or
    /// [`ProofsError::DecimalTooLarge`] for the size;
    /// [`ProofsError::CheckpointBadRoot`] unless the root is canonical base64
    /// of 32 bytes; [`ProofsError::EmptyTreeRootMismatch`].
    pub fn parse_text(text: &str) -> Result<Self, ProofsError> {
        let (origin, rest) = text
            .split_once('\n')
            .ok_or(ProofsError::CheckpointMissingLine)?;
        let (size, rest) = rest
            .split_once('\n')
            .ok_or(ProofsError::CheckpointMissingLine)?;
        let (root, rest) = rest
            .split_once('\n')
            .ok_or(ProofsError::CheckpointMissingLine)?;
        // Extension lines are legal in the spec but opaque to clients and
        // unauditable by monitors; Sightline neither emits nor accepts them.
        if !rest.is_empty() {
            return Err(ProofsError::CheckpointExtensionLines);
        }
        let origin = Origin::new(origin)?;
        let size = parse_decimal(size)?;
        let root = Hash::from_base64(root).map_err(|_| ProofsError::CheckpointBadRoot)?;
        Self::new(origin, size, root)
    }

    /// The checkpoint text: three lines, each ending in LF (c2sp-digest §2.1).
    pub fn to_text(&self) -> String {
        alloc::format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size(),
            self.root.hash().to_base64()
        )
    }

    /// The log's origin (c2sp-digest §2.1).
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The tree size (c2sp-digest §2.1).
    pub fn size(&self) -> u64 {
        self.root.size()
    }

    /// The RFC 6962 root hash of the tree of that size (c2sp-digest §2.1).
    pub fn root(&self) -> Hash {
        *self.root.hash()
    }

    /// Size and root together, as the Merkle verifiers take them (c2sp-digest §2.1).
    pub fn root_hash(&self) -> RootHash {
        self.root
    }
}

/// Parses a signed checkpoint note and checks the log's signature
/// (c2sp-digest §2, §1.3).
///
/// Steps, in order: parse the note; parse its text as a checkpoint; check
/// that its origin is `origin`; verify the note with `log_keys` (0x01 keys;
/// lines from other keys, such as witness cosignatures, are ignored).
/// Returns the checkpoint and the note, whose other lines the caller may
/// verify next with [`crate::cosignature::verify_cosignatures`].
///
/// Success does not imply that any witness cosigned, that the checkpoint is
/// fresh, or that it is consistent with any checkpoint seen before: those are
/// policy and state checks for the caller.
///
/// # Errors
/// Any [`Note::parse`] or [`Checkpoint::parse_text`] error;
/// [`ProofsError::CheckpointWrongOrigin`] if the origin differs; any
/// [`Note::verify`] error (no trusted signature, or a bad one).
pub fn open_checkpoint(
    origin: &Origin,
    log_keys: &[VerifierKey],
    note_bytes: &[u8],
) -> Result<(Checkpoint, Note), ProofsError> {
    let note = Note::parse(note_bytes)?;
    let checkpoint = Checkpoint::parse_text(note.text())?;
    // Checked before signatures so that a note for another log fails with
    // the precise reason rather than "unverified".
    if checkpoint.origin() != origin {
        return Err(ProofsError::CheckpointWrongOrigin);
    }
    note.verify(log_keys)?;
    Ok((checkpoint, note))
}

/// Builds the signed note for a checkpoint, as a log publishes it
/// (c2sp-digest §2.2).
///
/// The key must be an Ed25519 (0x01) key named like the origin (DESIGN §3).
///
/// # Errors
/// [`ProofsError::CheckpointKeyNameMismatch`] if the key's name is not the
/// origin; [`ProofsError::WrongKeyType`] for a 0x04 key.
pub fn sign_checkpoint(checkpoint: &Checkpoint, key: &SignerKey) -> Result<Note, ProofsError> {
    if key.name().as_str() != checkpoint.origin().as_str() {
        return Err(ProofsError::CheckpointKeyNameMismatch);
    }
    let mut note = Note::new(&checkpoint.to_text())?;
    note.sign(key)?;
    Ok(note)
}

/// The wire bytes of a freshly signed checkpoint; a shorthand for
/// [`sign_checkpoint`] followed by [`Note::to_bytes`] (c2sp-digest §2.2).
///
/// # Errors
/// As [`sign_checkpoint`].
pub fn sign_checkpoint_bytes(
    checkpoint: &Checkpoint,
    key: &SignerKey,
) -> Result<Vec<u8>, ProofsError> {
    sign_checkpoint(checkpoint, key).map(|note| note.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin::new("example.com/log42").expect("origin")
    }

    #[test]
    fn origin_rules() {
        assert_eq!(Origin::new(""), Err(ProofsError::OriginEmpty));
        assert_eq!(Origin::new("a+b"), Err(ProofsError::OriginHasPlus));
        assert_eq!(
            Origin::new("go.sum database tree"),
            Err(ProofsError::OriginHasSpace)
        );
        assert_eq!(Origin::new("a\u{7f}"), Err(ProofsError::OriginHasControl));
        assert_eq!(origin().key_name().as_str(), "example.com/log42");
    }

    #[test]
    fn empty_tree_needs_empty_root() {
        assert!(Checkpoint::new(origin(), 0, crate::EMPTY_ROOT).is_ok());
        assert_eq!(
            Checkpoint::new(origin(), 0, Hash::new([1; 32])),
            Err(ProofsError::EmptyTreeRootMismatch)
        );
        assert_eq!(
            Checkpoint::new(origin(), u64::MAX, Hash::new([1; 32])),
            Err(ProofsError::TreeSizeTooLarge(u64::MAX))
        );
    }

    #[test]
    fn text_round_trip() {
        let text = "example.com/log42\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
        let cp = Checkpoint::parse_text(text).expect("parse");
        assert_eq!(cp.size(), 8);
        assert_eq!(cp.to_text(), text);
    }
}
