//! Trusted state on disk (`std` feature): load, and atomic replace.
//!
//! A device may lose power at any moment. The state file must therefore
//! always hold either the old state or the new one, never a torn mix, and a
//! new state must be on stable storage before the device acts on it. The
//! write sequence below gives that on POSIX file systems.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

use super::TrustedState;

/// Reads the trusted state at `path`.
///
/// A missing file means a **fresh device**: it returns
/// [`TrustedState::new`], which trusts any quorum-cosigned checkpoint and
/// any version the policy allows. Provision the file at manufacture if that
/// first-boot window matters.
///
/// Spec: DESIGN §6 (trusted state).
///
/// # Errors
/// Any read error but "not found"; [`io::ErrorKind::InvalidData`] wrapping
/// [`crate::VerifyError::BadTrustedState`] if the file does not parse (a
/// corrupted file is never silently treated as fresh).
pub fn load(path: &Path) -> io::Result<TrustedState> {
    match fs::read(path) {
        Ok(bytes) => {
            TrustedState::parse(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TrustedState::new()),
        Err(e) => Err(e),
    }
}

/// Replaces the trusted state at `path` atomically: writes a temporary file
/// in the same directory, fsyncs it, renames it over `path`, then fsyncs the
/// directory so the rename itself is durable.
///
/// Call it only after [`crate::verify_release`] accepted, with the state it
/// returned.
///
/// Spec: DESIGN §6 (on success the device stores the checkpoint).
///
/// # Errors
/// Any error creating, writing, syncing or renaming; on error the old file
/// is untouched (a stale temporary file may remain and is overwritten next
/// time).
pub fn store(path: &Path, state: &TrustedState) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "state path has no file name"))?
        .to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);

    // Crash here: only the temporary file is affected.
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?;
    file.write_all(state.encode().as_bytes())?;
    // The data must be durable before the rename makes it the state, or a
    // crash could leave the new name pointing at an empty file.
    file.sync_all()?;
    drop(file);
    // Crash here: the old state is intact.
    fs::rename(&tmp, path)?;
    // Crash before this sync: either name may survive, both complete files.
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_proofs::policy::DeviceTarget;
    use sightline_proofs::record::Version;

    #[test]
    fn missing_file_is_fresh_and_store_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state");
        assert_eq!(load(&path).expect("load"), TrustedState::new());
        let mut s = TrustedState::new();
        s.set_installed(
            DeviceTarget::new("a/b").expect("target"),
            Version::new("1.0.0").expect("version"),
        );
        store(&path, &s).expect("store");
        assert_eq!(load(&path).expect("load"), s);
        assert!(!dir.path().join("state.tmp").exists());
    }

    #[test]
    fn corrupted_file_is_an_error_not_fresh() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state");
        fs::write(&path, b"garbage\n").expect("write");
        let err = load(&path).expect_err("must not parse");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
