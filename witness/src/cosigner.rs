//! The witness's cosigning key: created once in the data directory, loaded
//! at every start, and used only to sign the re-encoding of a checkpoint the
//! witness parsed (c2sp-digest §2.3, §3.2), never bytes it received.
//!
//! The key file holds one line, Go's signer-key form with type 0x04:
//! `PRIVATE+KEY+<name>+<hexid>+<base64(0x04 || seed)>`. It is created with
//! mode 0600 and refused at start if group or others can read it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sightline_proofs::note::KEY_LEN;
use sightline_proofs::{Checkpoint, KeyName, KeyType, NoteSignature, SignerKey, VerifierKey};

use crate::error::WitnessError;

/// The key file's name inside the data directory.
pub const KEY_FILE: &str = "cosigning.key";

/// Signs `cosignature/v1` lines with the witness's key.
#[derive(Debug)]
pub struct Cosigner {
    key: SignerKey,
}

impl Cosigner {
    /// Wraps a 0x04 signer key.
    ///
    /// # Errors
    /// [`WitnessError::Cosign`] unless the key is a cosignature (0x04) key.
    pub fn new(key: SignerKey) -> Result<Self, WitnessError> {
        if key.key_type() != KeyType::CosignatureV1 {
            return Err(WitnessError::Cosign(
                sightline_proofs::ProofsError::WrongKeyType {
                    expected: KeyType::CosignatureV1.to_byte(),
                    got: key.key_type().to_byte(),
                },
            ));
        }
        Ok(Self { key })
    }

    /// The cosignature verifier key (type 0x04) that logs and clients list.
    pub fn verifier(&self) -> VerifierKey {
        self.key.verifier()
    }

    /// The witness's name.
    pub fn name(&self) -> &KeyName {
        self.key.name()
    }

    /// Cosigns a parsed checkpoint at `time` (POSIX seconds). The signed
    /// message is built from the parsed values (c2sp-digest §3.2).
    ///
    /// # Errors
    /// [`WitnessError::Cosign`] if `time` exceeds 2^63 - 1.
    pub fn cosign(
        &self,
        checkpoint: &Checkpoint,
        time: u64,
    ) -> Result<NoteSignature, WitnessError> {
        sightline_proofs::cosign(checkpoint, &self.key, time).map_err(WitnessError::Cosign)
    }
}

/// The key file's path in `data_dir`.
pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// Loads the key from `data_dir`, or creates it if there is none. Returns the
/// cosigner and whether the key was created now.
///
/// # Errors
/// [`WitnessError::Io`] if the directory or file cannot be created or read;
/// [`WitnessError::KeyFile`] if the file is unusable or names another
/// witness.
pub fn load_or_create(data_dir: &Path, name: &KeyName) -> Result<(Cosigner, bool), WitnessError> {
    let path = key_path(data_dir);
    if path.exists() {
        let cosigner = load(data_dir)?;
        if cosigner.name() != name {
            return Err(WitnessError::KeyFile {
                path,
                message: format!(
                    "the key is named {:?} but the configuration says `name = {:?}`: \
                     fix `name`, or move the key file away to create a new key \
                     (logs and clients that trust the old key will then need the new one)",
                    cosigner.name().as_str(),
                    name.as_str()
                ),
            });
        }
        return Ok((cosigner, false));
    }
    create_dir(data_dir)?;
    let mut seed = [0u8; KEY_LEN];
    getrandom::getrandom(&mut seed).map_err(|e| WitnessError::KeyFile {
        path: path.clone(),
        message: format!("no randomness for a new key: {e}"),
    })?;
    let key = SignerKey::from_seed(name.clone(), KeyType::CosignatureV1, seed).map_err(|e| {
        WitnessError::KeyFile {
            path: path.clone(),
            message: format!("generated key rejected: {e}"),
        }
    })?;
    write_key_file(&path, &key.to_secret_string())?;
    Ok((Cosigner::new(key)?, true))
}

