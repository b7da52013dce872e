//! The catalogue as of one version: every entry with its bookkeeping and the facts derived
//! from it, sorted by id. Immutable: a write makes a new snapshot that shares every entry it did
//! not touch with the old one.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use super::index::Index;
use crate::domain::catalogue::{Service, Status, SubProcessor, Vendor};
use crate::domain::derive::{resolve_attributes, storage_countries, third_countries, Received};
use crate::domain::facets::Facet;
use crate::domain::flags::{flags, stale_before, Flag};
use crate::domain::reference::Reference;

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

/// A service as held in a snapshot. Not `Clone`: a record made anew (`rebuilt`) gets a key of
/// its own, so that renderings kept for the old one (`renders`) are never served for it.
#[derive(Debug)]
pub struct ServiceRecord {
    pub service: Service,
    pub stamp: Stamp,
    pub derived: Derived,
    /// Unique to this record in this process: what its renderings are kept under.
    pub key: u64,
    /// What Feide's own catalogue says about each of the service's `feide_ids`, in their order.
    pub feide: Vec<crate::feide::link::FeideLink>,
    /// Announced changes of its sub-processors not yet in effect, soonest first.
    pub announcements: Vec<crate::domain::announcements::PendingAnnouncement>,
}

static RECORD_KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_key() -> u64 {
    RECORD_KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl ServiceRecord {
    /// A record of `service`, derived as of `now`. Every list in the entry is cut to its length:
    /// a catalogue is held for hours, and the slack growing vectors leave adds up.
    pub fn new(
        mut service: Service,
        stamp: Stamp,
        now: DateTime<Utc>,
        reference: &Reference,
    ) -> Self {
        service.shrink_to_fit();
        let derived = Derived::compute(&service, stamp.updated_at, now, reference);
        Self {
            service,
            stamp,
            derived,
            key: next_key(),
            feide: Vec::new(),
            announcements: Vec::new(),
        }
    }

    /// The record with the announced changes of its sub-processors still to come.
    pub fn with_announcements(
        mut self,
        announcements: Vec<crate::domain::announcements::PendingAnnouncement>,
    ) -> Self {
        self.announcements = announcements;
        self
    }

    /// The record with what Feide says about its linked services, and the flag that compares
    /// it with the agreement.
    pub fn with_feide(
        mut self,
        feide: Vec<crate::feide::link::FeideLink>,
        reference: &Reference,
    ) -> Self {
        self.feide = feide;
        self.flag_undeclared(reference);
        self
    }

    /// `undeclared_attribute` is the one flag that reads Feide's answers, not the entry alone.
    fn flag_undeclared(&mut self, reference: &Reference) {
        let flags = &mut self.derived.flags;
        flags.retain(|f| *f != Flag::UndeclaredAttribute);
        if self.service.status != Status::Unregistered
            && !crate::feide::crosscheck::undeclared(&self.service, &self.feide, reference)
                .is_empty()
        {
            flags.push(Flag::UndeclaredAttribute);
            flags.sort_by_key(|f| Flag::ALL.iter().position(|x| x == f));
        }
    }

    /// The same entry as a new record: for one whose answers change although the entry did not
    /// (its vendor or a sub-processor was renamed), or derived anew as of `now`.
    pub fn rebuilt(&self, now: Option<(DateTime<Utc>, &Reference)>) -> Self {
        let mut record = Self {
            service: self.service.clone(),
            stamp: self.stamp.clone(),
            derived: match now {
                Some((now, reference)) => {
                    Derived::compute(&self.service, self.stamp.updated_at, now, reference)
                }
                None => self.derived.clone(),
            },
            key: next_key(),
            feide: self.feide.clone(),
            announcements: self.announcements.clone(),
        };
        if let Some((_, reference)) = now {
            record.flag_undeclared(reference);
        }
        record
    }
}

#[derive(Debug, Clone)]
pub struct Derived {
    /// What the service receives, declared or through scopes, in `resolve_attributes` order;
    /// the names, justifications and scopes are built from the entry when an answer shows them.
    pub attributes: Box<[Received]>,
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
        let resolved = resolve_attributes(service, reference);
        let third = third_countries(service, reference);
        // an entry known only from Feide has no agreement to judge: no flag would be a finding
        let flags = if service.status == Status::Unregistered {
            Vec::new()
        } else {
            flags(service, &resolved, &third, updated_at, now, reference)
        };
        Self {
            storage_countries: storage_countries(service),
            third_countries: third,
            attributes: resolved.iter().map(Received::of).collect(),
            flags,
        }
    }
}

