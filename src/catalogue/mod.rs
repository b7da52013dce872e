//! The read model: how every read is served.
//!
//! The whole catalogue is held in memory as one immutable [`Snapshot`] (entries sorted by id,
//! each behind its own `Arc`, with the facts derived from it), and every read answers from the
//! snapshot current when it arrives, without touching the database. The snapshot is brought up
//! to date (`refresh`) by the process's own writes before they answer, and by a watcher thread
//! (`watch`) when another process writes: PostgreSQL tells it through `LISTEN`/`NOTIFY`, SQLite
//! through `PRAGMA data_version`. A refresh reads only the entries the change log names since the
//! snapshot's version and makes a new snapshot sharing every other entry with the old one. When
//! the database cannot be reached, reads go on from the last snapshot and `age` says how long
//! it has been unconfirmed (answers carry it as `Age`). Each snapshot carries its `index`: the
//! services of each value lists filter on and facets count. Two caches sit beside the snapshot:
//! rendered profiles and list rows per record (`renders`), and whole answers per snapshot
//! (`answers`).

pub mod answers;
pub mod index;
pub mod renders;
pub mod snapshot;
mod watch;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::store::{Refresh, Store, StoreError, Version};
pub use renders::{Kind, RenderCache, Rendered};
pub use snapshot::{ServiceRecord, Snapshot, Stamp, VendorRecord};

/// The catalogue this process answers from. Cheap to clone; the watcher stops when the last
/// clone is dropped.
#[derive(Clone)]
pub struct ReadModel {
    inner: Arc<Inner>,
}

struct Inner {
    held: RwLock<Held>,
    /// One refresh at a time: the others wait and then find the snapshot it made.
    refreshing: Mutex<()>,
    /// When the database last answered a refresh.
    confirmed: Mutex<Instant>,
    renders: RenderCache,
    reads_whole: AtomicU64,
    reads_caught_up: AtomicU64,
}

struct Held {
    version: Version,
    aged_at: Instant,
    snapshot: Arc<Snapshot>,
}

/// Derived facts depend on the time too (`stale` is 12 months unchanged): a snapshot is aged
/// anew at least this often even when nothing was written.
const AGE_EVERY: Duration = Duration::from_secs(60);

/// Unconfirmed for longer than this, answers say how old their snapshot is: the watcher
/// confirms at least every second while the database answers.
const STALE_AFTER: Duration = Duration::from_secs(2);

impl ReadModel {
    /// Reads the whole catalogue and starts watching for writes by other processes.
    pub fn open(store: &Store, render_cache_bytes: usize) -> Result<ReadModel, StoreError> {
        let (version, snapshot) = crate::store::load_versioned(&mut *store.conn()?, Utc::now())?;
        let catalogue = ReadModel {
            inner: Arc::new(Inner {
                held: RwLock::new(Held {
                    version,
                    aged_at: Instant::now(),
                    snapshot: Arc::new(snapshot),
                }),
                refreshing: Mutex::new(()),
                confirmed: Mutex::new(Instant::now()),
                renders: RenderCache::new(render_cache_bytes),
                reads_whole: AtomicU64::new(1),
                reads_caught_up: AtomicU64::new(0),
            }),
        };
        watch::spawn(Arc::downgrade(&catalogue.inner), store.clone())?;
        Ok(catalogue)
    }

    /// The snapshot to answer a read from: no database round trip.
    pub fn current(&self) -> Arc<Snapshot> {
        self.inner.held().snapshot.clone()
    }

    /// The snapshot with the catalogue version it holds: the version names the stored catalogue
    /// in every process alike, so it can stand for the entries as entered (not for derived facts,
    /// which also move with time).
    pub fn current_versioned(&self) -> (Version, Arc<Snapshot>) {
        let held = self.inner.held();
        (held.version, held.snapshot.clone())
    }

