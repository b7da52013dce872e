//! The catalogue snapshot every read answers from, kept fresh without reading the database on
//! every request.
//!
//! Freshness: a request must see every write committed before it arrived, by any process. So each
//! request waits for a version check that *started* after it arrived; concurrent requests share
//! one check instead of each taking a connection and a blocking-pool hop for it (`VersionGate`).
//! Under load that is one primary-key read per round of requests, not one per request.
//!
//! Catching up: when the version moved, one thread reads only the entries the change log names
//! and builds a snapshot sharing everything else with the old one (`store::refresh_snapshot`);
//! the others wait for it instead of reading the catalogue themselves.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web;
use chrono::Utc;

use super::render_cache::RenderCache;
use super::AppState;
use crate::domain::profile::Snapshot;
use crate::error::AppError;
use crate::store::{Refresh, Store, Version};

/// The snapshot to answer from: the cached one while the stored catalogue's version is
/// unchanged, else brought up to date on the blocking pool (diesel is synchronous).
pub async fn snapshot(state: &web::Data<AppState>) -> Result<Arc<Snapshot>, AppError> {
    let version = VersionGate::fresh_version(state).await?;
    if let Some(hit) = state.cache.at_least(version) {
        return Ok(hit);
    }
    let state = state.clone();
    web::block(move || state.cache.catch_up(&state.store, version, &state.renders)).await?
}

/// The last snapshot built, its version, and the check that keeps it honest.
#[derive(Default)]
pub struct SnapshotCache {
    cached: Mutex<Option<Cached>>,
    loading: Mutex<()>,
    gate: VersionGate,
    /// How snapshots were built: read whole, caught up from the change log.
    reads_whole: AtomicU64,
    reads_caught_up: AtomicU64,
}

struct Cached {
    version: Version,
    aged_at: Instant,
    snapshot: Arc<Snapshot>,
}

/// Derived facts depend on the time too (`stale` is 12 months unchanged): a snapshot is aged
/// anew at least this often even when nothing was written. Aging recomputes only the services
/// whose staleness changed.
const SNAPSHOT_MAX_AGE: Duration = Duration::from_secs(60);

impl SnapshotCache {
    /// The cached snapshot if it is at `version` or later, and not due for aging.
    fn at_least(&self, version: Version) -> Option<Arc<Snapshot>> {
        let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|c| c.version >= version && c.aged_at.elapsed() < SNAPSHOT_MAX_AGE)
            .map(|c| c.snapshot.clone())
    }

    /// Brings the cache up to at least `version`. One thread at a time: the others wait here
    /// and then find the snapshot it built. They hold no connection while they wait, so writers
    /// are not starved of the pool.
    fn catch_up(
        &self,
        store: &Store,
        version: Version,
        renders: &RenderCache,
    ) -> Result<Arc<Snapshot>, AppError> {
        let _loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = self.at_least(version) {
            return Ok(hit);
        }
        let previous = {
            let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
            cached
                .as_ref()
                .map(|c| (c.version, c.aged_at, c.snapshot.clone()))
        };
        let before = previous.as_ref().map(|(_, _, old)| old.clone());
        let now = Utc::now();
        let mut conn = store.conn()?;
        let (version, aged_at, snapshot) = match previous {
            Some((old_version, aged_at, old)) => {
                let (version, refresh) =
                    crate::store::refresh_snapshot(&mut conn, &old, old_version, now)?;
                let current = match refresh {
                    Refresh::Unchanged => old,
                    Refresh::CaughtUp(snap) => {
                        self.reads_caught_up.fetch_add(1, Ordering::Relaxed);
                        Arc::new(snap)
                    }
                    Refresh::Reread(snap) => {
                        self.reads_whole.fetch_add(1, Ordering::Relaxed);
                        Arc::new(snap)
                    }
                };
                // Aging looks at every service, so it is done when due, not on every catch-up
                // (at 100,000 services it was most of a write's cost).
                if aged_at.elapsed() >= SNAPSHOT_MAX_AGE {
                    let aged = current.aged(now).map(Arc::new).unwrap_or(current);
                    (version, Instant::now(), aged)
                } else {
                    (version, aged_at, current)
                }
            }
            None => {
                self.reads_whole.fetch_add(1, Ordering::Relaxed);
                let (version, snap) = crate::store::load_versioned(&mut conn, now)?;
                (version, Instant::now(), Arc::new(snap))
            }
        };
        drop(conn);
        // the renderings of records no snapshot will show again go now, not when the budget
        // pushes them out: a run of writes would otherwise fill it with dead entries
        if let Some(old) = before.filter(|old| !Arc::ptr_eq(old, &snapshot)) {
            renders.forget(&old.replaced_in(&snapshot));
        }
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(Cached {
            version,
            aged_at,
            snapshot: snapshot.clone(),
        });
        Ok(snapshot)
    }
}

