//! Whole answers kept for the snapshot they were computed from. A snapshot never changes, so an
//! answer to the same request over the same snapshot is the same bytes: repeated dashboard
//! queries (the same facets, the same filtered page, the same comparison) are answered without
//! filtering, counting or serialising again. A new snapshot (after a write, or aging) starts an
//! empty cache, so nothing stale is ever served. Bounded in bytes (`ANSWER_CACHE_MB`); when
//! full, the answers kept longest make room for new ones, so a burst of one-off requests cannot
//! leave it full of answers nobody asks for again.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::Snapshot;

/// `V` is the answer as the caller keeps it (bytes and headers); `size` its cost in bytes.
pub struct AnswerCache<V> {
    limit_bytes: usize,
    kept: Mutex<Kept<V>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

struct Kept<V> {
    generation: u64,
    bytes: usize,
    answers: HashMap<Arc<[u8]>, (V, usize)>,
    /// The keys in the order they were kept: the first is evicted first.
    order: VecDeque<Arc<[u8]>>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Self {
            generation: 0,
            bytes: 0,
            answers: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<V: Clone> AnswerCache<V> {
    pub fn new(limit_bytes: usize) -> Self {
        Self {
            limit_bytes,
            kept: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The answer kept for this request over this snapshot.
    pub fn get(&self, snap: &Snapshot, key: &[u8]) -> Option<V> {
        if self.limit_bytes == 0 {
            return None;
        }
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let found = (kept.generation == snap.generation)
            .then(|| kept.answers.get(key).map(|(v, _)| v.clone()))
            .flatten();
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Prometheus lines: how often a kept answer was found, and how many are kept.
    pub fn render_metrics(&self) -> String {
        let entries = self
            .kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .answers
            .len();
        format!(
            "# HELP feide_registry_answer_cache_total Lookups of kept answers, by result.\n\
             # TYPE feide_registry_answer_cache_total counter\n\
             feide_registry_answer_cache_total{{result=\"hit\"}} {}\n\
             feide_registry_answer_cache_total{{result=\"miss\"}} {}\n\
             # HELP feide_registry_answer_cache_entries Answers kept for the current snapshot.\n\
             # TYPE feide_registry_answer_cache_entries gauge\n\
             feide_registry_answer_cache_entries {entries}\n",
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Keeps an answer computed over `snap` (unless a newer snapshot's answers are kept
    /// already), evicting the answers kept longest to make room.
    pub fn put(&self, snap: &Snapshot, key: Vec<u8>, answer: V, answer_size: usize) {
        let size = answer_size + key.len();
        if size > self.limit_bytes {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if snap.generation > kept.generation {
            *kept = Kept {
                generation: snap.generation,
                ..Kept::default()
            };
        }
        if snap.generation != kept.generation || kept.answers.contains_key(key.as_slice()) {
            return;
        }
        while kept.bytes + size > self.limit_bytes {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some((_, gone)) = kept.answers.remove(&oldest) {
                kept.bytes -= gone;
            }
        }
        kept.bytes += size;
        let key: Arc<[u8]> = key.into();
        kept.order.push_back(key.clone());
        kept.answers.insert(key, (answer, size));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(generation: u64) -> Snapshot {
        let mut s = Snapshot::default();
        s.generation = generation;
        s
    }

    #[test]
    fn answers_are_kept_per_snapshot_and_within_the_bound() {
        let cache = AnswerCache::new(1000);
        let body = vec![b'x'; 300];
        cache.put(&snap(1), b"a".to_vec(), body.clone(), 300);
        assert_eq!(cache.get(&snap(1), b"a").unwrap(), body);
        assert!(cache.get(&snap(1), b"b").is_none());
        assert!(cache.get(&snap(2), b"a").is_none(), "another snapshot");
        // an answer from an older snapshot is not kept once a newer one's are
        cache.put(&snap(2), b"b".to_vec(), body.clone(), 300);
        cache.put(&snap(1), b"c".to_vec(), body.clone(), 300);
        assert!(cache.get(&snap(1), b"c").is_none());
        assert!(
            cache.get(&snap(2), b"a").is_none(),
            "the old answers were dropped"
        );
        // the bound: 3 x 301 fits in 1000; a fourth evicts the answer kept longest
        cache.put(&snap(2), b"c".to_vec(), body.clone(), 300);
        cache.put(&snap(2), b"d".to_vec(), body.clone(), 300);
        assert!(cache.get(&snap(2), b"d").is_some());
        cache.put(&snap(2), b"e".to_vec(), body.clone(), 300);
        assert!(
            cache.get(&snap(2), b"e").is_some(),
            "a full cache keeps new answers"
        );
        assert!(cache.get(&snap(2), b"b").is_none(), "the oldest made room");
        assert!(cache.get(&snap(2), b"c").is_some() && cache.get(&snap(2), b"d").is_some());
        assert!(cache
            .render_metrics()
            .contains("feide_registry_answer_cache_entries 3\n"));
        let off = AnswerCache::new(0);
        off.put(&snap(1), b"a".to_vec(), body, 300);
        assert!(off.get(&snap(1), b"a").is_none());
    }
}
