//! Rate limits (token buckets) per client or source, so one misbehaving tool cannot starve the
//! others. Buckets live in the process: behind a load balancer each process limits on its own,
//! which bounds a client at N times the rate, still a bound. Answers on limited routes say where
//! the caller stands (`RateLimit-Policy` and `RateLimit`, draft-ietf-httpapi-ratelimit-headers-09).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket, or says in how many seconds one is available.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.bucket(key, true)
    }

    /// Whether `key`'s bucket has a request left, without taking it.
    pub fn peek(&self, key: &str) -> Result<(), u64> {
        self.bucket(key, false)
    }

    /// Requests `key` may still make now, and the seconds until its bucket is full again.
    pub fn remaining(&self, key: &str) -> (u32, u64) {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let tokens = buckets.get(key).map_or(capacity, |(tokens, at)| {
            (*tokens + at.elapsed().as_secs_f64() * per_sec).min(capacity)
        });
        let full_in = ((capacity - tokens) / per_sec).ceil().max(0.0) as u64;
        (tokens.floor() as u32, full_in)
    }

    /// A `RateLimit-Policy` item (draft-ietf-httpapi-ratelimit-headers-09 §5): `name` allows
    /// this many requests per 60-second window.
    pub fn policy(&self, name: &str) -> String {
        format!("\"{name}\";q={};w=60", self.per_minute)
    }

    /// The `RateLimit` item for `key` under policy `name` (§4): what remains and in how many
    /// seconds the whole quota is back.
    pub fn state(&self, name: &str, key: &str) -> String {
        let (r, t) = self.remaining(key);
        format!("\"{name}\";r={r};t={t}")
    }

    fn bucket(&self, key: &str, take: bool) -> Result<(), u64> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 100_000 {
            // forget idle clients rather than grow without bound
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_sec < capacity
            });
        }
        let (tokens, at) = buckets.entry(key.to_owned()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_sec).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            if take {
                *tokens -= 1.0;
            }
            Ok(())
        } else {
            Err(((1.0 - *tokens) / per_sec).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_with_a_wait() {
        let l = RateLimiter::new(3);
        assert!(l.check("a").is_ok());
        assert!(l.check("a").is_ok());
        assert!(l.check("a").is_ok());
        let wait = l.check("a").unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(l.check("b").is_ok(), "buckets are per client");
        assert!(l.peek("c").is_ok() && l.peek("c").is_ok() && l.peek("c").is_ok());
        assert!(l.peek("c").is_ok(), "peeking takes nothing");
    }

    #[test]
    fn headers_say_what_remains_and_when_the_quota_is_back() {
        let l = RateLimiter::new(10);
        assert_eq!(l.policy("writes"), "\"writes\";q=10;w=60");
        assert_eq!(l.state("writes", "a"), "\"writes\";r=10;t=0");
        for _ in 0..3 {
            l.check("a").unwrap();
        }
        let (r, t) = l.remaining("a");
        assert_eq!(r, 7);
        assert!((17..=18).contains(&t), "{t}");
    }
}
