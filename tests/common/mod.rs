//! Starts the real registry on a loopback port against a fresh database: a SQLite file in a
//! temporary folder, or a new database on the PostgreSQL cluster `scripts/test` starts.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use feide_registry::{app, store::Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub database_url: String,
    handle: actix_web::dev::ServerHandle,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // stop the workers without waiting; the runtime is going away with the test
        drop(self.handle.stop(false));
    }
}

pub fn seed_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/catalogue.json")
}

/// A fresh, migrated, empty database URL for `engine`, and the folder to keep alive for SQLite.
pub fn fresh_database(engine: Engine) -> (String, Option<tempfile::TempDir>) {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = dir.path().join("registry.db").display().to_string();
            (url, Some(dir))
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
            (format!("{base}/{name}"), None)
        }
    }
}

/// Starts the registry on `engine` with the seed catalogue imported.
pub async fn spawn(engine: Engine) -> TestApp {
    spawn_with(engine, Some(seed_file())).await
}

/// The signing key of the test servers' own tokens.
pub const TEST_KEY: &[u8] = b"test-signing-key-0123456789abcdef0123456789";

pub async fn spawn_with(engine: Engine, seed: Option<PathBuf>) -> TestApp {
    spawn_configured(
        engine,
        seed,
        app::ServerOptions::with_key(TEST_KEY.to_vec()),
    )
    .await
}

