//! The witness's configuration file (TOML) and its validation.
//!
//! ```toml
//! name = "witness.example/w1"
//! listen = "127.0.0.1:7380"
//! data_dir = "/var/lib/sightline-witness"
//!
//! [[log]]
//! origin = "example.com/log42"
//! vkeys = ["example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"]
//! ```
//!
//! The cosigning key is not in this file: it lives in `data_dir` (see
//! [`crate::cosigner`]), created on first start.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sightline_proofs::{KeyName, KeyType, Origin, VerifierKey};

use crate::error::WitnessError;

/// The address used when neither the file nor `--listen` gives one.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7380";

/// The data directory used when neither the file nor `--data-dir` gives one.
pub const DEFAULT_DATA_DIR: &str = "sightline-witness-data";

/// The configuration file, as written by the operator.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The witness's name: the key name of its cosignature key, as logs and
    /// clients will list it in their policies. A scheme-less URL such as
    /// `witness.example/w1`; no spaces and no `+`.
    pub name: String,
    /// The address to serve HTTP on, `host:port`. Default `127.0.0.1:7380`;
    /// `--listen` overrides it.
    #[serde(default)]
    pub listen: Option<SocketAddr>,
    /// Directory for the cosigning key and the state database. Created if
    /// missing. Default `./sightline-witness-data`; `--data-dir` overrides
    /// it.
    #[serde(default)]
    pub data_dir: Option<PathBuf>,
    /// The logs this witness cosigns, one `[[log]]` table each.
    #[serde(default, rename = "log")]
    pub logs: Vec<LogConfig>,
}

/// One witnessed log.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// The log's origin: the first line of its checkpoints.
    pub origin: String,
    /// The log's Ed25519 note verifier keys (`name+hexid+base64`, type
    /// 0x01). A checkpoint must carry a valid signature from at least one.
    pub vkeys: Vec<String>,
}

/// A configuration that passed [`Config::validate`]: every key parsed, the
/// logs keyed by origin.
#[derive(Clone, Debug)]
pub struct ValidConfig {
    /// The witness's key name.
    pub name: KeyName,
    /// Where to listen.
    pub listen: SocketAddr,
    /// Where the key and the state live.
    pub data_dir: PathBuf,
    /// Trusted log keys by origin.
    pub logs: HashMap<Origin, Vec<VerifierKey>>,
}

