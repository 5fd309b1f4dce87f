//! Release bundles (DESIGN §7): every record a device needs, each with its
//! inclusion path, proven against one cosigned checkpoint, in one text file.
//!
//! ```text
//! sightline/v1 bundle
//! entry <index> <base64 entry bytes>
//! <base64 hash>            ; 0..=63 inclusion path lines, the leaf's sibling first
//! entry <index> <base64 entry bytes>
//! ...
//!                          ; the first empty line of the file
//! <checkpoint note, verbatim, with its signature and cosignatures>
//! ```
//!
//! Entries appear in strictly ascending index order, so every bundle has
//! exactly one encoding and [`Bundle::encode`] reproduces the parsed bytes.
//! The entry section is line-oriented and ASCII; the checkpoint note is kept
//! as the exact bytes received, because its signatures cover those bytes.
//!
//! Parsing checks only the shape of the file. What the entries *mean* is the
//! client's business; whether the checkpoint is signed and cosigned is the
//! policy's (see `Policy::verify_checkpoint`); [`Bundle::verify_inclusions`]
//! ties the two together.

use alloc::boxed::Box;
use alloc::string::ToString as _;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::ProofsError;
use crate::checkpoint::Checkpoint;
use crate::hash::{Hash, leaf_hash};
use crate::inclusion::{InclusionProof, verify_inclusion};
use crate::note::Note;
use crate::root::RootHash;

/// The first line of every bundle (without its LF).
pub const BUNDLE_HEADER: &str = "sightline/v1 bundle";

/// Largest bundle accepted or produced, in bytes.
///
/// A release needs a handful of records (release, approvals, rollout,
/// enrolments, the state entry); 4 MiB leaves room for dozens of maximal
/// 64 KiB entries while bounding what a device must buffer.
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// Most entries in one bundle.
pub const MAX_BUNDLE_ENTRIES: usize = 256;

/// Largest entry, in bytes: tlog-tiles entry bundles carry a u16 length
/// (c2sp-digest §5.3), so nothing larger can be logged.
pub const MAX_ENTRY_BYTES: usize = 65_535;

/// Most inclusion path lines per entry: a tree of at most 2^63 leaves has
/// paths of at most 63 hashes (c2sp-digest §9.3).
pub const MAX_PATH_LINES: usize = 63;

/// Largest entry index: an index is below its checkpoint's size, and sizes
/// are at most `i64::MAX` (c2sp-digest §2.3).
const MAX_INDEX: u64 = i64::MAX as u64 - 1;

/// Length of the base64 text of a [`MAX_ENTRY_BYTES`] entry; longer text is
/// rejected before decoding, bounding the work done on hostile input.
const MAX_ENTRY_BASE64: usize = MAX_ENTRY_BYTES.div_ceil(3) * 4;

/// One logged entry in a bundle: its index, its bytes and its inclusion path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleEntry {
    index: u64,
    bytes: Vec<u8>,
    path: Vec<Hash>,
}

impl BundleEntry {
    /// Makes an entry (DESIGN §7).
    ///
    /// # Errors
    /// [`ProofsError::BundleBadIndex`] (with line 0) if `index` is above
    /// 2^63-2, [`ProofsError::BundleEmptyEntry`] or
    /// [`ProofsError::BundleEntryTooLarge`] for an entry of 0 or more than
    /// 65,535 bytes, [`ProofsError::BundleTooManyPathLines`] for a path of more
    /// than 63 hashes.
    ///
    /// # Panics
    /// Never.
    pub fn new(index: u64, bytes: Vec<u8>, path: Vec<Hash>) -> Result<Self, ProofsError> {
        if index > MAX_INDEX {
            return Err(ProofsError::BundleBadIndex(0));
        }
        if bytes.is_empty() {
            return Err(ProofsError::BundleEmptyEntry(index));
        }
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(ProofsError::BundleEntryTooLarge(index));
        }
        if path.len() > MAX_PATH_LINES {
            return Err(ProofsError::BundleTooManyPathLines(index));
        }
        Ok(Self { index, bytes, path })
    }

    /// The entry's leaf index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The entry bytes (a whole signed record).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The inclusion path, the leaf's sibling first.
    pub fn path(&self) -> &[Hash] {
        &self.path
    }

    /// Bytes this entry takes in the encoded bundle.
    fn encoded_len(&self) -> usize {
        // "entry " + index + " " + base64 + "\n", then 45 bytes per path line.
        let digits = decimal_len(self.index);
        6 + digits + 1 + self.bytes.len().div_ceil(3) * 4 + 1 + self.path.len() * 45
    }
}

