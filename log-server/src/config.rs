//! The log's configuration (STYLE §18): one TOML file, every field
//! documented and defaulted, unknown fields refused, and [`Config::validate`]
//! turning it into typed values with messages an operator can act on.
//! Command-line flags override the file's fields.
//!
//! ```toml
//! origin = "log.example.com/release-log"
//! listen = "0.0.0.0:8080"
//! data_dir = "/var/lib/sightline"
//! root_keys = ["root-1+1a2b3c4d+AbC...", "root-2+5e6f7a8b+DeF..."]
//! root_threshold = 2
//! clock_skew_secs = 600
//! batch_max_entries = 4096
//! batch_max_age_ms = 20
//! queue_max = 16384
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use sightline_proofs::{KeyType, Origin, VerifierKey};

use crate::error::Error;
use crate::sequencer::BatchLimits;

/// The configuration file's contents (all fields optional).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The log's origin: the first line of its checkpoints and the name of
    /// its key (c2sp tlog-checkpoint), such as `log.example.com/releases`.
    /// Fixed for the life of a data directory.
    pub origin: String,
    /// The address to listen on, `IP:PORT` (port 0 picks a free port).
    pub listen: String,
    /// The directory holding the database and the key files; created on
    /// first start.
    pub data_dir: PathBuf,
    /// The root keys (verifier keys, `name+hexid+base64`) whose signatures
    /// enrol, retire and revoke keys and resume paused targets. With none,
    /// `serve` generates a development root key in the data directory.
    pub root_keys: Vec<String>,
    /// How many distinct root keys must sign `key` and `resume` records.
    /// Optional with one root key (then 1); required with several.
    pub root_threshold: Option<usize>,
    /// How far a record's `issued` time may be from the log's clock, in
    /// seconds, either side (1 to 86400).
    pub clock_skew_secs: u64,
    /// The most submissions one sequencing round takes (1 to 65536).
    pub batch_max_entries: usize,
    /// The longest a round stays open after its first submission, in
    /// milliseconds (1 to 60000): the floor of acknowledgement latency.
    pub batch_max_age_ms: u64,
    /// The most submissions waiting for the sequencer; beyond it,
    /// submissions get 503 with `Retry-After` (1 to 1048576).
    pub queue_max: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            origin: "localhost/sightline-dev".to_owned(),
            listen: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./sightline-data"),
            root_keys: Vec::new(),
            root_threshold: None,
            clock_skew_secs: 600,
            batch_max_entries: 4096,
            batch_max_age_ms: 20,
            queue_max: 16_384,
        }
    }
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct ValidConfig {
    /// The origin.
    pub origin: Origin,
    /// The listening address.
    pub listen: SocketAddr,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The root keys; empty means "generate a development root key".
    pub root_keys: Vec<VerifierKey>,
    /// The root threshold (1 when no root key is configured).
    pub root_threshold: usize,
    /// Allowed clock skew, seconds.
    pub clock_skew_secs: u64,
    /// Round and queue bounds.
    pub limits: BatchLimits,
}

fn config_error(message: String) -> Error {
    Error::Config(message)
}

fn in_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    value: T,
    low: T,
    high: T,
) -> Result<T, Error> {
    if value < low || value > high {
        return Err(config_error(format!(
            "{field} = {value} is out of range; use a value from {low} to {high}"
        )));
    }
    Ok(value)
}

