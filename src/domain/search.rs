//! Free-text relevance: the same ranking on every engine, since it runs here and not in SQL.
//! Case-insensitive over Unicode, so Æ/æ, Ø/ø and Å/å match.

use crate::catalogue::ServiceRecord;
use crate::texts::{Said, Text};

/// Weights per field: a hit in the service's name matters most, a justification least.
const NAME: u32 = 16;
const VENDOR: u32 = 8;
const DESCRIPTION: u32 = 2;
const PURPOSE: u32 = 2;
const JUSTIFICATION: u32 = 1;

/// Longest free-text query, in characters, and most distinct words in it: the cost of a search
/// grows with both, and no one looks for a service with more.
pub const MAX_CHARS: usize = 200;
pub const MAX_TERMS: usize = 10;

/// A free-text query as its distinct lower-case words joined by one space, or what is wrong
/// with it. Repeating a word adds nothing to find and nothing to the cost.
pub fn terms(raw: &str) -> Result<String, Said> {
    if raw.chars().count() > MAX_CHARS {
        return Err(Text::AtMostChars.with(&[("max", &MAX_CHARS)]));
    }
    let mut words: Vec<String> = Vec::new();
    for w in raw.split_whitespace().map(str::to_lowercase) {
        if !words.contains(&w) {
            words.push(w);
        }
    }
    match words.len() {
        0 => Err(Text::MustNotBeEmpty.into()),
        n if n > MAX_TERMS => Err(Text::AtMostWords.with(&[("max", &MAX_TERMS), ("given", &n)])),
        _ => Ok(words.join(" ")),
    }
}

/// The relevance of `r` for `q`: every word of `q` must occur somewhere (0 otherwise); the score
/// adds the weights of the fields each word occurs in.
pub fn score(q: &str, r: &ServiceRecord, vendor_name: &str) -> u32 {
    let s = &r.service;
    let fields: Vec<(u32, String)> = [
        (NAME, s.name.as_str()),
        (VENDOR, vendor_name),
        (DESCRIPTION, s.description.as_deref().unwrap_or("")),
    ]
    .into_iter()
    .chain(s.purposes.iter().map(|p| (PURPOSE, p.as_str())))
    .chain(
        s.attributes
            .iter()
            .filter_map(|a| a.justification.as_deref())
            .map(|j| (JUSTIFICATION, j)),
    )
    .chain(
        s.oidc_scopes
            .iter()
            .filter_map(|a| a.justification.as_deref())
            .map(|j| (JUSTIFICATION, j)),
    )
    .map(|(w, text)| (w, text.to_lowercase()))
    .collect();
    let mut total = 0;
    for word in q.split_whitespace().map(str::to_lowercase) {
        let word_score: u32 = fields
            .iter()
            .filter(|(_, text)| text.contains(&word))
            .map(|(w, _)| w)
            .sum();
        if word_score == 0 {
            return 0;
        }
        total += word_score;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_bounded_and_words_counted_once() {
        assert_eq!(terms("Kikora  kikora MATTE").as_deref(), Ok("kikora matte"));
        assert_eq!(terms(&"e ".repeat(99)).as_deref(), Ok("e"));
        assert!(terms("   ").is_err());
        assert!(terms(&"e".repeat(MAX_CHARS + 1)).is_err());
        assert!(terms("a b c d e f g h i j k").is_err());
    }
}
