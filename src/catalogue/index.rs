//! Which services have each value a list filters on or a facet counts, per snapshot. Walking
//! the whole catalogue for every new filter combination, and counting facets in maps keyed by
//! strings, made varied lists and facets cost the catalogue's size on every request; with the
//! services of each value listed in advance, a filter starts from the services its rarest value
//! names, and facets are counted in plain vectors by small per-snapshot value ids. The index
//! only narrows: every candidate is still judged by `ServiceFilter::matches`, so what a query
//! means is defined in one place. It holds two lists of positions per service and value (the
//! values of each service, the services of each value), a few bytes per pair, and is made anew
//! for a snapshot whose services changed, by the first read that needs it (one pass over the
//! catalogue's values), so a burst of writes with no list read between them builds none.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::snapshot::ServiceRecord;
use crate::domain::facets::{Facet, FacetCount};
use crate::domain::query::ServiceFilter;
use crate::domain::reference::Reference;

/// The indexes of one snapshot's services, by their positions in it.
#[derive(Debug, Default)]
pub struct Index {
    /// One per facet, in `Facet` order; each is also a filter of the same name.
    facets: [Dimension; 5],
    /// Filter only: the services Feide's own catalogue links to each id.
    feide_ids: Dimension,
    /// How many services the snapshot holds.
    services: usize,
}

/// The values of one dimension and who has them. A value's id is its place in the sorted
/// `values`, so ids order like the values themselves.
#[derive(Debug, Default)]
struct Dimension {
    values: Vec<Box<str>>,
    /// Per value id, the positions of the services having it, ascending.
    services_of: Lists,
    /// Per service position, its distinct value ids.
    values_of: Lists,
}

/// Lists of numbers in one vector: list `i` is `items[starts[i]..starts[i + 1]]`.
#[derive(Debug)]
struct Lists {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Default for Lists {
    fn default() -> Self {
        Self {
            starts: vec![0],
            items: Vec::new(),
        }
    }
}

impl Lists {
    fn get(&self, i: usize) -> &[u32] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
    fn push(&mut self, list: impl IntoIterator<Item = u32>) {
        self.items.extend(list);
        self.starts.push(u32_of(self.items.len()));
    }
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4,294,967,296 services and values")
}

const FACETS: [Facet; 5] = [
    Facet::Attribute,
    Facet::Country,
    Facet::SubProcessor,
    Facet::Flag,
    Facet::Vendor,
];

impl Index {
    pub fn build(services: &[Arc<ServiceRecord>], reference: &Reference) -> Index {
        Index {
            facets: FACETS
                .map(|facet| Dimension::build(services, |r, f| facet.each_value(r, reference, f))),
            feide_ids: Dimension::build(services, |r, f| {
                r.service.feide_ids.iter().for_each(|id| f(id))
            }),
            services: services.len(),
        }
    }

    fn facet(&self, facet: Facet) -> &Dimension {
        &self.facets[FACETS.iter().position(|f| *f == facet).unwrap_or_default()]
    }

    /// The positions of the services having `value` for `facet`, ascending.
    pub fn services_with(&self, facet: Facet, value: &str) -> &[u32] {
        self.facet(facet).services_with(value)
    }

    /// The services that can match `filter` by the values it names (every service when it
    /// names none). Its other conditions are left to `ServiceFilter::matches`.
    pub fn candidates(&self, filter: &ServiceFilter) -> Candidates {
        let mut lists: Vec<&[u32]> = Vec::new();
        for a in &filter.attributes {
            lists.push(self.services_with(Facet::Attribute, a));
        }
        for f in &filter.flags {
            lists.push(self.services_with(Facet::Flag, f.as_str()));
        }
        let single = [
            (Facet::Country, &filter.country),
            (Facet::SubProcessor, &filter.sub_processor),
            (Facet::Vendor, &filter.vendor),
        ];
        for (facet, value) in single {
            if let Some(v) = value {
                lists.push(self.services_with(facet, v));
            }
        }
        if let Some(id) = &filter.feide_id {
            lists.push(self.feide_ids.services_with(id));
        }
        // the rarest value first: every later list is only probed for what is left
        lists.sort_by_key(|l| l.len());
        let Some((first, rest)) = lists.split_first() else {
            return Candidates::All(self.services);
        };
        let mut left = first.to_vec();
        for list in rest {
            left.retain(|p| list.binary_search(p).is_ok());
        }
        Candidates::Only(left)
    }

