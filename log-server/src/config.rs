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
//!
//! # Witnesses (DESIGN §5, c2sp tlog-witness). With none, the log serves
//! # its own signed checkpoints; with some, only quorum-cosigned ones.
//! witness_quorum = 2
//! witness_timeout_ms = 2000
//! cosigned_wait_ms = 10000
//! cosignature_refresh_secs = 300
//!
//! [[witness]]
//! vkey = "witness.example/w1+1a2b3c4d+BAbC..."
//! url = "http://192.0.2.10:7380"
//!
//! [[witness]]
//! vkey = "witness.example/w2+5e6f7a8b+BDeF..."
//! url = "http://192.0.2.11:7380"
//! ```
//!
//! `witness_quorum` is how many distinct witnesses must cosign a checkpoint
//! before `/checkpoint`, proofs and bundles use it: 0 (the default) without
//! witnesses, otherwise 1 to the number of `[[witness]]` tables. Each
//! witness has its cosignature verifier key (`vkey`, type 0x04, as
//! `sightline-witness vkey` prints it) and its base URL (`url`,
//! `http://host:port`; the log posts to `<url>/add-checkpoint`).
//! `witness_timeout_ms` bounds each request to a witness (1 to 60000), and
//! `cosigned_wait_ms` bounds how long `POST /v1/entries?wait=cosigned` waits
//! for a quorum-cosigned checkpoint covering the entry (1 to 300000).
//! `cosignature_refresh_secs` is how long a witness's cosignature of the
//! latest checkpoint may age before the log asks for a fresh one (1 to
//! 86400): devices refuse checkpoints whose cosignatures are older than
//! their policy's `max-age`, so an idle log must keep them fresh; set it
//! well below the smallest `max-age` of the devices it serves.

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
    /// How many distinct witnesses must cosign a checkpoint before the log
    /// serves it: 0 without witnesses, else 1 to the number of witnesses.
    pub witness_quorum: usize,
    /// The witnesses, one `[[witness]]` table each.
    pub witness: Vec<WitnessEntry>,
    /// The bound on each add-checkpoint request, in milliseconds (1 to 60000).
    pub witness_timeout_ms: u64,
    /// How long `POST /v1/entries?wait=cosigned` waits for a quorum-cosigned
    /// checkpoint covering the entry, in milliseconds (1 to 300000).
    pub cosigned_wait_ms: u64,
    /// How long a cosignature of the latest checkpoint may age before the
    /// log asks the witness again, in seconds (1 to 86400).
    pub cosignature_refresh_secs: u64,
}

/// One `[[witness]]` table.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WitnessEntry {
    /// The witness's cosignature verifier key (type 0x04).
    pub vkey: String,
    /// The witness's base URL, `http://host:port`.
    pub url: String,
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
            witness_quorum: 0,
            witness: Vec::new(),
            witness_timeout_ms: 2_000,
            cosigned_wait_ms: 10_000,
            cosignature_refresh_secs: 300,
        }
    }
}

/// A validated witness: its key and where it listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessSpec {
    /// Its cosignature verifier key (type 0x04).
    pub vkey: VerifierKey,
    /// Its base URL without a trailing slash, `http://host:port`.
    pub url: String,
}

/// The validated witnessing settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessingConfig {
    /// How many distinct witnesses must cosign; 0 means no witnessing.
    pub quorum: usize,
    /// The witnesses, in configuration order.
    pub witnesses: Vec<WitnessSpec>,
    /// The bound on each request to a witness.
    pub timeout: Duration,
    /// The bound on `wait=cosigned`.
    pub cosigned_wait: Duration,
    /// How long a cosignature of the latest checkpoint may age before the
    /// witness is asked again.
    pub refresh: Duration,
}

