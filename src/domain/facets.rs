//! Facet counts over a filtered set of services: how many services have each value, so a
//! dashboard can draw its filters with counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::profile::ServiceRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Attribute,
    Country,
    SubProcessor,
    Flag,
    Vendor,
}

impl Facet {
    pub fn parse(s: &str) -> Option<Facet> {
        match s {
            "attribute" => Some(Facet::Attribute),
            "country" => Some(Facet::Country),
            "sub_processor" => Some(Facet::SubProcessor),
            "flag" => Some(Facet::Flag),
            "vendor" => Some(Facet::Vendor),
            _ => None,
        }
    }

    /// The distinct values one service has for this facet.
    /// The service's distinct values of this facet, borrowed: counting allocates nothing per
    /// service, which matters when a dashboard counts over the whole catalogue.
    fn values(self, r: &ServiceRecord) -> Vec<&str> {
        let mut v: Vec<&str> = match self {
            Facet::Attribute => r
                .derived
                .attributes
                .iter()
                .map(|a| a.name.as_str())
                .collect(),
            Facet::Country => {
                let own = r.service.locations.iter().map(|l| l.country.as_str());
                let subs = r
                    .service
                    .sub_processors
                    .iter()
                    .flat_map(|u| u.locations.iter())
                    .map(|l| l.country.as_str());
                own.chain(subs).collect()
            }
            Facet::SubProcessor => r
                .service
                .sub_processors
                .iter()
                .map(|u| u.id.as_str())
                .collect(),
            Facet::Flag => r.derived.flags.iter().map(|f| f.as_str()).collect(),
            Facet::Vendor => vec![r.service.vendor.as_str()],
        };
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// One value of a facet and how many services of the filtered set have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FacetCount {
    #[schema(example = "mail")]
    pub value: String,
    #[schema(example = 3)]
    pub count: usize,
}

/// Counts per value, most frequent first (ties by value), for each requested facet.
pub fn count<'a>(
    facets: &[Facet],
    services: impl Iterator<Item = &'a ServiceRecord> + Clone,
) -> BTreeMap<Facet, Vec<FacetCount>> {
    facets
        .iter()
        .map(|&facet| {
            let mut counts: std::collections::HashMap<&str, usize> = Default::default();
            for r in services.clone() {
                for v in facet.values(r) {
                    *counts.entry(v).or_default() += 1;
                }
            }
            let mut list: Vec<FacetCount> = counts
                .into_iter()
                .map(|(value, count)| FacetCount {
                    value: value.to_owned(),
                    count,
                })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            (facet, list)
        })
        .collect()
}
