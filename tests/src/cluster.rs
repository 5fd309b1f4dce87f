//! A log and its witnesses as real processes, each with a configuration
//! file and a data directory under one temporary directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::binaries::{CLIENT, LOG, WITNESS};
use crate::process::{Service, free_port};

/// The ready line both servers print once they accept connections.
const LISTENING: &str = "listening on http://";

fn address(service: &Service) -> String {
    service
        .banner
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix(LISTENING))
        .expect("a listening line")
        .to_owned()
}

/// Creates a signer key file with `sightline keygen` (`kind` is `note` or
/// `cosignature`), creating its directory, and returns the verifier key.
/// The servers use such files as they find them, so a test knows every
/// key before any process starts.
///
/// # Panics
/// If keygen fails.
pub fn keygen(name: &str, kind: &str, out: &Path) -> String {
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).expect("create the key's directory");
    }
    let output = CLIENT
        .command()
        .args(["keygen", "--name", name, "--type", kind, "--out"])
        .arg(out)
        .output()
        .expect("run sightline keygen");
    assert!(output.status.success(), "sightline keygen: {output:?}");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned()
}

/// Creates the log key for `origin` in `dir/log` (the data directory
/// [`Log::start`] uses) and returns its verifier key.
///
/// # Panics
/// If keygen fails.
pub fn log_key(dir: &Path, origin: &str) -> String {
    keygen(origin, "note", &dir.join("log").join("log.key"))
}

/// A running `sightline-log serve`.
#[derive(Debug)]
pub struct Log {
    /// The process.
    pub service: Service,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The log's verifier key.
    pub vkey: String,
    /// The configuration file it was started with.
    pub config: PathBuf,
}

impl Log {
    /// Writes `dir/log.toml` with `origin`, `data_dir = dir/log`, `listen`
    /// (port 0 unless `extra_toml` sets it) and `extra_toml` (root keys,
    /// witnesses, …), then starts the log and waits for it.
    ///
    /// # Panics
    /// If the configuration cannot be written or the log does not start.
    pub fn start(dir: &Path, origin: &str, extra_toml: &str) -> Self {
        let config = dir.join("log.toml");
        let listen = if extra_toml.contains("listen") {
            String::new()
        } else {
            "listen = \"127.0.0.1:0\"\n".to_owned()
        };
        let text = format!(
            "origin = \"{origin}\"\ndata_dir = \"{}\"\n{listen}{extra_toml}\n",
            dir.join("log").display()
        );
        std::fs::write(&config, text).expect("write log.toml");
        Self::restart(&config)
    }

    /// Starts the log again with an existing configuration file.
    ///
    /// # Panics
    /// If the log does not start.
    pub fn restart(config: &Path) -> Self {
        let mut command = LOG.command();
        command
            .arg("serve")
            .arg("--config")
            .arg(config)
            .env("RUST_LOG", "warn");
        let service = Service::start(command, |l| l.starts_with(LISTENING));
        let vkey = service
            .banner
            .iter()
            .find_map(|l| l.strip_prefix("log verifier key: "))
            .expect("the log prints its verifier key")
            .to_owned();
        Self {
            url: format!("http://{}", address(&service)),
            vkey,
            config: config.to_owned(),
            service,
        }
    }
}

/// A running `sightline-witness serve` on a fixed port, so that it can be
/// stopped and started again at the address a log's configuration names.
#[derive(Debug)]
pub struct Witness {
    /// The process.
    pub service: Service,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The witness's cosignature verifier key.
    pub vkey: String,
    /// The configuration file.
    pub config: PathBuf,
}

/// A witness's configuration, written once and reused across restarts.
#[derive(Clone, Debug)]
pub struct WitnessConfig {
    /// The configuration file.
    pub path: PathBuf,
    /// The address it listens on.
    pub url: String,
    /// Its cosignature verifier key, read from its data directory.
    pub vkey: String,
}

impl WitnessConfig {
    /// Writes `dir/<name>.toml` for a witness named `name` on a free port,
    /// witnessing each `(origin, log vkey)`, and creates its cosigning key
    /// with `sightline keygen --type cosignature`.
    ///
    /// # Panics
    /// If the file cannot be written or the key cannot be created.
    pub fn new(dir: &Path, name: &str, logs: &[(&str, &str)]) -> Self {
        let file = name.replace(['/', '.'], "-");
        let path = dir.join(format!("{file}.toml"));
        let port = free_port();
        let mut text = format!(
            "name = \"{name}\"\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\n",
            dir.join(&file).display()
        );
        for (origin, vkey) in logs {
            let _ = write!(
                text,
                "\n[[log]]\norigin = \"{origin}\"\nvkeys = [\"{vkey}\"]\n"
            );
        }
        std::fs::write(&path, text).expect("write witness config");
        let vkey = keygen(name, "cosignature", &dir.join(&file).join("cosigning.key"));
        Self {
            path,
            url: format!("http://127.0.0.1:{port}"),
            vkey,
        }
    }

    /// Starts the witness and waits until it listens.
    ///
    /// # Panics
    /// If it does not start.
    pub fn start(&self) -> Witness {
        let mut command = WITNESS.command();
        command
            .arg("serve")
            .arg("--config")
            .arg(&self.path)
            .env("RUST_LOG", "warn");
        let service = Service::start(command, |l| l.starts_with(LISTENING));
        Witness {
            service,
            url: self.url.clone(),
            vkey: self.vkey.clone(),
            config: self.path.clone(),
        }
    }
}
