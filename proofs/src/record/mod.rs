//! The Sightline record grammar (DESIGN §4): every log entry is a signed note
//! whose text is one record.
//!
//! A record text is the line `sightline/v1 <kind>` followed by one
//! `<field> <value>` line per field, in the kind's table order, each line
//! ending in LF. This module parses such texts into typed records and
//! encodes typed records back into their one canonical text:
//! `Record::parse_text(&r.to_text()) == Ok(r)` for every record `r`, and
//! `Record::parse_text(t)?.to_text() == t` for every text `t` it accepts.
//!
//! What is rejected, each with its own [`ProofsError`] variant: a missing
//! final LF, a bad header, an unknown kind, an empty line, a field line
//! without value, an unknown field, a field out of table order, a repeated
//! single field, a repeated value of a list field, a missing field, an
//! enrol-only field on a retire or revoke, and any malformed value.
//!
//! ```
//! use sightline_proofs::record::{Record, RecordKind};
//!
//! let text = "sightline/v1 pause\n\
//!             target acme/thermostat/*\n\
//!             reason boot loop on t3\n\
//!             issued 2023-11-14T22:13:20Z\n";
//! let record = Record::parse_text(text)?;
//! assert_eq!(record.kind(), RecordKind::Pause);
//! assert_eq!(record.issued().as_unix(), 1_700_000_000);
//! assert_eq!(record.to_text(), text);
//!
//! // Fields must come in table order.
//! let swapped = "sightline/v1 pause\nreason x\ntarget a\nissued 2023-11-14T22:13:20Z\n";
//! assert!(Record::parse_text(swapped).is_err());
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```
//!
//! Parsing checks the grammar only. Whether a record may be logged (its
//! signatures, keys, scopes and references) is decided by
//! [`LogState::admit`](crate::state::LogState::admit).

mod approval;
mod key;
mod lines;
mod pause;
mod release;
mod rollout;
mod signed;
mod state;
mod time;
mod values;

use alloc::string::String;

pub use approval::Approval;
pub use key::{Enrolment, KeyRecord};
pub use pause::{Pause, Resume};
pub use release::Release;
pub use rollout::Rollout;
pub use signed::{MAX_ENTRY_LEN, SignedRecord};
pub use state::{KeyStatus, StateRecord};
pub use time::Timestamp;
pub use values::{
    ArtifactDigest, KeyAction, KeyRole, MAX_INDEX, MAX_PATTERN_LEN, MAX_PATTERN_SEGMENTS,
    MAX_TOKEN_LEN, Pattern, Reason, ReleaseRef, Token, Version,
};

use crate::ProofsError;
use lines::{Fields, Writer};

/// The kind of a record: the word after `sightline/v1 ` on its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// `release`.
    Release,
    /// `approval`.
    Approval,
    /// `rollout`.
    Rollout,
    /// `key`.
    Key,
    /// `pause`.
    Pause,
    /// `resume`.
    Resume,
    /// `state`.
    State,
}

impl RecordKind {
    /// Every kind, in the order of DESIGN §4's table.
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Release,
        RecordKind::Approval,
        RecordKind::Rollout,
        RecordKind::Key,
        RecordKind::Pause,
        RecordKind::Resume,
        RecordKind::State,
    ];

    /// The kind's name as written in the header line.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::Release => "release",
            RecordKind::Approval => "approval",
            RecordKind::Rollout => "rollout",
            RecordKind::Key => "key",
            RecordKind::Pause => "pause",
            RecordKind::Resume => "resume",
            RecordKind::State => "state",
        }
    }

    /// The kind named `text`.
    ///
    /// Spec: DESIGN §4 (kinds).
    ///
    /// # Errors
    /// [`ProofsError::UnknownRecordKind`] for any other word.
    pub fn parse(text: &str) -> Result<Self, ProofsError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or(ProofsError::UnknownRecordKind)
    }
}

impl core::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parsed record of any kind.
// A key record holds a parsed Ed25519 key and is larger than the others;
// records are handled one at a time, so boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// A `release` record.
    Release(Release),
    /// An `approval` record.
    Approval(Approval),
    /// A `rollout` record.
    Rollout(Rollout),
    /// A `key` record (enrol, retire or revoke).
    Key(KeyRecord),
    /// A `pause` record.
    Pause(Pause),
    /// A `resume` record.
    Resume(Resume),
    /// A `state` record.
    State(StateRecord),
}

impl Record {
    /// Parses a record text (the text of a signed note, signatures excluded).
    ///
    /// Spec: DESIGN §4 (record grammar).
    ///
    /// # Errors
    /// One variant per malformation, listed in the [module docs](self); the
    /// value types' own variants ([`ProofsError::BadToken`],
    /// [`ProofsError::BadPattern`], [`ProofsError::BadTimestamp`], ...) for
    /// malformed values.
    pub fn parse_text(text: &str) -> Result<Self, ProofsError> {
        let lines = lines::split(text)?;
        let kind = RecordKind::parse(lines.kind)?;
        let schema = match kind {
            RecordKind::Release => Release::FIELDS,
            RecordKind::Approval => Approval::FIELDS,
            RecordKind::Rollout => Rollout::FIELDS,
            RecordKind::Key => KeyRecord::FIELDS,
            RecordKind::Pause => Pause::FIELDS,
            RecordKind::Resume => Resume::FIELDS,
            RecordKind::State => StateRecord::FIELDS,
        };
        let fields = Fields::read(&lines.body, schema)?;
        Ok(match kind {
            RecordKind::Release => Record::Release(Release::from_fields(&fields)?),
            RecordKind::Approval => Record::Approval(Approval::from_fields(&fields)?),
            RecordKind::Rollout => Record::Rollout(Rollout::from_fields(&fields)?),
            RecordKind::Key => Record::Key(KeyRecord::from_fields(&fields)?),
            RecordKind::Pause => Record::Pause(Pause::from_fields(&fields)?),
            RecordKind::Resume => Record::Resume(Resume::from_fields(&fields)?),
            RecordKind::State => Record::State(StateRecord::from_fields(&fields)?),
        })
    }

    /// The record's canonical text, ending in LF: the exact text a signer
    /// signs.
    pub fn to_text(&self) -> String {
        let mut w = Writer::new(self.kind().as_str());
        match self {
            Record::Release(r) => r.write(&mut w),
            Record::Approval(r) => r.write(&mut w),
            Record::Rollout(r) => r.write(&mut w),
            Record::Key(r) => r.write(&mut w),
            Record::Pause(r) => r.write(&mut w),
            Record::Resume(r) => r.write(&mut w),
            Record::State(r) => r.write(&mut w),
        }
        w.finish()
    }

    /// The record's kind.
    pub const fn kind(&self) -> RecordKind {
        match self {
            Record::Release(_) => RecordKind::Release,
            Record::Approval(_) => RecordKind::Approval,
            Record::Rollout(_) => RecordKind::Rollout,
            Record::Key(_) => RecordKind::Key,
            Record::Pause(_) => RecordKind::Pause,
            Record::Resume(_) => RecordKind::Resume,
            Record::State(_) => RecordKind::State,
        }
    }

    /// The record's `issued` time, or the `time` of a state record.
    pub const fn issued(&self) -> Timestamp {
        match self {
            Record::Release(r) => r.issued(),
            Record::Approval(r) => r.issued(),
            Record::Rollout(r) => r.issued(),
            Record::Key(r) => r.issued(),
            Record::Pause(r) => r.issued(),
            Record::Resume(r) => r.issued(),
            Record::State(r) => r.time(),
        }
    }
}
