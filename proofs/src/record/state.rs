//! The `state` record (DESIGN §4): the log's own statement, at the end of
//! every sequencing round, of every key ever enrolled, which are retired or
//! revoked, and which targets are paused.
//!
//! Layout: `index <its own index>`, `time <time>`, then the groups `key`,
//! `retired`, `revoked`, `paused`, each sorted bytewise by line and without
//! repeats, groups in that order. Sorting makes the encoding a function of
//! the state alone, so a monitor that replays the log can rebuild the exact
//! bytes and compare.
//!
//! A `key` line is `key <vkey> <role> <owner> <expires>
//! <scope>[,<scope>…] <enrolled index>`. DESIGN §4 lists the fields up to the
//! scopes; the trailing index of the enrolment record is Sightline's
//! addition, so that the state alone (without replaying the log) says which
//! entry enrolled each key and a restarted log can resume from its last state
//! entry. Scopes keep their enrolment order.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::key::{Enrolment, parse_record_vkey};
use super::lines::{FieldSpec, Fields, Writer, many, one, parse_distinct};
use super::time::Timestamp;
use super::values::{KeyRole, Pattern, Token, parse_index};
use crate::ProofsError;
use crate::note::VerifierKey;

/// One `key` line of a state record: a key ever enrolled, with its grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyStatus {
    /// The key.
    vkey: VerifierKey,
    /// Its role for life.
    role: KeyRole,
    /// Its owner for life.
    owner: Token,
    /// Its scopes and expiry.
    enrolment: Enrolment,
    /// Index of the `key` record that enrolled it.
    enrolled: u64,
}

impl KeyStatus {
    /// Describes an enrolled key.
    ///
    /// Spec: DESIGN §4 (`state`, `key` lines).
    ///
    /// # Errors
    /// [`ProofsError::BadIndex`] if `enrolled` exceeds `i64::MAX - 1`.
    pub fn new(
        vkey: VerifierKey,
        role: KeyRole,
        owner: Token,
        enrolment: Enrolment,
        enrolled: u64,
    ) -> Result<Self, ProofsError> {
        if enrolled > super::values::MAX_INDEX {
            return Err(ProofsError::BadIndex);
        }
        Ok(Self {
            vkey,
            role,
            owner,
            enrolment,
            enrolled,
        })
    }

    /// The key.
    pub const fn vkey(&self) -> &VerifierKey {
        &self.vkey
    }

    /// The key's role.
    pub const fn role(&self) -> KeyRole {
        self.role
    }

    /// The key's owner.
    pub const fn owner(&self) -> &Token {
        &self.owner
    }

    /// The key's scopes and expiry.
    pub const fn enrolment(&self) -> &Enrolment {
        &self.enrolment
    }

    /// Index of the enrolling `key` record.
    pub const fn enrolled(&self) -> u64 {
        self.enrolled
    }

    /// The line's value (everything after `key `).
    fn value(&self) -> String {
        let scopes: Vec<&str> = self
            .enrolment
            .scopes()
            .iter()
            .map(Pattern::as_str)
            .collect();
        format!(
            "{} {} {} {} {} {}",
            self.vkey,
            self.role,
            self.owner,
            self.enrolment.expires(),
            scopes.join(","),
            self.enrolled
        )
    }

    /// Parses the line's value.
    fn parse(value: &str) -> Result<Self, ProofsError> {
        let parts: Vec<&str> = value.split(' ').collect();
        let [vkey, role, owner, expires, scopes, enrolled] = parts.as_slice() else {
            return Err(ProofsError::BadStateKeyLine);
        };
        let scopes: Vec<&str> = scopes.split(',').collect();
        Ok(Self {
            vkey: parse_record_vkey(vkey)?,
            role: KeyRole::parse(role)?,
            owner: Token::new(owner)?,
            enrolment: Enrolment::new(
                parse_distinct(&scopes, "scope", Pattern::new)?,
                Timestamp::parse(expires)?,
            )?,
            enrolled: parse_index(enrolled)?,
        })
    }
}

/// A parsed `state` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRecord {
    /// The index of this very entry.
    index: u64,
    /// When the log wrote it.
    time: Timestamp,
    /// Every key ever enrolled, sorted by line.
    keys: Vec<KeyStatus>,
    /// Retired keys and the index of their retire record, sorted by line.
    retired: Vec<(VerifierKey, u64)>,
    /// Revoked keys and the index of their revoke record, sorted by line.
    revoked: Vec<(VerifierKey, u64)>,
    /// Paused patterns and the index of their pause record, sorted by line.
    paused: Vec<(Pattern, u64)>,
}

/// `<value> <index>`, the value of a retired, revoked or paused line.
fn pair_value(value: &impl core::fmt::Display, index: u64) -> String {
    format!("{value} {index}")
}

