//! # sightline-client
//!
//! What a device links to decide, alone and offline, whether a release may be
//! installed: it checks a release bundle against a trust policy provisioned at
//! manufacture and the device's last trusted checkpoint.
//!
//! ## In scope
//! Bundle verification and trusted-state handling, `no_std` + `alloc`; with the
//! default `std` feature, file and HTTP helpers and the `sightline` command.
//!
//! ## Out of scope
//! Parsing and cryptography live in [`sightline_proofs`], which this crate
//! re-exports as [`proofs`].

#![cfg_attr(not(feature = "std"), no_std)]

pub use sightline_proofs as proofs;
