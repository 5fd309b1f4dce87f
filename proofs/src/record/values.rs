//! Field value types of the record grammar (DESIGN §4): every value a record
//! line can carry, each a validated newtype whose text form is canonical.
//!
//! Every type here has exactly one text form, so that parsing and encoding a
//! record are inverse functions: a signed entry can be re-encoded from its
//! parsed value and compared byte for byte.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use crate::{Hash, ProofsError};

/// Longest token, in bytes (DESIGN §4).
pub const MAX_TOKEN_LEN: usize = 64;

/// Longest pattern, in bytes. Patterns are joined with `,` into state lines
/// and appear in many records, so they are kept short.
pub const MAX_PATTERN_LEN: usize = 255;

/// Most segments in one pattern.
pub const MAX_PATTERN_SEGMENTS: usize = 16;

/// Largest log index a record may name: indexes are below a tree size, and
/// tree sizes are at most `i64::MAX` (c2sp-digest §9.2).
pub const MAX_INDEX: u64 = i64::MAX as u64 - 1;

/// True for `[A-Za-z0-9][A-Za-z0-9._-]*`, the token grammar, ignoring length.
fn is_token_text(text: &str) -> bool {
    let mut bytes = text.bytes();
    match bytes.next() {
        Some(first) if first.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Parses a canonical unsigned decimal: ASCII digits, no sign, no leading
/// zero (except `0` itself), no overflow. `err` is returned on any failure.
pub(crate) fn parse_decimal(text: &str, err: ProofsError) -> Result<u64, ProofsError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(err);
    }
    // `u64::from_str` accepts a leading `+`, which the check above excludes;
    // it still catches overflow.
    text.parse::<u64>().map_err(|_| err)
}

/// Parses a log index: a canonical decimal no larger than [`MAX_INDEX`].
pub(crate) fn parse_index(text: &str) -> Result<u64, ProofsError> {
    let index = parse_decimal(text, ProofsError::BadIndex)?;
    if index > MAX_INDEX {
        return Err(ProofsError::BadIndex);
    }
    Ok(index)
}

// ---------------------------------------------------------------------------
// Token
// ---------------------------------------------------------------------------

/// A short identifier: a release `name`, a key `owner`, an approval `role`.
///
/// Grammar (DESIGN §4): `[A-Za-z0-9][A-Za-z0-9._-]*`, 1 to 64 bytes. Tokens
/// are compared bytewise and case-sensitively.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(String);