/// The whole catalogue as of one catalogue version: what every read endpoint answers from.
/// Entries are sorted by id (in Rust, so the order does not depend on a database collation) and
/// looked up by binary search; services are also indexed by the values lists filter on
/// (`index`), made for a new snapshot when a read first needs it, so that a burst of writes
/// pays for one index, not one each. Every entry sits behind its
/// own `Arc`, so the snapshot after a write shares all but the touched entries with the one
/// before (`updated`): a write costs its own size, not the catalogue's, and two snapshots cost
/// little more memory than one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub reference: Arc<Reference>,
    pub vendors: Vec<Arc<VendorRecord>>,
    pub sub_processors: Vec<Arc<SubProcessor>>,
    pub services: Vec<Arc<ServiceRecord>>,
    index: Arc<OnceLock<Index>>,
    /// Which snapshot of this process this is: later snapshots have larger numbers, so answers
    /// kept for one (`answers`) are never taken for another.
    pub generation: u64,
    /// When this process made this snapshot: a new snapshot is made only when something it
    /// shows changed, after the change, so no answer from it changed later (`Last-Modified`).
    pub changed_at: DateTime<Utc>,
}

static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Snapshot {
    /// Services come already shared: a catalogue's records are large, and moving them from one
    /// vector into their `Arc`s held them twice at the peak of a load.
    pub fn new(
        reference: Reference,
        mut vendors: Vec<VendorRecord>,
        mut sub_processors: Vec<SubProcessor>,
        mut services: Vec<Arc<ServiceRecord>>,
    ) -> Self {
        vendors.sort_by(|a, b| a.vendor.id.cmp(&b.vendor.id));
        sub_processors.sort_by(|a, b| a.id.cmp(&b.id));
        services.sort_by(|a, b| a.service.id.cmp(&b.service.id));
        Self::assemble(
            Arc::new(reference),
            shared(vendors),
            shared(sub_processors),
            services,
        )
    }

    /// A snapshot to be indexed anew: every snapshot is made here or shares the index of one
    /// that was.
    fn assemble(
        reference: Arc<Reference>,
        vendors: Vec<Arc<VendorRecord>>,
        sub_processors: Vec<Arc<SubProcessor>>,
        services: Vec<Arc<ServiceRecord>>,
    ) -> Self {
        let index = Arc::new(OnceLock::new());
        Self::assemble_with(reference, vendors, sub_processors, services, index)
    }

    fn assemble_with(
        reference: Arc<Reference>,
        vendors: Vec<Arc<VendorRecord>>,
        sub_processors: Vec<Arc<SubProcessor>>,
        services: Vec<Arc<ServiceRecord>>,
        index: Arc<OnceLock<Index>>,
    ) -> Self {
        Self {
            reference,
            vendors,
            sub_processors,
            services,
            index,
            generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            changed_at: Utc::now(),
        }
    }

    /// This snapshot with the given entries written (added or replaced), sharing every other
    /// entry. Services that show a changed vendor or sub-processor are rebuilt too, so their
    /// renderings are made anew.
    pub fn updated(
        &self,
        vendors: Vec<VendorRecord>,
        sub_processors: Vec<SubProcessor>,
        services: Vec<ServiceRecord>,
    ) -> Snapshot {
        let vendor_ids: HashSet<crate::domain::ids::VendorId> =
            vendors.iter().map(|v| v.vendor.id.clone()).collect();
        let sub_ids: HashSet<crate::domain::ids::SubProcessorId> =
            sub_processors.iter().map(|p| p.id.clone()).collect();
        let mut all_vendors = self.vendors.clone();
        merge(&mut all_vendors, vendors, |v| &v.vendor.id);
        let mut all_subs = self.sub_processors.clone();
        merge(&mut all_subs, sub_processors, |p| &p.id);
        let mut all_services = self.services.clone();
        if !vendor_ids.is_empty() || !sub_ids.is_empty() {
            for r in all_services.iter_mut() {
                let shows_changed = vendor_ids.contains(r.service.vendor.as_str())
                    || r.service
                        .sub_processors
                        .iter()
                        .any(|u| sub_ids.contains(u.id.as_str()));
                if shows_changed {
                    *r = Arc::new(r.rebuilt(None));
                }
            }
        }
        // A write of vendors or sub-processors alone leaves every service's values and place as
        // they were (those rebuilt above show a new name, nothing indexed): the index still holds.
        if services.is_empty() {
            return Self::assemble_with(
                self.reference.clone(),
                all_vendors,
                all_subs,
                all_services,
                self.index.clone(),
            );
        }
        merge(&mut all_services, services, |s| &s.service.id);
        Self::assemble(self.reference.clone(), all_vendors, all_subs, all_services)
    }

    /// This snapshot as of `now`: the one derived fact that moves with time is `stale` (twelve
    /// months unchanged), so only services whose staleness changed are derived anew. `None`
    /// when nothing changed.
    pub fn aged(&self, now: DateTime<Utc>) -> Option<Snapshot> {
        let limit = stale_before(now);
        let changed: Vec<ServiceRecord> = self
            .services
            .iter()
            .filter(|r| {
                let stale = limit.is_some_and(|limit| r.stamp.updated_at < limit);
                r.derived.flags.contains(&Flag::Stale) != stale
            })
            .map(|r| r.rebuilt(Some((now, &self.reference))))
            .collect();
        (!changed.is_empty()).then(|| self.updated(Vec::new(), Vec::new(), changed))
    }

    /// The record keys of this snapshot's service records that `newer` no longer holds: entries
    /// written, removed, or rebuilt because something they show changed.
    pub fn replaced_in(&self, newer: &Snapshot) -> Vec<u64> {
        // Both are sorted by id and share almost every record: comparing pointers first keeps
        // this to one pass without comparing ids (at 100,000 services the id comparisons had
        // cost each write about a millisecond).
        let (old, new) = (&self.services, &newer.services);
        let (mut i, mut j) = (0, 0);
        let mut gone = Vec::new();
        while i < old.len() {
            if j < new.len() && Arc::ptr_eq(&old[i], &new[j]) {
                i += 1;
                j += 1;
                continue;
            }
            match new.get(j).map(|n| n.service.id.cmp(&old[i].service.id)) {
                // added in the newer one
                Some(std::cmp::Ordering::Less) => j += 1,
                // replaced by a record of its own
                Some(std::cmp::Ordering::Equal) => {
                    gone.push(old[i].key);
                    i += 1;
                    j += 1;
                }
                // removed
                _ => {
                    gone.push(old[i].key);
                    i += 1;
                }
            }
        }
        gone
    }

    pub fn vendor(&self, id: &str) -> Option<&VendorRecord> {
        self.vendors
            .binary_search_by(|v| v.vendor.id.as_str().cmp(id))
            .ok()
            .map(|i| &*self.vendors[i])
    }
    pub fn service(&self, id: &str) -> Option<&ServiceRecord> {
        self.services
            .binary_search_by(|s| s.service.id.as_str().cmp(id))
            .ok()
            .map(|i| &*self.services[i])
    }
    pub fn sub_processor(&self, id: &str) -> Option<&SubProcessor> {
        self.sub_processors
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &*self.sub_processors[i])
    }
    pub fn services_of_vendor<'a>(
        &'a self,
        vendor: &str,
    ) -> impl Iterator<Item = &'a ServiceRecord> + 'a {
        self.index()
            .services_with(Facet::Vendor, vendor)
            .iter()
            .map(|&i| &*self.services[i as usize])
    }
    /// The indexes of this snapshot's services.
    pub fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::build(&self.services, &self.reference))
    }
    /// Every service, in id order.
    pub fn all_services(&self) -> impl DoubleEndedIterator<Item = &ServiceRecord> + Clone + '_ {
        self.services.iter().map(|s| &**s)
    }
}

