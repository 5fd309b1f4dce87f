//! The `key` record (DESIGN §4): root keys enrol, retire and revoke the keys
//! that sign the other records.

use alloc::string::ToString;
use alloc::vec::Vec;

use super::lines::{FieldSpec, Fields, Writer, many, one, parse_distinct};
use super::time::Timestamp;
use super::values::{KeyAction, KeyRole, Pattern, Reason, Token};
use crate::ProofsError;
use crate::note::{KeyType, VerifierKey};

/// Parses a vkey that appears inside a record: an Ed25519 note key (type
/// 0x01, the only type that signs records) in its canonical text form, so
/// that re-encoding the record reproduces it.
pub(crate) fn parse_record_vkey(text: &str) -> Result<VerifierKey, ProofsError> {
    let vkey = VerifierKey::parse(text)?;
    if vkey.key_type() != KeyType::Ed25519 {
        return Err(ProofsError::RecordKeyNotEd25519);
    }
    // `VerifierKey::parse` accepts an uppercase key ID (as Go does); a
    // record must carry the one canonical form.
    if vkey.to_string() != text {
        return Err(ProofsError::NonCanonicalVkey);
    }
    Ok(vkey)
}

/// What an enrolment grants: where the key may sign and until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// Target patterns the key may sign for; never empty, all distinct.
    scopes: Vec<Pattern>,
    /// The key signs nothing issued at or after this time.
    expires: Timestamp,
}

impl Enrolment {
    /// Builds an enrolment grant.
    ///
    /// Spec: DESIGN §4 (`scope <pattern>` (1+, enrol), `expires <time>` (enrol)).
    ///
    /// # Errors
    /// [`ProofsError::MissingField`] if `scopes` is empty;
    /// [`ProofsError::DuplicateValue`] if a scope repeats.
    pub fn new(scopes: Vec<Pattern>, expires: Timestamp) -> Result<Self, ProofsError> {
        if scopes.is_empty() {
            return Err(ProofsError::MissingField { field: "scope" });
        }
        let mut sorted: Vec<&Pattern> = scopes.iter().collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(ProofsError::DuplicateValue { field: "scope" });
        }
        Ok(Self { scopes, expires })
    }

    /// Scopes, in record order; never empty.
    pub fn scopes(&self) -> &[Pattern] {
        &self.scopes
    }

    /// Expiry time.
    pub const fn expires(&self) -> Timestamp {
        self.expires
    }

    /// True if some scope covers `pattern` (DESIGN §4: a key's scope covers
    /// every target of what it signs).
    pub fn covers(&self, pattern: &Pattern) -> bool {
        self.scopes.iter().any(|s| s.covers(pattern))
    }
}

/// A parsed `key` record.
///
/// Fields, in order: `action enrol|retire|revoke`, `vkey <vkey>`,
/// `role <role>`, `owner <token>`, `scope <pattern>` (one or more, enrol
/// only), `expires <time>` (enrol only), `reason <text>` (optional),
/// `issued <time>`. `role` and `owner` are required for every action: a
/// retire or revoke must name the role and owner the key was enrolled with,
/// so that the record is self-describing for auditors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// What the record does.
    action: KeyAction,
    /// The key it does it to.
    vkey: VerifierKey,
    /// The key's role.
    role: KeyRole,
    /// Who holds the key.
    owner: Token,
    /// Present exactly when `action` is enrol.
    enrolment: Option<Enrolment>,
    /// Optional free-text explanation.
    reason: Option<Reason>,
    /// When the roots issued it.
    issued: Timestamp,
}

impl KeyRecord {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] = &[
        one("action"),
        one("vkey"),
        one("role"),
        one("owner"),
        many("scope"),
        one("expires"),
        one("reason"),
        one("issued"),
    ];

    /// Builds a key record.
    ///
    /// Spec: DESIGN §4 (`key`).
    ///
    /// # Errors
    /// [`ProofsError::RecordKeyNotEd25519`] unless `vkey` is a 0x01 key;
    /// [`ProofsError::MissingField`] (`scope`) for an enrol without
    /// `enrolment`; [`ProofsError::FieldOnlyForEnrol`] (`scope`) for a retire
    /// or revoke with one.
    pub fn new(
        action: KeyAction,
        vkey: VerifierKey,
        role: KeyRole,
        owner: Token,
        enrolment: Option<Enrolment>,
        reason: Option<Reason>,
        issued: Timestamp,
    ) -> Result<Self, ProofsError> {
        if vkey.key_type() != KeyType::Ed25519 {
            return Err(ProofsError::RecordKeyNotEd25519);
        }
        match (action, &enrolment) {
            (KeyAction::Enrol, None) => return Err(ProofsError::MissingField { field: "scope" }),
            (KeyAction::Retire | KeyAction::Revoke, Some(_)) => {
                return Err(ProofsError::FieldOnlyForEnrol { field: "scope" });
            }
            _ => {}
        }
        Ok(Self {
            action,
            vkey,
            role,
            owner,
            enrolment,
            reason,
            issued,
        })
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        let action = KeyAction::parse(f.required("action")?)?;
        let vkey = parse_record_vkey(f.required("vkey")?)?;
        let role = KeyRole::parse(f.required("role")?)?;
        let owner = Token::new(f.required("owner")?)?;
        let enrolment = if action == KeyAction::Enrol {
            let scopes = parse_distinct(f.at_least_one("scope")?, "scope", Pattern::new)?;
            let expires = Timestamp::parse(f.required("expires")?)?;
            Some(Enrolment { scopes, expires })
        } else {
            // Each enrol-only field is named, so the error says what to drop.
            for field in ["scope", "expires"] {
                if f.optional(field).is_some() {
                    return Err(ProofsError::FieldOnlyForEnrol { field });
                }
            }
            None
        };
        let reason = f.optional("reason").map(Reason::new).transpose()?;
        let issued = Timestamp::parse(f.required("issued")?)?;
        Ok(Self {
            action,
            vkey,
            role,
            owner,
            enrolment,
            reason,
            issued,
        })
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.field("action", self.action)
            .field("vkey", &self.vkey)
            .field("role", self.role)
            .field("owner", &self.owner);
        if let Some(e) = &self.enrolment {
            for s in &e.scopes {
                w.field("scope", s);
            }
            w.field("expires", e.expires);
        }
        if let Some(r) = &self.reason {
            w.field("reason", r);
        }
        w.field("issued", self.issued);
    }

    /// What the record does.
    pub const fn action(&self) -> KeyAction {
        self.action
    }

    /// The key it applies to.
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

    /// Scopes and expiry; `Some` exactly for an enrol.
    pub const fn enrolment(&self) -> Option<&Enrolment> {
        self.enrolment.as_ref()
    }

    /// The optional reason.
    pub const fn reason(&self) -> Option<&Reason> {
        self.reason.as_ref()
    }

    /// When the roots issued the record.
    pub const fn issued(&self) -> Timestamp {
        self.issued
    }
}
