//! Writes to one entry queue behind each other in this process instead of racing: under
//! `If-Match: *` a race lost is retried, and many writers on a few services lost most of theirs
//! to 412 after their retries (BENCHMARKS.md). Writes to different entries do not wait for each
//! other here; across processes the retries still apply.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::OwnedMutexGuard;

use crate::domain::ids::check_slug;
use crate::domain::writes::EntityKind;

/// The entry a write is about: its kind and its id as the catalogue spells it. Keyed by the
/// decoded id, not the request path, since `/api/v1/services/k%69kora` is `kikora` too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntryKey {
    kind: EntityKind,
    id: String,
}

impl EntryKey {
    /// The key of entry `id`, when `id` is one the catalogue could hold (none other has
    /// anything to queue for).
    /// A portfolio entry's id is two slugs, `municipality/service`.
    pub fn new(kind: EntityKind, id: &str) -> Option<EntryKey> {
        let each = id.split('/').try_for_each(check_slug);
        each.ok().map(|()| EntryKey {
            kind,
            id: id.to_owned(),
        })
    }
}

#[derive(Default)]
pub struct EntryLocks(Mutex<HashMap<EntryKey, Weak<tokio::sync::Mutex<()>>>>);

impl EntryLocks {
    /// Waits (in arrival order) until no other write of `entry` is under way in this process.
    pub async fn lock(&self, entry: EntryKey) -> OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            // entries nobody is writing any more are forgotten
            map.retain(|_, w| w.strong_count() > 0);
            match map.get(&entry).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    map.insert(entry, Arc::downgrade(&lock));
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

    fn service(id: &str) -> EntryKey {
        EntryKey::new(EntityKind::Service, id).expect("a valid id")
    }

    #[tokio::test]
    async fn one_entry_at_a_time_and_others_free() {
        let locks = Arc::new(EntryLocks::default());
        let first = locks.lock(service("a")).await;
        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move { locks.lock(service("a")).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "a second write of `a` waits");
        let other = locks.lock(service("b")).await;
        drop(other);
        let same_id_other_kind = locks
            .lock(EntryKey::new(EntityKind::Vendor, "a").unwrap())
            .await;
        drop(same_id_other_kind);
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

    #[test]
    fn only_ids_the_catalogue_could_hold_have_a_key() {
        assert_eq!(service("kikora"), service("kikora"));
        assert_ne!(
            service("kikora"),
            EntryKey::new(EntityKind::Vendor, "kikora").unwrap()
        );
        for bad in ["", "Kikora", "k%69kora", "../kikora", "kikora "] {
            assert!(EntryKey::new(EntityKind::Service, bad).is_none(), "{bad:?}");
        }
    }
}