pub async fn spawn_configured(
    engine: Engine,
    seed: Option<PathBuf>,
    options: app::ServerOptions,
) -> TestApp {
    let (url, dir) = fresh_database(engine);
    let store = Store::open(&url, 4, Duration::from_secs(3)).expect("open store");
    if let Some(seed) = seed {
        app::seed_if_empty(&store, &seed.display().to_string()).expect("seed");
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let server = app::server(listener, store.clone(), options).expect("server");
    let handle = server.handle();
    tokio::spawn(server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        store,
        database_url: url,
        handle,
        _dir: dir,
    }
}

impl TestApp {
    /// Imports `catalogue` straight into the database, as the `import` command run beside the
    /// server does, and waits until the server answers from it.
    pub async fn import(&self, catalogue: &feide_registry::domain::catalogue::Catalogue) {
        feide_registry::app::import(&self.store, catalogue, "test").expect("import");
        self.caught_up(&self.base).await;
    }

    /// Waits until the server at `base` answers from the database's latest commit: a server
    /// hears of writes made elsewhere (another process, or straight into the database) within
    /// a second, not at once.
    pub async fn caught_up(&self, base: &str) {
        let target = feide_registry::store::catalogue_version(&mut self.store.conn().unwrap())
            .unwrap()
            .0;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let metrics = self
                .client
                .get(format!("{base}/metrics"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let held: i64 = metrics
                .lines()
                .find_map(|l| l.strip_prefix("feide_registry_snapshot_version "))
                .and_then(|n| n.parse().ok())
                .expect("snapshot version metric");
            if held >= target {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{base} holds version {held}, the database {target}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GET that must answer 200 JSON; returns the body.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        let res = self.get(path).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "GET {path} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
    }

    /// GET that must fail with `status` and a problem document; returns it.
    pub async fn problem(&self, path: &str, status: u16) -> serde_json::Value {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), status, "GET {path}");
        assert_eq!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "GET {path}"
        );
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], status, "{body}");
        assert!(
            body["title"].is_string() && body["type"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        body
    }

    /// Creates an API client as `feide-registry client create` does; returns (id, secret).
    pub fn create_client(&self, role: &str, vendor: Option<&str>) -> (String, String) {
        let role = feide_registry::domain::auth::ClientRole::parse(role).expect("role");
        let c = app::create_client(&self.store, role, vendor, Some("test")).expect("client");
        (c.client_id, c.secret)
    }

    /// A token request (client credentials in the form).
    pub async fn token_request(&self, id: &str, secret: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ])
            .send()
            .await
            .expect("token request")
    }

    /// A bearer token from the token endpoint for a new client of `role` (and `vendor`).
    pub async fn token(&self, role: &str, vendor: Option<&str>) -> String {
        let (id, secret) = self.create_client(role, vendor);
        let res = self.token_request(&id, &secret).await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// The first page (500) of the audit log matching `query`, read by administrator `admin`.
    pub async fn audit(&self, admin: &str, query: &str) -> Vec<AuditRow> {
        let res = self
            .client
            .get(self.url(&format!("/api/v1/audit?limit=500&{query}")))
            .bearer_auth(admin)
            .send()
            .await
            .expect("audit request");
        assert_eq!(res.status(), 200);
        res.json::<AuditPage>().await.expect("an audit page").items
    }

    /// The audit rows matching `query` once they stand for at least `attempts` attempts (refusals
    /// of unidentified callers are written when their window ends), or after 20 s.
    pub async fn audited_attempts(&self, admin: &str, query: &str, attempts: i64) -> Vec<AuditRow> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let rows = self.audit(admin, query).await;
            let n: i64 = rows.iter().map(|r| r.count).sum();
            if n >= attempts || std::time::Instant::now() > deadline {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The ETag of a GET.
    pub async fn etag(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        res.headers()["etag"].to_str().unwrap().to_owned()
    }

    /// A write: `method` on `path` with an optional bearer token, If-Match and JSON body.
    pub async fn write(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let patch = method == reqwest::Method::PATCH;
        let mut rb = self.client.request(method, self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(m) = if_match {
            rb = rb.header("If-Match", m);
        }
        if let Some(b) = body {
            let ct = if patch {
                "application/merge-patch+json"
            } else {
                "application/json"
            };
            rb = rb.header("Content-Type", ct).body(b.to_string());
        }
        rb.send().await.expect("request")
    }

    /// A second registry process on the same database, as behind a load balancer; its base URL.
    /// Stop it with the handle.
    pub fn another_process(&self) -> (String, actix_web::dev::ServerHandle) {
        let store = Store::open(&self.database_url, 2, Duration::from_secs(3)).expect("open store");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let server = app::server(
            listener,
            store,
            app::ServerOptions::with_key(TEST_KEY.to_vec()),
        )
        .expect("server");
        let handle = server.handle();
        tokio::spawn(server);
        (base, handle)
    }

    /// Ids of the items of a list answer.
    pub async fn ids(&self, path: &str) -> Vec<String> {
        let body = self.json(path).await;
        body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: no items: {body}"))
            .iter()
            .map(|i| i["id"].as_str().expect("item id").to_owned())
            .collect()
    }
}

/// A problem document (RFC 9457) as the registry answers it.
#[derive(Debug, serde::Deserialize)]
pub struct Problem {
    pub status: u16,
    pub detail: String,
    #[serde(default)]
    pub errors: Vec<FieldProblem>,
}

/// One offending field or parameter of a problem document.
#[derive(Debug, serde::Deserialize)]
pub struct FieldProblem {
    pub pointer: String,
    pub detail: String,
}

/// An audit event as `GET /api/v1/audit` answers it.
#[derive(Debug, serde::Deserialize)]
pub struct AuditRow {
    pub cursor: String,
    pub actor: Option<String>,
    pub client_id: Option<String>,
    pub source: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: u16,
    pub count: i64,
}

#[derive(serde::Deserialize)]
struct AuditPage {
    items: Vec<AuditRow>,
}

/// A valid new service of Trygg Trafikk in the catalogue form.
pub fn new_service(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": format!("Ny tjeneste {id}"), "vendor": "trygg-trafikk",
        "description": "Trafikkopplæring", "website": null, "status": "active",
        "purposes": ["Levere opplæring i trafikk"], "data_subjects": ["pupils"], "personal_data": [],
        "attributes": [{"name": "eduPersonPrincipalName", "justification": "Identifiserer eleven ved innlogging"}],
        "oidc_scopes": [],
        "locations": [{"country": "NO", "role": "storage", "facility": null}],
        "sub_processors": [{"id": "microsoft-azure", "purpose": "Drift", "locations": [{"country": "NL", "role": "storage"}], "transfer_mechanism": "eea"}],
        "terms": {"deletion_days_after_end": 90},
        "sources": []
    })
}

/// Runs an async test body once on SQLite and once on PostgreSQL, as two named tests.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::spawn($crate::common::Engine::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::spawn($crate::common::Engine::Postgres).await).await
                }
            }
        )*
    };
}

