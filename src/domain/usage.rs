//! Who uses what, found in one pass over the catalogue: for each sub-processor and each country,
//! the services whose data it handles. A page of sub-processors or countries then costs one pass
//! over the services, not one per entry of the whole collection.

use std::collections::{BTreeSet, HashMap};

use crate::catalogue::{ServiceRecord, Snapshot};

pub struct Usage<'a> {
    sub_processors: HashMap<&'a str, SubProcessorUsage<'a>>,
    countries: HashMap<&'a str, Vec<&'a ServiceRecord>>,
}

/// The services using one sub-processor, and where they have it handle data.
#[derive(Default)]
pub struct SubProcessorUsage<'a> {
    /// Ordered by service id, each once.
    pub services: Vec<&'a ServiceRecord>,
    pub countries: BTreeSet<&'a str>,
}

impl<'a> Usage<'a> {
    pub fn of(snapshot: &'a Snapshot) -> Self {
        let mut sub_processors: HashMap<&'a str, SubProcessorUsage<'a>> = HashMap::new();
        let mut countries: HashMap<&'a str, Vec<&'a ServiceRecord>> = HashMap::new();
        for record in &snapshot.services {
            let record: &'a ServiceRecord = record;
            let service = &record.service;
            let mut reached: Vec<&'a str> = service
                .locations
                .iter()
                .map(|l| l.country.as_str())
                .collect();
            for u in service.sub_processors.iter() {
                let used = sub_processors.entry(u.id.as_str()).or_default();
                if !used
                    .services
                    .last()
                    .is_some_and(|last| std::ptr::eq(*last, record))
                {
                    used.services.push(record);
                }
                for l in u.locations.iter() {
                    used.countries.insert(l.country.as_str());
                    reached.push(l.country.as_str());
                }
            }
            reached.sort_unstable();
            reached.dedup();
            for code in reached {
                countries.entry(code).or_default().push(record);
            }
        }
        Self {
            sub_processors,
            countries,
        }
    }

    /// The services using sub-processor `id` and their countries; None when no service does.
    pub fn of_sub_processor(&self, id: &str) -> Option<&SubProcessorUsage<'a>> {
        self.sub_processors.get(id)
    }

    /// The services whose data the vendor or a sub-processor handles in country `code`, by id.
    pub fn services_in(&self, code: &str) -> &[&'a ServiceRecord] {
        self.countries.get(code).map_or(&[], Vec::as_slice)
    }
}