    /// Counts per value over the services at `positions`, most frequent first (ties by value),
    /// for each requested facet: what `facets::count` gives for the same services.
    pub fn count(&self, facets: &[Facet], positions: &[u32]) -> BTreeMap<Facet, Vec<FacetCount>> {
        facets
            .iter()
            .map(|&facet| {
                let d = self.facet(facet);
                let mut counts = vec![0u32; d.values.len()];
                for &p in positions {
                    for &id in d.values_of.get(p as usize) {
                        counts[id as usize] += 1;
                    }
                }
                let mut found: Vec<(u32, u32)> =
                    (0..).zip(counts).filter(|(_, count)| *count > 0).collect();
                // ids order like values
                found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let list = found
                    .into_iter()
                    .map(|(id, count)| FacetCount {
                        value: d.values[id as usize].to_string(),
                        count: count as usize,
                    })
                    .collect();
                (facet, list)
            })
            .collect()
    }
}

impl Dimension {
    /// `each` calls its function with every value of a service, repeats allowed.
    fn build<'a>(
        services: &'a [Arc<ServiceRecord>],
        each: impl Fn(&'a ServiceRecord, &mut dyn FnMut(&'a str)),
    ) -> Dimension {
        // ids by first sight, renumbered in value order once every value is known
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut first: Vec<&str> = Vec::new();
        let mut by_sight = Lists::default();
        let mut own: Vec<u32> = Vec::new();
        for r in services {
            own.clear();
            each(r, &mut |v| {
                let id = *seen.entry(v).or_insert_with(|| {
                    first.push(v);
                    u32_of(first.len() - 1)
                });
                own.push(id);
            });
            by_sight.push(own.iter().copied());
        }
        let mut order: Vec<u32> = (0..u32_of(first.len())).collect();
        order.sort_by_key(|&id| first[id as usize]);
        let mut renumbered = vec![0u32; order.len()];
        for (new, &old) in (0..).zip(&order) {
            renumbered[old as usize] = new;
        }
        let mut values_of = Lists::default();
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); order.len()];
        for p in 0..services.len() {
            own.clear();
            own.extend(by_sight.get(p).iter().map(|&id| renumbered[id as usize]));
            own.sort_unstable();
            own.dedup();
            for &id in &own {
                members[id as usize].push(u32_of(p));
            }
            values_of.push(own.iter().copied());
        }
        let mut services_of = Lists::default();
        for list in members {
            services_of.push(list);
        }
        values_of.items.shrink_to_fit();
        services_of.items.shrink_to_fit();
        Dimension {
            values: order.iter().map(|&id| first[id as usize].into()).collect(),
            services_of,
            values_of,
        }
    }

    fn services_with(&self, value: &str) -> &[u32] {
        match self.values.binary_search_by(|v| (**v).cmp(value)) {
            Ok(id) => self.services_of.get(id),
            Err(_) => &[],
        }
    }
}

/// The positions of the services a query's named values leave, ascending.
pub enum Candidates {
    /// Every one of this many services.
    All(usize),
    Only(Vec<u32>),
}

