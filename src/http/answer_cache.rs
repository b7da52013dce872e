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

use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

use super::negotiate::{etag, Body, Format};
use crate::domain::profile::Snapshot;
use crate::domain::reference::Lang;

pub struct AnswerCache {
    limit_bytes: usize,
    kept: Mutex<Kept>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    bytes: usize,
    answers: HashMap<Arc<[u8]>, Body>,
    /// The keys in the order they were kept: the first is evicted first.
    order: VecDeque<Arc<[u8]>>,
}

impl AnswerCache {
    pub fn new(limit_bytes: usize) -> Self {
        Self {
            limit_bytes,
            kept: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The answer kept for this request over this snapshot.
    pub fn get(&self, snap: &Snapshot, key: &[u8]) -> Option<Body> {
        if self.limit_bytes == 0 {
            return None;
        }
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let found = (kept.generation == snap.generation)
            .then(|| kept.answers.get(key).cloned())
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
    pub fn put(&self, snap: &Snapshot, key: Vec<u8>, body: &Body) {
        let size = body.bytes.len() + key.len();
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
            if let Some(gone) = kept.answers.remove(&oldest) {
                kept.bytes -= gone.bytes.len() + oldest.len();
            }
        }
        kept.bytes += size;
        let mut body = body.clone();
        // hashed once here, not on every answer from the cache
        if body.etag.is_none() {
            body.etag = Some(etag(&body.bytes));
        }
        let key: Arc<[u8]> = key.into();
        kept.order.push_back(key.clone());
        kept.answers.insert(key, body);
    }
}

/// What an answer depends on besides the snapshot: the method, the path and query as sent, the
/// representation negotiated from the headers (not the headers themselves, which clients spell
/// in endless ways), and a digest of the request body (the portfolio report is a POST). Requests
/// that differ only in spelling get separate entries, never a wrong one.
pub fn key(req: &HttpRequest, format: Format, lang: Lang, body: &[u8]) -> Vec<u8> {
    let format = match format {
        Format::Json => "json",
        Format::Csv => "csv",
    };
    let mut key = Vec::with_capacity(128);
    for part in [
        req.method().as_str(),
        req.path(),
        req.query_string(),
        format,
        lang.code(),
    ] {
        key.extend_from_slice(part.as_bytes());
        key.push(0);
    }
    if !body.is_empty() {
        key.extend_from_slice(&Sha256::digest(body));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::negotiate::Body;

    fn snap(generation: u64) -> Snapshot {
        let mut s = Snapshot::default();
        s.generation = generation;
        s
    }

    #[test]
    fn answers_are_kept_per_snapshot_and_within_the_bound() {
        let cache = AnswerCache::new(1000);
        let body = Body::json_bytes(vec![b'x'; 300]);
        cache.put(&snap(1), b"a".to_vec(), &body);
        let kept = cache.get(&snap(1), b"a").unwrap();
        assert_eq!(kept.bytes, body.bytes);
        assert_eq!(kept.etag, Some(etag(&body.bytes)), "kept with its ETag");
        assert!(cache.get(&snap(1), b"b").is_none());
        assert!(cache.get(&snap(2), b"a").is_none(), "another snapshot");
        // an answer from an older snapshot is not kept once a newer one's are
        cache.put(&snap(2), b"b".to_vec(), &body);
        cache.put(&snap(1), b"c".to_vec(), &body);
        assert!(cache.get(&snap(1), b"c").is_none());
        assert!(
            cache.get(&snap(2), b"a").is_none(),
            "the old answers were dropped"
        );
        // the bound: 3 x 301 fits in 1000; a fourth evicts the answer kept longest
        cache.put(&snap(2), b"c".to_vec(), &body);
        cache.put(&snap(2), b"d".to_vec(), &body);
        assert!(cache.get(&snap(2), b"d").is_some());
        cache.put(&snap(2), b"e".to_vec(), &body);
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
        off.put(&snap(1), b"a".to_vec(), &body);
        assert!(off.get(&snap(1), b"a").is_none());
    }
}
