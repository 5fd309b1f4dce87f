//! Locating the workspace's executables from a test.
//!
//! `CARGO_BIN_EXE_*` only names binaries of the test's own package, and the
//! scenarios here drive the binaries of three packages. Cargo puts every
//! binary of a build next to the `deps/` directory holding the test
//! executable, so they are looked up there; `cargo test --workspace` and
//! `cargo nextest run --workspace` build them all before any test runs. A
//! test run for this package alone builds the missing ones once.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

/// The log server.
pub const LOG: Binary = Binary {
    name: "sightline-log",
    package: "sightline-log-server",
};
/// The witness.
pub const WITNESS: Binary = Binary {
    name: "sightline-witness",
    package: "sightline-witness",
};
/// The publisher, auditor and device command.
pub const CLIENT: Binary = Binary {
    name: "sightline",
    package: "sightline-client",
};

/// A binary target of a workspace package.
#[derive(Clone, Copy, Debug)]
pub struct Binary {
    /// The executable's name.
    pub name: &'static str,
    /// The package that builds it.
    pub package: &'static str,
}

/// Binaries this process already built, so each is built at most once.
static BUILT: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// The directory holding the build's binaries: the parent of the `deps/`
/// directory that holds the running test executable.
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let deps = exe.parent().expect("the test executable's directory");
    deps.parent()
        .map_or_else(|| deps.to_owned(), ToOwned::to_owned)
}

impl Binary {
    /// The executable's path, building it first if it is missing.
    ///
    /// # Panics
    /// If it is missing and `cargo build` fails.
    pub fn path(self) -> PathBuf {
        let path = bin_dir().join(self.name);
        let mut built = BUILT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let built = built.get_or_insert_with(HashSet::new);
        if !path.exists() && built.insert(self.name) {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
            let mut command = Command::new(cargo);
            command
                .current_dir(workspace)
                .args(["build", "-p", self.package, "--bin", self.name]);
            // Benches run from target/release: build the same profile.
            if bin_dir().ends_with("release") {
                command.arg("--release");
            }
            let status = command.status().expect("run cargo build");
            assert!(
                status.success(),
                "cannot build {}: run `cargo build --workspace` first",
                self.name
            );
        }
        assert!(
            path.exists(),
            "{} not found at {}",
            self.name,
            path.display()
        );
        path
    }

    /// A command running this binary.
    pub fn command(self) -> Command {
        Command::new(self.path())
    }
}