/// A release bundle (DESIGN §7). Construct with [`Bundle::new`] or
/// [`Bundle::parse`]; both enforce the same rules, so every `Bundle` encodes
/// to a file that parses back to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    entries: Vec<BundleEntry>,
    checkpoint: Vec<u8>,
}

impl Bundle {
    /// Assembles a bundle from entries (in strictly ascending index order)
    /// and a checkpoint note (DESIGN §7).
    ///
    /// # Errors
    /// [`ProofsError::BundleNoEntries`], [`ProofsError::BundleTooManyEntries`],
    /// [`ProofsError::BundleNotAscending`], [`ProofsError::BundleDuplicateEntry`],
    /// [`ProofsError::BundleBadCheckpoint`] if the note does not parse as a
    /// signed checkpoint note, [`ProofsError::BundleTooLarge`] if the encoding would
    /// exceed [`MAX_BUNDLE_BYTES`].
    ///
    /// # Panics
    /// Never.
    pub fn new(entries: Vec<BundleEntry>, checkpoint_note: Vec<u8>) -> Result<Self, ProofsError> {
        if entries.is_empty() {
            return Err(ProofsError::BundleNoEntries);
        }
        if entries.len() > MAX_BUNDLE_ENTRIES {
            return Err(ProofsError::BundleTooManyEntries(MAX_BUNDLE_ENTRIES));
        }
        for pair in entries.windows(2) {
            if let [a, b] = pair {
                check_order(a.index, b.index)?;
            }
        }
        check_checkpoint(&checkpoint_note)?;
        let bundle = Self {
            entries,
            checkpoint: checkpoint_note,
        };
        if bundle.encoded_len() > MAX_BUNDLE_BYTES {
            return Err(ProofsError::BundleTooLarge(MAX_BUNDLE_BYTES));
        }
        Ok(bundle)
    }

