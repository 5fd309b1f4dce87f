//! The `release` record (DESIGN §4): a signer's statement that an artifact
//! with this digest and size is release `name` `version` for these targets.

use alloc::vec::Vec;

use super::lines::{FieldSpec, Fields, Writer, many, one, parse_distinct};
use super::time::Timestamp;
use super::values::{ArtifactDigest, Pattern, Token, Version, parse_decimal};
use crate::ProofsError;

/// A parsed `release` record.
///
/// Fields, in order: `artifact sha256:<hex>`, `size <bytes>`, `name <token>`,
/// `version <semver>`, `target <pattern>` (one or more, distinct),
/// `issued <time>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// Digest of the released artifact.
    artifact: ArtifactDigest,
    /// Size of the artifact in bytes.
    size: u64,
    /// Product name.
    name: Token,
    /// Semantic version.
    version: Version,
    /// Device targets the release is meant for; never empty.
    targets: Vec<Pattern>,
    /// When the signer issued it.
    issued: Timestamp,
}

impl Release {
    /// The field table, in the order lines must appear.
    pub(crate) const FIELDS: &'static [FieldSpec] = &[
        one("artifact"),
        one("size"),
        one("name"),
        one("version"),
        many("target"),
        one("issued"),
    ];

    /// Builds a release record.
    ///
    /// Spec: DESIGN §4 (`release`).
    ///
    /// # Errors
    /// [`ProofsError::MissingField`] if `targets` is empty;
    /// [`ProofsError::DuplicateValue`] if a target repeats.
    pub fn new(
        artifact: ArtifactDigest,
        size: u64,
        name: Token,
        version: Version,
        targets: Vec<Pattern>,
        issued: Timestamp,
    ) -> Result<Self, ProofsError> {
        check_targets(&targets)?;
        Ok(Self {
            artifact,
            size,
            name,
            version,
            targets,
            issued,
        })
    }

    /// Reads the record from checked field lines.
    pub(crate) fn from_fields(f: &Fields<'_>) -> Result<Self, ProofsError> {
        Ok(Self {
            artifact: ArtifactDigest::parse(f.required("artifact")?)?,
            size: parse_decimal(f.required("size")?, ProofsError::BadSize)?,
            name: Token::new(f.required("name")?)?,
            version: Version::new(f.required("version")?)?,
            targets: parse_distinct(f.at_least_one("target")?, "target", Pattern::new)?,
            issued: Timestamp::parse(f.required("issued")?)?,
        })
    }

    /// Writes the field lines in canonical form.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.field("artifact", self.artifact)
            .field("size", self.size)
            .field("name", &self.name)
            .field("version", &self.version);
        for t in &self.targets {
            w.field("target", t);
        }
        w.field("issued", self.issued);
    }

    /// Digest of the released artifact.
    pub const fn artifact(&self) -> &ArtifactDigest {
        &self.artifact
    }

    /// Size of the artifact in bytes.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// Product name.
    pub const fn name(&self) -> &Token {
        &self.name
    }

    /// Semantic version.
    pub const fn version(&self) -> &Version {
        &self.version
    }

    /// Targets, in record order; never empty.
    pub fn targets(&self) -> &[Pattern] {
        &self.targets
    }

    /// When the signer issued the record.
    pub const fn issued(&self) -> Timestamp {
        self.issued
    }
}

/// Shared check for records with a `target` list: at least one, all distinct.
pub(crate) fn check_targets(targets: &[Pattern]) -> Result<(), ProofsError> {
    if targets.is_empty() {
        return Err(ProofsError::MissingField { field: "target" });
    }
    let mut sorted: Vec<&Pattern> = targets.iter().collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w.first() == w.get(1)) {
        return Err(ProofsError::DuplicateValue { field: "target" });
    }
    Ok(())
}