/// Each entry behind its own `Arc`, in a vector of its own: collecting in place would keep the
/// entries' whole buffer (hundreds of bytes per entry) to hold eight-byte pointers.
fn shared<T>(entries: Vec<T>) -> Vec<Arc<T>> {
    let mut out = Vec::with_capacity(entries.len());
    out.extend(entries.into_iter().map(Arc::new));
    out
}

/// Writes `new` entries into the id-sorted `all`, replacing those with the same id.
fn merge<T>(all: &mut Vec<Arc<T>>, new: Vec<T>, id: impl Fn(&T) -> &str) {
    for item in new {
        match all.binary_search_by(|probe| id(probe).cmp(id(&item))) {
            Ok(i) => all[i] = Arc::new(item),
            Err(i) => all.insert(i, Arc::new(item)),
        }
    }
}

/// A snapshot of a generated catalogue without reference data, every entry last updated at
/// `updated_at` and derived at `now`: for unit tests.
#[cfg(test)]
pub fn generated_snapshot(
    services: usize,
    seed: u64,
    updated_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Snapshot {
    use crate::domain::catalogue::Check;
    let c = crate::domain::generate::catalogue(services, seed)
        .check("")
        .expect("a generated catalogue is valid");
    let services = c
        .services
        .into_iter()
        .map(|s| Arc::new(tests::record(s, updated_at, now)))
        .collect();
    let vendors = c
        .vendors
        .into_iter()
        .map(|vendor| VendorRecord {
            vendor,
            stamp: Stamp {
                revision: 1,
                created_at: updated_at,
                updated_at,
            },
        })
        .collect();
    Snapshot::new(Reference::default(), vendors, c.sub_processors, services)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Months;

    pub fn record(
        service: Service,
        updated_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> ServiceRecord {
        let stamp = Stamp {
            revision: 1,
            created_at: updated_at,
            updated_at,
        };
        ServiceRecord::new(service, stamp, now, &Reference::default())
    }

    fn snapshot(updated_at: DateTime<Utc>, now: DateTime<Utc>) -> Snapshot {
        generated_snapshot(40, 3, updated_at, now)
    }

    #[test]
    fn an_update_shares_what_it_did_not_touch() {
        let now = Utc::now();
        let old = snapshot(now, now);
        let mut changed = old.services[5].service.clone();
        changed.name = "Endret".into();
        let mut added = old.services[6].service.clone();
        added.id = format!("{}-ny", added.id).as_str().into();
        let mut vendor = VendorRecord::clone(&old.vendors[2]);
        vendor.vendor.name = "Nytt navn".into();
        let renamed = vendor.vendor.id.clone();
        let new = old.updated(
            vec![vendor],
            Vec::new(),
            vec![record(changed, now, now), record(added.clone(), now, now)],
        );
        assert_eq!(new.services.len(), old.services.len() + 1);
        assert_eq!(
            new.service(&old.services[5].service.id)
                .unwrap()
                .service
                .name,
            "Endret"
        );
        assert!(new.service(&added.id).is_some());
        assert_eq!(new.vendor(&renamed).unwrap().vendor.name, "Nytt navn");
        assert!(new
            .services
            .windows(2)
            .all(|w| w[0].service.id < w[1].service.id));
        for r in &old.services {
            let now_r = new
                .services
                .iter()
                .find(|n| n.service.id == r.service.id)
                .unwrap();
            let touched = r.service.id == old.services[5].service.id || r.service.vendor == renamed;
            assert_eq!(Arc::ptr_eq(r, now_r), !touched, "{}", r.service.id);
        }
        // exactly the touched records are reported gone, so their renderings can be dropped
        let gone: HashSet<u64> = old.replaced_in(&new).into_iter().collect();
        let touched: HashSet<u64> = old
            .services
            .iter()
            .filter(|r| r.service.id == old.services[5].service.id || r.service.vendor == renamed)
            .map(|r| r.key)
            .collect();
        assert_eq!(gone, touched);
        assert!(new.replaced_in(&new).is_empty());
        // the index follows the new positions
        let of_vendor: Vec<&str> = new
            .services_of_vendor(&added.vendor)
            .map(|s| s.service.id.as_str())
            .collect();
        assert!(of_vendor.contains(&added.id.as_str()));
        assert!(of_vendor
            .iter()
            .all(|id| new.service(id).unwrap().service.vendor == added.vendor));
    }

    #[test]
    fn aging_derives_anew_only_the_services_that_became_stale() {
        let now = Utc::now();
        let then = now.checked_sub_months(Months::new(2)).unwrap();
        let mut snap = snapshot(then, then);
        // one service was last updated 13 months ago; when the snapshot was read it was 11
        let old_id = snap.services[7].service.id.clone();
        let long_ago = now.checked_sub_months(Months::new(13)).unwrap();
        let stale = record(snap.services[7].service.clone(), long_ago, then);
        assert!(!stale.derived.flags.contains(&Flag::Stale));
        snap = snap.updated(Vec::new(), Vec::new(), vec![stale]);
        let aged = snap.aged(now).expect("one service became stale");
        for (before, after) in snap.services.iter().zip(&aged.services) {
            let became_stale = before.service.id == old_id;
            assert_eq!(after.derived.flags.contains(&Flag::Stale), became_stale);
            assert_eq!(Arc::ptr_eq(before, after), !became_stale);
        }
        assert!(aged.aged(now).is_none(), "nothing more to age");
    }
}