impl Token {
    /// Validates a token.
    ///
    /// Spec: DESIGN §4 (tokens).
    ///
    /// # Errors
    /// [`ProofsError::BadToken`] unless `text` matches the token grammar and is
    /// at most 64 bytes long.
    pub fn new(text: &str) -> Result<Self, ProofsError> {
        if text.len() > MAX_TOKEN_LEN || !is_token_text(text) {
            return Err(ProofsError::BadToken);
        }
        Ok(Self(text.into()))
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Token {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// Pattern
// ---------------------------------------------------------------------------

/// A target pattern: which devices a release, rollout, key scope or pause
/// applies to (DESIGN §4).
///
/// Grammar: one or more segments joined by `/`. Every segment but the last is
/// a token (`[A-Za-z0-9][A-Za-z0-9._-]*`, at most 64 bytes); the last is a
/// token or the wildcard `*`. The whole pattern is at most 255 bytes and 16
/// segments. Empty segments, leading or trailing `/`, `*` inside a segment or
/// before the end, spaces and `,` are all rejected: patterns are
/// space-separated fields in record lines and `,`-joined in state lines.
///
/// Meaning: a pattern without wildcard names exactly one target, itself. A
/// pattern `p/*` covers every target that extends `p` by **one or more**
/// segments (`acme/thermostat/*` covers `acme/thermostat/t3` and
/// `acme/thermostat/t3/eu`, but not `acme/thermostat`); `*` alone covers
/// every target. Device targets are patterns without wildcard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pattern(String);

impl Pattern {
    /// Validates a pattern.
    ///
    /// Spec: DESIGN §4 (patterns).
    ///
    /// # Errors
    /// [`ProofsError::BadPattern`] unless `text` follows the grammar above.
    pub fn new(text: &str) -> Result<Self, ProofsError> {
        if text.is_empty() || text.len() > MAX_PATTERN_LEN {
            return Err(ProofsError::BadPattern);
        }
        let mut count = 0usize;
        let mut segments = text.split('/').peekable();
        while let Some(segment) = segments.next() {
            count = count.saturating_add(1);
            let is_last = segments.peek().is_none();
            let ok = (is_last && segment == "*")
                || (segment.len() <= MAX_TOKEN_LEN && is_token_text(segment));
            if !ok || count > MAX_PATTERN_SEGMENTS {
                return Err(ProofsError::BadPattern);
            }
        }
        Ok(Self(text.into()))
    }

    /// The pattern text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True if the pattern ends in the wildcard segment `*`.
    pub fn is_wildcard(&self) -> bool {
        self.0 == "*" || self.0.ends_with("/*")
    }

    /// The literal segments, without the trailing wildcard if any.
    fn prefix(&self) -> Vec<&str> {
        let mut segments: Vec<&str> = self.0.split('/').collect();
        if segments.last() == Some(&"*") {
            segments.pop();
        }
        segments
    }

    /// True if this pattern covers the device target `target`.
    ///
    /// `target` must itself be a valid pattern without wildcard; anything
    /// else (including a wildcard "target") is covered by nothing, so a
    /// malformed device target can never match a scope by accident.
    ///
    /// Spec: DESIGN §4 (patterns), §6 step 3.
    pub fn covers_target(&self, target: &str) -> bool {
        match Pattern::new(target) {
            Ok(t) if !t.is_wildcard() => self.covers(&t),
            _ => false,
        }
    }

    /// True if every target covered by `other` is covered by `self`: a key
    /// scope `self` allows records for the target pattern `other`.
    ///
    /// Spec: DESIGN §4 (a signer key's scope covers every target).
    pub fn covers(&self, other: &Pattern) -> bool {
        let mine = self.prefix();
        let theirs = other.prefix();
        if self.is_wildcard() {
            // `p/*` covers patterns strictly below `p`, and `p/*` itself.
            theirs.starts_with(&mine) && (theirs.len() > mine.len() || other.is_wildcard())
        } else {
            // A literal covers only the same literal.
            !other.is_wildcard() && mine == theirs
        }
    }

    /// True if some target is covered by both patterns.
    ///
    /// Spec: DESIGN §4 (one owner may not hold two roles for the same scope).
    pub fn overlaps(&self, other: &Pattern) -> bool {
        let a = self.prefix();
        let b = other.prefix();
        match (self.is_wildcard(), other.is_wildcard()) {
            (false, false) => a == b,
            // A literal meets a wildcard only strictly below its prefix.
            (false, true) => a.len() > b.len() && a.starts_with(&b),
            (true, false) => b.len() > a.len() && b.starts_with(&a),
            // Two wildcards meet iff one prefix extends the other: the
            // longer prefix plus any segment is in both.
            (true, true) => a.starts_with(&b) || b.starts_with(&a),
        }
    }
}

impl FromStr for Pattern {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// Reason
// ---------------------------------------------------------------------------

/// Free text explaining a key change, pause or resume (DESIGN §4).
///
/// Grammar: one line of printable UTF-8: non-empty, no control characters
/// (C0, DEL, C1), no Unicode line or paragraph separators, and no leading or
/// trailing whitespace (which would be invisible to a reviewer and would not
/// survive a careful copy).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reason(String);

impl Reason {
    /// Validates a reason.
    ///
    /// Spec: DESIGN §4 (`reason` is free text on one line).
    ///
    /// # Errors
    /// [`ProofsError::BadReason`] unless `text` is one printable line as above.
    pub fn new(text: &str) -> Result<Self, ProofsError> {
        let printable = text
            .chars()
            .all(|c| !c.is_control() && c != '\u{2028}' && c != '\u{2029}');
        let trimmed = text.trim() == text;
        if text.is_empty() || !printable || !trimmed {
            return Err(ProofsError::BadReason);
        }
        Ok(Self(text.into()))
    }

    /// The reason text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Reason {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// Version
// ---------------------------------------------------------------------------

/// A release version: a Semantic Versioning 2.0.0 version (DESIGN §4),
/// parsed by the `semver` crate.
///
/// The text form is the one semver defines (no `v` prefix, no leading zeros,
/// no surrounding spaces), so it is canonical.
///
/// Ordering: [`Ord`] is semver precedence, with build metadata compared only
/// to break ties between otherwise equal versions (so that `Ord` agrees with
/// `Eq`). Use [`Version::cmp_precedence`] for pure semver precedence, which
/// ignores build metadata; the device's downgrade check (DESIGN §6 step 8)
/// should use that.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(semver::Version);

impl Version {
    /// Parses a semantic version.
    ///
    /// Spec: DESIGN §4 (versions are semantic versions).
    ///
    /// # Errors
    /// [`ProofsError::BadVersion`] unless `text` is a valid semver 2.0 version.
    pub fn new(text: &str) -> Result<Self, ProofsError> {
        let v = semver::Version::parse(text).map_err(|_| ProofsError::BadVersion)?;
        // Defensive: only accept text that is already canonical, so that
        // re-encoding a parsed record reproduces its bytes.
        if v.to_string() != text {
            return Err(ProofsError::BadVersion);
        }
        Ok(Self(v))
    }

    /// Semver 2.0 precedence (§11 of semver.org): build metadata is ignored.
    pub fn cmp_precedence(&self, other: &Version) -> Ordering {
        self.0.cmp_precedence(&other.0)
    }

    /// The parsed version, for callers that need its parts.
    pub fn as_semver(&self) -> &semver::Version {
        &self.0
    }
}

impl FromStr for Version {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

// ---------------------------------------------------------------------------
// ArtifactDigest
// ---------------------------------------------------------------------------

/// The digest of a released artifact: `sha256:<64 lowercase hex digits>`
/// (DESIGN §4, `artifact` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArtifactDigest(Hash);

impl ArtifactDigest {
    /// The text prefix naming the hash function.
    const PREFIX: &'static str = "sha256:";

    /// Parses `sha256:<hex>`.
    ///
    /// Spec: DESIGN §4 (`artifact sha256:<hex>`).
    ///
    /// # Errors
    /// [`ProofsError::BadDigest`] unless `text` is `sha256:` followed by
    /// exactly 64 lowercase hex digits.
    pub fn parse(text: &str) -> Result<Self, ProofsError> {
        let hex = text
            .strip_prefix(Self::PREFIX)
            .ok_or(ProofsError::BadDigest)?;
        Ok(Self(
            parse_lower_hex_hash(hex).ok_or(ProofsError::BadDigest)?,
        ))
    }

    /// The SHA-256 of the artifact.
    pub const fn hash(&self) -> &Hash {
        &self.0
    }
}

impl From<Hash> for ArtifactDigest {
    /// Any SHA-256 value is a valid digest.
    fn from(hash: Hash) -> Self {
        Self(hash)
    }
}

impl FromStr for ArtifactDigest {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ArtifactDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0.to_hex())
    }
}

/// 64 lowercase hex digits as a hash; `None` otherwise. Uppercase is refused
/// so that every hash has one text form.
fn parse_lower_hex_hash(text: &str) -> Option<Hash> {
    if !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Hash::from_hex(text).ok()
}

// ---------------------------------------------------------------------------
// ReleaseRef
// ---------------------------------------------------------------------------

/// A reference to a logged release: `<index> <hex leaf hash>` (DESIGN §4).
///
/// The index is canonical decimal and at most `i64::MAX - 1`; the hash is the
/// release entry's RFC 6962 leaf hash in 64 lowercase hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReleaseRef {
    /// Index of the release entry in the log.
    index: u64,
    /// `SHA-256(0x00 || release entry)`.
    leaf_hash: Hash,
}

impl ReleaseRef {
    /// Builds a reference from its parts.
    ///
    /// Spec: DESIGN §4 (`<ref>`).
    ///
    /// # Errors
    /// [`ProofsError::BadIndex`] if `index` exceeds `i64::MAX - 1`.
    pub fn new(index: u64, leaf_hash: Hash) -> Result<Self, ProofsError> {
        if index > MAX_INDEX {
            return Err(ProofsError::BadIndex);
        }
        Ok(Self { index, leaf_hash })
    }

    /// Parses `<index> <hex leaf hash>`.
    ///
    /// Spec: DESIGN §4 (`<ref>`).
    ///
    /// # Errors
    /// [`ProofsError::BadReleaseRef`] unless `text` is two fields separated by
    /// one space; [`ProofsError::BadIndex`] for a bad index;
    /// [`ProofsError::BadReleaseRef`] for a hash that is not 64 lowercase hex.
    pub fn parse(text: &str) -> Result<Self, ProofsError> {
        let (index, hash) = text.split_once(' ').ok_or(ProofsError::BadReleaseRef)?;
        let index = parse_index(index)?;
        let leaf_hash = parse_lower_hex_hash(hash).ok_or(ProofsError::BadReleaseRef)?;
        Ok(Self { index, leaf_hash })
    }

    /// Index of the referenced release entry.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// Leaf hash of the referenced release entry.
    pub const fn leaf_hash(&self) -> &Hash {
        &self.leaf_hash
    }
}

impl FromStr for ReleaseRef {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ReleaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.index, self.leaf_hash.to_hex())
    }
}

// ---------------------------------------------------------------------------
// KeyRole, KeyAction
// ---------------------------------------------------------------------------

/// What an enrolled key may sign (DESIGN §4, `key` records).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyRole {
    /// Signs `release` records.
    Signer,
    /// Signs `approval` records.
    Approver,
    /// Signs `rollout` records.
    Operator,
    /// Signs `pause` records.
    Breakglass,
}