impl Default for WitnessingConfig {
    fn default() -> Self {
        Self {
            quorum: 0,
            witnesses: Vec::new(),
            timeout: Duration::from_secs(2),
            cosigned_wait: Duration::from_secs(10),
            refresh: Duration::from_secs(300),
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
    /// Witnesses and quorum.
    pub witnessing: WitnessingConfig,
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
            witnessing: self.validate_witnessing()?,
        })
    }

    fn validate_witnessing(&self) -> Result<WitnessingConfig, Error> {
        let mut witnesses: Vec<WitnessSpec> = Vec::with_capacity(self.witness.len());
        for entry in &self.witness {
            let spec = validate_witness(entry)?;
            if witnesses.iter().any(|w| w.vkey == spec.vkey) {
                return Err(config_error(format!(
                    "witness vkey {:?} is listed twice; list each witness once",
                    entry.vkey
                )));
            }
            if witnesses.iter().any(|w| w.url == spec.url) {
                return Err(config_error(format!(
                    "witness url {:?} is listed twice; each witness has its own address",
                    entry.url
                )));
            }
            witnesses.push(spec);
        }
        let quorum = match (self.witness_quorum, witnesses.len()) {
            (0, 0) => 0,
            (q, 0) => {
                return Err(config_error(format!(
                    "witness_quorum = {q} but no [[witness]] is configured; add witnesses or remove witness_quorum"
                )));
            }
            (q, n) => {
                if q == 0 || q > n {
                    return Err(config_error(format!(
                        "witness_quorum = {q} with {n} witnesses configured; set it from 1 to {n}"
                    )));
                }
                q
            }
        };
        Ok(WitnessingConfig {
            quorum,
            witnesses,
            timeout: Duration::from_millis(in_range(
                "witness_timeout_ms",
                self.witness_timeout_ms,
                1,
                60_000,
            )?),
            cosigned_wait: Duration::from_millis(in_range(
                "cosigned_wait_ms",
                self.cosigned_wait_ms,
                1,
                300_000,
            )?),
            refresh: Duration::from_secs(in_range(
                "cosignature_refresh_secs",
                self.cosignature_refresh_secs,
                1,
                86_400,
            )?),
        })
    }
}

/// Checks one `[[witness]]` table.
fn validate_witness(entry: &WitnessEntry) -> Result<WitnessSpec, Error> {
    let vkey = VerifierKey::parse(&entry.vkey).map_err(|e| {
        config_error(format!(
            "witness vkey {:?} is not a verifier key ({e}); give the line `sightline-witness vkey` prints",
            entry.vkey
        ))
    })?;
    if vkey.key_type() != KeyType::CosignatureV1 {
        return Err(config_error(format!(
            "witness vkey {:?} is not a cosignature key (type 0x04); give the line `sightline-witness vkey` prints",
            entry.vkey
        )));
    }
    Ok(WitnessSpec {
        vkey,
        url: witness_url(&entry.url)?,
    })
}