/// Runs an async test body that takes the engine (and starts what it needs itself) once on SQLite
/// and once on PostgreSQL, as two named tests.
#[macro_export]
macro_rules! per_engine {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Engine::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Engine::Postgres).await
                }
            }
        )*
    };
}

/// A deterministic synthetic catalogue of `n` services (ids `gen-0000`…), for tests where counts
/// and ordering matter. Attributes, countries and sub-processors are drawn from small pools with a
/// simple LCG, so every expectation can be recomputed from the returned catalogue itself.
pub fn generated_catalogue(n: usize, seed: u64) -> feide_registry::domain::catalogue::Catalogue {
    use feide_registry::domain::catalogue::*;
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let attributes = [
        "cn",
        "givenName",
        "sn",
        "mail",
        "eduPersonPrincipalName",
        "norEduPersonNIN",
        "jpegPhoto",
        "eduPersonAffiliation",
    ];
    let places = [
        ("NO", TransferMechanism::Eea),
        ("SE", TransferMechanism::Eea),
        ("IE", TransferMechanism::Eea),
        ("US", TransferMechanism::Scc),
        ("US", TransferMechanism::Dpf),
        ("IN", TransferMechanism::Scc),
    ];
    let subs: Vec<SubProcessor> = (0..12)
        .map(|i| SubProcessor {
            id: format!("gen-sub-{i:02}"),
            name: format!("Generated Sub {i:02}"),
            legal_name: None,
            org_number: None,
            registration_number: None,
            country: None,
            address: None,
            website: None,
        })
        .collect();
    let vendors: Vec<Vendor> = (0..n.div_ceil(5))
        .map(|i| Vendor {
            id: format!("gen-vendor-{i:04}"),
            name: format!("Generert Leverandør {i:04} ÆØÅ"),
            org_number: None,
            country: Some("NO".into()),
            address: None,
            contact: None,
            website: None,
        })
        .collect();
    let services = (0..n)
        .map(|i| {
            let mut attrs: Vec<AttributeRequest> = Vec::new();
            for _ in 0..1 + next(5) {
                let name = attributes[next(attributes.len())];
                if !attrs.iter().any(|a| a.name == name) {
                    attrs.push(AttributeRequest {
                        name: name.into(),
                        justification: (next(4) > 0).then(|| format!("grunn {i}")),
                    });
                }
            }
            let mut uses: Vec<SubProcessorUse> = Vec::new();
            for _ in 0..next(4) {
                // skewed: low ids (the "hyperscalers") are drawn far more often
                let id = subs[next(3).min(next(12))].id.clone();
                if uses.iter().any(|u| u.id == id) {
                    continue;
                }
                let (country, mechanism) = places[next(places.len())];
                uses.push(SubProcessorUse {
                    id,
                    purpose: Some("drift".into()),
                    locations: vec![UseLocation {
                        country: country.into(),
                        role: Role::Storage,
                    }],
                    transfer_mechanism: mechanism,
                });
            }
            Service {
                id: format!("gen-{i:04}"),
                name: format!("Generert tjeneste {i:04}"),
                vendor: vendors[i / 5].id.as_str().into(),
                description: None,
                website: None,
                status: Status::Active,
                purposes: vec![if i % 7 == 0 {
                    "Kartlegging av lesing".into()
                } else {
                    "Læring".into()
                }],
                data_subjects: vec![DataSubject::Pupils],
                personal_data: vec![],
                attributes: attrs.into_iter().collect(),
                oidc_scopes: vec![],
                locations: vec![Location {
                    country: "NO".into(),
                    role: Role::Storage,
                    facility: None,
                }],
                sub_processors: uses.into_iter().collect(),
                terms: Terms {
                    deletion_days_after_end: (next(5) > 0).then(|| 30 * (1 + next(12) as i32)),
                    breach_notice_hours: (next(2) == 0).then_some(72),
                    sub_processor_change: Some(if next(2) == 0 {
                        SubProcessorChange::Notice
                    } else {
                        SubProcessorChange::PriorApproval
                    }),
                    sub_processor_notice_days: Some(7 * (1 + next(8) as i32)),
                    ..Terms::default()
                },
                sources: vec![],
            }
        })
        .collect();
    Catalogue {
        format: "feide-registry-catalogue/1".into(),
        vendors,
        sub_processors: subs,
        services,
    }
}