impl Config {
    /// Reads a TOML configuration file.
    ///
    /// # Errors
    /// [`Error::Config`] naming the file and the problem (unknown field,
    /// wrong type, unreadable file).
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| config_error(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| config_error(format!("{}: {e}", path.display())))
    }

    /// Checks every field and parses the keys and addresses.
    ///
    /// # Errors
    /// [`Error::Config`] with a message saying what to change.
    pub fn validate(&self) -> Result<ValidConfig, Error> {
        let origin = Origin::new(&self.origin).map_err(|e| {
            config_error(format!(
                "origin = {:?} is not a valid log origin ({e}); use a name like \"log.example.com/releases\"",
                self.origin
            ))
        })?;
        let listen: SocketAddr = self.listen.parse().map_err(|_| {
            config_error(format!(
                "listen = {:?} is not an IP:PORT address; use for example \"127.0.0.1:8080\"",
                self.listen
            ))
        })?;
        if self.data_dir.as_os_str().is_empty() {
            return Err(config_error(
                "data_dir is empty; name a directory".to_owned(),
            ));
        }
        let mut root_keys = Vec::with_capacity(self.root_keys.len());
        for text in &self.root_keys {
            let key = VerifierKey::parse(text).map_err(|e| {
                config_error(format!(
                    "root key {text:?} is not a verifier key ({e}); give it as name+hexid+base64"
                ))
            })?;
            if key.key_type() != KeyType::Ed25519 {
                return Err(config_error(format!(
                    "root key {text:?} is not an Ed25519 note key (type 0x01)"
                )));
            }
            if root_keys.contains(&key) {
                return Err(config_error(format!("root key {text:?} is listed twice")));
            }
            root_keys.push(key);
        }
        let root_threshold = match (self.root_threshold, root_keys.len()) {
            (None, 0 | 1) => 1,
            (None, n) => {
                return Err(config_error(format!(
                    "{n} root keys are configured but root_threshold is not; \
                     set root_threshold to how many of them must sign (1 to {n})"
                )));
            }
            (Some(k), 0) => {
                if k != 1 {
                    return Err(config_error(format!(
                        "root_threshold = {k} but no root key is configured; add root_keys or remove root_threshold"
                    )));
                }
                1
            }
            (Some(k), n) => in_range("root_threshold", k, 1, n)?,
        };
        let limits = BatchLimits {
            max_entries: in_range("batch_max_entries", self.batch_max_entries, 1, 65_536)?,
            max_age: Duration::from_millis(in_range(
                "batch_max_age_ms",
                self.batch_max_age_ms,
                1,
                60_000,
            )?),
            queue_max: in_range("queue_max", self.queue_max, 1, 1 << 20)?,
        };
        Ok(ValidConfig {
            origin,
            listen,
            data_dir: self.data_dir.clone(),
            root_keys,
            root_threshold,
            clock_skew_secs: in_range("clock_skew_secs", self.clock_skew_secs, 1, 86_400)?,
            limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn defaults_validate() {
        let valid = Config::default().validate().expect("defaults are valid");
        assert_eq!(valid.root_threshold, 1);
        assert!(valid.root_keys.is_empty());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = parse("origin = \"a/b\"\nbatch_size = 3\n").expect_err("unknown field");
        assert!(err.to_string().contains("batch_size"), "{err}");
    }

    #[test]
    fn messages_say_what_to_change() {
        let cases: [(&str, &str); 6] = [
            ("listen = \"localhost\"", "IP:PORT"),
            ("origin = \"a b\"", "valid log origin"),
            (
                "batch_max_entries = 0",
                "batch_max_entries = 0 is out of range",
            ),
            ("queue_max = 0", "queue_max"),
            ("root_keys = [\"nonsense\"]", "not a verifier key"),
            ("root_threshold = 2", "no root key is configured"),
        ];
        for (text, expected) in cases {
            let config = parse(text).expect("parses");
            let err = config.validate().expect_err(text).to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn several_roots_need_a_threshold() {
        let a = sightline_proofs::SignerKey::from_seed(
            sightline_proofs::KeyName::new("a").expect("name"),
            KeyType::Ed25519,
            [1; 32],
        )
        .expect("key");
        let b = sightline_proofs::SignerKey::from_seed(
            sightline_proofs::KeyName::new("b").expect("name"),
            KeyType::Ed25519,
            [2; 32],
        )
        .expect("key");
        let mut config = Config {
            root_keys: vec![a.verifier().to_string(), b.verifier().to_string()],
            ..Config::default()
        };
        assert!(config.validate().is_err());
        config.root_threshold = Some(3);
        assert!(config.validate().is_err());
        config.root_threshold = Some(2);
        assert_eq!(config.validate().expect("valid").root_threshold, 2);
    }
}
