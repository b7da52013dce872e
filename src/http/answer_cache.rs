//! Whole answers kept for the snapshot they were computed from. A snapshot never changes, so an
//! answer to the same request over the same snapshot is the same bytes: repeated dashboard
//! queries (the same facets, the same filtered page, the same comparison) are answered without
//! filtering, counting or serialising again. A new snapshot (after a write, or aging) starts an
//! empty cache, so nothing stale is ever served. Bounded in bytes (`ANSWER_CACHE_MB`); when
//! full, new answers are computed but not kept until the next snapshot.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use actix_web::http::header;
use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

use super::negotiate::{etag, Body};
use crate::domain::profile::Snapshot;

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
    answers: HashMap<Vec<u8>, Body>,
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

    /// Prometheus lines: how often a kept answer was found.
    pub fn render_metrics(&self) -> String {
        format!(
            "# HELP feide_registry_answer_cache_total Lookups of kept answers, by result.\n\
             # TYPE feide_registry_answer_cache_total counter\n\
             feide_registry_answer_cache_total{{result=\"hit\"}} {}\n\
             feide_registry_answer_cache_total{{result=\"miss\"}} {}\n",
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Keeps an answer computed over `snap`, unless a newer snapshot's answers are kept already
    /// or there is no room left.
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
        if snap.generation != kept.generation || kept.bytes + size > self.limit_bytes {
            return;
        }
        kept.bytes += size;
        let mut body = body.clone();
        // hashed once here, not on every answer from the cache
        if body.etag.is_none() {
            body.etag = Some(etag(&body.bytes));
        }
        kept.answers.insert(key, body);
    }
}

/// What an answer depends on besides the snapshot: the method, the path and query as sent, the
/// headers that choose its representation, and a digest of the request body (the portfolio
/// report is a POST). Requests that differ only in spelling get separate entries, never a wrong
/// one.
pub fn key(req: &HttpRequest, body: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(128);
    for part in [
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        req.query_string().as_bytes(),
        header_bytes(req, header::ACCEPT),
        header_bytes(req, header::ACCEPT_LANGUAGE),
    ] {
        key.extend_from_slice(part);
        key.push(0);
    }
    if !body.is_empty() {
        key.extend_from_slice(&Sha256::digest(body));
    }
    key
}

fn header_bytes(req: &HttpRequest, name: header::HeaderName) -> &[u8] {
    req.headers().get(name).map_or(&[], |v| v.as_bytes())
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
        // the bound: 3 x 301 fits in 1000, a fourth does not
        cache.put(&snap(2), b"c".to_vec(), &body);
        cache.put(&snap(2), b"d".to_vec(), &body);
        assert!(cache.get(&snap(2), b"d").is_some());
        cache.put(&snap(2), b"e".to_vec(), &body);
        assert!(cache.get(&snap(2), b"e").is_none());
        let off = AnswerCache::new(0);
        off.put(&snap(1), b"a".to_vec(), &body);
        assert!(off.get(&snap(1), b"a").is_none());
    }
}
