//! The one "did you mean" policy, shared by the check engine (unknown references) and the
//! macro (unknown keywords, fields, images, protocols, ...), and small wording helpers.

/// The closest candidate within a small edit distance (Damerau-Levenshtein: a swap of two
/// neighbours counts once), or a candidate the word is a prefix of (3+ letters).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| {
            (*d <= 2.max(c.len() / 3) && *d < c.len().max(word.len()))
                || (word.len() >= 3 && c.starts_with(word))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "a" or "an" before a word, by its first letter.
pub fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_and_prefixes() {
        assert_eq!(did_you_mean("frnt", ["front", "app"]), Some("front"));
        assert_eq!(
            did_you_mean("secuirty_group", ["security_group"]),
            Some("security_group")
        );
        assert_eq!(
            did_you_mean("launch", ["launch_template"]),
            Some("launch_template")
        );
        assert_eq!(did_you_mean("zzz", ["front"]), None);
        assert_eq!(article("auto scaling group"), "an");
        assert_eq!(article("VPC"), "a");
    }
}
