//! What Feide releases to a service set against what its agreement declares. An attribute
//! counts as declared when the agreement names it, or names an OIDC scope that releases it (the
//! scope-to-attribute table of the reference data, from Feide's attribute groups:
//! https://docs.feide.no/reference/apis/attributes_feide/available_attributes.html).

use std::collections::BTreeSet;

use super::link::FeideLink;
use crate::domain::catalogue::Service;
use crate::domain::derive::resolve_attributes;
use crate::domain::reference::Reference;

/// Every attribute Feide releases to any of the links, by their last good answers, sorted.
pub fn released(links: &[FeideLink]) -> Vec<String> {
    let all: BTreeSet<&str> = links
        .iter()
        .filter_map(|l| l.released.as_ref())
        .flatten()
        .map(String::as_str)
        .collect();
    all.into_iter().map(str::to_owned).collect()
}

/// The released attributes the agreement does not declare: data that flows with no stated
/// purpose.
pub fn undeclared(service: &Service, links: &[FeideLink], reference: &Reference) -> Vec<String> {
    let declared: BTreeSet<String> = resolve_attributes(service, reference)
        .into_iter()
        .map(|a| a.name)
        .collect();
    released(links)
        .into_iter()
        .filter(|a| !declared.contains(a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(id: &str, released: &[&str]) -> FeideLink {
        FeideLink {
            released: Some(released.iter().map(|s| s.to_string()).collect()),
            ..FeideLink::unchecked(id)
        }
    }

    #[test]
    fn released_is_the_sorted_union_of_last_good_answers() {
        let links = [
            link("1", &["sn", "cn"]),
            link("2", &["cn", "mail"]),
            FeideLink::unchecked("3"),
        ];
        assert_eq!(released(&links), ["cn", "mail", "sn"]);
    }
}
