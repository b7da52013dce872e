//! Feide service ids as the Feide API publishes them.
//!
//! Feide's service information API (https://docs.feide.no/reference/apis/feide-api/services.html)
//! names a service `https://api.feide.no/2/sp/{id}`, where `id` is the identifier of the service
//! in the Feide database: a JSON string of decimal digits (the documented example is `"16540"`,
//! its provider `"136"`). The registry accepts exactly that shape, so a link can never make the
//! fetcher build a different URL (no slashes, dots or query strings reach the path).

use std::collections::HashSet;

use crate::domain::validate::FieldProblem;

/// Longest id accepted: Feide's ids are database keys, far shorter than this.
const MAX_LEN: usize = 12;

/// Why `id` is not a Feide service id, if it is not.
pub fn check(id: &str) -> Option<String> {
    if id.is_empty() || id.len() > MAX_LEN || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "`{id}` is not a Feide service id: 1 to {MAX_LEN} decimal digits, as in https://api.feide.no/2/sp/16540"
        ));
    }
    if id.starts_with('0') {
        return Some(format!(
            "`{id}` is not a Feide service id: Feide's ids have no leading zero"
        ));
    }
    None
}

/// Every problem with a service's `feide_ids` list at `at` (the list's JSON Pointer).
pub fn list_problems(p: &mut Vec<FieldProblem>, at: &str, ids: &[String]) {
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(why) = check(id) {
            p.push(FieldProblem::new(format!("{at}/{i}"), why));
        } else if !seen.insert(id.as_str()) {
            p.push(FieldProblem::new(
                format!("{at}/{i}"),
                format!("`{id}` is listed twice"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feide_documented_ids_pass_and_others_do_not() {
        for good in ["16540", "136", "1"] {
            assert_eq!(check(good), None, "{good}");
        }
        for bad in [
            "",
            "0",
            "012",
            "16540/../org",
            "16 540",
            "abc",
            "1234567890123",
            "١٢",
        ] {
            assert!(check(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn every_bad_and_repeated_id_is_named() {
        let mut p = Vec::new();
        let ids = ["16540", "x", "16540"].map(String::from);
        list_problems(&mut p, "/feide_ids", &ids);
        let pointers: Vec<_> = p.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(pointers, ["/feide_ids/1", "/feide_ids/2"]);
    }
}