impl SnapshotCache {
    /// Prometheus lines: how this process built its snapshots.
    pub fn render_metrics(&self) -> String {
        format!(
            "# HELP feide_registry_snapshot_reads_total Catalogue snapshots built: the whole catalogue read, or caught up from the change log.\n\
             # TYPE feide_registry_snapshot_reads_total counter\n\
             feide_registry_snapshot_reads_total{{how=\"whole\"}} {}\n\
             feide_registry_snapshot_reads_total{{how=\"caught_up\"}} {}\n",
            self.reads_whole.load(Ordering::Relaxed),
            self.reads_caught_up.load(Ordering::Relaxed),
        )
    }
}

/// Coalesced version checks. Checks are numbered; a request arriving while check `n` runs needs
/// check `n + 1` (check `n` may have read the version before the request's write committed),
/// which starts as soon as `n` ends and answers every request that arrived meanwhile.
pub struct VersionGate {
    state: Mutex<GateState>,
    done: tokio::sync::watch::Sender<(u64, Checked)>,
}

#[derive(Default)]
struct GateState {
    started: u64,
    wanted: u64,
    running: bool,
}

/// A check's answer; errors are kept as the problem they answer (a `StoreError` is not `Clone`).
type Checked = Result<Version, Option<String>>;

impl Default for VersionGate {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            done: tokio::sync::watch::Sender::new((0, Err(None))),
        }
    }
}

impl VersionGate {
    /// The catalogue version read by a check that started after this call.
    pub async fn fresh_version(state: &web::Data<AppState>) -> Result<Version, AppError> {
        let gate = &state.cache.gate;
        let mut rx = gate.done.subscribe();
        let (target, start) = {
            let mut st = gate.state.lock().unwrap_or_else(|e| e.into_inner());
            let target = st.started + 1;
            st.wanted = st.wanted.max(target);
            let start = !st.running;
            if start {
                st.running = true;
                st.started = target;
            }
            (target, start)
        };
        if start {
            // Spawned, not awaited here: if this request goes away, the check must still end
            // and answer the others waiting for it.
            let state = state.clone();
            actix_web::rt::spawn(async move { state.cache.gate.run(&state.store, target).await });
        }
        let seen = rx
            .wait_for(|(n, _)| *n >= target)
            .await
            .map_err(|_| AppError::Unavailable)?;
        match &seen.1 {
            Ok(v) => Ok(*v),
            Err(None) => Err(AppError::Unavailable),
            Err(Some(msg)) => Err(AppError::Internal(msg.clone())),
        }
    }

    /// Runs check `n`, and the next ones while requests keep arriving during a check.
    async fn run(&self, store: &Store, mut n: u64) {
        loop {
            let store = store.clone();
            let checked: Checked = match web::block(move || -> Result<Version, AppError> {
                Ok(crate::store::catalogue_version(&mut *store.conn()?)?)
            })
            .await
            {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(AppError::Internal(msg))) => Err(Some(msg)),
                Ok(Err(_)) | Err(_) => Err(None),
            };
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let _superseded = self.done.send_replace((n, checked));
            if st.wanted > n {
                n = st.wanted;
                st.started = n;
            } else {
                st.running = false;
                return;
            }
        }
    }
}
