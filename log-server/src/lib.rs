//! # sightline-log-server
//!
//! The Sightline log: appends signed release, approval, rollout, key and pause
//! records to an RFC 6962 Merkle tree stored in RocksDB and publishes signed,
//! witness-cosigned checkpoints over the c2sp.org/tlog-tiles read API.
//!
//! ## Out of scope
//! Every format and proof is defined in [`sightline_proofs`]; this crate holds
//! only storage, sequencing and HTTP.

pub use sightline_proofs as proofs;
