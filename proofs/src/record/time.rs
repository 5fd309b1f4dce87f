//! [`Timestamp`]: the record time format (DESIGN §4), RFC 3339 UTC to the
//! second, converted to and from POSIX seconds by hand.
//!
//! The conversion is pure calendar arithmetic on the proleptic Gregorian
//! calendar (the civil-from-days / days-from-civil algorithms), so it needs no
//! clock, no time-zone database and no allocation.

use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use crate::ProofsError;

/// The latest representable time, `9999-12-31T23:59:59Z`: the text form has a
/// four-digit year, so nothing later can be written down.
const MAX_UNIX: u64 = 253_402_300_799;

/// Length of `YYYY-MM-DDTHH:MM:SSZ`.
const TEXT_LEN: usize = 20;

/// Seconds in a day. POSIX time ignores leap seconds, so every day has
/// exactly this many, which is why `:60` is rejected below.
const DAY: u64 = 86_400;

/// A record time: whole POSIX seconds between `1970-01-01T00:00:00Z` and
/// `9999-12-31T23:59:59Z` (DESIGN §4).
///
/// Its only text form is strict RFC 3339 in UTC to the second,
/// `YYYY-MM-DDTHH:MM:SSZ`: no fractions, no offsets, no lowercase `t`/`z`,
/// no leap second, and every date must exist (no February 30). Because both
/// the text form and the number are unique, `parse(to_string(t)) == t` and
/// `to_string(parse(s)) == s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(u64);

impl Timestamp {
    /// Wraps POSIX seconds.
    ///
    /// Spec: DESIGN §4 (times).
    ///
    /// # Errors
    /// [`ProofsError::TimestampOutOfRange`] if `secs` is after
    /// `9999-12-31T23:59:59Z`, which has no four-digit-year text form.
    pub fn from_unix(secs: u64) -> Result<Self, ProofsError> {
        if secs > MAX_UNIX {
            return Err(ProofsError::TimestampOutOfRange);
        }
        Ok(Self(secs))
    }

    /// The time as POSIX seconds.
    pub const fn as_unix(self) -> u64 {
        self.0
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// Spec: DESIGN §4 (times are RFC 3339 UTC to the second with `Z`).
    ///
    /// # Errors
    /// [`ProofsError::BadTimestamp`] if the text is not exactly that shape,
    /// names a date that does not exist, a year before 1970, an hour over 23,
    /// a minute over 59 or a second over 59.
    pub fn parse(text: &str) -> Result<Self, ProofsError> {
        let b = text.as_bytes();
        if b.len() != TEXT_LEN {
            return Err(ProofsError::BadTimestamp);
        }
        // Fixed separators at fixed offsets; anything else is not our format.
        for (pos, want) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'Z'),
        ] {
            if b.get(pos) != Some(&want) {
                return Err(ProofsError::BadTimestamp);
            }
        }
        let year = digits(b, 0, 4)?;
        let month = digits(b, 5, 2)?;
        let day = digits(b, 8, 2)?;
        let hour = digits(b, 11, 2)?;
        let minute = digits(b, 14, 2)?;
        let second = digits(b, 17, 2)?;
        if year < 1970
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(ProofsError::BadTimestamp);
        }
        // Every component is bounded above (year <= 9999), so none of the
        // arithmetic below can overflow a u64.
        let secs = days_from_civil(year, month, day) * DAY + hour * 3600 + minute * 60 + second;
        Ok(Self(secs))
    }
}

impl FromStr for Timestamp {
    type Err = ProofsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Timestamp {
    /// Writes the canonical `YYYY-MM-DDTHH:MM:SSZ` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0 / DAY;
        let rem = self.0 % DAY;
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> Self {
        alloc::format!("{t}")
    }
}

/// Reads `len` ASCII digits starting at `start`.
fn digits(b: &[u8], start: usize, len: usize) -> Result<u64, ProofsError> {
    let field = b
        .get(start..start.saturating_add(len))
        .ok_or(ProofsError::BadTimestamp)?;
    field.iter().try_fold(0u64, |acc, &c| {
        if c.is_ascii_digit() {
            // At most four digits: no overflow possible.
            Ok(acc * 10 + u64::from(c - b'0'))
        } else {
            Err(ProofsError::BadTimestamp)
        }
    })
}

/// Gregorian leap-year rule.
const fn is_leap(year: u64) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` (1..=12) of `year`.
const fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a valid date with `year >= 1970`.
///
/// The year is counted from March so that the leap day falls at the end;
/// 719,468 is the day number of 1970-01-01 in that count from year 0.
const fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day) of a day number.
const fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn known_instants() {
        // Values checked against `date -u -d @N +%Y-%m-%dT%H:%M:%SZ`.
        for (text, secs) in [
            ("1970-01-01T00:00:00Z", 0),
            ("2000-02-29T12:34:56Z", 951_827_696),
            ("2023-11-14T22:13:20Z", 1_700_000_000),
            ("2038-01-19T03:14:08Z", 2_147_483_648),
            ("2100-03-01T00:00:00Z", 4_107_542_400),
            ("9999-12-31T23:59:59Z", MAX_UNIX),
        ] {
            let t = Timestamp::parse(text).unwrap();
            assert_eq!(t.as_unix(), secs, "{text}");
            assert_eq!(t.to_string(), text);
            assert_eq!(Timestamp::from_unix(secs).unwrap(), t);
        }
    }

    #[test]
    fn rejects_bad_text() {
        for text in [
            "",
            "1970-01-01T00:00:00",
            "1970-01-01t00:00:00Z",
            "1970-01-01T00:00:00z",
            "1970-01-01 00:00:00Z",
            "1970-01-01T00:00:00.0Z",
            "1970-01-01T00:00:00+00:00",
            "1969-12-31T23:59:59Z",
            "2023-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-00-10T00:00:00Z",
            "2024-13-10T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z",
            "2016-12-31T23:59:60Z",
            "+024-01-01T00:00:00Z",
            "2024-1-01T00:00:00ZZ",
            "٢٠٢٤-01-01T00:00:00Z",
        ] {
            assert_eq!(
                Timestamp::parse(text),
                Err(ProofsError::BadTimestamp),
                "{text:?}"
            );
        }
        assert!(Timestamp::parse("2024-02-29T00:00:00Z").is_ok());
        assert!(Timestamp::parse("2000-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn range_limit() {
        assert_eq!(
            Timestamp::from_unix(MAX_UNIX + 1),
            Err(ProofsError::TimestampOutOfRange)
        );
    }

    #[test]
    fn every_day_boundary_round_trips() {
        // One instant per day across 1970..2500 and a few around the end.
        let mut secs = 0;
        while secs <= MAX_UNIX {
            let t = Timestamp::from_unix(secs).unwrap();
            assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
            secs += DAY * 37 + 3601;
        }
    }
}
