//! The watcher: a thread per process that refreshes the snapshot when another process writes.
//! It holds a connection of its own outside the pool, where it can hear of a commit without a
//! query per read: PostgreSQL delivers the `NOTIFY` every write transaction sends
//! (`store::bump_version`) to a `LISTEN`ing connection; SQLite's `PRAGMA data_version` changes
//! when any other connection commits. It also refreshes every second whatever it heard, which
//! ages the snapshot when due, confirms that the database answers, and catches anything a
//! lost connection missed.

use std::sync::Weak;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::Inner;
use crate::store::{Db, Store, StoreError};

/// How often the watcher looks for news: the delay before another process's write shows.
const POLL: Duration = Duration::from_millis(100);
/// How often it refreshes whatever it heard.
const REFRESH_EVERY: Duration = Duration::from_secs(1);

pub(super) fn spawn(catalogue: Weak<Inner>, store: Store) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("catalogue-watch".into())
        .spawn(move || run(catalogue, store))
        .map(drop)
        .map_err(|e| StoreError::Connect(format!("cannot start the catalogue watcher: {e}")))
}

fn run(catalogue: Weak<Inner>, store: Store) {
    let mut ear: Option<Ear> = None;
    let mut last_refresh = Instant::now();
    let mut last_attempt: Option<Instant> = None;
    let mut failing = false;
    loop {
        std::thread::sleep(POLL);
        let Some(inner) = catalogue.upgrade() else {
            return; // the server is gone
        };
        if ear.is_none() && last_attempt.is_none_or(|t| t.elapsed() >= REFRESH_EVERY) {
            last_attempt = Some(Instant::now());
            ear = Ear::open(&store).ok();
        }
        let heard = match ear.as_mut().map(Ear::heard) {
            Some(Ok(heard)) => heard,
            Some(Err(_)) => {
                ear = None;
                false
            }
            None => false,
        };
        if heard || last_refresh.elapsed() >= REFRESH_EVERY {
            last_refresh = Instant::now();
            match inner.refresh(&store) {
                Ok(_) if failing => {
                    failing = false;
                    log::info!("catalogue watcher: the database answers again");
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    failing = true;
                    log::warn!("catalogue watcher: {e}; answering from the last snapshot");
                }
                Err(_) => {}
            }
        }
    }
}

/// The watcher's own connection, and what it last saw.
struct Ear {
    db: Db,
    data_version: i64,
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    data_version: i64,
}

impl Ear {
    fn open(store: &Store) -> Result<Ear, StoreError> {
        let mut db = store.connect_outside_pool()?;
        if let Db::Postgres(pg) = &mut db {
            pg.batch_execute(&format!("LISTEN {}", crate::store::CHANNEL))?;
        }
        let mut ear = Ear {
            db,
            data_version: 0,
        };
        ear.heard()?;
        Ok(ear)
    }

    /// True when another connection committed since the last call.
    fn heard(&mut self) -> Result<bool, StoreError> {
        match &mut self.db {
            Db::Postgres(pg) => {
                let mut any = false;
                for n in pg.notifications_iter() {
                    n?;
                    any = true;
                }
                Ok(any)
            }
            Db::Sqlite(lite) => {
                let now = diesel::sql_query("PRAGMA data_version")
                    .get_result::<DataVersion>(lite)?
                    .data_version;
                let changed = now != self.data_version;
                self.data_version = now;
                Ok(changed)
            }
        }
    }
}
