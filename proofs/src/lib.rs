//! # sightline-proofs
//!
//! The pure verification core of Sightline, a transparency log for signed
//! software and firmware releases.
//!
//! ## In scope
//! - RFC 6962 / RFC 9162 hashing, inclusion and consistency proofs;
//! - c2sp.org/tlog-tiles coordinates and tile-backed proof construction;
//! - c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature (`cosignature/v1`),
//!   tlog-witness request and response bodies, tlog-proof@v1;
//! - Sightline's record grammar, key and pause state, trust policy and
//!   release bundles.
//!
//! ## Out of scope
//! No I/O, no clock and no randomness: time, keys and state are parameters.
//! Storage, networking and the device's persistent state live in the
//! `sightline-log-server`, `sightline-witness` and `sightline-client` crates.
//!
//! The crate is `#![no_std]` and needs only `alloc`.
//!
//! ## Example
//! A log commits to three entries, signs a checkpoint, and a verifier who
//! knows only the log's public key checks that an entry is in the tree:
//!
//! ```
//! use sightline_proofs::{
//!     KeyType, MemoryNodeReader, Origin, SignerKey, build_inclusion_proof,
//!     leaf_hash, open_checkpoint, verify_inclusion, Checkpoint, sign_checkpoint,
//! };
//!
//! # fn main() -> Result<(), sightline_proofs::ProofsError> {
//! // The log side (seeds come from the caller's own randomness).
//! let origin = Origin::new("example.com/log")?;
//! let log_key = SignerKey::from_seed(origin.key_name(), KeyType::Ed25519, [7; 32])?;
//! let entries: [&[u8]; 3] = [b"first", b"second", b"third"];
//! let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e)).collect();
//! let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
//! let root = tree.root(3)?;
//! let note = sign_checkpoint(&Checkpoint::new(origin.clone(), 3, *root.hash())?, &log_key)?;
//! let proof = build_inclusion_proof(&tree, 1, 3)?;
//!
//! // The verifier side: open the checkpoint with the log's key, then check the proof.
//! let (checkpoint, _) = open_checkpoint(&origin, &[log_key.verifier()], &note.to_bytes())?;
//! verify_inclusion(&leaf_hash(b"second"), &proof, &checkpoint.root_hash())?;
//! assert!(verify_inclusion(&leaf_hash(b"forged"), &proof, &checkpoint.root_hash()).is_err());
//! # Ok(())
//! # }
//! ```

#![no_std]

extern crate alloc;

// --- Merkle tree -----------------------------------------------------------
pub mod consistency;
pub mod entry_bundle;
pub mod hash;
pub mod inclusion;
pub mod node_reader;
pub mod root;
pub mod tile;
pub mod tile_auth;
pub mod tile_builder;
pub mod tree;

pub use consistency::{
    ConsistencyProof, build_consistency_proof, consistency_proof_nodes, verify_consistency,
};
pub use entry_bundle::{encode_entry_bundle, parse_entry_bundle};
pub use inclusion::{
    InclusionProof, build_inclusion_proof, inclusion_proof_nodes, verify_inclusion,
};
pub use node_reader::{MemoryNodeReader, NodeReader};
pub use root::RootHash;
pub use tile::{TileId, TilePath};
pub use tile_auth::VerifiedTiles;
pub use tile_builder::TileBuilder;
pub use tree::{MAX_TREE_SIZE, NodeId, Subtree};

// --- signed notes ------------------------------------------------------------
pub mod checkpoint;
pub mod cosignature;
pub mod note;
pub mod tlog_proof;
mod wire;
pub mod witness_api;
pub use checkpoint::{Checkpoint, Origin, open_checkpoint, sign_checkpoint};
pub use cosignature::{
    VerifiedCosignature, cosign, verify_cosignature, verify_cosignatures, verify_cosignatures_with,
};
pub use note::{
    KeyName, KeyType, Note, NoteSignature, SignatureBatch, SignatureCheck, SignerKey, VerifierKey,
};
pub use tlog_proof::{TlogProof, verify_tlog_proof};
pub use witness_api::AddCheckpointRequest;

// --- records and state -------------------------------------------------------
pub mod record;
pub mod state;
pub use record::{Record, SignedRecord};
pub use state::{AdmissionRules, LogState};

// --- policy and bundles -----------------------------------------------------
pub mod bundle;
pub mod policy;
pub use bundle::Bundle;
pub use policy::{Policy, VerifiedCheckpoint};

mod error;

pub use error::ProofsError;
pub use hash::{EMPTY_ROOT, Hash, leaf_hash, node_hash};
