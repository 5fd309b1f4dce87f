//! The device's trusted state (DESIGN §6): the last checkpoint it accepted a
//! release against, and the version installed per target.
//!
//! The state is what turns one-off verification into rollback protection:
//! a device that remembers the tree size and cosignature time it last
//! accepted refuses any older view of the log, and one that remembers the
//! installed version refuses downgrades (DESIGN §6 steps 1 and 8).
//!
//! # Text form
//!
//! ```text
//! sightline/v1 trusted-state
//! checkpoint <origin> <size> <root, standard base64> <newest cosignature time>
//! installed <device target> <semver>
//! ```
//!
//! The `checkpoint` line is optional (absent on a fresh device) and comes
//! first; `installed` lines follow, strictly ascending by target. Every line
//! ends in LF, fields are separated by one space, numbers are canonical
//! decimal. Parsing accepts exactly what [`TrustedState::encode`] writes, so
//! one state has one text.
//!
//! ```
//! use sightline_client::TrustedState;
//!
//! let fresh = TrustedState::new();
//! assert_eq!(fresh.encode(), "sightline/v1 trusted-state\n");
//! assert_eq!(TrustedState::parse(fresh.encode().as_bytes())?, fresh);
//! # Ok::<(), sightline_client::VerifyError>(())
//! ```

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use core::fmt::Write as _;

use sightline_proofs::checkpoint::Origin;
use sightline_proofs::policy::DeviceTarget;
use sightline_proofs::record::Version;
use sightline_proofs::{Hash, MAX_TREE_SIZE};

use crate::VerifyError;

#[cfg(feature = "std")]
mod file;
#[cfg(feature = "std")]
pub(crate) use file::replace_file;
#[cfg(feature = "std")]
pub use file::{load, store};

/// First line of the text form.
pub const TRUSTED_STATE_HEADER: &str = "sightline/v1 trusted-state";

/// Largest trusted-state text accepted: a handful of lines in practice; the
/// bound keeps a corrupted file from costing unbounded memory.
pub const MAX_TRUSTED_STATE_BYTES: usize = 64 * 1024;

/// The checkpoint part of the trusted state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedCheckpoint {
    /// The log's origin.
    origin: Origin,
    /// The tree size.
    size: u64,
    /// The tree's root hash.
    root: Hash,
    /// The newest cosignature time counted for that checkpoint.
    time: u64,
}

impl TrustedCheckpoint {
    /// Describes an accepted checkpoint.
    ///
    /// Spec: DESIGN §6 (trusted state: size, root, newest cosignature time).
    ///
    /// # Errors
    /// [`VerifyError::BadTrustedState`] if `size` exceeds `i64::MAX`, the
    /// largest checkpoint size (c2sp-digest §2).
    pub fn new(origin: Origin, size: u64, root: Hash, time: u64) -> Result<Self, VerifyError> {
        if size > MAX_TREE_SIZE {
            return Err(VerifyError::BadTrustedState {
                line: 0,
                rule: "checkpoint size must be at most 2^63-1",
            });
        }
        Ok(Self {
            origin,
            size,
            root,
            time,
        })
    }

    /// The log's origin.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The tree size.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The root hash.
    pub const fn root(&self) -> &Hash {
        &self.root
    }

    /// The newest cosignature time (POSIX seconds).
    pub const fn time(&self) -> u64 {
        self.time
    }
}

/// What a device trusts between updates. [`TrustedState::new`] is a fresh
/// device: no checkpoint seen, nothing installed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedState {
    /// The last accepted checkpoint, if any.
    checkpoint: Option<TrustedCheckpoint>,
    /// Installed version per device target.
    installed: BTreeMap<DeviceTarget, Version>,
}

impl TrustedState {
    /// The state of a fresh device: any cosigned checkpoint and any version
    /// are acceptable (subject to the policy).
    pub fn new() -> Self {
        Self::default()
    }

