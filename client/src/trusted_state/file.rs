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
    replace_file(path, state.encode().as_bytes())
}

/// Replaces `path` with `bytes` so that a crash or power loss leaves either
/// the old file or the new one, never a torn mix, and the new one durable
/// once this returns: the device's trusted state, and every file the
/// `sightline` commands write (records, bundles, the monitor's position).
///
/// # Errors
/// Any error creating, writing, syncing or renaming; on error the old file
/// is untouched and the temporary file is removed (best effort).
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path names no file"))?;
    // Hidden, and distinct per process, so that two writers of one file do
    // not share a temporary file.
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let written = write_synced(&tmp, bytes)
        // Crash here: the old file is intact.
        .and_then(|()| fs::rename(&tmp, path))
        // Crash before this sync: either name may survive, both complete.
        .and_then(|()| File::open(dir)?.sync_all());
    if written.is_err() {
        // The original error is the one worth reporting.
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Writes `bytes` to a new file at `path` and syncs it: the data must be
/// durable before a rename makes it the file, or a crash could leave the
/// name pointing at an empty file.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
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
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["state"], "no temporary file is left");
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