impl KeyRole {
    /// Every role, in a fixed order.
    pub const ALL: [KeyRole; 4] = [
        KeyRole::Signer,
        KeyRole::Approver,
        KeyRole::Operator,
        KeyRole::Breakglass,
    ];

    /// The role's text form.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyRole::Signer => "signer",
            KeyRole::Approver => "approver",
            KeyRole::Operator => "operator",
            KeyRole::Breakglass => "breakglass",
        }
    }

    /// Parses `signer`, `approver`, `operator` or `breakglass`.
    ///
    /// Spec: DESIGN §4 (`role signer|approver|operator|breakglass`).
    ///
    /// # Errors
    /// [`ProofsError::BadKeyRole`] for anything else (roles are lowercase).
    pub fn parse(text: &str) -> Result<Self, ProofsError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or(ProofsError::BadKeyRole)
    }
}

impl FromStr for KeyRole {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a `key` record does to a key (DESIGN §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyAction {
    /// Makes a new key valid for its role, owner, scopes and lifetime.
    Enrol,
    /// Ends the key's validity for records logged after it (rotation).
    Retire,
    /// Voids every record the key ever signed (compromise).
    Revoke,
}

impl KeyAction {
    /// Every action, in a fixed order.
    pub const ALL: [KeyAction; 3] = [KeyAction::Enrol, KeyAction::Retire, KeyAction::Revoke];

    /// The action's text form.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyAction::Enrol => "enrol",
            KeyAction::Retire => "retire",
            KeyAction::Revoke => "revoke",
        }
    }