/// `http://host:port`, with an optional trailing slash (dropped).
fn witness_url(text: &str) -> Result<String, Error> {
    let bad = |why: &str| {
        config_error(format!(
            "witness url {text:?} {why}; give it as http://host:port, for example \"http://192.0.2.10:7380\""
        ))
    };
    let url = reqwest::Url::parse(text).map_err(|_| bad("is not a URL"))?;
    if url.scheme() != "http" {
        return Err(bad("does not start with http:// (this build has no TLS)"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.port().is_none() {
        return Err(bad("has no explicit port"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a path, query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("carries credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
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

    fn witness_key(name: &str, key_type: KeyType, seed: u8) -> String {
        sightline_proofs::SignerKey::from_seed(
            sightline_proofs::KeyName::new(name).expect("name"),
            key_type,
            [seed; 32],
        )
        .expect("key")
        .verifier()
        .to_string()
    }

    fn with_witnesses(quorum: usize, witnesses: &[(&str, &str)]) -> Config {
        Config {
            witness_quorum: quorum,
            witness: witnesses
                .iter()
                .map(|(vkey, url)| WitnessEntry {
                    vkey: (*vkey).to_owned(),
                    url: (*url).to_owned(),
                })
                .collect(),
            ..Config::default()
        }
    }

    #[test]
    fn witnesses_parse_from_tables() {
        let w1 = witness_key("w1.example", KeyType::CosignatureV1, 1);
        let w2 = witness_key("w2.example", KeyType::CosignatureV1, 2);
        let text = format!(
            "witness_quorum = 2\nwitness_timeout_ms = 500\n\
             [[witness]]\nvkey = \"{w1}\"\nurl = \"http://127.0.0.1:7001/\"\n\
             [[witness]]\nvkey = \"{w2}\"\nurl = \"http://[::1]:7002\"\n"
        );
        let valid = parse(&text).expect("parses").validate().expect("valid");
        let witnessing = valid.witnessing;
        assert_eq!(witnessing.quorum, 2);
        assert_eq!(witnessing.timeout, Duration::from_millis(500));
        assert_eq!(witnessing.witnesses.len(), 2);
        assert_eq!(witnessing.witnesses[0].url, "http://127.0.0.1:7001");
        assert_eq!(witnessing.witnesses[1].url, "http://[::1]:7002");
        assert_eq!(witnessing.witnesses[0].vkey.to_string(), w1);
    }

    #[test]
    fn no_witnesses_means_quorum_zero() {
        let valid = Config::default().validate().expect("valid");
        assert_eq!(valid.witnessing.quorum, 0);
        assert!(valid.witnessing.witnesses.is_empty());
    }

    #[test]
    fn unknown_witness_fields_are_refused() {
        let err = parse("[[witness]]\nvkey = \"x\"\nurl = \"http://a:1\"\nname = \"w\"\n")
            .expect_err("unknown field");
        assert!(err.to_string().contains("name"), "{err}");
    }

    #[test]
    fn witness_messages_say_what_to_change() {
        let w1 = witness_key("w1.example", KeyType::CosignatureV1, 1);
        let w2 = witness_key("w2.example", KeyType::CosignatureV1, 2);
        let ed = witness_key("w3.example", KeyType::Ed25519, 3);
        let url = "http://127.0.0.1:7001";
        let cases: Vec<(Config, &str)> = vec![
            (with_witnesses(1, &[]), "no [[witness]] is configured"),
            (with_witnesses(0, &[(&w1, url)]), "set it from 1 to 1"),
            (
                with_witnesses(3, &[(&w1, url), (&w2, "http://127.0.0.1:7002")]),
                "set it from 1 to 2",
            ),
            (with_witnesses(1, &[(&ed, url)]), "not a cosignature key"),
            (
                with_witnesses(1, &[("nonsense", url)]),
                "not a verifier key",
            ),
            (
                with_witnesses(1, &[(&w1, url), (&w1, "http://127.0.0.1:7002")]),
                "listed twice",
            ),
            (with_witnesses(1, &[(&w1, url), (&w2, url)]), "listed twice"),
            (
                with_witnesses(1, &[(&w1, "https://127.0.0.1:7001")]),
                "http://",
            ),
            (with_witnesses(1, &[(&w1, "http://127.0.0.1")]), "port"),
            (
                with_witnesses(1, &[(&w1, "http://127.0.0.1:1/add-checkpoint")]),
                "path",
            ),
            (with_witnesses(1, &[(&w1, "127.0.0.1:7001")]), "http://"),
            (
                Config {
                    witness_timeout_ms: 0,
                    ..with_witnesses(1, &[(&w1, url)])
                },
                "witness_timeout_ms = 0 is out of range",
            ),
            (
                Config {
                    cosigned_wait_ms: 0,
                    ..Config::default()
                },
                "cosigned_wait_ms = 0 is out of range",
            ),
            (
                Config {
                    cosignature_refresh_secs: 0,
                    ..Config::default()
                },
                "cosignature_refresh_secs = 0 is out of range",
            ),
        ];
        for (config, expected) in cases {
            let err = config.validate().expect_err(expected).to_string();
            assert!(err.contains(expected), "{expected}: {err}");
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
