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
pub mod hash;

// --- signed notes ------------------------------------------------------------
pub mod note;
pub use note::{KeyName, KeyType, Note, NoteSignature, SignerKey, VerifierKey};

// --- records and state -------------------------------------------------------

// --- policy and bundles -----------------------------------------------------
pub mod bundle;
pub mod policy;
pub use bundle::Bundle;
pub use policy::Policy;

mod error;

pub use error::ProofsError;
pub use hash::{EMPTY_ROOT, Hash, leaf_hash, node_hash};
