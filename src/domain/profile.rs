//! A stored entry with its bookkeeping, and the facts derived from it.

use chrono::{DateTime, Utc};

use super::catalogue::{Service, SubProcessor, Vendor};
use super::derive::{resolve_attributes, storage_countries, third_countries, ResolvedAttribute};
use super::flags::{flags, Flag};
use super::reference::Reference;

#[derive(Debug, Clone)]
pub struct Stamp {
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct VendorRecord {
    pub vendor: Vendor,
    pub stamp: Stamp,
}

#[derive(Debug, Clone)]
pub struct ServiceRecord {
    pub service: Service,
    pub stamp: Stamp,
    pub derived: Derived,
}

#[derive(Debug, Clone)]
pub struct Derived {
    pub attributes: Vec<ResolvedAttribute>,
    pub storage_countries: Vec<String>,
    pub third_countries: Vec<String>,
    pub flags: Vec<Flag>,
}

impl Derived {
    pub fn compute(
        service: &Service,
        updated_at: DateTime<Utc>,
        now: DateTime<Utc>,
        reference: &Reference,
    ) -> Self {
        let attributes = resolve_attributes(service, reference);
        let third = third_countries(service, reference);
        let flags = flags(service, &attributes, &third, updated_at, now, reference);
        Self {
            storage_countries: storage_countries(service),
            third_countries: third,
            attributes,
            flags,
        }
    }
}

/// The whole catalogue as read in one transaction: what every read endpoint answers from.
/// Entries are sorted by id (in Rust, so the order does not depend on a database collation) and
/// looked up by binary search; services are also indexed by vendor.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub reference: Reference,
    pub vendors: Vec<VendorRecord>,
    pub sub_processors: Vec<SubProcessor>,
    pub services: Vec<ServiceRecord>,
    by_vendor: std::collections::HashMap<String, Vec<usize>>,
}

impl Snapshot {
    pub fn new(
        reference: Reference,
        mut vendors: Vec<VendorRecord>,
        mut sub_processors: Vec<SubProcessor>,
        mut services: Vec<ServiceRecord>,
    ) -> Self {
        vendors.sort_by(|a, b| a.vendor.id.cmp(&b.vendor.id));
        sub_processors.sort_by(|a, b| a.id.cmp(&b.id));
        services.sort_by(|a, b| a.service.id.cmp(&b.service.id));
        let mut by_vendor: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, s) in services.iter().enumerate() {
            by_vendor
                .entry(s.service.vendor.clone())
                .or_default()
                .push(i);
        }
        Self {
            reference,
            vendors,
            sub_processors,
            services,
            by_vendor,
        }
    }
    pub fn vendor(&self, id: &str) -> Option<&VendorRecord> {
        self.vendors
            .binary_search_by(|v| v.vendor.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.vendors[i])
    }
    pub fn service(&self, id: &str) -> Option<&ServiceRecord> {
        self.services
            .binary_search_by(|s| s.service.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.services[i])
    }
    pub fn sub_processor(&self, id: &str) -> Option<&SubProcessor> {
        self.sub_processors
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.sub_processors[i])
    }
    pub fn services_of_vendor<'a>(
        &'a self,
        vendor: &str,
    ) -> impl Iterator<Item = &'a ServiceRecord> + 'a {
        self.by_vendor
            .get(vendor)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|i| &self.services[*i])
    }
}
