//! RFC 6962 hashing (c2sp-digest §7.1): leaf and interior-node hashes with
//! domain separation, and the [`Hash`](struct@Hash) value they produce.

use alloc::string::String;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::ProofsError;

/// Length in bytes of every hash in this crate (SHA-256).
pub const HASH_LEN: usize = 32;

/// A SHA-256 value: a leaf hash, an interior node hash or a tree root.
///
/// Any 32 bytes are a valid hash, so construction from an array is infallible;
/// construction from a slice or a text encoding checks the length.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash([u8; HASH_LEN]);

/// The root of the empty tree: `SHA-256("")` (RFC 6962 §2.1, c2sp-digest §2.1).
pub const EMPTY_ROOT: Hash = Hash([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

impl Hash {
    /// Wraps 32 bytes.
    pub const fn new(bytes: [u8; HASH_LEN]) -> Self {
        Self(bytes)
    }

    /// Reads a hash from a slice.
    ///
    /// # Errors
    /// [`ProofsError::BadHashLength`] unless `bytes` is exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ProofsError> {
        <[u8; HASH_LEN]>::try_from(bytes)
            .map(Self)
            .map_err(|_| ProofsError::BadHashLength(bytes.len()))
    }

    /// Parses standard, padded base64 (RFC 4648 §4), as used in checkpoints,
    /// proofs and bundles. Non-canonical encodings (stray trailing bits) are
    /// rejected, so that every hash has exactly one text form.
    ///
    /// # Errors
    /// [`ProofsError::BadHashBase64`] for invalid base64,
    /// [`ProofsError::BadHashLength`] if it does not decode to 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self, ProofsError> {
        // 32 bytes encode to exactly 44 characters; checking first bounds the work.
        if text.len() != 44 {
            return Err(ProofsError::BadHashBase64);
        }
        let mut out = [0u8; HASH_LEN];
        let n = STANDARD
            .decode_slice(text, &mut out)
            .map_err(|_| ProofsError::BadHashBase64)?;
        if n != HASH_LEN {
            return Err(ProofsError::BadHashLength(n));
        }
        Ok(Self(out))
    }

    /// Parses 64 lowercase or uppercase hex digits.
    ///
    /// # Errors
    /// [`ProofsError::BadHashHex`] unless `text` is 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, ProofsError> {
        let mut out = [0u8; HASH_LEN];
        hex::decode_to_slice(text, &mut out).map_err(|_| ProofsError::BadHashHex)?;
        Ok(Self(out))
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; HASH_LEN] {
        &self.0
    }

    /// Standard padded base64, the encoding used on the wire.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Lowercase hex, the encoding used in records and JSON.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    /// Displays as lowercase hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// SHA-256 of arbitrary bytes (no domain-separation prefix).
pub fn sha256(data: &[u8]) -> Hash {
    Hash(Sha256::digest(data).into())
}

/// The RFC 6962 leaf hash: `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(entry);
    Hash(h.finalize().into())
}

/// The RFC 6962 interior node hash: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(sha256(b""), EMPTY_ROOT);
        assert_eq!(
            EMPTY_ROOT.to_base64(),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn leaf_hash_of_hello_world_matches_go_sumdb() {
        // golang/mod sumdb/tlog note_test.go (c2sp-digest §8.1).
        assert_eq!(
            leaf_hash(b"hello world").to_base64(),
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="
        );
    }

    #[test]
    fn base64_round_trip_and_rejections() {
        let h = leaf_hash(b"");
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
        assert_eq!(Hash::from_hex(&h.to_hex()), Ok(h));
        assert_eq!(Hash::from_base64("AAAA"), Err(ProofsError::BadHashBase64));
        // 44 characters that decode to 31 bytes.
        assert!(Hash::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==").is_err());
        // Non-canonical trailing bits: "...uFU=" is canonical, "...uFV=" sets a pad bit.
        assert_eq!(
            Hash::from_base64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV="),
            Err(ProofsError::BadHashBase64)
        );
        assert_eq!(
            Hash::from_slice(&[0; 31]),
            Err(ProofsError::BadHashLength(31))
        );
    }
}
