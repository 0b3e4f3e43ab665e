//! Validation of the `{name}` path segment.
//!
//! The raw segment (as sent, percent-encoded) is decoded strictly: every `%` must start a
//! valid `%XX` escape and the decoded bytes must be UTF-8. The decoded name must then be
//! non-blank, at most [`MAX_NAME_CHARS`] characters, and free of control characters.
//! Every failure is a [`NameError`] whose `Display` is the JSON 400's `error` text.

use std::fmt;

/// Longest accepted name, in Unicode scalar values (characters) after percent-decoding.
/// 64 covers any real first name with room to spare and keeps responses small.
pub const MAX_NAME_CHARS: usize = 64;

/// Upper bound on the raw (encoded) segment checked before decoding: 4 UTF-8 bytes per char,
/// 3 raw bytes (`%XX`) per byte. Longer raw input cannot decode to a valid name.
const MAX_RAW_BYTES: usize = MAX_NAME_CHARS * 4 * 3;

/// Why a name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong { chars: usize },
    RawTooLong,
    BadPercentEncoding,
    InvalidUtf8,
    ControlCharacter { position: usize },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str("name must not be empty or blank"),
            NameError::TooLong { chars } => write!(
                f,
                "name is too long: {chars} characters, the limit is {MAX_NAME_CHARS}"
            ),
            NameError::RawTooLong => write!(
                f,
                "name is too long: the limit is {MAX_NAME_CHARS} characters"
            ),
            NameError::BadPercentEncoding => f.write_str(
                "name has invalid percent-encoding: '%' must be followed by two hex digits",
            ),
            NameError::InvalidUtf8 => f.write_str("name is not valid UTF-8 once percent-decoded"),
            NameError::ControlCharacter { position } => write!(
                f,
                "name contains a control character at character {position}"
            ),
        }
    }
}

impl std::error::Error for NameError {}

/// Strict percent-decoding: `%XX` escapes only (no `+` for space, as in a path).
pub fn percent_decode(raw: &str) -> Result<Vec<u8>, NameError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16));
            let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16));
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(NameError::BadPercentEncoding),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Decodes and validates a raw path segment; returns the name to greet.
pub fn parse_name(raw: &str) -> Result<String, NameError> {
    if raw.len() > MAX_RAW_BYTES {
        return Err(NameError::RawTooLong);
    }
    let name = String::from_utf8(percent_decode(raw)?).map_err(|_| NameError::InvalidUtf8)?;
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(NameError::TooLong { chars });
    }
    if let Some(position) = name.chars().position(char::is_control) {
        return Err(NameError::ControlCharacter { position });
    }
    if name.trim().is_empty() {
        return Err(NameError::Empty);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_accepts() {
        assert_eq!(parse_name("Ada").unwrap(), "Ada");
        assert_eq!(parse_name("Ada%20Lovelace").unwrap(), "Ada Lovelace");
        assert_eq!(parse_name("Fran%C3%A7oise").unwrap(), "Françoise");
        assert_eq!(parse_name("a%2Fb").unwrap(), "a/b");
        assert_eq!(parse_name("a+b").unwrap(), "a+b");
        assert_eq!(
            parse_name(&"é".repeat(MAX_NAME_CHARS))
                .unwrap()
                .chars()
                .count(),
            64
        );
    }

    #[test]
    fn rejects_each_bad_class() {
        assert_eq!(parse_name(""), Err(NameError::Empty));
        assert_eq!(parse_name("%20%20"), Err(NameError::Empty));
        assert_eq!(
            parse_name(&"a".repeat(65)),
            Err(NameError::TooLong { chars: 65 })
        );
        assert_eq!(parse_name(&"a".repeat(10_000)), Err(NameError::RawTooLong));
        assert_eq!(parse_name("%"), Err(NameError::BadPercentEncoding));
        assert_eq!(parse_name("a%2"), Err(NameError::BadPercentEncoding));
        assert_eq!(parse_name("a%zz"), Err(NameError::BadPercentEncoding));
        assert_eq!(parse_name("%FF"), Err(NameError::InvalidUtf8));
        assert_eq!(parse_name("%C3"), Err(NameError::InvalidUtf8));
        assert_eq!(
            parse_name("a%00b"),
            Err(NameError::ControlCharacter { position: 1 })
        );
        assert_eq!(
            parse_name("a%0Ab"),
            Err(NameError::ControlCharacter { position: 1 })
        );
        assert_eq!(
            parse_name("%7F"),
            Err(NameError::ControlCharacter { position: 0 })
        );
        assert_eq!(
            parse_name("%C2%85"),
            Err(NameError::ControlCharacter { position: 0 })
        );
    }
}
