//! Publishing through the real `sightline` command: keys made with
//! `keygen`, records made with `record`, entries sent with `submit`, so
//! that a scenario exercises exactly what an operator types.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::binaries::CLIENT;
use crate::cluster::keygen;

/// Runs `sightline ARGS` and returns its output, whatever the status.
///
/// # Panics
/// If the binary cannot be run.
pub fn sightline<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    CLIENT
        .command()
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sightline")
}

/// Standard output as trimmed text.
///
/// # Panics
/// If it is not UTF-8.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8 stdout")
        .trim()
        .to_owned()
}

/// Standard error as trimmed text.
///
/// # Panics
/// If it is not UTF-8.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone())
        .expect("UTF-8 stderr")
        .trim()
        .to_owned()
}

/// A note key made by `sightline keygen`: its secret file and verifier key.
#[derive(Clone, Debug)]
pub struct Key {
    /// The secret key file.
    pub file: PathBuf,
    /// The verifier key.
    pub vkey: String,
}

/// A directory of keys and records, and the log they are submitted to.
#[derive(Debug)]
pub struct Publisher {
    dir: PathBuf,
    /// The log's base URL.
    pub log: String,
    counter: std::cell::Cell<u32>,
}

impl Publisher {
    /// Keys and records go under `dir/publisher`.
    ///
    /// # Panics
    /// If the directory cannot be created.
    pub fn new(dir: &Path, log: &str) -> Self {
        let dir = dir.join("publisher");
        std::fs::create_dir_all(&dir).expect("create the publisher's directory");
        Self {
            dir,
            log: log.to_owned(),
            counter: std::cell::Cell::new(0),
        }
    }

    /// A new note key named `name`.
    pub fn key(&self, name: &str) -> Key {
        let file = self.dir.join(format!("{name}.key"));
        let vkey = keygen(name, "note", &file);
        Key { file, vkey }
    }

    /// Runs `sightline record KIND ARGS --key K… -o FILE` and returns the
    /// file.
    ///
    /// # Panics
    /// If the command fails.
    pub fn record(&self, kind: &str, args: &[&str], keys: &[&Key]) -> PathBuf {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        let out = self.dir.join(format!("{n:03}-{kind}.rec"));
        let mut command: Vec<std::ffi::OsString> = vec!["record".into(), kind.into()];
        command.extend(args.iter().map(Into::into));
        for key in keys {
            command.push("--key".into());
            command.push(key.file.clone().into_os_string());
        }
        command.push("-o".into());
        command.push(out.clone().into_os_string());
        let output = sightline(&command);
        assert!(
            output.status.success(),
            "sightline record {kind}: {output:?}"
        );
        out
    }

    /// Submits `file` with `sightline submit` and returns `INDEX:HEXHASH`
    /// of the new entry.
    ///
    /// # Panics
    /// If the command fails.
    pub fn submit(&self, file: &Path) -> (u64, String) {
        let output = sightline([
            "submit".as_ref(),
            "--log".as_ref(),
            self.log.as_ref(),
            file.as_os_str(),
        ]);
        assert!(output.status.success(), "sightline submit: {output:?}");
        let index: u64 = stdout(&output).parse().expect("an index on stdout");
        let bytes = std::fs::read(file).expect("read the record");
        let hash = crate::proofs::leaf_hash(&bytes).to_hex();
        (index, format!("{index}:{hash}"))
    }

    /// Makes a record and submits it; returns its index and reference.
    pub fn publish(&self, kind: &str, args: &[&str], keys: &[&Key]) -> (u64, String) {
        let file = self.record(kind, args, keys);
        self.submit(&file)
    }

    /// Enrols `key` with `role`, `owner` and `scope`, signed by `roots`.
    pub fn enrol(&self, key: &Key, role: &str, owner: &str, scope: &str, roots: &[&Key]) -> u64 {
        self.publish(
            "key",
            &[
                "--action",
                "enrol",
                "--vkey",
                &key.vkey,
                "--role",
                role,
                "--owner",
                owner,
                "--scope",
                scope,
                "--expires",
                "2099-01-01T00:00:00Z",
            ],
            roots,
        )
        .0
    }
}
