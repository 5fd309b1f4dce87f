//! Shared by `witnessed.rs` and the `cosigned_latency` bench: a log with
//! witnesses as real processes, entries the log admits (one signer key's
//! enrolment signed by the root key configured for it, then releases it
//! signs: releases, unlike enrolments, do not grow the log's state entry),
//! and reading what it serves.

#![allow(dead_code, unreachable_pub, clippy::missing_panics_doc)]

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sightline_tests::cluster::{Log, Witness, WitnessConfig, log_key};
use sightline_tests::http;
use sightline_tests::proofs::record::{
    ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Record, Release,
    SignedRecord, Timestamp, Token, Version,
};
use sightline_tests::proofs::{
    Hash, KeyName, KeyType, Origin, SignerKey, VerifierKey, open_checkpoint, verify_cosignatures,
};

/// The witnessed log's origin.
pub const ORIGIN: &str = "example.com/witnessed";

/// How long a poll waits before failing the test.
pub const POLL_DEADLINE: Duration = Duration::from_secs(60);

/// The root key the log is configured with (fixed seed).
pub fn root_key() -> SignerKey {
    SignerKey::from_seed(
        KeyName::new("root.example").expect("name"),
        KeyType::Ed25519,
        [0x52; 32],
    )
    .expect("root key")
}

/// A log, its witnesses' configurations and the running witnesses.
#[derive(Debug)]
pub struct Cluster {
    /// The log.
    pub log: Log,
    /// The log's verifier key.
    pub log_vkey: VerifierKey,
    /// Every witness's configuration (also when stopped).
    pub witnesses: Vec<WitnessConfig>,
    /// The running witnesses, `None` when stopped.
    pub running: Vec<Option<Witness>>,
    /// The root key.
    pub root: SignerKey,
    /// Entries made so far, for unique enrolments.
    made: u64,
}

/// The log's TOML lines for `root` and `witnesses` (`(vkey, url)`).
pub fn witness_toml(root: &SignerKey, witnesses: &[(String, String)], quorum: usize) -> String {
    let mut text = format!(
        "root_keys = [\"{}\"]\nwitness_quorum = {quorum}\nwitness_timeout_ms = 2000\n",
        root.verifier()
    );
    for (vkey, url) in witnesses {
        let _ = write!(text, "\n[[witness]]\nvkey = \"{vkey}\"\nurl = \"{url}\"\n");
    }
    text
}

impl Cluster {
    /// Starts `count` witnesses of the log, then the log with
    /// `witness_quorum = quorum` and `extra` TOML (placed before the
    /// `[[witness]]` tables).
    pub fn start(dir: &Path, count: usize, quorum: usize, extra: &str) -> Self {
        let vkey = log_key(dir, ORIGIN);
        let witnesses: Vec<WitnessConfig> = (1..=count)
            .map(|i| WitnessConfig::new(dir, &format!("w{i}.example"), &[(ORIGIN, &vkey)]))
            .collect();
        let running = witnesses.iter().map(|w| Some(w.start())).collect();
        let root = root_key();
        let listed: Vec<(String, String)> = witnesses
            .iter()
            .map(|w| (w.vkey.clone(), w.url.clone()))
            .collect();
        let toml = format!("{extra}\n{}", witness_toml(&root, &listed, quorum));
        let log = Log::start(dir, ORIGIN, &toml);
        Self {
            log_vkey: VerifierKey::parse(&log.vkey).expect("log vkey"),
            log,
            witnesses,
            running,
            root,
            made: 0,
        }
    }

    /// The witnesses' verifier keys.
    pub fn witness_keys(&self) -> Vec<VerifierKey> {
        self.witnesses
            .iter()
            .map(|w| VerifierKey::parse(&w.vkey).expect("witness vkey"))
            .collect()
    }

    /// Stops the log (SIGTERM) and starts it again with its configuration
    /// and data directory.
    #[must_use]
    pub fn restart_log(mut self) -> Self {
        let config = self.log.config.clone();
        assert!(self.log.service.terminate().success());
        self.log = Log::restart(&config);
        self
    }

    /// Stops witness `i` (SIGTERM; its state stays on disk).
    pub fn stop_witness(&mut self, i: usize) {
        let running = self.running[i].take().expect("running");
        assert!(running.service.terminate().success());
    }

