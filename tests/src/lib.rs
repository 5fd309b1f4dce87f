//! End-to-end, crash and interop tests of Sightline, run against real
//! processes on 127.0.0.1 with temporary data directories.

pub use sightline_proofs as proofs;
