//! What Feide releases to a service set against what its agreement declares. An attribute
//! counts as declared when the agreement names it, or names an OIDC scope that releases it (the
//! scope-to-attribute table of the reference data, from Feide's attribute groups:
//! https://docs.feide.no/reference/apis/attributes_feide/available_attributes.html).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::link::FeideLink;
use crate::catalogue::ServiceRecord;
use crate::domain::catalogue::{Service, Status};
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
    if service.status == Status::Unregistered {
        // no agreement is registered yet: nothing is declared, so nothing can be undeclared
        return Vec::new();
    }
    let declared: BTreeSet<String> = resolve_attributes(service, reference)
        .into_iter()
        .map(|a| a.name)
        .collect();
    released(links)
        .into_iter()
        .filter(|a| !declared.contains(a))
        .collect()
}

/// Both sides of the cross-check for one service, for comparisons and portfolio reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeideSides {
    /// The registry service's id.
    #[schema(example = "sykkeldyktig")]
    pub service: String,
    /// Attributes Feide releases to it (all its linked Feide services), sorted.
    #[schema(example = json!(["cn", "norEduPersonNIN"]))]
    pub released: Vec<String>,
    /// Of those, the ones its agreement does not declare.
    #[schema(example = json!(["norEduPersonNIN"]))]
    pub undeclared: Vec<String>,
}

impl FeideSides {
    /// None for a service linked to no Feide id.
    pub fn of(r: &ServiceRecord, reference: &Reference) -> Option<Self> {
        (!r.feide.is_empty()).then(|| Self {
            service: r.service.id.to_string(),
            released: released(&r.feide),
            undeclared: undeclared(&r.service, &r.feide, reference),
        })
    }
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
