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
pub use cosignature::{VerifiedCosignature, cosign, verify_cosignature, verify_cosignatures};
pub use note::{KeyName, KeyType, Note, NoteSignature, SignerKey, VerifierKey};
pub use tlog_proof::{TlogProof, verify_tlog_proof};
pub use witness_api::AddCheckpointRequest;

// --- records and state -------------------------------------------------------
pub mod record;
pub mod state;
pub use record::{Record, SignedRecord};
pub use state::{AdmissionRules, LogState};

// --- policy and bundles -----------------------------------------------------

mod error;

pub use error::ProofsError;
pub use hash::{EMPTY_ROOT, Hash, leaf_hash, node_hash};