    /// Starts witness `i` again with its state intact.
    pub fn start_witness(&mut self, i: usize) {
        assert!(self.running[i].is_none(), "already running");
        self.running[i] = Some(self.witnesses[i].start());
    }

    /// A new entry the log admits, if the ones made before were logged:
    /// first the enrolment of signer key 1, then releases it signs.
    pub fn next_entry(&mut self) -> Vec<u8> {
        self.made += 1;
        if self.made == 1 {
            enrolment(&self.root, 1)
        } else {
            release(&signer_key(1), self.made)
        }
    }

    /// Submits a new entry; `wait` adds `?wait=cosigned`. Returns the
    /// status and the JSON answer.
    pub fn submit(&mut self, wait: bool) -> (u16, serde_json::Value) {
        let entry = self.next_entry();
        let query = if wait { "?wait=cosigned" } else { "" };
        let response = http::post(&format!("{}/v1/entries{query}", self.log.url), &entry);
        let json = serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null);
        (response.status, json)
    }

    /// `GET /checkpoint`: `None` unless 200; else the size, how many of
    /// the witnesses' cosignatures verify, and the note.
    pub fn checkpoint(&self) -> Option<(u64, usize, Vec<u8>)> {
        let response = http::get(&format!("{}/checkpoint", self.log.url));
        if response.status != 200 {
            return None;
        }
        let (size, count) = verify_cosigned(&response.body, &self.log_vkey, &self.witness_keys());
        Some((size, count, response.body))
    }

    /// A metric's value from `/metrics` (first line starting with `series`).
    pub fn metric(&self, series: &str) -> Option<u64> {
        let response = http::get(&format!("{}/metrics", self.log.url));
        response
            .text()
            .lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
    }
}

/// Opens a served checkpoint with the log key (panicking if it does not
/// verify) and counts the witnesses whose cosignatures verify.
pub fn verify_cosigned(note: &[u8], log: &VerifierKey, witnesses: &[VerifierKey]) -> (u64, usize) {
    let origin = Origin::new(ORIGIN).expect("origin");
    let (checkpoint, note) =
        open_checkpoint(&origin, std::slice::from_ref(log), note).expect("the log signed it");
    let cosigned = verify_cosignatures(&note, witnesses).expect("every cosignature verifies");
    (checkpoint.size(), cosigned.len())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The signer key made from `n`.
pub fn signer_key(n: u64) -> SignerKey {
    let mut seed = [0x11u8; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    SignerKey::from_seed(
        KeyName::new(&format!("signer-{n}.example")).expect("name"),
        KeyType::Ed25519,
        seed,
    )
    .expect("key")
}

/// Release number `n` (its own artifact and name), signed by `signer`.
pub fn release(signer: &SignerKey, n: u64) -> Vec<u8> {
    let mut digest = [0x33u8; 32];
    digest[..8].copy_from_slice(&n.to_be_bytes());
    let record = Release::new(
        ArtifactDigest::from(Hash::new(digest)),
        4096,
        Token::new(&format!("fw-{n}")).expect("name"),
        Version::new("1.0.0").expect("version"),
        vec![Pattern::new("acme/board").expect("target")],
        Timestamp::from_unix(now()).expect("time"),
    )
    .expect("release");
    SignedRecord::sign(&Record::Release(record), &[signer])
        .expect("sign")
        .to_bytes()
}

/// The enrolment of signer key `n` (scope `acme/*`), signed by `root`.
pub fn enrolment(root: &SignerKey, n: u64) -> Vec<u8> {
    let key = signer_key(n);
    let now = now();
    let record = KeyRecord::new(
        KeyAction::Enrol,
        key.verifier(),
        KeyRole::Signer,
        Token::new(&format!("owner-{n}")).expect("owner"),
        Some(
            Enrolment::new(
                vec![Pattern::new("acme/*").expect("pattern")],
                Timestamp::from_unix(now + 30 * 86_400).expect("time"),
            )
            .expect("enrolment"),
        ),
        None,
        Timestamp::from_unix(now).expect("time"),
    )
    .expect("key record");
    SignedRecord::sign(&Record::Key(record), &[root])
        .expect("sign")
        .to_bytes()
}

/// Polls `f` until it returns `Some`, failing after [`POLL_DEADLINE`].
pub fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + POLL_DEADLINE;
    loop {
        if let Some(value) = f() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
