//! End-to-end, crash and interop tests of Sightline, run against real
//! processes on 127.0.0.1 with temporary data directories.
//!
//! The library is the harness: [`binaries`] finds (or builds) the
//! workspace's executables, [`process`] runs one as a service and waits for
//! it to be ready, [`http`] speaks just enough HTTP/1.1 to drive them, and
//! [`cluster`] starts a log and its witnesses with their configuration
//! files. The scenarios themselves live in `tests/tests/`.

pub mod binaries;
pub mod cluster;
pub mod fake_log;
pub mod http;
pub mod process;
pub mod publish;
pub mod static_server;

pub use sightline_proofs as proofs;
