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
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub reference: Reference,
    pub vendors: Vec<VendorRecord>,
    pub sub_processors: Vec<SubProcessor>,
    pub services: Vec<ServiceRecord>,
}

impl Snapshot {
    pub fn vendor(&self, id: &str) -> Option<&VendorRecord> {
        self.vendors.iter().find(|v| v.vendor.id == id)
    }
    pub fn service(&self, id: &str) -> Option<&ServiceRecord> {
        self.services.iter().find(|s| s.service.id == id)
    }
    pub fn sub_processor(&self, id: &str) -> Option<&SubProcessor> {
        self.sub_processors.iter().find(|s| s.id == id)
    }
    pub fn services_of_vendor<'a>(
        &'a self,
        vendor: &'a str,
    ) -> impl Iterator<Item = &'a ServiceRecord> + 'a {
        self.services
            .iter()
            .filter(move |s| s.service.vendor == vendor)
    }
}
