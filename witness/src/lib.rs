//! # sightline-witness
//!
//! A c2sp.org/tlog-witness server: checks that each checkpoint a log submits
//! extends the last one it cosigned, and cosigns it (`cosignature/v1`).
//!
//! ## Out of scope
//! Every format and proof is defined in [`sightline_proofs`]; this crate holds
//! only the witness state, its storage and HTTP.

pub use sightline_proofs as proofs;
