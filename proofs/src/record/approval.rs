//! The `approval` record (DESIGN §4): a reviewer's approval of one logged
//! release, in a named review role.

use super::lines::{FieldSpec, Fields, Writer, one};
use super::time::Timestamp;
use super::values::{ReleaseRef, Token};
use crate::ProofsError;

/// A parsed `approval` record.
///
/// Fields, in order: `release <index> <hex leaf hash>`, `role <token>`,
/// `issued <time>`. The `role` is the reviewer's review role (for example
/// `security`), a free token, not a [`KeyRole`](super::KeyRole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    /// The approved release.
    release: ReleaseRef,
    /// The review role the approval is given in.
    role: Token,
    /// When the approver issued it.
    issued: Timestamp,
}

impl Approval {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] = &[one("release"), one("role"), one("issued")];

    /// Builds an approval record. Every combination of valid parts is a
    /// valid approval, so this cannot fail.
    ///
    /// Spec: DESIGN §4 (`approval`).
    pub const fn new(release: ReleaseRef, role: Token, issued: Timestamp) -> Self {
        Self {
            release,
            role,
            issued,
        }
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        Ok(Self {
            release: ReleaseRef::parse(f.required("release")?)?,
            role: Token::new(f.required("role")?)?,
            issued: Timestamp::parse(f.required("issued")?)?,
        })
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.field("release", self.release)
            .field("role", &self.role)
            .field("issued", self.issued);
    }

    /// The approved release.
    pub const fn release(&self) -> &ReleaseRef {
        &self.release
    }

    /// The review role.
    pub const fn role(&self) -> &Token {
        &self.role
    }

    /// When the approver issued the record.
    pub const fn issued(&self) -> Timestamp {
        self.issued
    }
}
