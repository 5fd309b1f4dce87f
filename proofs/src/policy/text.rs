//! The policy text format: [`Policy::parse`] and [`Policy::encode`]
//! (c2sp.org/tlog-policy "Policy file syntax and structure", c2sp-digest
//! §6.2, and the Sightline lines of DESIGN §6).

use alloc::boxed::Box;
use alloc::string::ToString as _;
use alloc::vec::Vec;

use super::{
    DeviceTarget, MAX_POLICY_BYTES, Policy, PolicyBuilder, PolicyName, PolicyUrl, Threshold,
};
use crate::ProofsError;
use crate::note::VerifierKey;

/// Whether tlog-policy allows octet `b` anywhere in a policy: TAB, LF,
/// printable ASCII, and every octet with the high bit set.
fn is_allowed_octet(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x20..=0x7e | 0x80..=0xff)
}

impl Policy {
    /// Parses a policy file (c2sp-digest §6.2, DESIGN §6).
    ///
    /// The grammar is in the [module docs](crate::policy). Errors about one
    /// line are wrapped in [`ProofsError::PolicyLine`] with its 1-based line
    /// number; errors about the policy as a whole (a missing directive, an
    /// out-of-range root threshold) are returned as they are.
    ///
    /// # Errors
    /// [`ProofsError::PolicyTooLarge`] above [`MAX_POLICY_BYTES`],
    /// [`ProofsError::PolicyMissingFinalNewline`], and inside
    /// [`ProofsError::PolicyLine`]: [`ProofsError::PolicyForbiddenOctet`],
    /// [`ProofsError::PolicyUnknownDirective`],
    /// [`ProofsError::PolicyFieldCount`], [`ProofsError::PolicyKeyNotUtf8`],
    /// [`ProofsError::PolicyBadKey`], [`ProofsError::PolicyBadName`],
    /// [`ProofsError::PolicyBadUrl`], [`ProofsError::PolicyBadThreshold`],
    /// [`ProofsError::PolicyNoneMember`], [`ProofsError::PolicyBadNumber`],
    /// [`ProofsError::PolicyBadTarget`], and every error of the
    /// [`PolicyBuilder`] step the line maps to; then the errors of
    /// [`PolicyBuilder::build`].
    ///
    /// # Panics
    /// Never.
    pub fn parse(text: &[u8]) -> Result<Self, ProofsError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(ProofsError::PolicyTooLarge(text.len(), MAX_POLICY_BYTES));
        }
        // Every line, the last included, ends in LF; an empty file has no
        // lines and fails below for want of a quorum.
        let body = match text.strip_suffix(b"\n") {
            Some(body) => body,
            None if text.is_empty() => text,
            None => return Err(ProofsError::PolicyMissingFinalNewline),
        };
        let mut builder = PolicyBuilder::new();
        if !text.is_empty() {
            for (line_no, line) in (1..).zip(body.split(|&b| b == b'\n')) {
                parse_line(&mut builder, line).map_err(|error| ProofsError::PolicyLine {
                    line: line_no,
                    error: Box::new(error),
                })?;
            }
        }
        builder.build()
    }

    /// Encodes the policy in canonical form (c2sp-digest §6.2, DESIGN §6):
    /// `log`, `witness`, `group` and `quorum` lines, then `root`,
    /// `root-threshold`, `approvals`, `target`, `max-age` and
    /// `allow-downgrade`; single spaces, no comments, LF line ends.
    /// Group thresholds keep the form they were given in. Parsing the output
    /// yields an equal policy.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Fields are byte strings (labels and URLs are opaque octets), so
        // the encoder works on bytes, not `str`.
        let mut line = |fields: &[&[u8]]| {
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(field);
            }
            out.push(b'\n');
        };
        // Definition order is kept within each kind of line. Writing all
        // witnesses before all groups is always valid: groups refer only to
        // witnesses and to earlier groups, never the other way round.
        for log in &self.logs {
            let key = log.key.to_string();
            match &log.url {
                Some(url) => line(&[b"log", key.as_bytes(), url.as_bytes()]),
                None => line(&[b"log", key.as_bytes()]),
            }
        }
        for w in &self.witnesses {
            let key = w.key.to_string();
            match &w.url {
                Some(url) => line(&[
                    b"witness",
                    w.name.as_bytes(),
                    key.as_bytes(),
                    url.as_bytes(),
                ]),
                None => line(&[b"witness", w.name.as_bytes(), key.as_bytes()]),
            }
        }
        for g in &self.groups {
            let k = match g.threshold {
                Threshold::All => "all".to_string(),
                Threshold::Any => "any".to_string(),
                Threshold::AtLeast(k) => k.to_string(),
            };
            let mut fields: Vec<&[u8]> = Vec::with_capacity(g.members.len() + 3);
            fields.push(b"group");
            fields.push(g.name.as_bytes());
            fields.push(k.as_bytes());
            fields.extend(g.members.iter().map(PolicyName::as_bytes));
            line(&fields);
        }
        // Every group is defined above this line, so its name resolves.
        match &self.quorum {
            Some(name) => line(&[b"quorum", name.as_bytes()]),
            None => line(&[b"quorum", b"none"]),
        }
        for root in &self.roots {
            line(&[b"root", root.to_string().as_bytes()]);
        }
        line(&[
            b"root-threshold",
            self.root_threshold.to_string().as_bytes(),
        ]);
        line(&[b"approvals", self.approvals.to_string().as_bytes()]);
        line(&[b"target", self.target.as_str().as_bytes()]);
        line(&[b"max-age", self.max_age.to_string().as_bytes()]);
        if self.allow_downgrade {
            line(&[b"allow-downgrade"]);
        }
        out
    }
}

