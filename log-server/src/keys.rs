//! Key files in the data directory: the log key (a note signer key named by
//! the origin) and, when no root key is configured, a development root key.
//! Both are created on first use with mode 0600 and never overwritten.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use sightline_proofs::{KeyName, KeyType, Origin, SignerKey};

use crate::error::Error;

/// The log key's file name in the data directory.
pub const LOG_KEY_FILE: &str = "log.key";
/// The development root key's file name in the data directory.
pub const DEV_ROOT_KEY_FILE: &str = "dev-root.key";
/// The development root key's name.
pub const DEV_ROOT_KEY_NAME: &str = "sightline-dev-root";

fn key_error(path: &Path, detail: impl std::fmt::Display) -> Error {
    Error::KeyFile {
        path: path.to_owned(),
        detail: detail.to_string(),
    }
}

/// Reads a signer key file.
///
/// # Errors
/// [`Error::KeyFile`] if it cannot be read or parsed.
pub fn read_signer(path: &Path) -> Result<SignerKey, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| key_error(path, e))?;
    SignerKey::parse(text.trim_end()).map_err(|e| key_error(path, format!("not a signer key: {e}")))
}

/// Reads the key at `path`, or creates it with a fresh random seed and the
/// name `name`. Returns the key and whether it was created.
///
/// # Errors
/// [`Error::KeyFile`] if it cannot be read, parsed, generated or written.
pub fn read_or_create(path: &Path, name: &KeyName) -> Result<(SignerKey, bool), Error> {
    if path.exists() {
        return Ok((read_signer(path)?, false));
    }
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| key_error(path, format!("no randomness: {e}")))?;
    let key = SignerKey::from_seed(name.clone(), KeyType::Ed25519, seed)
        .map_err(|e| key_error(path, e))?;
    // create_new: never overwrite a key, even if one appeared meanwhile.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| key_error(path, e))?;
    file.write_all(format!("{}\n", key.to_secret_string()).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| key_error(path, e))?;
    Ok((key, true))
}

/// The log key of the data directory, created on first start. A key for
/// another origin is refused.
///
/// # Errors
/// [`Error::KeyFile`] as [`read_or_create`], or if the key's name is not `origin`.
pub fn log_key(data_dir: &Path, origin: &Origin) -> Result<(SignerKey, bool), Error> {
    let path = log_key_path(data_dir);
    let (key, created) = read_or_create(&path, &origin.key_name())?;
    if key.name().as_str() != origin.as_str() {
        return Err(key_error(
            &path,
            format!(
                "this key belongs to the log \"{}\", but the configured origin is \"{origin}\"; \
                 set origin = \"{}\" or use another data directory",
                key.name(),
                key.name()
            ),
        ));
    }
    Ok((key, created))
}

/// The log key's path.
pub fn log_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_KEY_FILE)
}

/// The development root key of the data directory, created on first use.
///
/// # Errors
/// As [`read_or_create`].
pub fn dev_root_key(data_dir: &Path) -> Result<(SignerKey, bool), Error> {
    let name = KeyName::new(DEV_ROOT_KEY_NAME).map_err(Error::Internal)?;
    read_or_create(&data_dir.join(DEV_ROOT_KEY_FILE), &name)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn log_key_is_created_once_with_mode_0600() {
        let dir = tempfile::tempdir().expect("tempdir");
        let origin = Origin::new("example.test/log").expect("origin");
        let (key, created) = log_key(dir.path(), &origin).expect("create");
        assert!(created);
        let mode = std::fs::metadata(log_key_path(dir.path()))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let (again, created) = log_key(dir.path(), &origin).expect("read");
        assert!(!created);
        assert_eq!(again.verifier(), key.verifier());
        let other = Origin::new("other.test/log").expect("origin");
        assert!(matches!(
            log_key(dir.path(), &other),
            Err(Error::KeyFile { .. })
        ));
    }
}
