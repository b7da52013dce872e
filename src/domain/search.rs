//! Free-text relevance: the same ranking on every engine, since it runs here and not in SQL.
//! Case-insensitive over Unicode, so Æ/æ, Ø/ø and Å/å match.

use super::profile::ServiceRecord;

/// Weights per field: a hit in the service's name matters most, a justification least.
const NAME: u32 = 16;
const VENDOR: u32 = 8;
const DESCRIPTION: u32 = 2;
const PURPOSE: u32 = 2;
const JUSTIFICATION: u32 = 1;

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