impl Candidates {
    pub fn len(&self) -> usize {
        match self {
            Candidates::All(total) => *total,
            Candidates::Only(list) => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The position of the `i`th service left.
    pub fn at(&self, i: usize) -> usize {
        match self {
            Candidates::All(_) => i,
            Candidates::Only(list) => list[i] as usize,
        }
    }

    /// Every position left, ascending.
    pub fn positions(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }

    /// How many services left come before the first whose position fails `pred`, for a `pred`
    /// that holds for a prefix of them.
    pub fn partition_point(&self, pred: impl Fn(usize) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.at(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::Utc;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::catalogue::snapshot::{Snapshot, Stamp, VendorRecord};
    use crate::domain::catalogue::{Check, Status};
    use crate::domain::facets;
    use crate::domain::flags::Flag;
    use crate::domain::reference::{Attribute, Sensitivity, Texts};

    /// Reference data naming every attribute the generator draws from, so that services
    /// receive attributes (a default reference knows none).
    fn reference() -> Reference {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../data/attributes.json")).unwrap();
        let text = |s: &str| Texts {
            nb: s.into(),
            nn: s.into(),
            en: s.into(),
        };
        let attributes = doc["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["name"].as_str())
            .enumerate()
            .map(|(i, name)| Attribute {
                name: name.into(),
                oid: None,
                category: "test".into(),
                sensitivity: [Sensitivity::Low, Sensitivity::Medium, Sensitivity::High][i % 3],
                multi_valued: false,
                oidc_scopes: Vec::new(),
                description: text(name),
                source: None,
                sensitivity_note: None,
            })
            .collect();
        Reference {
            attributes,
            ..Reference::default()
        }
    }

    fn stamp() -> Stamp {
        Stamp {
            revision: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn snapshot(services: usize, seed: u64) -> Snapshot {
        let reference = reference();
        let c = crate::domain::generate::catalogue(services, seed)
            .check("")
            .expect("a generated catalogue is valid");
        let services = c
            .services
            .into_iter()
            .map(|s| Arc::new(ServiceRecord::new(s, stamp(), Utc::now(), &reference)))
            .collect();
        let vendors = c
            .vendors
            .into_iter()
            .map(|vendor| VendorRecord {
                vendor,
                stamp: stamp(),
            })
            .collect();
        Snapshot::new(reference, vendors, c.sub_processors, services)
    }

    /// Every value of `facet` in the snapshot, and one no service has.
    fn vocabulary(snap: &Snapshot, facet: Facet) -> Vec<String> {
        let mut values = BTreeSet::new();
        for r in snap.all_services() {
            facet.each_value(r, &snap.reference, |v| {
                values.insert(v.to_owned());
            });
        }
        values.insert("zz-none".to_owned());
        values.into_iter().collect()
    }

    fn pick(rng: &mut StdRng, values: &[String]) -> String {
        values[rng.gen_range(0..values.len())].clone()
    }

    /// A random combination of filters, each given about as often as a dashboard would.
    fn filter(rng: &mut StdRng, snap: &Snapshot) -> ServiceFilter {
        let mut f = ServiceFilter::default();
        if rng.gen_bool(0.6) {
            let names = vocabulary(snap, Facet::Attribute);
            f.attributes = (0..rng.gen_range(1..=2))
                .map(|_| pick(rng, &names))
                .collect();
        }
        if rng.gen_bool(0.5) {
            f.country = Some(pick(rng, &vocabulary(snap, Facet::Country)));
        }
        if rng.gen_bool(0.3) {
            f.sub_processor = Some(pick(rng, &vocabulary(snap, Facet::SubProcessor)));
        }
        if rng.gen_bool(0.3) {
            f.flags = vec![Flag::ALL[rng.gen_range(0..Flag::ALL.len())]];
        }
        if rng.gen_bool(0.2) {
            f.vendor = Some(pick(rng, &vocabulary(snap, Facet::Vendor)));
        }
        if rng.gen_bool(0.1) {
            let ids: Vec<String> = snap
                .all_services()
                .flat_map(|r| r.service.feide_ids.clone())
                .chain(["1".to_owned()])
                .collect();
            f.feide_id = Some(pick(rng, &ids));
        }
        if rng.gen_bool(0.2) {
            f.sensitivity = Some(Sensitivity::High);
        }
        if rng.gen_bool(0.2) {
            f.outside_eea = Some(rng.gen_bool(0.5));
        }
        if rng.gen_bool(0.1) {
            f.status =
                Some([Status::Active, Status::Retired, Status::Unregistered][rng.gen_range(0..3)]);
        }
        f
    }

    /// The index selects and counts exactly what walking every service does.
    fn agrees_with_the_walk(snap: &Snapshot, rng: &mut StdRng, rounds: usize) {
        let all = [
            Facet::Attribute,
            Facet::Country,
            Facet::SubProcessor,
            Facet::Flag,
            Facet::Vendor,
        ];
        let mut narrowed = 0;
        for _ in 0..rounds {
            let f = filter(rng, snap);
            let walked: Vec<u32> = (0..)
                .zip(snap.all_services())
                .filter(|(_, r)| f.matches(r, "", &snap.reference))
                .map(|(p, _)| p)
                .collect();
            let candidates = snap.index().candidates(&f);
            narrowed += usize::from(candidates.len() < snap.services.len());
            let selected: Vec<u32> = candidates
                .positions()
                .filter(|&p| f.matches(&snap.services[p], "", &snap.reference))
                .map(|p| p as u32)
                .collect();
            assert_eq!(selected, walked, "{f:?}");
            let expected = facets::count(
                &snap.reference,
                &all,
                walked.iter().map(|&p| &*snap.services[p as usize]),
            );
            assert_eq!(snap.index().count(&all, &selected), expected, "{f:?}");
        }
        assert!(narrowed > rounds / 2, "most filters name an indexed value");
    }

    #[test]
    fn selects_and_counts_what_the_walk_does() {
        let mut rng = StdRng::seed_from_u64(12);
        let snap = snapshot(400, 5);
        assert!(
            vocabulary(&snap, Facet::Attribute).len() > 10,
            "services receive attributes"
        );
        agrees_with_the_walk(&snap, &mut rng, 300);
    }

    #[test]
    fn a_snapshot_after_a_write_is_indexed_anew() {
        let mut rng = StdRng::seed_from_u64(13);
        let old = snapshot(300, 6);
        // one service moves to another vendor, loses its attributes and sub-processors, and
        // one is added before every other
        let mut changed = old.services[10].service.clone();
        changed.vendor = old.services[200].service.vendor.clone();
        changed.attributes.truncate(1);
        changed.sub_processors.clear();
        let mut added = old.services[20].service.clone();
        added.id = "0-first".into();
        added.feide_ids = vec!["99999".to_owned()];
        let new = old.updated(
            Vec::new(),
            Vec::new(),
            [changed.clone(), added]
                .into_iter()
                .map(|s| ServiceRecord::new(s, stamp(), Utc::now(), &old.reference))
                .collect(),
        );
        assert_eq!(new.services[0].service.id, "0-first");
        assert_eq!(
            new.index()
                .services_with(Facet::Vendor, &changed.vendor)
                .iter()
                .filter(|&&p| new.services[p as usize].service.id == changed.id)
                .count(),
            1,
            "the moved service is listed under its new vendor"
        );
        agrees_with_the_walk(&new, &mut rng, 300);
        // the old snapshot still answers as it did
        agrees_with_the_walk(&old, &mut rng, 50);
        // a vendor renamed changes no service's values or place: the index is shared
        let mut vendor = VendorRecord::clone(&new.vendors[3]);
        vendor.vendor.name = "Nytt navn".into();
        let renamed = new.updated(vec![vendor], Vec::new(), Vec::new());
        assert!(std::ptr::eq(renamed.index(), new.index()));
        agrees_with_the_walk(&renamed, &mut rng, 50);
    }
}
