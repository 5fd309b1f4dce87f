//! The validated text values of a policy: witness and group names, URLs and
//! the device target.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::ProofsError;

/// Longest witness or group name, in bytes.
pub const MAX_NAME_BYTES: usize = 255;
/// Longest URL, in bytes.
pub const MAX_URL_BYTES: usize = 1024;
/// Longest device target, in bytes.
pub const MAX_TARGET_BYTES: usize = 255;
/// Most segments in a device target.
pub const MAX_TARGET_SEGMENTS: usize = 16;
/// Longest segment of a device target, in bytes (a DESIGN §4 token).
pub const MAX_TARGET_SEGMENT_BYTES: usize = 64;

/// Whether `b` may appear inside a policy field: printable ASCII other than
/// space, or any octet with the high bit set (opaque, c2sp-digest §6.2).
pub(super) fn is_field_octet(b: u8) -> bool {
    matches!(b, 0x21..=0x7e | 0x80..=0xff)
}

/// A witness or group label (c2sp.org/tlog-policy "Defining a witness").
///
/// Labels are opaque octet strings: two labels are equal only if their bytes
/// are. They are local to the policy and never compared with key names.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyName(Vec<u8>);

impl PolicyName {
    /// Validates a label: 1 to 255 octets, no whitespace or control octets,
    /// and not the predefined name `none` (c2sp-digest §6.2).
    ///
    /// # Errors
    /// [`ProofsError::PolicyBadName`] if any rule is broken.
    ///
    /// # Panics
    /// Never.
    pub fn new(bytes: &[u8]) -> Result<Self, ProofsError> {
        if bytes.is_empty()
            || bytes.len() > MAX_NAME_BYTES
            || bytes == b"none"
            || !bytes.iter().copied().all(is_field_octet)
        {
            return Err(ProofsError::PolicyBadName);
        }
        Ok(Self(bytes.to_vec()))
    }

    /// The label's octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for PolicyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyName({self})")
    }
}

impl fmt::Display for PolicyName {
    /// Shows the label as UTF-8, with invalid sequences replaced.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

/// A log or witness URL. Its meaning is application specific (tlog-policy),
/// so it is kept as an opaque token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PolicyUrl(Vec<u8>);

impl PolicyUrl {
    /// Validates a URL token: 1 to 1,024 octets, no whitespace or control
    /// octets (c2sp-digest §6.2).
    ///
    /// # Errors
    /// [`ProofsError::PolicyBadUrl`] if any rule is broken.
    ///
    /// # Panics
    /// Never.
    pub fn new(bytes: &[u8]) -> Result<Self, ProofsError> {
        if bytes.is_empty()
            || bytes.len() > MAX_URL_BYTES
            || !bytes.iter().copied().all(is_field_octet)
        {
            return Err(ProofsError::PolicyBadUrl);
        }
        Ok(Self(bytes.to_vec()))
    }

    /// The URL's octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for PolicyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyUrl({})", String::from_utf8_lossy(&self.0))
    }
}

/// The concrete target a device is (DESIGN §4, §6): a `/`-separated path
/// such as `acme/thermostat/t3`. It follows the grammar of a record's target
/// pattern without the wildcard, so that every valid device target can be
/// covered by some pattern: a target no pattern can cover would make the
/// device refuse every release, silently.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceTarget(String);

impl DeviceTarget {
    /// Validates a device target (DESIGN §4 tokens and patterns): at most
    /// 255 bytes and 16 segments joined by `/`, each segment a token
    /// `[A-Za-z0-9][A-Za-z0-9._-]*` of at most 64 bytes. No `*`.
    ///
    /// # Errors
    /// [`ProofsError::PolicyBadTarget`] if any rule is broken.
    ///
    /// # Panics
    /// Never.
    pub fn new(text: &str) -> Result<Self, ProofsError> {
        let is_token = |s: &str| {
            let mut bytes = s.bytes();
            s.len() <= MAX_TARGET_SEGMENT_BYTES
                && bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
                && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        };
        if text.is_empty()
            || text.len() > MAX_TARGET_BYTES
            || text.split('/').count() > MAX_TARGET_SEGMENTS
            || !text.split('/').all(is_token)
        {
            return Err(ProofsError::PolicyBadTarget);
        }
        Ok(Self(String::from(text)))
    }

    /// The target text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_opaque_octets() {
        assert!(PolicyName::new(b"X1").is_ok());
        // A UTF-8 Kelvin sign is a different name from ASCII "K".
        let kelvin = PolicyName::new("\u{212a}".as_bytes()).unwrap();
        assert_ne!(kelvin, PolicyName::new(b"K").unwrap());
        // Non-UTF-8 high octets are allowed and kept as they are.
        assert_eq!(
            PolicyName::new(&[0xff, 0x41]).unwrap().as_bytes(),
            &[0xff, 0x41]
        );
        for bad in [&b""[..], b"none", b"a b", b"a\tb", b"a\x7f", &[b'a'; 256]] {
            assert_eq!(PolicyName::new(bad), Err(ProofsError::PolicyBadName));
        }
    }

    #[test]
    fn urls_are_tokens() {
        assert!(PolicyUrl::new(b"https://w.example/").is_ok());
        assert_eq!(PolicyUrl::new(b""), Err(ProofsError::PolicyBadUrl));
        assert_eq!(PolicyUrl::new(b"a b"), Err(ProofsError::PolicyBadUrl));
        assert_eq!(
            PolicyUrl::new(&[b'u'; 1025]),
            Err(ProofsError::PolicyBadUrl)
        );
    }

    #[test]
    fn targets_are_concrete_paths() {
        assert_eq!(
            DeviceTarget::new("acme/thermostat/t3").unwrap().as_str(),
            "acme/thermostat/t3"
        );
        assert!(DeviceTarget::new("t3").is_ok());
        assert!(DeviceTarget::new("a.b/c_d/e-f/0").is_ok());
        for bad in [
            "", "/a", "a/", "a//b", "a/*", "*", "a b", "a/\u{e9}", "a/.b", "a/-b", "_a", "a,b",
        ] {
            assert_eq!(DeviceTarget::new(bad), Err(ProofsError::PolicyBadTarget));
        }
        // Segment, segment-count and total-length limits.
        assert!(DeviceTarget::new(&"a".repeat(64)).is_ok());
        assert!(DeviceTarget::new(&"a".repeat(65)).is_err());
        assert!(DeviceTarget::new(&["a"; 16].join("/")).is_ok());
        assert!(DeviceTarget::new(&["a"; 17].join("/")).is_err());
        let segment = "a".repeat(63);
        let long = [segment.as_str(); 4].join("/"); // 255 bytes
        assert!(DeviceTarget::new(&long).is_ok());
        assert!(DeviceTarget::new(&(long + "b")).is_err());
    }
}
