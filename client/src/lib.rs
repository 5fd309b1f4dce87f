//! # sightline-client
//!
//! What a device links to decide, alone and offline, whether a release may be
//! installed: it checks a release bundle against a trust policy provisioned at
//! manufacture and the device's last trusted checkpoint (DESIGN §6, §7).
//!
//! ## In scope
//! - [`verify_release`]: every check of DESIGN §6, in a fixed order, with
//!   one [`VerifyError`] variant per refusal;
//! - [`TrustedState`]: the last accepted checkpoint and installed versions,
//!   with a small text form;
//! - [`ArtifactHasher`]: streaming SHA-256 and length of an artifact.
//!
//! The core is `no_std` + `alloc`: it reads no clock and does no I/O. The
//! default `std` feature adds [`measure_file`], atomic trusted-state files
//! ([`trusted_state::load`], [`trusted_state::store`]), the `sightline`
//! command, and the operator tools behind its `submit`, `audit` and
//! `monitor` subcommands: `tlog` (fetching a log through tlog-tiles and
//! verifying it against a policy), `audit` (attribution timelines) and
//! `monitor` (following a log and reporting rule violations).
//!
//! ## Out of scope
//! Parsing and cryptography live in [`sightline_proofs`], which this crate
//! re-exports as [`proofs`]. Installing images is not done here, and the
//! device path never fetches anything: bundles reach it by other means.
//!
//! ```
//! use sightline_client::{ArtifactHasher, TrustedState};
//!
//! // A device measures the image as it streams in...
//! let mut hasher = ArtifactHasher::new();
//! for piece in [&b"firmware "[..], &b"image"[..]] {
//!     hasher.update(piece);
//! }
//! let artifact = hasher.finish();
//! assert_eq!(artifact.size(), 14);
//! // ...and, on a first boot, starts from a fresh trusted state. It then
//! // calls `verify_release(&artifact, &bundle, &policy, now, &state)` and
//! // persists `accepted.trusted_state()` only if that returns `Ok`.
//! let state = TrustedState::new();
//! assert!(state.checkpoint().is_none());
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod accepted;
pub mod artifact;
mod error;
pub mod trusted_state;
mod verify;

#[cfg(feature = "std")]
pub mod audit;
#[cfg(feature = "std")]
pub mod cli;
#[cfg(feature = "std")]
pub mod demo;
#[cfg(feature = "std")]
pub mod monitor;
#[cfg(feature = "std")]
pub mod tlog;

pub use accepted::{Accepted, Attribution};
pub use artifact::{ArtifactHasher, MeasuredArtifact};
#[cfg(feature = "std")]
pub use artifact::{measure_file, measure_reader};
pub use error::VerifyError;
pub use sightline_proofs as proofs;
pub use trusted_state::{TrustedCheckpoint, TrustedState};
pub use verify::verify_release;
