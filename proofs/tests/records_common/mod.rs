//! Fixtures shared by the `records_*` integration tests: deterministic keys,
//! record builders and a scripted log.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use sightline_proofs::note::{KeyName, KeyType, SignerKey, VerifierKey};
use sightline_proofs::record::{
    ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Reason, Record, Release,
    ReleaseRef, SignedRecord, Timestamp, Token, Version,
};
use sightline_proofs::state::{AdmissionRules, Admitted, LogState, LoggedRelease};
use sightline_proofs::{Hash, ProofsError};

/// 2023-11-14T22:13:20Z, the reference "now" of these tests.
pub const T0: u64 = 1_700_000_000;
/// One year later: the expiry of fixture enrolments.
pub const EXPIRES: u64 = T0 + 365 * 86_400;
/// Clock skew used by the fixture rules.
pub const SKEW: u64 = 300;

/// A deterministic Ed25519 note key: name and a seed filled with `seed`.
pub fn key(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(KeyName::new(name).unwrap(), KeyType::Ed25519, [seed; 32]).unwrap()
}

/// Fixture keys: three roots, the log, and one key per role.
pub struct Keys {
    pub roots: Vec<SignerKey>,
    pub log: SignerKey,
    pub signer: SignerKey,
    pub approver: SignerKey,
    pub operator: SignerKey,
    pub breakglass: SignerKey,
}

pub fn keys() -> Keys {
    Keys {
        roots: vec![key("root-a", 1), key("root-b", 2), key("root-c", 3)],
        log: key("example.com/log", 9),
        signer: key("alice-signing", 10),
        approver: key("bob-review", 11),
        operator: key("carol-ops", 12),
        breakglass: key("dave-incident", 13),
    }
}

/// Rules: the three roots, threshold 2, skew 300 s.
pub fn rules(k: &Keys) -> AdmissionRules {
    AdmissionRules::new(k.roots.iter().map(SignerKey::verifier).collect(), 2, SKEW).unwrap()
}

pub fn ts(secs: u64) -> Timestamp {
    Timestamp::from_unix(secs).unwrap()
}

pub fn pat(s: &str) -> Pattern {
    Pattern::new(s).unwrap()
}

pub fn tok(s: &str) -> Token {
    Token::new(s).unwrap()
}

/// An enrol record for `vkey`.
pub fn enrol(vkey: &VerifierKey, role: KeyRole, owner: &str, scopes: &[&str]) -> Record {
    enrol_at(vkey, role, owner, scopes, EXPIRES, T0)
}

pub fn enrol_at(
    vkey: &VerifierKey,
    role: KeyRole,
    owner: &str,
    scopes: &[&str],
    expires: u64,
    issued: u64,
) -> Record {
    let enrolment = Enrolment::new(scopes.iter().map(|s| pat(s)).collect(), ts(expires)).unwrap();
    Record::Key(
        KeyRecord::new(
            KeyAction::Enrol,
            vkey.clone(),
            role,
            tok(owner),
            Some(enrolment),
            None,
            ts(issued),
        )
        .unwrap(),
    )
}

/// A retire or revoke record.
pub fn unenrol(action: KeyAction, vkey: &VerifierKey, role: KeyRole, owner: &str) -> Record {
    Record::Key(
        KeyRecord::new(
            action,
            vkey.clone(),
            role,
            tok(owner),
            None,
            Some(Reason::new("rotation").unwrap()),
            ts(T0),
        )
        .unwrap(),
    )
}

/// A release of `thermo` 1.2.3 for `targets`.
pub fn release(targets: &[&str]) -> Release {
    Release::new(
        ArtifactDigest::from(sightline_proofs::hash::sha256(b"firmware image")),
        1_048_576,
        tok("thermo"),
        Version::new("1.2.3").unwrap(),
        targets.iter().map(|t| pat(t)).collect(),
        ts(T0),
    )
    .unwrap()
}

/// Signs a record into entry bytes.
pub fn sign(record: &Record, signers: &[&SignerKey]) -> Vec<u8> {
    SignedRecord::sign(record, signers).unwrap().to_bytes()
}

/// A tiny in-memory log: entries, replayed state, and logged releases.
pub struct Log {
    pub entries: Vec<Vec<u8>>,
    pub state: LogState,
    pub releases: BTreeMap<u64, LoggedRelease>,
    pub rules: AdmissionRules,
}

impl Log {
    pub fn new(rules: AdmissionRules) -> Self {
        Self {
            entries: Vec::new(),
            state: LogState::new(),
            releases: BTreeMap::new(),
            rules,
        }
    }

    /// The index the next entry gets.
    pub fn next(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Admits `entry` at the next index, without appending it.
    pub fn admit(&self, entry: &[u8]) -> Result<Admitted, ProofsError> {
        self.state
            .admit(entry, self.next(), T0, &self.rules, &self.releases)
    }

    /// Admits and appends; returns the index.
    pub fn append(&mut self, entry: &[u8]) -> Result<u64, ProofsError> {
        let admitted = self.admit(entry)?;
        let index = self.next();
        self.state.apply(index, &admitted)?;
        if let Record::Release(r) = admitted.record() {
            self.releases.insert(
                index,
                LoggedRelease::new(*admitted.entry().leaf_hash(), r.clone()),
            );
        }
        self.entries.push(entry.to_vec());
        Ok(index)
    }

    /// Appends the log's own state entry; returns its index.
    pub fn append_state(&mut self, log: &SignerKey) -> u64 {
        let index = self.next();
        let entry = self.state.sign_state_entry(index, ts(T0), log).unwrap();
        self.entries.push(entry.to_bytes());
        index
    }

    /// A reference to the release at `index`.
    pub fn release_ref(&self, index: u64) -> ReleaseRef {
        let hash: Hash = sightline_proofs::leaf_hash(&self.entries[index as usize]);
        ReleaseRef::new(index, hash).unwrap()
    }
}

/// A log with the four fixture keys enrolled (indexes 0..=3) and one release
/// for `acme/thermostat/*` at index 4.
pub fn populated() -> (Keys, Log) {
    let k = keys();
    let mut log = Log::new(rules(&k));
    let roots: Vec<&SignerKey> = k.roots.iter().take(2).collect();
    for (key, role, owner) in [
        (&k.signer, KeyRole::Signer, "alice"),
        (&k.approver, KeyRole::Approver, "bob"),
        (&k.operator, KeyRole::Operator, "carol"),
        (&k.breakglass, KeyRole::Breakglass, "dave"),
    ] {
        log.append(&sign(
            &enrol(&key.verifier(), role, owner, &["acme/*"]),
            &roots,
        ))
        .unwrap();
    }
    let rel = Record::Release(release(&["acme/thermostat/*"]));
    log.append(&sign(&rel, &[&k.signer])).unwrap();
    (k, log)
}