    /// Parses a bundle file (DESIGN §7).
    ///
    /// The entry section must be exactly as [`Bundle::encode`] writes it: no
    /// extra whitespace, canonical decimal indexes, canonical padded base64.
    /// Everything after the first empty line is the checkpoint note, which
    /// must parse as a signed note whose text is a checkpoint (so trailing
    /// garbage after its signature lines is rejected); its signatures are
    /// *not* checked here.
    ///
    /// # Errors
    /// [`ProofsError::BundleTooLarge`], [`ProofsError::BundleBadHeader`],
    /// [`ProofsError::BundleMissingSeparator`],
    /// [`ProofsError::BundleUnexpectedLine`], [`ProofsError::BundleBadEntryLine`],
    /// [`ProofsError::BundleBadIndex`], [`ProofsError::BundleNotAscending`],
    /// [`ProofsError::BundleDuplicateEntry`],
    /// [`ProofsError::BundleBadEntryBase64`], [`ProofsError::BundleEmptyEntry`],
    /// [`ProofsError::BundleEntryTooLarge`], [`ProofsError::BundleBadPathHash`],
    /// [`ProofsError::BundleTooManyPathLines`],
    /// [`ProofsError::BundleTooManyEntries`], [`ProofsError::BundleNoEntries`],
    /// [`ProofsError::BundleBadCheckpoint`]; each names the line or entry.
    ///
    /// # Panics
    /// Never.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProofsError> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(ProofsError::BundleTooLarge(MAX_BUNDLE_BYTES));
        }
        // The entry section ends at the first empty line, i.e. the first
        // "\n\n"; the header line itself is never empty, so the search can
        // start at the beginning.
        let split = find_subslice(bytes, b"\n\n").ok_or_else(|| {
            if bytes.starts_with(BUNDLE_HEADER.as_bytes()) {
                ProofsError::BundleMissingSeparator
            } else {
                ProofsError::BundleBadHeader
            }
        })?;
        let (head, rest) = bytes.split_at(split + 1);
        // `rest` starts with the LF of the empty line; the note follows it.
        let checkpoint = rest.get(1..).unwrap_or_default();

        // `head` is every line up to and including the last entry-section
        // line's LF; drop that final LF so splitting yields exactly the lines.
        let head = head.strip_suffix(b"\n").unwrap_or(head);
        let mut lines = head.split(|&b| b == b'\n');
        if lines.next() != Some(BUNDLE_HEADER.as_bytes()) {
            return Err(ProofsError::BundleBadHeader);
        }

        let mut entries: Vec<BundleEntry> = Vec::new();
        // Line numbers are 1-based and the header is line 1. `offset` is
        // where the current line starts in `bytes`.
        let mut offset = BUNDLE_HEADER.len() + 1;
        for (line_no, line) in (2..).zip(lines) {
            let line_start = offset;
            // Bounded by MAX_BUNDLE_BYTES, but saturate rather than trust it.
            offset = offset.saturating_add(line.len()).saturating_add(1);
            if let Some(fields) = line.strip_prefix(b"entry ") {
                if entries.len() == MAX_BUNDLE_ENTRIES {
                    return Err(ProofsError::BundleTooManyEntries(MAX_BUNDLE_ENTRIES));
                }
                let entry = parse_entry_line(line_no, fields)?;
                if let Some(prev) = entries.last() {
                    check_order(prev.index, entry.index)?;
                }
                entries.push(entry);
            } else {
                // Any other line is a path hash of the entry above it.
                let Some(entry) = entries.last_mut() else {
                    return Err(ProofsError::BundleUnexpectedLine(line_no));
                };
                if entry.path.len() == MAX_PATH_LINES {
                    return Err(ProofsError::BundleTooManyPathLines(entry.index));
                }
                let hash = core::str::from_utf8(line)
                    .ok()
                    .and_then(|text| Hash::from_base64(text).ok());
                let Some(hash) = hash else {
                    // Without the separator, the first empty line is the one
                    // inside the checkpoint note, and the note's text lines
                    // land here. Say so rather than blame a path hash.
                    let tail = bytes.get(line_start..).unwrap_or_default();
                    if check_checkpoint(tail).is_ok() {
                        return Err(ProofsError::BundleMissingSeparator);
                    }
                    return Err(ProofsError::BundleBadPathHash(entry.index));
                };
                entry.path.push(hash);
            }
        }
        if entries.is_empty() {
            return Err(ProofsError::BundleNoEntries);
        }
        check_checkpoint(checkpoint)?;
        Ok(Self {
            entries,
            checkpoint: checkpoint.to_vec(),
        })
    }

    /// Encodes the bundle (DESIGN §7); `Bundle::parse(&b.encode()) == Ok(b)`
    /// and, for parsed bundles, the output equals the input byte for byte.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        out.extend_from_slice(BUNDLE_HEADER.as_bytes());
        out.push(b'\n');
        for entry in &self.entries {
            out.extend_from_slice(b"entry ");
            push_decimal(&mut out, entry.index);
            out.push(b' ');
            out.extend_from_slice(STANDARD.encode(&entry.bytes).as_bytes());
            out.push(b'\n');
            for hash in &entry.path {
                out.extend_from_slice(hash.to_base64().as_bytes());
                out.push(b'\n');
            }
        }
        out.push(b'\n');
        out.extend_from_slice(&self.checkpoint);
        out
    }

    /// The entries, in ascending index order.
    pub fn entries(&self) -> &[BundleEntry] {
        &self.entries
    }

    /// The entry at leaf `index`, if the bundle carries it.
    pub fn entry(&self, index: u64) -> Option<&BundleEntry> {
        // Entries are sorted by index, so a binary search suffices.
        self.entries
            .binary_search_by_key(&index, BundleEntry::index)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// The checkpoint note, exactly as carried (signatures and cosignatures
    /// included), for `Policy::verify_checkpoint`.
    pub fn checkpoint_note(&self) -> &[u8] {
        &self.checkpoint
    }

    /// Checks that every entry is included in the tree with root `root`
    /// (DESIGN §7 and §6 step 2; RFC 9162 §2.1.3.2 via [`verify_inclusion`]).
    ///
    /// `root` must come from a checkpoint the caller has already verified
    /// against its policy, normally the one this bundle carries.
    ///
    /// Success does not imply that the entries are well-formed records, that
    /// they are the records a release needs, or that the checkpoint is signed
    /// or fresh: it says only that each entry's bytes are the leaf at its
    /// index in the tree `root` commits to.
    ///
    /// # Errors
    /// [`ProofsError::BundleEntryNotIncluded`] naming the first entry whose
    /// proof fails (an index at or beyond the tree size included), with the
    /// inclusion verifier's error inside.
    ///
    /// # Panics
    /// Never.
    pub fn verify_inclusions(&self, root: &RootHash) -> Result<(), ProofsError> {
        for entry in &self.entries {
            let not_included = |error: ProofsError| ProofsError::BundleEntryNotIncluded {
                index: entry.index,
                error: Box::new(error),
            };
            let proof = InclusionProof::new(entry.index, root.size(), entry.path.clone())
                .map_err(not_included)?;
            verify_inclusion(&leaf_hash(&entry.bytes), &proof, root).map_err(not_included)?;
        }
        Ok(())
    }

    /// The length of [`Bundle::encode`]'s output, without encoding.
    fn encoded_len(&self) -> usize {
        let entries: usize = self.entries.iter().map(BundleEntry::encoded_len).sum();
        BUNDLE_HEADER.len() + 1 + entries + 1 + self.checkpoint.len()
    }
}