    /// The last accepted checkpoint; `None` on a fresh device.
    pub fn checkpoint(&self) -> Option<&TrustedCheckpoint> {
        self.checkpoint.as_ref()
    }

    /// The version installed for `target`, if any.
    pub fn installed(&self, target: &DeviceTarget) -> Option<&Version> {
        self.installed.get(target)
    }

    /// Every installed version, by target.
    pub fn installed_versions(&self) -> impl Iterator<Item = (&DeviceTarget, &Version)> {
        self.installed.iter()
    }

    /// Replaces the trusted checkpoint. [`crate::verify_release`] does this
    /// on acceptance; provisioning may do it to pin a first checkpoint.
    pub fn set_checkpoint(&mut self, checkpoint: TrustedCheckpoint) {
        self.checkpoint = Some(checkpoint);
    }

    /// Records `version` as installed for `target`, for example the factory
    /// image's version at provisioning.
    pub fn set_installed(&mut self, target: DeviceTarget, version: Version) {
        self.installed.insert(target, version);
    }

    /// Parses the text form described in the [module docs](self).
    ///
    /// Spec: DESIGN §6 (trusted state); the text form is this crate's.
    ///
    /// # Errors
    /// [`VerifyError::BadTrustedState`] naming the line and the rule broken:
    /// too large, not UTF-8, no final LF, bad header, unknown or misplaced
    /// line, wrong field count, bad origin, non-canonical size, time, root or
    /// version, a bad target, targets not strictly ascending.
    ///
    /// # Panics
    /// Never.
    pub fn parse(text: &[u8]) -> Result<Self, VerifyError> {
        let whole = |rule| VerifyError::BadTrustedState { line: 0, rule };
        if text.len() > MAX_TRUSTED_STATE_BYTES {
            return Err(whole("file is larger than 64 KiB"));
        }
        let text = core::str::from_utf8(text).map_err(|_| whole("file is not UTF-8"))?;
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| whole("file must end with a newline"))?;
        let mut state = Self::new();
        let mut last_target: Option<DeviceTarget> = None;
        for (line_no, line) in (1..).zip(body.split('\n')) {
            let bad = |rule| VerifyError::BadTrustedState {
                line: line_no,
                rule,
            };
            if line_no == 1 {
                if line != TRUSTED_STATE_HEADER {
                    return Err(bad("first line must be `sightline/v1 trusted-state`"));
                }
                continue;
            }
            let fields: alloc::vec::Vec<&str> = line.split(' ').collect();
            match fields.as_slice() {
                ["checkpoint", origin, size, root, time] => {
                    // Only right after the header, and only once.
                    if line_no != 2 {
                        return Err(bad("the checkpoint line must directly follow the header"));
                    }
                    let origin =
                        Origin::new(origin).map_err(|_| bad("checkpoint origin is not valid"))?;
                    let size =
                        parse_decimal(size).ok_or_else(|| bad("size is not canonical decimal"))?;
                    let root = Hash::from_base64(root)
                        .ok()
                        .filter(|h| h.to_base64() == *root)
                        .ok_or_else(|| bad("root is not canonical base64 of 32 bytes"))?;
                    let time =
                        parse_decimal(time).ok_or_else(|| bad("time is not canonical decimal"))?;
                    let checkpoint = TrustedCheckpoint::new(origin, size, root, time)
                        .map_err(|_| bad("checkpoint size must be at most 2^63-1"))?;
                    state.checkpoint = Some(checkpoint);
                }
                ["installed", target, version] => {
                    let target = DeviceTarget::new(target)
                        .map_err(|_| bad("installed target is not valid"))?;
                    let version = Version::new(version)
                        .ok()
                        .filter(|v| format!("{v}") == *version)
                        .ok_or_else(|| bad("installed version is not a canonical semver"))?;
                    if last_target.as_ref().is_some_and(|t| *t >= target) {
                        return Err(bad("installed targets must be strictly ascending"));
                    }
                    last_target = Some(target.clone());
                    state.installed.insert(target, version);
                }
                _ => {
                    return Err(bad(
                        "expected `checkpoint` (5 fields) or `installed` (3 fields)",
                    ));
                }
            }
        }
        Ok(state)
    }

    /// The canonical text form (see the [module docs](self)).
    ///
    /// Spec: DESIGN §6 (trusted state).
    pub fn encode(&self) -> String {
        let mut out = String::from(TRUSTED_STATE_HEADER);
        out.push('\n');
        if let Some(c) = &self.checkpoint {
            // Writing to a String cannot fail.
            let _ = writeln!(
                out,
                "checkpoint {} {} {} {}",
                c.origin,
                c.size,
                c.root.to_base64(),
                c.time
            );
        }
        for (target, version) in &self.installed {
            let _ = writeln!(out, "installed {target} {version}");
        }
        out
    }
}

