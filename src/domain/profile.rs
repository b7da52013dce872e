//! A stored entry with its bookkeeping, and the facts derived from it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::catalogue::{Service, SubProcessor, Vendor};
use super::derive::{resolve_attributes, storage_countries, third_countries, Received};
use super::flags::{flags, stale_before, Flag};
use super::reference::Reference;
use super::shared::{Interner, SharedList, SharedText};

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
    pub memo: Memo,
}

impl ServiceRecord {
    /// A record of `service`, derived as of `now`. Every list in the entry is cut to its length:
    /// a catalogue is held for hours, and the slack that growing vectors leave (or that
    /// collecting in place keeps from the database rows) was a tenth of its memory.
    pub fn new(
        mut service: Service,
        stamp: Stamp,
        now: DateTime<Utc>,
        reference: &Reference,
        shared: &mut Interner,
    ) -> Self {
        service.shrink_to_fit();
        let derived = Derived::compute(&service, stamp.updated_at, now, reference, shared);
        Self {
            service,
            stamp,
            derived,
            memo: Memo::default(),
        }
    }
}

impl ServiceRecord {
    /// Hands this record's shared values to `shared`, for the record that replaces it.
    pub fn remember_in(&self, shared: &mut Interner) {
        shared.remember(&self.service);
        let d = &self.derived;
        shared.remember_derived(&[&d.storage_countries, &d.third_countries], &d.flags);
    }
}

#[derive(Debug, Clone)]
pub struct Derived {
    /// What the service receives, declared or through scopes, in `resolve_attributes` order;
    /// the names, justifications and scopes are built from the entry when an answer shows them.
    pub attributes: Box<[Received]>,
    pub storage_countries: SharedList<SharedText>,
    pub third_countries: SharedList<SharedText>,
    pub flags: SharedList<Flag>,
}

impl Derived {
    pub fn compute(
        service: &Service,
        updated_at: DateTime<Utc>,
        now: DateTime<Utc>,
        reference: &Reference,
        shared: &mut Interner,
    ) -> Self {
        let resolved = resolve_attributes(service, reference);
        let third = third_countries(service, reference);
        let flags = flags(service, &resolved, &third, updated_at, now, reference);
        Self {
            storage_countries: shared.texts(storage_countries(service)),
            third_countries: shared.texts(third),
            attributes: resolved.iter().map(Received::of).collect(),
            flags: shared.flags(flags),
        }
    }
}

/// What the renderings of one record are kept under (`http::render_cache`): an entry that did
/// not change is serialised (and hashed for its ETag) once, not on every request. Every record
/// gets a key of its own, and a clone a new one, so a record rebuilt because something it shows
/// changed (its vendor's name, a sub-processor's name) never finds an old rendering.
pub struct Memo {
    pub key: u64,
}

