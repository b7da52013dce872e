//! Starts the real registry on a loopback port against a fresh database: a SQLite file in a
//! temporary folder, or a new database on the PostgreSQL cluster `scripts/test` starts.

use std::net::TcpListener;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use feide_registry::app::{self, ServerOptions};
use feide_registry::domain::auth::ClientRole;
use feide_registry::domain::catalogue::raw::Catalogue;
use feide_registry::store::Store;

use super::Actor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The signing key of the test servers' own tokens.
pub const TEST_KEY: &[u8] = b"test-signing-key-0123456789abcdef0123456789";

/// A running registry on a database of its own. It is also its anonymous caller: `app.get(path)`
/// reads without a token.
pub struct TestApp {
    anonymous: Actor,
    pub store: Store,
    pub database_url: String,
    options: ServerOptions,
    _process: Process,
    _dir: Option<Kept>,
}

/// What keeps a test's database alive: the SQLite file's folder, or the PostgreSQL database, which
/// is dropped when the test ends so that a whole run leaves the shared test cluster small (left
/// behind, about 140 databases took 1.2 GB there, and 0.7 GB of WAL to replay after any crash).
pub enum Kept {
    /// Held only so that the folder is removed when the test ends.
    Folder {
        _dir: tempfile::TempDir,
    },
    Database {
        base: String,
        name: String,
    },
}

impl Drop for Kept {
    fn drop(&mut self) {
        if let Kept::Database { base, name } = self {
            // best effort: a database left behind costs disk, not correctness
            if let Ok(mut admin) = PgConnection::establish(&format!("{base}/postgres")) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

/// A registry server in this test process; stopped when dropped.
pub struct Process {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Process {
    fn drop(&mut self) {
        // stop the workers without waiting; the runtime is going away with the test
        drop(self.handle.stop(false));
    }
}

impl Deref for TestApp {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.anonymous
    }
}

pub fn seed_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/catalogue.json")
}

/// A fresh, empty database URL for `engine`, and what keeps it alive until the test ends.
pub fn fresh_database(engine: Engine) -> (String, Option<Kept>) {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = dir.path().join("registry.db").display().to_string();
            (url, Some(Kept::Folder { _dir: dir }))
        }
        Engine::Postgres => {
            let base = std::env::var("FEIDE_TEST_PG_URL")
                .expect("FEIDE_TEST_PG_URL is not set: run the tests with scripts/test, which starts PostgreSQL");
            static N: AtomicU32 = AtomicU32::new(0);
            let name = format!(
                "t_{}_{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst),
                chrono::Utc::now().timestamp_micros()
            );
            let mut admin = PgConnection::establish(&format!("{base}/postgres"))
                .expect("connect to the test cluster");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create database");
            let url = format!("{base}/{name}");
            (url, Some(Kept::Database { base, name }))
        }
    }
}

/// Starts the registry on `engine` with the seed catalogue imported.
pub async fn spawn(engine: Engine) -> TestApp {
    spawn_with(engine, |_| {}).await
}

/// Starts the registry on `engine` with the seed catalogue and the test options changed by `edit`.
pub async fn spawn_with(engine: Engine, edit: impl FnOnce(&mut ServerOptions)) -> TestApp {
    let mut options = ServerOptions::with_key(TEST_KEY.to_vec());
    edit(&mut options);
    let (url, dir) = fresh_database(engine);
    let store = Store::open(&url, 4, Duration::from_secs(3)).expect("open store");
    app::seed_if_empty(&store, &seed_file().display().to_string()).expect("seed");
    let process = serve(store.clone(), options.clone());
    TestApp {
        anonymous: Actor::anonymous(&process.base),
        store,
        database_url: url,
        options,
        _process: process,
        _dir: dir,
    }
}

/// Starts the registry with the test options on the database at `url` as it is (pending
/// migrations run, nothing is imported), as a new release starts on an old release's database.
pub fn open(url: &str) -> TestApp {
    let options = ServerOptions::with_key(TEST_KEY.to_vec());
    let store = Store::open(url, 4, Duration::from_secs(3)).expect("open store");
    let process = serve(store.clone(), options.clone());
    TestApp {
        anonymous: Actor::anonymous(&process.base),
        store,
        database_url: url.to_owned(),
        options,
        _process: process,
        _dir: None,
    }
}

fn serve(store: Store, options: ServerOptions) -> Process {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let server = app::server(listener, store, options).expect("server");
    let handle = server.handle();
    tokio::spawn(server);
    Process { base, handle }
}

impl TestApp {
    /// The caller with no credentials.
    pub fn anonymous(&self) -> Actor {
        self.anonymous.clone()
    }

    /// A caller presenting `token`, whatever it is.
    pub fn bearer(&self, token: impl Into<String>) -> Actor {
        self.anonymous.with_bearer(token)
    }

    /// A vendor's API client for `vendor`, signed in.
    pub async fn vendor(&self, vendor: &str) -> Actor {
        let (id, secret) = self.create_client(ClientRole::Vendor, Some(vendor));
        self.anonymous.sign_in(&id, &secret).await
    }

    /// An administrator's API client, signed in.
    pub async fn admin(&self) -> Actor {
        let (id, secret) = self.create_client(ClientRole::Admin, None);
        self.anonymous.sign_in(&id, &secret).await
    }

    /// Creates an API client as `feide-registry client create` does; returns (id, secret).
    pub fn create_client(&self, role: ClientRole, vendor: Option<&str>) -> (String, String) {
        let c = app::create_client(&self.store, role, vendor, Some("test")).expect("client");
        (c.client_id, c.secret)
    }

    /// Imports `catalogue` straight into the database, as the `import` command run beside the
    /// server does, and waits until the server answers from it.
    pub async fn import(&self, catalogue: &Catalogue) {
        app::import(&self.store, catalogue, "test").expect("import");
        self.caught_up(&self.anonymous).await;
    }

    /// Waits until the registry `reader` speaks to answers from the database's latest commit: a
    /// server hears of writes made elsewhere (another process, or straight into the database)
    /// within a second, not at once.
    pub async fn caught_up(&self, reader: &Actor) {
        let target = feide_registry::store::catalogue_version(&mut self.store.conn().unwrap())
            .unwrap()
            .0;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let metrics = reader.get("/metrics").await;
            let held: i64 = metrics
                .text()
                .lines()
                .find_map(|l| l.strip_prefix("feide_registry_snapshot_version "))
                .and_then(|n| n.parse().ok())
                .expect("snapshot version metric");
            if held >= target {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} holds version {held}, the database {target}",
                reader.base()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A second registry process on the same database with the same options, as behind a load
    /// balancer.
    pub fn another_process(&self) -> Process {
        self.another_process_with(|_| {})
    }

    /// A second registry process on the same database with the options changed by `edit` (a
    /// clock set past an effective date).
    pub fn another_process_with(&self, edit: impl FnOnce(&mut ServerOptions)) -> Process {
        let mut options = self.options.clone();
        edit(&mut options);
        let store = Store::open(&self.database_url, 2, Duration::from_secs(3)).expect("open store");
        serve(store, options)
    }
}