impl Config {
    /// Reads and parses a configuration file (without validating it).
    ///
    /// # Errors
    /// [`WitnessError::ConfigRead`] if the file cannot be read;
    /// [`WitnessError::ConfigSyntax`] for bad TOML or unknown fields.
    pub fn load(path: &Path) -> Result<Self, WitnessError> {
        let text = std::fs::read_to_string(path).map_err(|source| WitnessError::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| WitnessError::ConfigSyntax {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses configuration text; the error is the parser's message.
    ///
    /// # Errors
    /// The TOML parser's message for bad syntax, a missing field or an
    /// unknown one.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Checks every field and parses every key, failing with a message an
    /// operator can act on.
    ///
    /// # Errors
    /// [`WitnessError::ConfigInvalid`] naming the field and the fix.
    pub fn validate(&self) -> Result<ValidConfig, WitnessError> {
        let invalid = |msg: String| WitnessError::ConfigInvalid(msg);
        let name = KeyName::new(&self.name).map_err(|e| {
            invalid(format!(
                "`name = {:?}`: {e}; use a scheme-less URL such as \"witness.example/w1\"",
                self.name
            ))
        })?;
        let listen = match self.listen {
            Some(addr) => addr,
            None => DEFAULT_LISTEN
                .parse()
                .map_err(|_| invalid("built-in default listen address".into()))?,
        };
        let data_dir = self
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        if self.logs.is_empty() {
            return Err(invalid(
                "no `[[log]]` table: add one per log to witness, with `origin` and `vkeys`".into(),
            ));
        }
        let mut logs = HashMap::new();
        for (i, log) in self.logs.iter().enumerate() {
            let origin = Origin::new(&log.origin).map_err(|e| {
                invalid(format!(
                    "log #{}: `origin = {:?}`: {e}; the origin is the first line of the log's checkpoints",
                    i + 1,
                    log.origin
                ))
            })?;
            if log.vkeys.is_empty() {
                return Err(invalid(format!(
                    "log {origin}: `vkeys` is empty: list the log's verifier key(s)"
                )));
            }
            let mut keys = Vec::with_capacity(log.vkeys.len());
            for vkey in &log.vkeys {
                let key = VerifierKey::parse(vkey).map_err(|e| {
                    invalid(format!(
                        "log {origin}: vkey {vkey:?}: {e}; expected name+hexid+base64 as printed by the log"
                    ))
                })?;
                if key.key_type() != KeyType::Ed25519 {
                    return Err(invalid(format!(
                        "log {origin}: vkey {vkey:?} is a cosignature (0x04) key; a log signs checkpoints with an Ed25519 (0x01) key"
                    )));
                }
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            if logs.insert(origin.clone(), keys).is_some() {
                return Err(invalid(format!(
                    "log {origin} is listed twice: merge its `[[log]]` tables into one"
                )));
            }
        }
        Ok(ValidConfig {
            name,
            listen,
            data_dir,
            logs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG_VKEY: &str =
        "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
    const WITNESS_VKEY: &str =
        "witness.example/w1+20324abe+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X";

    fn config(logs: &str) -> Result<ValidConfig, String> {
        let text = format!("name = \"witness.example/w1\"\n{logs}");
        Config::parse(&text)?.validate().map_err(|e| e.to_string())
    }

    #[test]
    fn valid_config_with_defaults() {
        let c = config(&format!(
            "[[log]]\norigin = \"example.com/log42\"\nvkeys = [\"{LOG_VKEY}\"]\n"
        ))
        .expect("valid");
        assert_eq!(c.name.as_str(), "witness.example/w1");
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        let origin = Origin::new("example.com/log42").expect("origin");
        assert_eq!(c.logs[&origin].len(), 1);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let unknown = config("colour = \"blue\"\n").expect_err("unknown field");
        assert!(unknown.contains("colour"), "{unknown}");
        let unknown_in_log = config(&format!(
            "[[log]]\norigin = \"a\"\nvkeys = [\"{LOG_VKEY}\"]\nurl = \"x\"\n"
        ))
        .expect_err("unknown log field");
        assert!(unknown_in_log.contains("url"), "{unknown_in_log}");
        let no_logs = config("").expect_err("no logs");
        assert!(no_logs.contains("[[log]]"), "{no_logs}");
        let bad_origin = config(&format!(
            "[[log]]\norigin = \"a b\"\nvkeys = [\"{LOG_VKEY}\"]\n"
        ))
        .expect_err("bad origin");
        assert!(bad_origin.contains("origin"), "{bad_origin}");
        let empty_keys = config("[[log]]\norigin = \"a\"\nvkeys = []\n").expect_err("empty vkeys");
        assert!(empty_keys.contains("vkeys"), "{empty_keys}");
        let bad_key =
            config("[[log]]\norigin = \"a\"\nvkeys = [\"nope\"]\n").expect_err("bad vkey");
        assert!(bad_key.contains("nope"), "{bad_key}");
        let cosig_key = config(&format!(
            "[[log]]\norigin = \"a\"\nvkeys = [\"{WITNESS_VKEY}\"]\n"
        ))
        .expect_err("0x04 key");
        assert!(cosig_key.contains("0x04"), "{cosig_key}");
        let twice = config(&format!(
            "[[log]]\norigin = \"a\"\nvkeys = [\"{LOG_VKEY}\"]\n[[log]]\norigin = \"a\"\nvkeys = [\"{LOG_VKEY}\"]\n"
        ))
        .expect_err("duplicate origin");
        assert!(twice.contains("twice"), "{twice}");
        let bad_name = Config::parse("name = \"a+b\"\n")
            .expect("parses")
            .validate()
            .expect_err("bad name")
            .to_string();
        assert!(bad_name.contains("name"), "{bad_name}");
        let bad_listen =
            Config::parse("name = \"w\"\nlisten = \"nowhere\"\n").expect_err("bad listen");
        assert!(bad_listen.contains("listen"), "{bad_listen}");
    }
}
