//! The `pause` and `resume` records (DESIGN §4): stopping installs on a
//! target pattern at once, and lifting that stop.
//!
//! Both kinds share one field table; they differ only in who may sign them
//! (one `breakglass` or root key for a pause, a threshold of root keys for a
//! resume), which is an admission rule, not a grammar rule.

use super::lines::{FieldSpec, Fields, Writer, one};
use super::time::Timestamp;
use super::values::{Pattern, Reason};
use crate::ProofsError;

/// The field table shared by `pause` and `resume`.
const FIELDS: &[FieldSpec] = &[one("target"), one("reason"), one("issued")];

/// The parts of a pause or resume.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Notice {
    /// The paused (or resumed) target pattern.
    target: Pattern,
    /// Why.
    reason: Reason,
    /// When it was issued.
    issued: Timestamp,
}

impl Notice {
    fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        Ok(Self {
            target: Pattern::new(f.required("target")?)?,
            reason: Reason::new(f.required("reason")?)?,
            issued: Timestamp::parse(f.required("issued")?)?,
        })
    }

    fn write(&self, w: &mut Writer) {
        w.field("target", &self.target)
            .field("reason", &self.reason)
            .field("issued", self.issued);
    }
}

/// A parsed `pause` record. Fields, in order: `target <pattern>`,
/// `reason <text>`, `issued <time>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause(Notice);

/// A parsed `resume` record. Fields, in order: `target <pattern>`,
/// `reason <text>`, `issued <time>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume(Notice);

impl Pause {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] = FIELDS;

    /// Builds a pause record; any valid parts make a valid pause.
    ///
    /// Spec: DESIGN §4 (`pause`).
    pub const fn new(target: Pattern, reason: Reason, issued: Timestamp) -> Self {
        Self(Notice {
            target,
            reason,
            issued,
        })
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        Notice::from_fields(f).map(Self)
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        self.0.write(w);
    }

    /// The paused target pattern.
    pub const fn target(&self) -> &Pattern {
        &self.0.target
    }

    /// Why the target is paused.
    pub const fn reason(&self) -> &Reason {
        &self.0.reason
    }

    /// When the pause was issued.
    pub const fn issued(&self) -> Timestamp {
        self.0.issued
    }
}

impl Resume {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] = FIELDS;

    /// Builds a resume record; any valid parts make a valid resume.
    ///
    /// Spec: DESIGN §4 (`resume`).
    pub const fn new(target: Pattern, reason: Reason, issued: Timestamp) -> Self {
        Self(Notice {
            target,
            reason,
            issued,
        })
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        Notice::from_fields(f).map(Self)
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        self.0.write(w);
    }

    /// The resumed target pattern (it must be paused, exactly as written).
    pub const fn target(&self) -> &Pattern {
        &self.0.target
    }

    /// Why the target is resumed.
    pub const fn reason(&self) -> &Reason {
        &self.0.reason
    }

    /// When the resume was issued.
    pub const fn issued(&self) -> Timestamp {
        self.0.issued
    }
}
