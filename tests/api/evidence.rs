//! Every fact the registry serves about a seeded service is traceable to its agreement: each
//! non-null term, each location and each conflicting clause carries the agreement's words, and
//! every quote (terms, locations, transfer bases, justifications, the agreement's other
//! statements) is found in the agreement's text in `data/agreements/`, read back through the API
//! on both engines. The registry's own notes are its words, and are not quoted.
//! Comparison ignores case, line breaks, markdown emphasis and typographic quotes, and reads the
//! scans' known OCR errors as the words they stand for (`OCR`); nothing else is forgiven.

use std::path::PathBuf;

use feide_registry::domain::catalogue::Statements;
use feide_registry::http::views::{ServiceList, ServiceProfile};

use crate::helpers::TestApp;

/// OCR errors in the scanned agreements and words broken across lines by their layout, as
/// (document, printed, meant): a quote may use the meant words (the seeds' README names the kind).
const OCR: &[(&str, &str, &str)] = &[
    ("000_47f5af4630c50259.txt", "Leaming", "Learning"),
    (
        "000_47f5af4630c50259.txt",
        "frist på i måned)",
        "frist på 1 måned",
    ),
    ("000_47f5af4630c50259.txt", "vemeting", "verneting"),
    (
        "002_d6278318e9e8ee5e.txt",
        "operational:merge:\n",
        "operational:merge:",
    ),
];

/// The text of an agreement, as quotes are compared with it.
fn agreement(document: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/agreements")
        .join(document);
    let mut text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (doc, printed, meant) in OCR {
        if *doc == document {
            text = text.replace(printed, meant);
        }
    }
    normalise(&text)
}

/// Lower case, one space for any run of white space, no markdown emphasis or list bullets,
/// straight quotes, and words split by a hyphen at a line end joined again.
fn normalise(text: &str) -> String {
    let joined = text
        .replace("-\n", "")
        .replace('\u{ad}', "")
        .replace("\n- ", "\n");
    let plain: String = joined
        .chars()
        .filter(|c| !matches!(c, '*' | '_'))
        .map(|c| match c {
            '«' | '»' | '“' | '”' | '„' => '"',
            '’' | '‘' => '\'',
            c => c,
        })
        .collect();
    plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Where `quote` is missing from `text`: each part between `[...]` elisions must be found, in
/// order.
fn missing(text: &str, quote: &str) -> Option<String> {
    let mut from = 0;
    for part in quote.split("[...]") {
        let part = normalise(part);
        if part.is_empty() {
            continue;
        }
        match text[from..].find(&part) {
            Some(at) => from += at + part.len(),
            None => return Some(part),
        }
    }
    None
}

/// Every (what, quote) of a profile that must be found in its agreement, and every fact that has
/// no quote.
fn quotes(profile: &ServiceProfile) -> (Vec<(String, String)>, Vec<String>) {
    let mut found = Vec::new();
    let mut unquoted = Vec::new();
    let terms = serde_json::to_value(&profile.terms).expect("terms serialise");
    for (term, value) in terms.as_object().expect("terms are an object") {
        // `stated` holds the same terms in the agreement's units, quoted under their own names;
        // each conflict's readings carry their own words
        if ["evidence", "stated", "conflicts"].contains(&term.as_str()) || value.is_null() {
            continue;
        }
        match profile.terms.evidence.get(term) {
            Some(words) => found.push((format!("terms.{term}"), words.clone())),
            None => unquoted.push(format!("terms.{term}")),
        }
    }
    for c in &profile.terms.conflicts {
        for r in &c.readings {
            found.push((format!("terms.conflicts {}", c.term), r.evidence.clone()));
        }
    }
    let mut located = Vec::new();
    for (i, l) in profile.locations.iter().enumerate() {
        located.push((format!("locations/{i} {}", l.country), &l.evidence));
    }
    for u in &profile.sub_processors {
        for l in &u.locations {
            located.push((
                format!("sub-processor {} in {}", u.id, l.country),
                &l.evidence,
            ));
        }
        if let Some(words) = &u.transfer_evidence {
            found.push((format!("sub-processor {} transfer", u.id), words.clone()));
        }
        if u.transfer_mechanisms.len() > 1 && u.transfer_evidence.is_none() {
            unquoted.push(format!("sub-processor {} transfer_mechanisms", u.id));
        }
    }
    for (what, evidence) in located {
        match evidence {
            Some(words) => found.push((what, words.clone())),
            None => unquoted.push(what),
        }
    }
    for kind in Statements::KINDS {
        for sentence in profile.statements.list(kind).into_iter().flatten() {
            found.push((format!("statements.{kind}"), sentence.clone()));
        }
    }
    for a in &profile.attributes {
        if let Some(j) = &a.justification {
            found.push((format!("attribute {}", a.name), j.clone()));
        }
    }
    for s in &profile.oidc_scopes {
        if let Some(j) = &s.justification {
            found.push((format!("scope {}", s.scope), j.clone()));
        }
    }
    (found, unquoted)
}

async fn every_fact_of_a_seeded_service_is_quoted_from_its_agreement(app: TestApp) {
    let list: ServiceList = app.read("/api/v1/services").await;
    assert_eq!(list.items.len(), 5, "the five seeded services");
    let mut problems = Vec::new();
    for item in &list.items {
        let profile: ServiceProfile = app.read(&format!("/api/v1/services/{}", item.id)).await;
        let documents: Vec<&str> = profile
            .sources
            .iter()
            .filter_map(|s| s.document.as_deref())
            .collect();
        assert_eq!(documents.len(), 1, "{}: one source document", profile.id);
        let text = agreement(documents[0]);
        let (found, unquoted) = quotes(&profile);
        assert!(found.len() > 3, "{}: {found:?}", profile.id);
        for what in unquoted {
            problems.push(format!("{}: {what} has no quote", profile.id));
        }
        for (what, quote) in found {
            if let Some(part) = missing(&text, &quote) {
                problems.push(format!(
                    "{}: {what}: not in {}: {part:?}",
                    profile.id, documents[0]
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The comparison itself: a quote with one word changed is not found.
#[test]
fn a_quote_with_one_word_changed_is_not_found() {
    let text = agreement("004_e52d35370002388c.txt");
    let words = "Databehandler skal uten ugrunnet opphold og senest innen 24 timer rapportere";
    assert_eq!(missing(&text, words), None);
    assert!(missing(&text, &words.replace("24", "48")).is_some());
    assert!(missing(&text, "senest innen 24 timer [...] Databehandler skal uten").is_some());
    // OCR is read as meant only in the document it belongs to
    assert_eq!(
        missing(&agreement("000_47f5af4630c50259.txt"), "frist på 1 måned"),
        None
    );
}

on_both_engines!(every_fact_of_a_seeded_service_is_quoted_from_its_agreement);