/// Applies one line (without its LF) to the builder.
///
/// Each directive checks its own field count, then converts the fields to
/// validated values and hands them to the matching builder step; every rule
/// that is not about syntax lives in the builder.
fn parse_line(b: &mut PolicyBuilder, line: &[u8]) -> Result<(), ProofsError> {
    // Octets are checked per line so the error can carry a line number.
    if let Some(&bad) = line.iter().find(|&&o| !is_allowed_octet(o)) {
        return Err(ProofsError::PolicyForbiddenOctet(bad));
    }
    // Fields are separated by runs of spaces and tabs; leading and trailing
    // whitespace is allowed.
    let fields: Vec<&[u8]> = line
        .split(|&o| o == b' ' || o == b'\t')
        .filter(|f| !f.is_empty())
        .collect();
    let Some((&directive, args)) = fields.split_first() else {
        return Ok(()); // blank line
    };
    if directive.first() == Some(&b'#') {
        return Ok(()); // comment line
    }
    match directive {
        b"log" => match args {
            [key] => b.log(parse_key(key)?, None),
            [key, url] => b.log(parse_key(key)?, Some(PolicyUrl::new(url)?)),
            _ => Err(ProofsError::PolicyFieldCount("log")),
        },
        b"witness" => match args {
            [name, key] => b.witness(PolicyName::new(name)?, parse_key(key)?, None),
            [name, key, url] => b.witness(
                PolicyName::new(name)?,
                parse_key(key)?,
                Some(PolicyUrl::new(url)?),
            ),
            _ => Err(ProofsError::PolicyFieldCount("witness")),
        },
        b"group" => match args {
            [name, threshold, members @ ..] => {
                let name = PolicyName::new(name)?;
                let threshold = parse_threshold(threshold)?;
                let members = members
                    .iter()
                    .map(|m| {
                        // `none` is predefined for the quorum only.
                        if *m == b"none" {
                            Err(ProofsError::PolicyNoneMember)
                        } else {
                            PolicyName::new(m)
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                b.group(name, threshold, members)
            }
            _ => Err(ProofsError::PolicyFieldCount("group")),
        },
        b"quorum" => match args {
            // `none` is the one predefined name; `PolicyName` rejects it, so
            // it is matched before conversion.
            [b"none"] => b.quorum(None),
            [name] => b.quorum(Some(PolicyName::new(name)?)),
            _ => Err(ProofsError::PolicyFieldCount("quorum")),
        },
        b"root" => match args {
            [key] => b.root(parse_key(key)?),
            _ => Err(ProofsError::PolicyFieldCount("root")),
        },
        b"root-threshold" => match args {
            [k] => b.root_threshold(parse_count(k, "root-threshold")?),
            _ => Err(ProofsError::PolicyFieldCount("root-threshold")),
        },
        b"approvals" => match args {
            [k] => b.approvals(parse_count(k, "approvals")?),
            _ => Err(ProofsError::PolicyFieldCount("approvals")),
        },
        b"target" => match args {
            [t] => {
                // Targets are ASCII by their grammar; non-UTF-8 cannot match.
                let text = core::str::from_utf8(t).map_err(|_| ProofsError::PolicyBadTarget)?;
                b.target(DeviceTarget::new(text)?)
            }
            _ => Err(ProofsError::PolicyFieldCount("target")),
        },
        b"max-age" => match args {
            [s] => b.max_age(parse_decimal(s).ok_or(ProofsError::PolicyBadNumber("max-age"))?),
            _ => Err(ProofsError::PolicyFieldCount("max-age")),
        },
        b"allow-downgrade" => match args {
            [] => b.allow_downgrade(),
            _ => Err(ProofsError::PolicyFieldCount("allow-downgrade")),
        },
        _ => Err(ProofsError::PolicyUnknownDirective),
    }
    .map(|_| ())
}

/// Parses a vkey field (c2sp-digest §1.4).
fn parse_key(field: &[u8]) -> Result<VerifierKey, ProofsError> {
    // Key names are UTF-8 (signed-note), unlike policy labels; a non-UTF-8
    // vkey can never be valid, and gets its own error rather than a lossy
    // conversion that could misreport the cause.
    let text = core::str::from_utf8(field).map_err(|_| ProofsError::PolicyKeyNotUtf8)?;
    VerifierKey::parse(text).map_err(|e| ProofsError::PolicyBadKey(Box::new(e)))
}

/// Parses a group threshold: `all`, `any` or a canonical decimal k >= 1
/// (the k <= n check is the builder's).
fn parse_threshold(field: &[u8]) -> Result<Threshold, ProofsError> {
    match field {
        b"all" => Ok(Threshold::All),
        b"any" => Ok(Threshold::Any),
        _ => match parse_decimal(field).and_then(|k| usize::try_from(k).ok()) {
            Some(0) | None => Err(ProofsError::PolicyBadThreshold),
            Some(k) => Ok(Threshold::AtLeast(k)),
        },
    }
}

/// Parses a canonical decimal count for `directive`.
fn parse_count(field: &[u8], directive: &'static str) -> Result<usize, ProofsError> {
    parse_decimal(field)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or(ProofsError::PolicyBadNumber(directive))
}

/// Parses a canonical decimal u64: ASCII digits only, no sign, no leading
/// zeros, no overflow.
fn parse_decimal(field: &[u8]) -> Option<u64> {
    // One text form per number keeps the canonical encoding a fixed point
    // and avoids two files that look different meaning the same policy.
    if field.is_empty() || (field.len() > 1 && field.first() == Some(&b'0')) {
        return None;
    }
    field.iter().try_fold(0u64, |acc, &d| {
        if d.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_canonical() {
        assert_eq!(parse_decimal(b"0"), Some(0));
        assert_eq!(parse_decimal(b"86400"), Some(86_400));
        assert_eq!(parse_decimal(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"007",
            b"+7",
            b"-1",
            b"1e3",
            b"18446744073709551616",
        ] {
            assert_eq!(parse_decimal(bad), None);
        }
    }

    #[test]
    fn thresholds() {
        assert_eq!(parse_threshold(b"all"), Ok(Threshold::All));
        assert_eq!(parse_threshold(b"any"), Ok(Threshold::Any));
        assert_eq!(parse_threshold(b"3"), Ok(Threshold::AtLeast(3)));
        for bad in [&b"0"[..], b"03", b"ALL", b"-1", b"some"] {
            assert_eq!(parse_threshold(bad), Err(ProofsError::PolicyBadThreshold));
        }
    }

    #[test]
    fn allowed_octets() {
        assert!(is_allowed_octet(b'\t'));
        assert!(is_allowed_octet(0xe2));
        assert!(!is_allowed_octet(b'\r'));
        assert!(!is_allowed_octet(0x7f));
        assert!(!is_allowed_octet(0x00));
    }
}
