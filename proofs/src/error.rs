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
