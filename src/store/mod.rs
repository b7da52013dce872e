//! The only place that speaks SQL: one connection type over SQLite and PostgreSQL, chosen by the
//! URL, a connection pool, the embedded migrations, and the catalogue's reads and writes.

pub mod announcements;
pub mod changes;
pub mod clients;
pub mod commit;
pub mod feide;
pub mod feide_coverage;
mod ids;
pub mod lookups;
pub mod moment;
pub mod municipalities;
mod read;
pub mod responses;
mod rows;
pub mod schema;
pub mod webhooks;
mod write;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use moment::{fmt_time, Moment};
pub use read::{load_snapshot, load_versioned, refresh_snapshot, Refresh};
pub use write::{import_catalogue, is_empty, upsert_sub_processor, ImportSummary};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum Db {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Engine {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database unavailable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Opens connections for the engine the URL names. diesel's derived `establish` tries every
/// backend and reports only the last error, so the engine is chosen here, keeping the real one.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    engine: Engine,
}

#[derive(Debug)]
pub struct ConnectError(String);
impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ConnectError {}

impl ManageConnection for Manager {
    type Connection = Db;
    type Error = ConnectError;

    fn connect(&self) -> Result<Db, ConnectError> {
        match self.engine {
            Engine::Postgres => {
                PgConnection::establish(&without_gssapi(&self.url)).map(Db::Postgres)
            }
            Engine::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                create_private(path).map_err(|e| ConnectError(format!("{path}: {e}")))?;
                SqliteConnection::establish(path).map(Db::Sqlite)
            }
        }
        .map_err(|e| ConnectError(e.to_string()))
        .and_then(|mut db| {
            if let Db::Sqlite(c) = &mut db {
                // busy_timeout first: switching a fresh file to WAL while another connection
                // holds it would otherwise fail at once with "database is locked".
                c.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| ConnectError(e.to_string()))?;
            }
            Ok(db)
        })
    }

    fn is_valid(&self, conn: &mut Db) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, _conn: &mut Db) -> bool {
        false
    }
}

/// Creates a missing SQLite file readable by its owner only: it holds client secret hashes and
/// the audit log. SQLite gives its WAL and shared-memory files the database file's mode.
fn create_private(path: &str) -> std::io::Result<()> {
    if path == ":memory:" || path.starts_with("file:") || std::path::Path::new(path).exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// libpq tries GSSAPI encryption by default, which loads Kerberos; its teardown at process exit
/// was seen to abort the command line (`k5_mutex_lock: Received error 22`). The registry never
/// uses Kerberos, so it is turned off unless the URL asks for it.
fn without_gssapi(url: &str) -> String {
    if url.contains("gssencmode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&gssencmode=disable")
    } else {
        format!("{url}?gssencmode=disable")
    }
}

pub type DbPool = Pool<Manager>;
pub type Conn = PooledConnection<Manager>;

/// The database: a pool over one engine.
#[derive(Clone)]
pub struct Store {
    pool: DbPool,
    engine: Engine,
    url: String,
}

