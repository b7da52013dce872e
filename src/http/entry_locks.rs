//! Writes to one entry queue behind each other in this process instead of racing: under
//! `If-Match: *` a race lost is retried, and 64 writers on five services lost most of theirs
//! (785 of 4,656 answered 412 after their retries in one 8 s benchmark run). Writes to different
//! entries do not wait for each other here; across processes the retries still apply.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::OwnedMutexGuard;

#[derive(Default)]
pub struct EntryLocks(Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>);

impl EntryLocks {
    /// Waits (in arrival order) until no other write of `entry` is under way in this process.
    pub async fn lock(&self, entry: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            // entries nobody is writing any more are forgotten
            map.retain(|_, w| w.strong_count() > 0);
            match map.get(entry).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    map.insert(entry.to_owned(), Arc::downgrade(&lock));
                    lock
                }
            }
        };
        lock.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_entry_at_a_time_and_others_free() {
        let locks = Arc::new(EntryLocks::default());
        let first = locks.lock("a").await;
        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move { locks.lock("a").await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "a second write of `a` waits");
        let other = locks.lock("b").await;
        drop(other);
        drop(first);
        let second = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("released")
            .unwrap();
        drop(second);
        assert!(locks
            .0
            .lock()
            .unwrap()
            .values()
            .all(|w| w.strong_count() == 0));
    }
}
