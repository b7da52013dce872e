//! Facet counts over a filtered set of services: how many services have each value, so a
//! dashboard can draw its filters with counts.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reference::Reference;
use crate::catalogue::ServiceRecord;

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

    /// Calls `f` with each value the service has for this facet, borrowed (a value may come
    /// more than once: a country both the vendor and a sub-processor use). Counting allocates
    /// nothing per service, which matters when a dashboard counts over the whole catalogue.
    pub fn each_value<'a>(
        self,
        r: &'a ServiceRecord,
        reference: &'a Reference,
        mut f: impl FnMut(&'a str),
    ) {
        match self {
            Facet::Attribute => r
                .derived
                .attributes
                .iter()
                .for_each(|a| f(a.name(reference))),
            Facet::Country => {
                r.service.locations.iter().for_each(|l| f(&l.country));
                r.service
                    .sub_processors
                    .iter()
                    .flat_map(|u| u.locations.iter())
                    .for_each(|l| f(&l.country));
            }
            Facet::SubProcessor => r.service.sub_processors.iter().for_each(|u| f(&u.id)),
            Facet::Flag => r.derived.flags.iter().for_each(|x| f(x.as_str())),
            Facet::Vendor => f(&r.service.vendor),
        }
    }
}

/// A fast non-cryptographic hash (the multiply-rotate of rustc's FxHasher) for counting, where
/// SipHash dominated. The keys are catalogue values, not attacker-chosen per request, so
/// flooding resistance is not needed here.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes(c.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// One value of a facet and how many services of the filtered set have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FacetCount {
    #[schema(example = "mail")]
    pub value: String,
    #[schema(example = 3)]
    pub count: usize,
}

/// Counts per value, most frequent first (ties by value), for each requested facet.
/// The plain walk: answers are counted by the snapshot's index (`catalogue::index`), which is
/// tested to count exactly this.
pub fn count<'a>(
    reference: &'a Reference,
    facets: &[Facet],
    services: impl Iterator<Item = &'a ServiceRecord> + Clone,
) -> BTreeMap<Facet, Vec<FacetCount>> {
    facets
        .iter()
        .map(|&facet| {
            // per value: how many services have it, and the last service counted, so that a
            // value a service has twice counts once (cheaper than sorting each service's values)
            let mut counts: HashMap<&str, (usize, usize), BuildHasherDefault<FxHasher>> =
                HashMap::default();
            for (i, r) in services.clone().enumerate() {
                facet.each_value(r, reference, |v| {
                    let (count, last) = counts.entry(v).or_insert((0, usize::MAX));
                    if *last != i {
                        *count += 1;
                        *last = i;
                    }
                });
            }
            let mut list: Vec<FacetCount> = counts
                .into_iter()
                .map(|(value, (count, _))| FacetCount {
                    value: value.to_owned(),
                    count,
                })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            (facet, list)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_service_counts_once_per_value() {
        let now = chrono::Utc::now();
        let snap = crate::catalogue::snapshot::generated_snapshot(300, 11, now, now);
        let all = [
            Facet::Attribute,
            Facet::Country,
            Facet::SubProcessor,
            Facet::Flag,
            Facet::Vendor,
        ];
        let counted = count(&snap.reference, &all, snap.all_services());
        for facet in all {
            // the same counts the slow way: a set of values per service
            let mut expected: BTreeMap<String, usize> = BTreeMap::new();
            for r in snap.all_services() {
                let mut values = BTreeSet::new();
                facet.each_value(r, &snap.reference, |v| {
                    values.insert(v.to_owned());
                });
                for v in values {
                    *expected.entry(v).or_default() += 1;
                }
            }
            let got: BTreeMap<String, usize> = counted[&facet]
                .iter()
                .map(|c| (c.value.clone(), c.count))
                .collect();
            assert_eq!(got, expected, "{facet:?}");
        }
        // every generated service stores in NO itself, and some sub-processors do too: still
        // one count per service
        let no = counted[&Facet::Country]
            .iter()
            .find(|c| c.value == "NO")
            .unwrap();
        assert_eq!(no.count, 300);
    }
}
