//! Service profiles and list rows as serialised, kept for the record they were made from and
//! bounded in bytes (`RENDER_CACHE_MB`). Kept because the varied-traffic bench needs it: a
//! profile served from kept bytes skips building, serialising and hashing the view.
//!
//! A record that did not change keeps its key from one snapshot to the next, so its renderings
//! outlive writes to other entries; a record made anew gets a new key, so an old rendering is
//! never served for it. Kept with each record instead, renderings would grow with every profile
//! ever asked for (a crawler would hold the whole catalogue twice). Two generations make the
//! bound: new renderings go into the current one; when it holds half
//! the budget it becomes the previous one, and the previous is dropped. A rendering asked for
//! again moves back into the current generation, so what is read often stays.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bytes::Bytes;

/// A serialised answer and its strong ETag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Bytes,
    pub etag: String,
}

/// Which rendering of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Profile,
    Summary,
}

pub struct RenderCache {
    half_limit: usize,
    kept: Mutex<Generations>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Generations {
    current: HashMap<(u64, Kind), Rendered>,
    current_bytes: usize,
    previous: HashMap<(u64, Kind), Rendered>,
}

/// What a kept rendering costs besides its bytes: the key, the ETag and the map's own slot.
const OVERHEAD: usize = 96;

fn size(r: &Rendered) -> usize {
    r.bytes.len() + r.etag.len() + OVERHEAD
}

impl Generations {
    fn keep(&mut self, key: (u64, Kind), rendered: Rendered, half_limit: usize) {
        let added = size(&rendered);
        if self.current_bytes + added > half_limit {
            self.previous = std::mem::take(&mut self.current);
            self.current_bytes = 0;
        }
        if let Some(old) = self.current.insert(key, rendered) {
            self.current_bytes -= size(&old);
        }
        self.current_bytes += added;
    }
}

impl RenderCache {
    /// At most `limit_bytes` of renderings; 0 keeps none.
    pub fn new(limit_bytes: usize) -> Self {
        Self {
            half_limit: limit_bytes / 2,
            kept: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The rendering kept under `key`, or `render`'s, kept if it fits.
    pub fn get_or_render<E>(
        &self,
        key: (u64, Kind),
        render: impl FnOnce() -> Result<Rendered, E>,
    ) -> Result<Rendered, E> {
        if self.half_limit > 0 {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(r) = kept.current.get(&key) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(r.clone());
            }
            if let Some(r) = kept.previous.remove(&key) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                kept.keep(key, r.clone(), self.half_limit);
                return Ok(r);
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        // rendered without the lock: a racing request may render the same record, and both
        // renderings are the same bytes
        let rendered = render()?;
        if size(&rendered) <= self.half_limit {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.keep(key, rendered.clone(), self.half_limit);
        }
        Ok(rendered)
    }

    /// Drops the renderings of these records (ones no snapshot shows any more).
    pub fn forget(&self, records: &[u64]) {
        if records.is_empty() || self.half_limit == 0 {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        for &record in records {
            for kind in [Kind::Profile, Kind::Summary] {
                if let Some(old) = kept.current.remove(&(record, kind)) {
                    kept.current_bytes -= size(&old);
                }
                kept.previous.remove(&(record, kind));
            }
        }
    }

    /// Prometheus lines: how often a kept rendering was found, and the memory kept.
    pub fn render_metrics(&self) -> String {
        format!(
            "# HELP feide_registry_render_cache_total Lookups of kept profiles and list rows, by result.\n\
             # TYPE feide_registry_render_cache_total counter\n\
             feide_registry_render_cache_total{{result=\"hit\"}} {}\n\
             feide_registry_render_cache_total{{result=\"miss\"}} {}\n\
             # HELP feide_registry_render_cache_bytes Bytes of kept profiles and list rows (at most RENDER_CACHE_MB).\n\
             # TYPE feide_registry_render_cache_bytes gauge\n\
             feide_registry_render_cache_bytes {}\n",
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.kept_bytes(),
        )
    }

    fn kept_bytes(&self) -> usize {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.current
            .values()
            .chain(kept.previous.values())
            .map(size)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendering(n: usize) -> Rendered {
        Rendered {
            bytes: vec![b'x'; n].into(),
            etag: format!("\"{n}\""),
        }
    }

    fn render_count(cache: &RenderCache, key: u64, n: usize, renders: &mut usize) -> Rendered {
        cache
            .get_or_render((key, Kind::Profile), || {
                *renders += 1;
                Ok::<_, ()>(rendering(n))
            })
            .unwrap()
    }

    #[test]
    fn a_kept_rendering_is_served_again_and_memory_stays_within_the_budget() {
        let cache = RenderCache::new(100_000);
        let mut renders = 0;
        let first = render_count(&cache, 1, 1_000, &mut renders);
        let again = render_count(&cache, 1, 1_000, &mut renders);
        assert_eq!(
            (renders, first.bytes, first.etag),
            (1, again.bytes, again.etag)
        );
        // the same key for another kind is another rendering
        cache
            .get_or_render((1, Kind::Summary), || Ok::<_, ()>(rendering(10)))
            .unwrap();
        for key in 2..1_000 {
            render_count(&cache, key, 1_000, &mut renders);
            assert!(cache.kept_bytes() <= 100_000, "{}", cache.kept_bytes());
        }
        assert_eq!(renders, 999);
        // the oldest were dropped and are made again; the newest are still kept
        render_count(&cache, 1, 1_000, &mut renders);
        render_count(&cache, 999, 1_000, &mut renders);
        assert_eq!(renders, 1_000);
    }

    #[test]
    fn one_asked_for_again_survives_the_turn_of_a_generation() {
        let cache = RenderCache::new(20_000);
        let mut renders = 0;
        render_count(&cache, 1, 1_000, &mut renders);
        for key in 2..40 {
            render_count(&cache, key, 1_000, &mut renders);
            // read again all the time: moved back into the current generation
            render_count(&cache, 1, 1_000, &mut renders);
        }
        assert_eq!(renders, 39, "key 1 rendered once");
    }

    #[test]
    fn forgotten_records_leave_the_cache() {
        let cache = RenderCache::new(100_000);
        let mut renders = 0;
        for key in 1..=4 {
            render_count(&cache, key, 1_000, &mut renders);
        }
        let before = cache.kept_bytes();
        cache.forget(&[2, 3]);
        assert_eq!(cache.kept_bytes(), before / 2);
        render_count(&cache, 2, 1_000, &mut renders);
        render_count(&cache, 4, 1_000, &mut renders);
        assert_eq!(renders, 5, "2 rendered anew, 4 still kept");
    }

    #[test]
    fn a_budget_of_zero_keeps_nothing() {
        let cache = RenderCache::new(0);
        let mut renders = 0;
        render_count(&cache, 1, 10, &mut renders);
        render_count(&cache, 1, 10, &mut renders);
        assert_eq!((renders, cache.kept_bytes()), (2, 0));
    }
}