impl Store {
    /// Connects and runs pending migrations. `connect_timeout` bounds how long a request waits
    /// for a connection when the database is down, instead of r2d2's default 30 s.
    pub fn open(url: &str, pool_size: u32, connect_timeout: Duration) -> Result<Store, StoreError> {
        let engine = Engine::of_url(url);
        let manager = Manager {
            url: url.to_owned(),
            engine,
        };
        // SQLite allows one writer at a time; a small pool avoids lock convoys on writes.
        let size = match engine {
            Engine::Sqlite => pool_size.clamp(1, 8),
            Engine::Postgres => pool_size.max(1),
        };
        // Connect once outside the pool so a wrong URL or a down server reports its own error.
        let mut first = manager.connect().map_err(|e| StoreError::Connect(e.0))?;
        run_migrations(&mut first)?;
        drop(first);
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(connect_timeout)
            // A PostgreSQL connection dies with its server; checking it out costs one round trip
            // and lets the pool replace it, so the registry recovers by itself once the
            // database is back. A SQLite file has no server to lose.
            .test_on_check_out(engine == Engine::Postgres)
            .build(manager)
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        Ok(Store {
            pool,
            engine,
            url: url.to_owned(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn conn(&self) -> Result<Conn, StoreError> {
        Ok(self.pool.get()?)
    }

    /// A connection of its own, outside the pool (the catalogue watcher's).
    pub fn connect_outside_pool(&self) -> Result<Db, StoreError> {
        let manager = Manager {
            url: self.url.clone(),
            engine: self.engine,
        };
        manager.connect().map_err(|e| StoreError::Connect(e.0))
    }

    /// True when a connection can be had and answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        c.batch_execute("SELECT 1")?;
        Ok(())
    }
}

/// Changes whenever the stored catalogue does: every write transaction raises it
/// (`bump_version`), so a snapshot knows which logged changes it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub i64);

#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Runs `f` on a pooled connection on the blocking pool: the scheduled tasks (announcements,
/// the Feide sync, webhook delivery) run inside request handlers or on timers, and a database
/// call there must not hold up the async worker.
pub async fn on_db<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&mut Db) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    actix_web::web::block(move || f(&mut *store.conn()?))
        .await
        .map_err(|e| StoreError::Connect(format!("the blocking pool: {e}")))?
}

pub fn catalogue_version(db: &mut Db) -> Result<Version, StoreError> {
    let row: VersionRow =
        diesel::sql_query("SELECT n FROM catalogue_version WHERE id = 1").get_result(db)?;
    Ok(Version(row.n))
}

/// What a write touched, logged with the version it raised so that readers can catch up by
/// reading only those entries (`read::refresh_snapshot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched<'a> {
    Service(&'a str),
    Vendor(&'a str),
    SubProcessor(&'a str),
    /// A municipality or its portfolio: nothing the catalogue snapshot shows, logged so that
    /// every raise of the version has its row.
    Municipality(&'a str),
    /// An import: anything may have changed.
    All,
}

/// The kinds of entry with revisions, as the change feed and histories name them.
pub const REVISED_ENTITIES: [&str; 3] = ["service", "vendor", "sub_processor"];

impl Touched<'_> {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Touched::Service(id) => ("service", id),
            Touched::Vendor(id) => ("vendor", id),
            Touched::SubProcessor(id) => ("sub_processor", id),
            Touched::Municipality(id) => ("municipality", id),
            Touched::All => ("all", ""),
        }
    }
}

/// The PostgreSQL channel every write transaction notifies on commit (`catalogue::watch`).
pub const CHANNEL: &str = "feide_registry_catalogue";

/// How many versions of change log are kept. A reader further behind reads the whole catalogue.
pub const CHANGE_LOG_KEEP: i64 = 10_000;

/// Raises the catalogue version and logs what the write touches; every write transaction does
/// this first. The lock it takes (the row on PostgreSQL, the database on SQLite) orders writers,
/// so the version readers see grows with each commit, and a reader's version says exactly which
/// logged changes it has. On SQLite it also matters that the write comes first: a deferred
/// transaction that read before writing fails at once with SQLITE_BUSY when another writer
/// committed in between, while a first write waits on the busy timeout and then reads the
/// latest data.
pub fn bump_version(db: &mut Db, touched: &[Touched]) -> Result<(), StoreError> {
    use diesel::sql_types::{BigInt, Text};
    diesel::sql_query("UPDATE catalogue_version SET n = n + 1 WHERE id = 1").execute(db)?;
    if let Db::Postgres(pg) = db {
        // delivered when the transaction commits, never for one rolled back
        pg.batch_execute(&format!("NOTIFY {CHANNEL}"))?;
    }
    let Version(n) = catalogue_version(db)?;
    for t in touched {
        let (kind, id) = t.parts();
        diesel::sql_query(
            "INSERT INTO catalogue_changes (version, kind, entity_id) VALUES ($1, $2, $3)",
        )
        .bind::<BigInt, _>(n)
        .bind::<Text, _>(kind)
        .bind::<Text, _>(id)
        .execute(db)?;
    }
    diesel::sql_query("DELETE FROM catalogue_changes WHERE version < $1")
        .bind::<BigInt, _>(n - CHANGE_LOG_KEEP)
        .execute(db)?;
    Ok(())
}

fn run_migrations(db: &mut Db) -> Result<(), StoreError> {
    let result = match db {
        Db::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        Db::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}