/// Loads an existing key from `data_dir`.
///
/// # Errors
/// [`WitnessError::KeyFile`] if it is missing, readable by group or others,
/// or not a 0x04 signer key; [`WitnessError::Io`] if it cannot be read.
pub fn load(data_dir: &Path) -> Result<Cosigner, WitnessError> {
    let path = key_path(data_dir);
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(WitnessError::KeyFile {
                path,
                message: "no key yet: run `sightline-witness serve` once to create it".into(),
            });
        }
        Err(source) => {
            return Err(WitnessError::Io {
                what: "cannot read",
                path,
                source,
            });
        }
    };
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(WitnessError::KeyFile {
            path,
            message: "readable by group or others: run `chmod 600` on it".into(),
        });
    }
    let text = fs::read_to_string(&path).map_err(|source| WitnessError::Io {
        what: "cannot read",
        path: path.clone(),
        source,
    })?;
    let key = SignerKey::parse(text.trim_end_matches('\n')).map_err(|e| WitnessError::KeyFile {
        path: path.clone(),
        message: format!("not a PRIVATE+KEY+... signer key: {e}"),
    })?;
    if key.key_type() != KeyType::CosignatureV1 {
        return Err(WitnessError::KeyFile {
            path,
            message: "not a cosignature (0x04) key".into(),
        });
    }
    Cosigner::new(key)
}

fn create_dir(dir: &Path) -> Result<(), WitnessError> {
    fs::create_dir_all(dir).map_err(|source| WitnessError::Io {
        what: "cannot create the data directory",
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes the key to a temporary file (0600), syncs it, renames it into
/// place and syncs the directory.
///
/// Crash windows: before the rename, only the temporary file exists and the
/// next start creates a fresh key (nobody has seen the lost one); after it,
/// the key is complete on disk.
fn write_key_file(path: &Path, secret: &str) -> Result<(), WitnessError> {
    let tmp = path.with_extension("key.tmp");
    let io = |what: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |source| WitnessError::Io {
            what,
            path: p,
            source,
        }
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io("cannot create", &tmp))?;
    // An existing temporary file keeps its old mode; force 0600.
    file.set_permissions(fs::Permissions::from_mode(0o600))
        .map_err(io("cannot set permissions of", &tmp))?;
    file.write_all(format!("{secret}\n").as_bytes())
        .map_err(io("cannot write", &tmp))?;
    file.sync_all().map_err(io("cannot sync", &tmp))?;
    drop(file);
    fs::rename(&tmp, path).map_err(io("cannot rename into place", path))?;
    if let Some(dir) = path.parent() {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io("cannot sync directory", dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_once_then_loads_the_same_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let name = KeyName::new("witness.example/w1").expect("name");
        let (first, created) = load_or_create(&data, &name).expect("create");
        assert!(created);
        let mode = fs::metadata(key_path(&data))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let (second, created) = load_or_create(&data, &name).expect("load");
        assert!(!created);
        assert_eq!(first.verifier(), second.verifier());
        assert_eq!(first.verifier().key_type(), KeyType::CosignatureV1);
        assert_eq!(load(&data).expect("load").verifier(), first.verifier());
    }

    #[test]
    fn refuses_other_name_loose_mode_and_wrong_type() {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = KeyName::new("witness.example/w1").expect("name");
        load_or_create(dir.path(), &name).expect("create");
        let other = KeyName::new("witness.example/w2").expect("name");
        let err = load_or_create(dir.path(), &other).expect_err("other name");
        assert!(err.to_string().contains("w2"), "{err}");

        fs::set_permissions(key_path(dir.path()), fs::Permissions::from_mode(0o644))
            .expect("chmod");
        let err = load(dir.path()).expect_err("loose mode");
        assert!(err.to_string().contains("chmod 600"), "{err}");

        // A note (0x01) key is not a cosigning key.
        let log_key =
            "PRIVATE+KEY+example.com/log42+61581bf9+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
        write_key_file(&key_path(dir.path()), log_key).expect("write");
        let err = load(dir.path()).expect_err("0x01 key");
        assert!(err.to_string().contains("0x04"), "{err}");

        let empty = tempfile::tempdir().expect("tempdir");
        let err = load(empty.path()).expect_err("missing");
        assert!(err.to_string().contains("serve"), "{err}");
    }
}
