//! The `rollout` record (DESIGN §4): an operator's authorisation to install
//! one logged release on these targets.

use alloc::vec::Vec;

use super::lines::{FieldSpec, Fields, Writer, many, one, parse_distinct};
use super::release::check_targets;
use super::time::Timestamp;
use super::values::{Pattern, ReleaseRef};
use crate::ProofsError;

/// A parsed `rollout` record.
///
/// Fields, in order: `release <index> <hex leaf hash>`, `target <pattern>`
/// (one or more, distinct), `issued <time>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    /// The release being rolled out.
    release: ReleaseRef,
    /// Targets the rollout authorises; never empty.
    targets: Vec<Pattern>,
    /// When the operator issued it.
    issued: Timestamp,
}

impl Rollout {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] =
        &[one("release"), many("target"), one("issued")];

    /// Builds a rollout record.
    ///
    /// Spec: DESIGN §4 (`rollout`).
    ///
    /// # Errors
    /// [`ProofsError::MissingField`] if `targets` is empty;
    /// [`ProofsError::DuplicateValue`] if a target repeats.
    pub fn new(
        release: ReleaseRef,
        targets: Vec<Pattern>,
        issued: Timestamp,
    ) -> Result<Self, ProofsError> {
        check_targets(&targets)?;
        Ok(Self {
            release,
            targets,
            issued,
        })
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        Ok(Self {
            release: ReleaseRef::parse(f.required("release")?)?,
            targets: parse_distinct(f.at_least_one("target")?, "target", Pattern::new)?,
            issued: Timestamp::parse(f.required("issued")?)?,
        })
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.field("release", self.release);
        for t in &self.targets {
            w.field("target", t);
        }
        w.field("issued", self.issued);
    }

    /// The release being rolled out.
    pub const fn release(&self) -> &ReleaseRef {
        &self.release
    }

    /// Targets, in record order; never empty.
    pub fn targets(&self) -> &[Pattern] {
        &self.targets
    }

    /// When the operator issued the record.
    pub const fn issued(&self) -> Timestamp {
        self.issued
    }
}