/// Canonical unsigned decimal: digits only, no leading zero except `0`, no
/// overflow.
fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TrustedState {
        let mut s = TrustedState::new();
        let origin = Origin::new("example.com/log").expect("origin");
        let cp = TrustedCheckpoint::new(origin, 42, Hash::new([7; 32]), 1_700_000_000)
            .expect("checkpoint");
        s.set_checkpoint(cp);
        s.set_installed(
            DeviceTarget::new("acme/thermostat/t3").expect("target"),
            Version::new("1.2.3-rc.1+b7").expect("version"),
        );
        s.set_installed(
            DeviceTarget::new("acme/lock/l1").expect("target"),
            Version::new("2.0.0").expect("version"),
        );
        s
    }

    #[test]
    fn round_trips_and_is_canonical() {
        let s = sample();
        let text = s.encode();
        assert_eq!(
            text,
            "sightline/v1 trusted-state\n\
             checkpoint example.com/log 42 BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= 1700000000\n\
             installed acme/lock/l1 2.0.0\n\
             installed acme/thermostat/t3 1.2.3-rc.1+b7\n"
        );
        assert_eq!(TrustedState::parse(text.as_bytes()), Ok(s));
    }

    #[test]
    fn rejects_every_malformation() {
        let good = sample().encode();
        let cases: &[(&str, String, usize)] = &[
            ("no final LF", good.trim_end().into(), 0),
            ("bad header", good.replace("trusted-state", "state"), 1),
            ("leading zero", good.replace(" 42 ", " 042 "), 2),
            (
                "too large size",
                good.replace(" 42 ", " 9223372036854775808 "),
                2,
            ),
            ("bad root", good.replace("Bwc= ", "Bwc ="), 2),
            (
                "short root",
                good.replace("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=", "Bw=="),
                2,
            ),
            ("bad time", good.replace("1700000000", "17e8"), 2),
            ("bad origin", good.replace("example.com/log", "a+b"), 2),
            ("bad version", good.replace("2.0.0", "v2.0.0"), 3),
            ("bad target", good.replace("acme/lock/l1", "acme/*"), 3),
            ("unsorted", good.replace("acme/lock/l1", "acme/zzz/l1"), 4),
            (
                "unknown line",
                good.replace("installed acme/lock", "removed acme/lock"),
                3,
            ),
            (
                "double space",
                good.replace("installed acme/lock", "installed  acme/lock"),
                3,
            ),
            (
                "checkpoint late",
                String::from(
                    "sightline/v1 trusted-state\ninstalled a 1.0.0\ncheckpoint o 1 BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= 1\n",
                ),
                3,
            ),
        ];
        for (what, text, line) in cases {
            match TrustedState::parse(text.as_bytes()) {
                Err(VerifyError::BadTrustedState { line: l, .. }) => {
                    assert_eq!(l, *line, "{what}");
                }
                other => panic!("{what}: {other:?}"),
            }
        }
        let huge = alloc::vec![b'a'; MAX_TRUSTED_STATE_BYTES + 1];
        assert!(TrustedState::parse(&huge).is_err());
        assert!(TrustedState::parse(b"\xff\n").is_err());
    }
}
