//! What the device measured of an artifact: its SHA-256 and its length
//! (DESIGN §6 step 3).
//!
//! The digest is computed incrementally, so a device never needs the whole
//! image in memory: [`ArtifactHasher`] takes the image in pieces of any size,
//! and with the `std` feature [`measure_file`] reads a file through one fixed
//! buffer.

use sha2::{Digest as _, Sha256};
use sightline_proofs::Hash;
use sightline_proofs::record::ArtifactDigest;

/// The SHA-256 and length of an artifact, as the device measured them.
///
/// The length is kept because a release record states both, and a device
/// that checked only the digest would not notice a record whose `size`
/// disagrees with the image it describes (DESIGN §6 step 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeasuredArtifact {
    /// `sha256:<hex>` of the artifact bytes.
    digest: ArtifactDigest,
    /// Length of the artifact in bytes.
    size: u64,
}

impl MeasuredArtifact {
    /// Pairs a digest with a length, for callers that measured the artifact
    /// themselves (for example while receiving it). Any pair is valid.
    ///
    /// Spec: DESIGN §6 step 3.
    pub const fn new(digest: ArtifactDigest, size: u64) -> Self {
        Self { digest, size }
    }

    /// The artifact's digest.
    pub const fn digest(&self) -> &ArtifactDigest {
        &self.digest
    }

    /// The artifact's length in bytes.
    pub const fn size(&self) -> u64 {
        self.size
    }
}

/// Streaming SHA-256 and length of an artifact.
#[derive(Clone, Debug, Default)]
pub struct ArtifactHasher {
    /// The running digest.
    sha: Sha256,
    /// Bytes seen so far. Saturates rather than wraps: no artifact reaches
    /// 2^64 bytes, and a wrapped length could match a small `size`.
    len: u64,
}

impl ArtifactHasher {
    /// A hasher that has seen no bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next piece of the artifact.
    pub fn update(&mut self, piece: &[u8]) {
        self.sha.update(piece);
        let n = u64::try_from(piece.len()).unwrap_or(u64::MAX);
        self.len = self.len.saturating_add(n);
    }

    /// The digest and length of everything fed so far.
    ///
    /// Spec: DESIGN §4 (`artifact sha256:<hex>`, `size <bytes>`).
    pub fn finish(self) -> MeasuredArtifact {
        let bytes: [u8; 32] = self.sha.finalize().into();
        MeasuredArtifact::new(ArtifactDigest::from(Hash::new(bytes)), self.len)
    }
}

/// Size of the one buffer [`measure_reader`] reads through.
#[cfg(feature = "std")]
pub const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Measures everything `reader` yields through one [`READ_BUFFER_BYTES`]
/// buffer, so memory use does not depend on the artifact's size.
///
/// Spec: DESIGN §6 step 3.
///
/// # Errors
/// Any read error other than [`std::io::ErrorKind::Interrupted`] (which is
/// retried).
#[cfg(feature = "std")]
pub fn measure_reader(mut reader: impl std::io::Read) -> std::io::Result<MeasuredArtifact> {
    let mut hasher = ArtifactHasher::new();
    let mut buf = alloc::vec![0u8; READ_BUFFER_BYTES];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Measures the file at `path` (see [`measure_reader`]).
///
/// Spec: DESIGN §6 step 3.
///
/// # Errors
/// Any error opening or reading the file.
#[cfg(feature = "std")]
pub fn measure_file(path: &std::path::Path) -> std::io::Result<MeasuredArtifact> {
    measure_reader(std::fs::File::open(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hash_like_the_whole() {
        let data: alloc::vec::Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut whole = ArtifactHasher::new();
        whole.update(&data);
        let mut pieces = ArtifactHasher::new();
        for chunk in data.chunks(777) {
            pieces.update(chunk);
        }
        let (a, b) = (whole.finish(), pieces.finish());
        assert_eq!(a, b);
        assert_eq!(a.size(), 100_000);
        assert_eq!(*a.digest().hash(), sightline_proofs::hash::sha256(&data));
    }

    #[test]
    fn empty_artifact_is_sha256_of_nothing() {
        let m = ArtifactHasher::new().finish();
        assert_eq!(m.size(), 0);
        assert_eq!(
            m.digest().hash().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[cfg(feature = "std")]
    #[test]
    fn reader_larger_than_buffer() {
        let data = alloc::vec![7u8; READ_BUFFER_BYTES * 2 + 5];
        let m = measure_reader(&data[..]).expect("read from memory");
        assert_eq!(m.size(), u64::try_from(data.len()).expect("fits"));
        assert_eq!(*m.digest().hash(), sightline_proofs::hash::sha256(&data));
    }
}
