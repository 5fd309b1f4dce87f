//! The line layer of the record grammar (DESIGN §4): splitting a record text
//! into its header and `field value` lines, and checking the lines against a
//! kind's field table (known names, table order, no duplicates).
//!
//! Each record kind declares its table as a slice of [`FieldSpec`]; the
//! checks here are shared so that every kind rejects the same malformations
//! with the same error variants.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::ProofsError;

/// The first word of every record's first line.
pub(crate) const HEADER_PREFIX: &str = "sightline/v1 ";

/// One row of a kind's field table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldSpec {
    /// The field name, as written at the start of its line.
    pub(crate) name: &'static str,
    /// True if the field may appear on several consecutive lines
    /// (`target`, `scope`, and the groups of a state record).
    pub(crate) repeats: bool,
}

/// A field that appears once at most.
pub(crate) const fn one(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        repeats: false,
    }
}

/// A field that may appear on several consecutive lines.
pub(crate) const fn many(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        repeats: true,
    }
}

/// A record text split into its kind and its field lines.
pub(crate) struct Lines<'a> {
    /// The word after `sightline/v1 ` on the first line.
    pub(crate) kind: &'a str,
    /// The remaining lines, without their LF, each with its 1-based line number.
    pub(crate) body: Vec<(usize, &'a str)>,
}

/// Splits a record text into header and body lines.
///
/// The text must end in LF (it is a signed note's text, c2sp-digest §1.1),
/// contain no empty line, and start with `sightline/v1 <kind>`.
pub(crate) fn split(text: &str) -> Result<Lines<'_>, ProofsError> {
    let body = text
        .strip_suffix('\n')
        .ok_or(ProofsError::RecordMissingFinalNewline)?;
    let mut lines = body
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i.saturating_add(1), l));
    let header = lines.next().map_or("", |(_, l)| l);
    let kind = header
        .strip_prefix(HEADER_PREFIX)
        .ok_or(ProofsError::BadRecordHeader)?;
    let body: Vec<(usize, &str)> = lines.collect();
    if let Some(&(line, _)) = body.iter().find(|(_, l)| l.is_empty()) {
        return Err(ProofsError::RecordEmptyLine { line });
    }
    Ok(Lines { kind, body })
}

/// The values of a record's fields, one list per row of its table.
pub(crate) struct Fields<'a> {
    /// The table the lines were checked against.
    schema: &'static [FieldSpec],
    /// `values[i]` holds every value of `schema[i]`, in line order.
    values: Vec<Vec<&'a str>>,
}

impl<'a> Fields<'a> {
    /// Checks body lines against `schema`: every line is `name value` with a
    /// known name, names appear in table order, and a non-repeating name
    /// appears at most once.
    pub(crate) fn read(
        body: &[(usize, &'a str)],
        schema: &'static [FieldSpec],
    ) -> Result<Self, ProofsError> {
        let mut values = vec![Vec::new(); schema.len()];
        // Position in the table of the previous line's field.
        let mut last: Option<usize> = None;
        for &(line, text) in body {
            let (name, value) = text
                .split_once(' ')
                .ok_or(ProofsError::MissingFieldValue { line })?;
            let pos = schema
                .iter()
                .position(|f| f.name == name)
                .ok_or(ProofsError::UnknownField { line })?;
            let field = schema.get(pos).map_or("", |f| f.name);
            match last {
                Some(prev) if pos < prev => {
                    return Err(ProofsError::FieldOutOfOrder { field, line });
                }
                Some(prev) if pos == prev && !schema.get(pos).is_some_and(|f| f.repeats) => {
                    return Err(ProofsError::DuplicateField { field, line });
                }
                _ => {}
            }
            last = Some(pos);
            if let Some(slot) = values.get_mut(pos) {
                slot.push(value);
            }
        }
        Ok(Self { schema, values })
    }

    /// The values of the field `name` (empty if absent).
    fn all(&self, name: &str) -> &[&'a str] {
        self.schema
            .iter()
            .position(|f| f.name == name)
            .and_then(|pos| self.values.get(pos))
            .map_or(&[], Vec::as_slice)
    }

    /// The value of a field that must be present.
    pub(crate) fn required(&self, name: &'static str) -> Result<&'a str, ProofsError> {
        self.optional(name)
            .ok_or(ProofsError::MissingField { field: name })
    }

    /// The value of a field that may be absent.
    pub(crate) fn optional(&self, name: &str) -> Option<&'a str> {
        self.all(name).first().copied()
    }

    /// The values of a repeating field that must appear at least once.
    pub(crate) fn at_least_one(&self, name: &'static str) -> Result<&[&'a str], ProofsError> {
        let all = self.all(name);
        if all.is_empty() {
            return Err(ProofsError::MissingField { field: name });
        }
        Ok(all)
    }

    /// The values of a repeating field that may be absent.
    pub(crate) fn any(&self, name: &str) -> &[&'a str] {
        self.all(name)
    }
}

/// Parses each value and rejects repeated values: the same target or scope
/// twice says nothing new and would give one record two encodings. Values
/// are canonical text, so equal values are equal strings.
pub(crate) fn parse_distinct<T>(
    values: &[&str],
    field: &'static str,
    parse: impl Fn(&str) -> Result<T, ProofsError>,
) -> Result<Vec<T>, ProofsError> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values {
        let item = parse(v)?;
        if !seen.insert(*v) {
            return Err(ProofsError::DuplicateValue { field });
        }
        out.push(item);
    }
    Ok(out)
}

/// Builds canonical record text, line by line.
pub(crate) struct Writer(String);

impl Writer {
    /// Starts a record of the given kind.
    pub(crate) fn new(kind: &str) -> Self {
        let mut s = String::new();
        s.push_str(HEADER_PREFIX);
        s.push_str(kind);
        s.push('\n');
        Self(s)
    }

    /// Appends `name value\n`.
    pub(crate) fn field(&mut self, name: &str, value: impl core::fmt::Display) -> &mut Self {
        // Writing to a String cannot fail.
        let _ = writeln!(self.0, "{name} {value}");
        self
    }

    /// The finished text.
    pub(crate) fn finish(self) -> String {
        self.0
    }
}