/// Sorts a group by its line text, and rejects two lines naming the same
/// key or pattern (which would say two different things about it).
fn sort_group<T>(
    items: Vec<T>,
    field: &'static str,
    line: impl Fn(&T) -> String,
    subject: impl Fn(&T) -> String,
) -> Result<Vec<T>, ProofsError> {
    let mut keyed: Vec<(String, T)> = items.into_iter().map(|t| (line(&t), t)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut seen = BTreeSet::new();
    for (_, t) in &keyed {
        if !seen.insert(subject(t)) {
            return Err(ProofsError::DuplicateValue { field });
        }
    }
    Ok(keyed.into_iter().map(|(_, t)| t).collect())
}

/// Checks that a group's raw values are strictly ascending bytewise (and so
/// free of repeats), as the canonical encoding writes them.
fn check_sorted(values: &[&str], field: &'static str) -> Result<(), ProofsError> {
    if values.windows(2).any(|w| w.first() >= w.get(1)) {
        return Err(ProofsError::StateGroupNotSorted { field });
    }
    Ok(())
}

/// Parses a `<value> <index>` line value.
fn parse_pair<T>(
    value: &str,
    field: &'static str,
    parse: impl Fn(&str) -> Result<T, ProofsError>,
) -> Result<(T, u64), ProofsError> {
    let (v, index) = value
        .split_once(' ')
        .ok_or(ProofsError::BadStateLine { field })?;
    Ok((parse(v)?, parse_index(index)?))
}

impl StateRecord {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] = &[
        one("index"),
        one("time"),
        many("key"),
        many("retired"),
        many("revoked"),
        many("paused"),
    ];

    /// Builds a state record, sorting every group into canonical order.
    ///
    /// Spec: DESIGN §4 (`state`).
    ///
    /// # Errors
    /// [`ProofsError::BadIndex`] if `index` exceeds `i64::MAX - 1`;
    /// [`ProofsError::DuplicateValue`] if a group names one key or pattern
    /// twice; [`ProofsError::StateKeyNotListed`] if a retired or revoked key
    /// is not among `keys`.
    pub fn new(
        index: u64,
        time: Timestamp,
        keys: Vec<KeyStatus>,
        retired: Vec<(VerifierKey, u64)>,
        revoked: Vec<(VerifierKey, u64)>,
        paused: Vec<(Pattern, u64)>,
    ) -> Result<Self, ProofsError> {
        if index > super::values::MAX_INDEX {
            return Err(ProofsError::BadIndex);
        }
        let vkey_of = |k: &KeyStatus| format!("{}", k.vkey);
        let keys = sort_group(keys, "key", KeyStatus::value, vkey_of)?;
        let first = |p: &(VerifierKey, u64)| format!("{}", p.0);
        let retired = sort_group(retired, "retired", |p| pair_value(&p.0, p.1), first)?;
        let revoked = sort_group(revoked, "revoked", |p| pair_value(&p.0, p.1), first)?;
        let paused = sort_group(
            paused,
            "paused",
            |p| pair_value(&p.0, p.1),
            |p| p.0.as_str().into(),
        )?;
        let record = Self {
            index,
            time,
            keys,
            retired,
            revoked,
            paused,
        };
        record.check_listed()?;
        Ok(record)
    }

    /// Every retired or revoked key must be a listed key.
    fn check_listed(&self) -> Result<(), ProofsError> {
        let listed: BTreeSet<&VerifierKey> = self.keys.iter().map(|k| &k.vkey).collect();
        if self
            .retired
            .iter()
            .chain(&self.revoked)
            .any(|(k, _)| !listed.contains(k))
        {
            return Err(ProofsError::StateKeyNotListed);
        }
        Ok(())
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        let index = parse_index(f.required("index")?)?;
        let time = Timestamp::parse(f.required("time")?)?;
        for field in ["key", "retired", "revoked", "paused"] {
            check_sorted(f.any(field), field)?;
        }
        let keys = f
            .any("key")
            .iter()
            .map(|v| KeyStatus::parse(v))
            .collect::<Result<Vec<_>, _>>()?;
        let retired = f
            .any("retired")
            .iter()
            .map(|v| parse_pair(v, "retired", parse_record_vkey))
            .collect::<Result<Vec<_>, _>>()?;
        let revoked = f
            .any("revoked")
            .iter()
            .map(|v| parse_pair(v, "revoked", parse_record_vkey))
            .collect::<Result<Vec<_>, _>>()?;
        let paused = f
            .any("paused")
            .iter()
            .map(|v| parse_pair(v, "paused", Pattern::new))
            .collect::<Result<Vec<_>, _>>()?;
        // The lines were sorted already; `new` also rejects a key or pattern
        // named twice with different indexes, and unlisted keys.
        Self::new(index, time, keys, retired, revoked, paused)
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.field("index", self.index).field("time", self.time);
        for k in &self.keys {
            w.field("key", k.value());
        }
        for (k, i) in &self.retired {
            w.field("retired", pair_value(k, *i));
        }
        for (k, i) in &self.revoked {
            w.field("revoked", pair_value(k, *i));
        }
        for (p, i) in &self.paused {
            w.field("paused", pair_value(p, *i));
        }
    }

    /// The index of this state entry in the log.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// When the log wrote it.
    pub const fn time(&self) -> Timestamp {
        self.time
    }

    /// Every key ever enrolled, in canonical order.
    pub fn keys(&self) -> &[KeyStatus] {
        &self.keys
    }

    /// Retired keys with the index of their retire record.
    pub fn retired(&self) -> &[(VerifierKey, u64)] {
        &self.retired
    }

    /// Revoked keys with the index of their revoke record.
    pub fn revoked(&self) -> &[(VerifierKey, u64)] {
        &self.revoked
    }

    /// Paused patterns with the index of their pause record.
    pub fn paused(&self) -> &[(Pattern, u64)] {
        &self.paused
    }
}