/// Parses the fields of an entry line after its `entry ` prefix.
fn parse_entry_line(line_no: usize, fields: &[u8]) -> Result<BundleEntry, ProofsError> {
    let mut parts = fields.split(|&b| b == b' ');
    let (Some(index), Some(data), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ProofsError::BundleBadEntryLine(line_no));
    };
    let index = parse_index(index).ok_or(ProofsError::BundleBadIndex(line_no))?;
    if data.is_empty() {
        return Err(ProofsError::BundleEmptyEntry(index));
    }
    // Refuse over-long text before decoding it.
    if data.len() > MAX_ENTRY_BASE64 {
        return Err(ProofsError::BundleEntryTooLarge(index));
    }
    // The base64 engine requires canonical padding and rejects stray
    // trailing bits, so each entry has exactly one text form.
    let bytes = STANDARD
        .decode(data)
        .map_err(|_| ProofsError::BundleBadEntryBase64(index))?;
    BundleEntry::new(index, bytes, Vec::new())
}

/// Parses a canonical decimal index: digits only, no leading zeros, at most
/// [`MAX_INDEX`].
fn parse_index(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || (text.len() > 1 && text.first() == Some(&b'0')) {
        return None;
    }
    let mut value: u64 = 0;
    for &b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    (value <= MAX_INDEX).then_some(value)
}

/// Requires `next` to come strictly after `prev`.
fn check_order(prev: u64, next: u64) -> Result<(), ProofsError> {
    match next.cmp(&prev) {
        core::cmp::Ordering::Greater => Ok(()),
        core::cmp::Ordering::Equal => Err(ProofsError::BundleDuplicateEntry(next)),
        core::cmp::Ordering::Less => Err(ProofsError::BundleNotAscending(next)),
    }
}

/// Requires the checkpoint part to be a signed note whose text is a
/// checkpoint (c2sp-digest §1.1, §2.3). Signatures are not checked.
fn check_checkpoint(note: &[u8]) -> Result<(), ProofsError> {
    Note::parse(note)
        .and_then(|note| Checkpoint::parse_text(note.text()))
        .map(|_| ())
        .map_err(|e| ProofsError::BundleBadCheckpoint(Box::new(e)))
}

/// The first position of `needle` in `haystack`.
fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Number of decimal digits of `n`.
fn decimal_len(n: u64) -> usize {
    // `ilog10` is undefined for 0, which has one digit.
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(n.to_string().as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn indexes_are_canonical_decimals_below_2_pow_63() {
        assert_eq!(parse_index(b"0"), Some(0));
        assert_eq!(parse_index(b"9223372036854775806"), Some(MAX_INDEX));
        for bad in [
            &b""[..],
            b"00",
            b"01",
            b"+1",
            b"-1",
            b" 1",
            b"1a",
            b"9223372036854775807",
            b"99999999999999999999",
        ] {
            assert_eq!(parse_index(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decimal_lengths() {
        for n in [0u64, 9, 10, 99, 100, 12_345, u64::MAX] {
            assert_eq!(decimal_len(n), n.to_string().len());
        }
    }

    #[test]
    fn entry_rules() {
        let h = Hash::new([1; 32]);
        assert!(BundleEntry::new(0, vec![1], vec![h; MAX_PATH_LINES]).is_ok());
        assert_eq!(
            BundleEntry::new(5, Vec::new(), Vec::new()),
            Err(ProofsError::BundleEmptyEntry(5))
        );
        assert_eq!(
            BundleEntry::new(5, vec![0; MAX_ENTRY_BYTES + 1], Vec::new()),
            Err(ProofsError::BundleEntryTooLarge(5))
        );
        assert!(BundleEntry::new(5, vec![0; MAX_ENTRY_BYTES], Vec::new()).is_ok());
        assert_eq!(
            BundleEntry::new(5, vec![1], vec![h; MAX_PATH_LINES + 1]),
            Err(ProofsError::BundleTooManyPathLines(5))
        );
        assert_eq!(
            BundleEntry::new(MAX_INDEX + 1, vec![1], Vec::new()),
            Err(ProofsError::BundleBadIndex(0))
        );
    }

    #[test]
    fn header_and_separator_errors() {
        assert_eq!(Bundle::parse(b""), Err(ProofsError::BundleBadHeader));
        assert_eq!(
            Bundle::parse(b"sightline/v1 bundle\nentry 0 AA==\n"),
            Err(ProofsError::BundleMissingSeparator)
        );
        assert_eq!(
            Bundle::parse(b"sightline/v1 bundlex\n\n"),
            Err(ProofsError::BundleBadHeader)
        );
        assert_eq!(
            Bundle::parse(&vec![b'a'; MAX_BUNDLE_BYTES + 1]),
            Err(ProofsError::BundleTooLarge(MAX_BUNDLE_BYTES))
        );
    }
}