    /// Brings the snapshot up to the database's latest commit and returns it: what a write
    /// answers from, so that its own answer and every later read show it. Blocking (diesel).
    pub fn refresh(&self, store: &Store) -> Result<Arc<Snapshot>, StoreError> {
        self.inner.refresh(store)
    }

    /// How long the snapshot has gone unconfirmed, once that is longer than the watcher's
    /// rhythm explains: the database cannot be reached.
    pub fn age(&self) -> Option<Duration> {
        let since = self.inner.lock_confirmed().elapsed();
        (since > STALE_AFTER).then_some(since)
    }

    pub fn renders(&self) -> &RenderCache {
        &self.inner.renders
    }

    /// Prometheus lines: how this process made its snapshots, and its kept renderings.
    pub fn render_metrics(&self) -> String {
        let i = &self.inner;
        format!(
            "# HELP feide_registry_snapshot_reads_total Catalogue snapshots built: the whole catalogue read, or caught up from the change log.\n\
             # TYPE feide_registry_snapshot_reads_total counter\n\
             feide_registry_snapshot_reads_total{{how=\"whole\"}} {}\n\
             feide_registry_snapshot_reads_total{{how=\"caught_up\"}} {}\n\
             # HELP feide_registry_snapshot_version The catalogue version the snapshot in memory holds (every write raises it).\n\
             # TYPE feide_registry_snapshot_version gauge\n\
             feide_registry_snapshot_version {}\n\
             # HELP feide_registry_snapshot_age_seconds Seconds since the database last confirmed the catalogue held in memory.\n\
             # TYPE feide_registry_snapshot_age_seconds gauge\n\
             feide_registry_snapshot_age_seconds {}\n",
            i.reads_whole.load(Ordering::Relaxed),
            i.reads_caught_up.load(Ordering::Relaxed),
            i.held().version.0,
            i.lock_confirmed().elapsed().as_secs(),
        ) + &i.renders.render_metrics()
    }
}

impl Inner {
    fn held(&self) -> std::sync::RwLockReadGuard<'_, Held> {
        self.held.read().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_confirmed(&self) -> std::sync::MutexGuard<'_, Instant> {
        self.confirmed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn refresh(&self, store: &Store) -> Result<Arc<Snapshot>, StoreError> {
        let _one = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        let (old_version, old_aged_at, old) = {
            let h = self.held();
            (h.version, h.aged_at, h.snapshot.clone())
        };
        let now = Utc::now();
        let (version, refresh) =
            crate::store::refresh_snapshot(&mut *store.conn()?, &old, old_version, now)?;
        *self.lock_confirmed() = Instant::now();
        let mut snapshot = match refresh {
            Refresh::Unchanged => old.clone(),
            Refresh::CaughtUp(s) => {
                self.reads_caught_up.fetch_add(1, Ordering::Relaxed);
                Arc::new(s)
            }
            Refresh::Reread(s) => {
                self.reads_whole.fetch_add(1, Ordering::Relaxed);
                Arc::new(s)
            }
        };
        // Aging looks at every service, so it is done when due, not on every refresh.
        let aged_at = if old_aged_at.elapsed() >= AGE_EVERY {
            if let Some(aged) = snapshot.aged(now) {
                snapshot = Arc::new(aged);
            }
            Instant::now()
        } else {
            old_aged_at
        };
        if Arc::ptr_eq(&old, &snapshot) && version == old_version && aged_at == old_aged_at {
            // the watcher's once-a-second refresh: nothing to swap
            return Ok(snapshot);
        }
        if !Arc::ptr_eq(&old, &snapshot) {
            // renderings of records no snapshot shows again go now, not when the budget pushes
            // them out: a run of writes would otherwise fill it with dead entries
            self.renders.forget(&old.replaced_in(&snapshot));
        }
        *self.held.write().unwrap_or_else(|e| e.into_inner()) = Held {
            version,
            aged_at,
            snapshot: snapshot.clone(),
        };
        Ok(snapshot)
    }
}
