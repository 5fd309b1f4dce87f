//! Strict text framing shared by the line-based formats: decimal numbers
//! (tree sizes, leaf indexes and `old` values in checkpoints, witness bodies
//! and tlog-proofs, c2sp-digest §2.3, §4.2, §6.1) and LF-terminated lines.
//!
//! One decimal parser serves all of them so that `007`, `+7`, ` 7` and `7 `
//! are refused everywhere alike: each value has exactly one text form.

use crate::ProofsError;

/// Largest value accepted: tree sizes are signed 64-bit in Go and in the
/// checkpoint spec (c2sp-digest §2.3), and cosignature times likewise
/// (§3.1).
pub(crate) const MAX_DECIMAL: u64 = i64::MAX as u64;

/// Parses ASCII decimal digits with no sign, no spaces and no leading zeros
/// (`0` itself is fine), at most [`MAX_DECIMAL`].
///
/// # Errors
/// [`ProofsError::NotDecimal`] for an empty string or any non-digit;
/// [`ProofsError::DecimalLeadingZero`]; [`ProofsError::DecimalTooLarge`].
pub(crate) fn parse_decimal(text: &str) -> Result<u64, ProofsError> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(ProofsError::NotDecimal);
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return Err(ProofsError::DecimalLeadingZero);
    }
    let mut value: u64 = 0;
    for &b in bytes {
        // Checked at every step: a long run of digits overflows u64 itself,
        // not only the i64 bound tested below.
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or(ProofsError::DecimalTooLarge)?;
    }
    if value > MAX_DECIMAL {
        return Err(ProofsError::DecimalTooLarge);
    }
    Ok(value)
}

/// Rejects values that [`parse_decimal`] would refuse to read back, so that
/// encoders never emit what decoders reject.
///
/// # Errors
/// [`ProofsError::DecimalTooLarge`] above [`MAX_DECIMAL`].
pub(crate) fn check_decimal(value: u64) -> Result<u64, ProofsError> {
    if value > MAX_DECIMAL {
        return Err(ProofsError::DecimalTooLarge);
    }
    Ok(value)
}

/// Splits off one LF-terminated line, without its LF. `None` if there is no
/// LF, which callers turn into their own "missing line" error.
pub(crate) fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = bytes.iter().position(|&b| b == b'\n')?;
    // `end` indexes an LF inside `bytes`, so both ranges are in bounds.
    Some((bytes.get(..end)?, bytes.get(end + 1..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_and_rejects_the_rest() {
        assert_eq!(parse_decimal("0"), Ok(0));
        assert_eq!(parse_decimal("65664258"), Ok(65_664_258));
        assert_eq!(parse_decimal("9223372036854775807"), Ok(MAX_DECIMAL));
        assert_eq!(
            parse_decimal("9223372036854775808"),
            Err(ProofsError::DecimalTooLarge)
        );
        assert_eq!(
            parse_decimal("99999999999999999999999"),
            Err(ProofsError::DecimalTooLarge)
        );
        assert_eq!(parse_decimal("007"), Err(ProofsError::DecimalLeadingZero));
        assert_eq!(parse_decimal("00"), Err(ProofsError::DecimalLeadingZero));
        for bad in ["", "+7", " 7", "7 ", "-1", "0x1", "1e3", "\u{661}"] {
            assert_eq!(parse_decimal(bad), Err(ProofsError::NotDecimal), "{bad:?}");
        }
        assert_eq!(check_decimal(MAX_DECIMAL), Ok(MAX_DECIMAL));
        assert_eq!(check_decimal(u64::MAX), Err(ProofsError::DecimalTooLarge));
    }
}
