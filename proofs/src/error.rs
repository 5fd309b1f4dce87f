//! The one error type of this crate.
//!
//! Every failed check has its own variant, so that a caller (a device, a
//! witness, the log's admission code) can tell precisely which rule a value
//! broke. Variants are grouped by the module that returns them.

use thiserror::Error;

/// Everything that can go wrong while parsing or verifying in `sightline-proofs`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProofsError {
    // ------------------------------------------------------------------
    // hash: hash values and their encodings.
    // ------------------------------------------------------------------
    /// A hash was not exactly 32 bytes long.
    #[error("hash must be 32 bytes, got {0}")]
    BadHashLength(usize),
    /// A hash was not valid standard, padded base64.
    #[error("hash is not valid base64")]
    BadHashBase64,
    /// A hash was not valid lowercase hex.
    #[error("hash is not valid hex")]
    BadHashHex,

    // ------------------------------------------------------------------
    // tree, inclusion, consistency, node_reader, tile: Merkle tree proofs.
    // ------------------------------------------------------------------
    /// A tree size exceeded 2^63 - 1, the largest size a checkpoint can
    /// carry (c2sp-digest §2.3: sizes are non-negative int64).
    #[error("tree size {0} exceeds the maximum of 2^63 - 1")]
    TreeSizeTooLarge(u64),
    /// A tree of size 0 was given a root other than SHA-256("") (c2sp-digest §2.1).
    #[error("the empty tree's root must be SHA-256(\"\")")]
    EmptyTreeRootMismatch,
    /// A node's level was above 63, the deepest level a u64-indexed tree has.
    #[error("node level {0} exceeds 63")]
    NodeLevelTooLarge(u8),
    /// A node's leaf range `[index << level, (index + 1) << level)` does not fit in u64.
    #[error("node at level {level}, index {index} covers leaves beyond 2^64")]
    NodeOutOfRange {
        /// The node's level.
        level: u8,
        /// The node's index within its level.
        index: u64,
    },
    /// A subtree range `[start, end)` was empty or reversed.
    #[error("subtree [{start}, {end}) is empty")]
    EmptySubtree {
        /// First leaf of the range.
        start: u64,
        /// One past the last leaf of the range.
        end: u64,
    },
    /// A subtree range did not start at a multiple of the smallest power of two
    /// at least as large as its length, so it is not a node of any RFC 6962 tree.
    #[error("subtree [{start}, {end}) is not aligned to its size")]
    SubtreeNotAligned {
        /// First leaf of the range.
        start: u64,
        /// One past the last leaf of the range.
        end: u64,
    },
    /// A leaf index was not below the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    LeafIndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A proof path held more hashes than any proof for a tree of at most
    /// 2^63 - 1 leaves can need.
    #[error("proof path has {len} hashes, more than the maximum of {max}")]
    ProofPathTooLong {
        /// Number of hashes given.
        len: usize,
        /// The maximum for this kind of proof.
        max: usize,
    },
    /// An inclusion proof was for a different tree size than the root it was checked against.
    #[error("inclusion proof is for tree size {proof}, root is for size {root}")]
    InclusionSizeMismatch {
        /// Size in the proof.
        proof: u64,
        /// Size of the root.
        root: u64,
    },
    /// An inclusion path had the wrong number of hashes for its index and size (RFC 9162 §2.1.3.2).
    #[error("inclusion path has {actual} hashes, expected {expected}")]
    InclusionPathLength {
        /// Length required by the index and size.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// An inclusion path did not lead from the leaf hash to the root (RFC 9162 §2.1.3.2).
    #[error("inclusion proof does not lead to the root hash")]
    InclusionRootMismatch,
    /// A consistency proof's old size was larger than its new size.
    #[error("consistency proof old size {old} is larger than new size {new}")]
    ConsistencyOldLarger {
        /// The old (first) tree size.
        old: u64,
        /// The new (second) tree size.
        new: u64,
    },
    /// A consistency proof was for different sizes than the roots it was checked against.
    #[error(
        "consistency proof is for sizes {proof_old} -> {proof_new}, roots are for {root_old} -> {root_new}"
    )]
    ConsistencySizeMismatch {
        /// Old size in the proof.
        proof_old: u64,
        /// New size in the proof.
        proof_new: u64,
        /// Size of the old root.
        root_old: u64,
        /// Size of the new root.
        root_new: u64,
    },
    /// A consistency path had the wrong number of hashes for its sizes (RFC 9162 §2.1.4.2).
    #[error("consistency path has {actual} hashes, expected {expected}")]
    ConsistencyPathLength {
        /// Length required by the two sizes.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// Two roots of the same size differ, so the trees are not consistent.
    #[error("roots of equal size {0} differ")]
    ConsistencySameSizeRootMismatch(u64),
    /// A consistency path did not reproduce the old root (RFC 9162 §2.1.4.2).
    #[error("consistency proof does not reproduce the old root")]
    ConsistencyOldRootMismatch,
    /// A consistency path did not reproduce the new root (RFC 9162 §2.1.4.2).
    #[error("consistency proof does not reproduce the new root")]
    ConsistencyNewRootMismatch,
    /// A `NodeReader` returned a different number of hashes than nodes asked for.
    #[error("node reader returned {actual} hashes for {expected} nodes")]
    NodeReaderCountMismatch {
        /// Nodes asked for.
        expected: usize,
        /// Hashes returned.
        actual: usize,
    },
    /// A node was asked for that is not complete in the tree being read.
    #[error("node at level {level}, index {index} is not complete in a tree of size {size}")]
    NodeNotInTree {
        /// The node's level.
        level: u8,
        /// The node's index within its level.
        index: u64,
        /// The tree size.
        size: u64,
    },
    // ------------------------------------------------------------------
    // note, checkpoint, cosignature, witness_api, tlog_proof: signed notes.
    // ------------------------------------------------------------------

    // ------------------------------------------------------------------
    // record, state: the Sightline record grammar and replayed state.
    // ------------------------------------------------------------------

    // ------------------------------------------------------------------
    // policy, bundle: trust policy and release bundles.
    // ------------------------------------------------------------------
}