    /// Parses `enrol`, `retire` or `revoke`.
    ///
    /// Spec: DESIGN §4 (`action enrol|retire|revoke`).
    ///
    /// # Errors
    /// [`ProofsError::BadKeyAction`] for anything else.
    pub fn parse(text: &str) -> Result<Self, ProofsError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == text)
            .ok_or(ProofsError::BadKeyAction)
    }
}

impl FromStr for KeyAction {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for KeyAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Pattern {
        Pattern::new(text).unwrap()
    }

    #[test]
    fn tokens() {
        for good in ["a", "A9", "acme-corp", "x_y.z", &"a".repeat(64)] {
            assert_eq!(Token::new(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "-a",
            ".a",
            "_a",
            "a b",
            "a/b",
            "a,b",
            "é",
            "a+b",
            &"a".repeat(65),
        ] {
            assert_eq!(Token::new(bad), Err(ProofsError::BadToken), "{bad:?}");
        }
    }

    #[test]
    fn patterns_grammar() {
        for good in [
            "*",
            "a",
            "a/b",
            "a/*",
            "acme/thermostat/t3",
            "a.b/c-d/e_f/*",
        ] {
            assert_eq!(p(good).as_str(), good);
        }
        let long_segment = "a".repeat(65);
        let too_many = ["a"; 17].join("/");
        for bad in [
            "",
            "/",
            "/a",
            "a/",
            "a//b",
            "*/a",
            "a*",
            "a/b*",
            "**",
            "a/**",
            "a b",
            "a,b",
            "-a",
            "a/.b",
            "a/*/*",
            &long_segment,
            &too_many,
        ] {
            assert_eq!(Pattern::new(bad), Err(ProofsError::BadPattern), "{bad:?}");
        }
        assert!(Pattern::new(&["a"; 16].join("/")).is_ok());
    }

    #[test]
    fn pattern_coverage() {
        assert!(p("*").covers_target("a"));
        assert!(p("*").covers_target("a/b/c"));
        assert!(p("acme/thermostat/*").covers_target("acme/thermostat/t3"));
        assert!(p("acme/thermostat/*").covers_target("acme/thermostat/t3/eu"));
        assert!(!p("acme/thermostat/*").covers_target("acme/thermostat"));
        assert!(!p("acme/thermostat/*").covers_target("acme/thermostats/t3"));
        assert!(p("acme/t3").covers_target("acme/t3"));
        assert!(!p("acme/t3").covers_target("acme/t3/eu"));
        // Malformed or wildcard targets are covered by nothing.
        assert!(!p("*").covers_target("*"));
        assert!(!p("*").covers_target("a b"));

        assert!(p("*").covers(&p("*")));
        assert!(p("a/*").covers(&p("a/*")));
        assert!(p("a/*").covers(&p("a/b/*")));
        assert!(!p("a/b/*").covers(&p("a/*")));
        assert!(!p("a/*").covers(&p("a")));
        assert!(!p("a").covers(&p("a/*")));

        assert!(p("a/*").overlaps(&p("a/b")));
        assert!(p("a/b/*").overlaps(&p("a/*")));
        assert!(!p("a/*").overlaps(&p("a")));
        assert!(!p("a/*").overlaps(&p("b/*")));
        assert!(p("*").overlaps(&p("x")));
    }

    #[test]
    fn reasons() {
        for good in ["x", "key lost on a train", "café: ünïcode ok", "a\u{a0}b"] {
            assert_eq!(Reason::new(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            " x",
            "x ",
            "a\nb",
            "a\tb",
            "a\rb",
            "a\u{7f}",
            "a\u{85}",
            "a\u{2028}b",
        ] {
            assert_eq!(Reason::new(bad), Err(ProofsError::BadReason), "{bad:?}");
        }
    }

    #[test]
    fn versions() {
        for good in [
            "0.0.0",
            "1.2.3",
            "1.0.0-alpha.1",
            "1.0.0+build.5",
            "1.0.0-rc.1+x",
        ] {
            assert_eq!(Version::new(good).unwrap().to_string(), good);
        }
        for bad in [
            "", "1", "1.2", "v1.2.3", "01.2.3", "1.2.3-01", " 1.2.3", "1.2.3 ", "1.2.3+",
        ] {
            assert_eq!(Version::new(bad), Err(ProofsError::BadVersion), "{bad:?}");
        }
        let v = |s| Version::new(s).unwrap();
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert!(v("1.10.0") > v("1.9.0"));
        assert_eq!(v("1.0.0+a").cmp_precedence(&v("1.0.0+b")), Ordering::Equal);
    }

    #[test]
    fn digests_and_refs() {
        let hex = "ab".repeat(32);
        let d = ArtifactDigest::parse(&alloc::format!("sha256:{hex}")).unwrap();
        assert_eq!(d.to_string(), alloc::format!("sha256:{hex}"));
        for bad in [
            alloc::format!("sha256:{}", "AB".repeat(32)),
            alloc::format!("sha512:{hex}"),
            alloc::format!("sha256:{}", &hex[1..]),
            alloc::format!("sha256:{hex}0"),
            alloc::format!("SHA256:{hex}"),
            hex.clone(),
        ] {
            assert_eq!(
                ArtifactDigest::parse(&bad),
                Err(ProofsError::BadDigest),
                "{bad}"
            );
        }
        let r = ReleaseRef::parse(&alloc::format!("7 {hex}")).unwrap();
        assert_eq!(r.index(), 7);
        assert_eq!(r.to_string(), alloc::format!("7 {hex}"));
        for (bad, err) in [
            (alloc::format!("07 {hex}"), ProofsError::BadIndex),
            (alloc::format!("+7 {hex}"), ProofsError::BadIndex),
            (
                alloc::format!("9223372036854775807 {hex}"),
                ProofsError::BadIndex,
            ),
            (alloc::format!("7  {hex}"), ProofsError::BadReleaseRef),
            (
                alloc::format!("7 {}", "AB".repeat(32)),
                ProofsError::BadReleaseRef,
            ),
            ("7".into(), ProofsError::BadReleaseRef),
        ] {
            assert_eq!(ReleaseRef::parse(&bad), Err(err), "{bad}");
        }
        assert!(ReleaseRef::parse(&alloc::format!("9223372036854775806 {hex}")).is_ok());
    }

    #[test]
    fn roles_and_actions() {
        for r in KeyRole::ALL {
            assert_eq!(KeyRole::parse(r.as_str()), Ok(r));
        }
        for a in KeyAction::ALL {
            assert_eq!(KeyAction::parse(a.as_str()), Ok(a));
        }
        assert_eq!(KeyRole::parse("Signer"), Err(ProofsError::BadKeyRole));
        assert_eq!(KeyAction::parse("enroll"), Err(ProofsError::BadKeyAction));
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("0", ProofsError::BadSize), Ok(0));
        assert_eq!(
            parse_decimal("18446744073709551615", ProofsError::BadSize),
            Ok(u64::MAX)
        );
        for bad in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            "1 ",
            "18446744073709551616",
            "1_0",
        ] {
            assert_eq!(
                parse_decimal(bad, ProofsError::BadSize),
                Err(ProofsError::BadSize)
            );
        }
    }
}