static MEMO_KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Default for Memo {
    fn default() -> Self {
        Self {
            key: MEMO_KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// A serialised answer and its strong ETag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Bytes,
    pub etag: String,
}

impl Clone for Memo {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// The whole catalogue as of one catalogue version: what every read endpoint answers from.
/// Entries are sorted by id (in Rust, so the order does not depend on a database collation) and
/// looked up by binary search; services are also indexed by vendor. Every entry sits behind its
/// own `Arc`, so the snapshot after a write shares all but the touched entries with the one
/// before (`updated`): a write costs its own size, not the catalogue's, and two snapshots cost
/// little more memory than one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub reference: Arc<Reference>,
    pub vendors: Vec<Arc<VendorRecord>>,
    pub sub_processors: Vec<Arc<SubProcessor>>,
    pub services: Vec<Arc<ServiceRecord>>,
    by_vendor: Arc<HashMap<String, Vec<usize>>>,
    /// Which snapshot of this process this is: later snapshots have larger numbers, so answers
    /// kept for one (`http::answer_cache`) are never taken for another.
    pub generation: u64,
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

    fn assemble(
        reference: Arc<Reference>,
        vendors: Vec<Arc<VendorRecord>>,
        sub_processors: Vec<Arc<SubProcessor>>,
        services: Vec<Arc<ServiceRecord>>,
    ) -> Self {
        let by_vendor = Arc::new(index_by_vendor(&services, vendors.len()));
        Self::with_index(reference, vendors, sub_processors, services, by_vendor)
    }

    fn with_index(
        reference: Arc<Reference>,
        vendors: Vec<Arc<VendorRecord>>,
        sub_processors: Vec<Arc<SubProcessor>>,
        services: Vec<Arc<ServiceRecord>>,
        by_vendor: Arc<HashMap<String, Vec<usize>>>,
    ) -> Self {
        Self {
            reference,
            vendors,
            sub_processors,
            services,
            by_vendor,
            generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
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
        let vendor_ids: HashSet<String> = vendors.iter().map(|v| v.vendor.id.clone()).collect();
        let sub_ids: HashSet<String> = sub_processors.iter().map(|p| p.id.clone()).collect();
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
                    *r = Arc::new(ServiceRecord::clone(r));
                }
            }
        }
        // The vendor index holds positions: it stays valid while no service is added and none
        // moves to another vendor, which is the usual write (a change to an existing service).
        let same_places = services.iter().all(|s| {
            self.service(&s.service.id)
                .is_some_and(|old| old.service.vendor == s.service.vendor)
        });
        merge(&mut all_services, services, |s| &s.service.id);
        let by_vendor = if same_places {
            self.by_vendor.clone()
        } else {
            Arc::new(index_by_vendor(&all_services, all_vendors.len()))
        };
        Self::with_index(
            self.reference.clone(),
            all_vendors,
            all_subs,
            all_services,
            by_vendor,
        )
    }

    /// This snapshot as of `now`: the one derived fact that moves with time is `stale` (twelve
    /// months unchanged), so only services whose staleness changed are derived anew. `None`
    /// when nothing changed.
    pub fn aged(&self, now: DateTime<Utc>) -> Option<Snapshot> {
        let limit = stale_before(now);
        let mut shared = Interner::default();
        let changed: Vec<ServiceRecord> = self
            .services
            .iter()
            .filter(|r| {
                let stale = limit.is_some_and(|limit| r.stamp.updated_at < limit);
                r.derived.flags.contains(&Flag::Stale) != stale
            })
            .map(|r| {
                r.remember_in(&mut shared);
                ServiceRecord {
                    derived: Derived::compute(
                        &r.service,
                        r.stamp.updated_at,
                        now,
                        &self.reference,
                        &mut shared,
                    ),
                    ..ServiceRecord::clone(r)
                }
            })
            .collect();
        (!changed.is_empty()).then(|| self.updated(Vec::new(), Vec::new(), changed))
    }

    /// The memo keys of this snapshot's service records that `newer` no longer holds: entries
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
                    gone.push(old[i].memo.key);
                    i += 1;
                    j += 1;
                }
                // removed
                _ => {
                    gone.push(old[i].memo.key);
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
        self.by_vendor
            .get(vendor)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|i| &*self.services[*i])
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

fn index_by_vendor(services: &[Arc<ServiceRecord>], vendors: usize) -> HashMap<String, Vec<usize>> {
    let mut by_vendor: HashMap<String, Vec<usize>> = HashMap::with_capacity(vendors);
    for (i, s) in services.iter().enumerate() {
        match by_vendor.get_mut(s.service.vendor.as_str()) {
            Some(list) => list.push(i),
            None => {
                by_vendor.insert(s.service.vendor.to_string(), vec![i]);
            }
        }
    }
    by_vendor
}

/// Writes `new` entries into the id-sorted `all`, replacing those with the same id.
fn merge<T>(all: &mut Vec<Arc<T>>, new: Vec<T>, id: impl Fn(&T) -> &String) {
    for item in new {
        match all.binary_search_by(|probe| id(probe).as_str().cmp(id(&item).as_str())) {
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
    let c = crate::domain::generate::catalogue(services, seed);
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
        ServiceRecord {
            derived: Derived::compute(
                &service,
                updated_at,
                now,
                &Reference::default(),
                &mut Interner::default(),
            ),
            stamp: Stamp {
                revision: 1,
                created_at: updated_at,
                updated_at,
            },
            service,
            memo: Memo::default(),
        }
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
        added.id = format!("{}-ny", added.id);
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
            .map(|r| r.memo.key)
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
