//! Wiring: opening the store, seeding, import/export, and building the HTTP server, so the binary
//! and the tests start exactly the same thing.

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use chrono::Utc;

use std::path::PathBuf;

use crate::catalogue::answers::AnswerCache;
use crate::catalogue::ReadModel;
use crate::config::Settings;
use crate::domain::auth::ClientRole;
use crate::domain::catalogue::{raw, Catalogue, Check, FORMAT};
use crate::domain::validate::{validate_catalogue, FieldProblem};
use crate::http::caller::Security;
use crate::http::rate_limit::RateLimiter;
use crate::http::{self, AppState};
use crate::issuer::{ExternalIssuer, IssuerConfig};
use crate::store::clients::{insert_client, ClientRow};
use crate::store::Engine;
use crate::store::{self, ImportSummary, Store, StoreError};
use crate::tokens::TokenKeys;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: String },
    #[error("{path} is not a catalogue file: {error}")]
    Parse { path: String, error: String },
    #[error("{path} is invalid:\n{}", .problems.iter().map(|p| format!("  {}: {}", p.pointer, p.detail)).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: String,
        problems: Vec<FieldProblem>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn open_store(settings: &Settings) -> Result<Store, StoreError> {
    Store::open(
        &settings.database_url,
        settings.db_pool_size,
        Duration::from_secs(settings.db_timeout_secs),
    )
}

/// Validates a catalogue against the stored reference data and imports it in one transaction.
pub fn import(
    store: &Store,
    catalogue: &raw::Catalogue,
    origin: &str,
) -> Result<ImportSummary, ImportError> {
    let mut conn = store.conn()?;
    let reference = store::lookups::reference(&mut conn)?;
    let invalid = |problems| ImportError::Invalid {
        path: origin.to_owned(),
        problems,
    };
    let problems = validate_catalogue(catalogue, &reference);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let catalogue = catalogue.clone().check("").map_err(|p| invalid(vec![p]))?;
    Ok(store::import_catalogue(&mut conn, &catalogue, Utc::now())?)
}

pub fn read_catalogue(path: &Path) -> Result<raw::Catalogue, ImportError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
        path: shown.clone(),
        error: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| ImportError::Parse {
        path: shown,
        error: e.to_string(),
    })
}

pub fn import_file(store: &Store, path: &Path) -> Result<ImportSummary, ImportError> {
    let catalogue = read_catalogue(path)?;
    import(store, &catalogue, &path.display().to_string())
}

/// On a database with no vendor or service, imports the seed file (if one is configured).
pub fn seed_if_empty(store: &Store, seed_file: &str) -> Result<Option<ImportSummary>, ImportError> {
    if seed_file.is_empty() || !store::is_empty(&mut *store.conn()?)? {
        return Ok(None);
    }
    import_file(store, Path::new(seed_file)).map(Some)
}

/// The whole catalogue in the import format (the form `read_catalogue` reads), entries ordered
/// by id.
pub fn export(store: &Store) -> Result<raw::Catalogue, StoreError> {
    let snap = store::load_snapshot(&mut *store.conn()?, Utc::now())?;
    Ok(Catalogue {
        format: FORMAT.to_owned(),
        vendors: snap.vendors.iter().map(|v| v.vendor.clone()).collect(),
        sub_processors: snap.sub_processors.iter().map(|p| (**p).clone()).collect(),
        services: snap.all_services().map(|s| s.service.clone()).collect(),
    }
    .into())
}

/// What the HTTP server needs besides the store: everything a test may want to set.
#[derive(Clone)]
pub struct ServerOptions {
    pub workers: usize,
    pub token_key: Vec<u8>,
    pub token_issuer: String,
    pub token_lifetime_secs: i64,
    pub external: Option<IssuerConfig>,
    pub max_body: usize,
    pub write_rate_per_minute: u32,
    pub token_rate_per_minute: u32,
    pub cors_origins: Vec<String>,
    pub answer_cache_bytes: usize,
    pub render_cache_bytes: usize,
    pub audit: crate::audit::Retention,
    pub body_timeout: Duration,
    /// The window anonymous refusals are tallied over (a minute; shorter in tests).
    pub refusal_window: Duration,
    pub revision_bytes_per_day: u64,
    /// Where clients reach the registry (`PUBLIC_BASE_URL`), for absolute links; else the
    /// request's own scheme and host.
    pub public_base_url: Option<String>,
    /// The Feide API link; None: never fetch (tests that do not need it).
    pub feide: Option<crate::feide::FeideOptions>,
    /// What day it is for announcements: the system's clock, or in tests a fixed moment (to
    /// step past an effective date without waiting for it). Not a setting: a registry in service
    /// keeps the real time.
    pub clock: crate::schedule::Clock,
    /// How often each process applies due announcements by itself; None: only on an
    /// administrator's `POST /api/v1/announcements/apply-due` (tests, which run the task on demand).
    pub announcements_every: Option<Duration>,
    /// Origins allowed to frame a municipality's embeddable list (`EMBED_ORIGINS`).
    pub embed_origins: Vec<String>,
    /// How webhooks are delivered; None: this process delivers none (they wait in the database
    /// for a process that does).
    pub webhooks: Option<crate::delivery::WebhookOptions>,
}

impl ServerOptions {
    /// Options for tests and embedding: a given key, generous limits, no external issuer.
    pub fn with_key(token_key: Vec<u8>) -> Self {
        Self {
            workers: 2,
            token_key,
            token_issuer: "feide-registry".into(),
            token_lifetime_secs: 300,
            external: None,
            max_body: 256 * 1024,
            write_rate_per_minute: 6000,
            token_rate_per_minute: 6000,
            cors_origins: Vec::new(),
            answer_cache_bytes: 32 << 20,
            render_cache_bytes: 32 << 20,
            audit: crate::audit::Retention {
                days: 365,
                max_rows: 1_000_000,
            },
            refusal_window: Duration::from_secs(60),
            body_timeout: Duration::from_secs(10),
            revision_bytes_per_day: 1 << 30,
            public_base_url: None,
            feide: None,
            clock: crate::schedule::Clock::System,
            announcements_every: None,
            embed_origins: Vec::new(),
            webhooks: Some(crate::delivery::WebhookOptions::default()),
        }
    }

    /// Options from the settings; reads (or creates) the token signing key.
    pub fn from_settings(settings: &Settings, engine: Engine) -> Result<Self, String> {
        let audit =
            crate::audit::Retention::new(settings.audit_retention_days, settings.audit_max_rows)?;
        let key_file = if !settings.token_key_file.is_empty() {
            PathBuf::from(&settings.token_key_file)
        } else {
            match engine {
                Engine::Sqlite => {
                    let db = settings
                        .database_url
                        .strip_prefix("sqlite://")
                        .unwrap_or(&settings.database_url);
                    PathBuf::from(format!("{db}.token-key"))
                }
                Engine::Postgres => PathBuf::from("feide-registry.key"),
            }
        };
        let external = (!settings.external_issuer.is_empty()).then(|| IssuerConfig {
            issuer: settings.external_issuer.clone(),
            jwks_url: settings.external_jwks_url.clone(),
            audience: settings.external_audience.clone(),
            vendor_scope: settings.external_vendor_scope.clone(),
            admin_scope: settings.external_admin_scope.clone(),
            municipality_scope: settings.external_municipality_scope.clone(),
            cache_for: Duration::from_secs(settings.jwks_cache_secs),
            min_refetch: Duration::from_secs(settings.jwks_min_refetch_secs),
        });
        if external.as_ref().is_some_and(|e| e.jwks_url.is_empty()) {
            return Err("EXTERNAL_ISSUER needs EXTERNAL_JWKS_URL".into());
        }
        Ok(Self {
            workers: settings.workers,
            token_key: crate::tokens::load_or_create_key(&key_file)?,
            token_issuer: settings.token_issuer.clone(),
            token_lifetime_secs: settings.token_lifetime_secs.clamp(30, 3600),
            external,
            max_body: settings.max_body_bytes,
            answer_cache_bytes: settings.answer_cache_mb << 20,
            render_cache_bytes: settings.render_cache_mb << 20,
            revision_bytes_per_day: settings.revision_bytes_per_day,
            feide: settings.feide(),
            write_rate_per_minute: settings.write_rate_per_minute,
            token_rate_per_minute: settings.token_rate_per_minute,
            cors_origins: list(&settings.cors_origins),
            audit,
            refusal_window: Duration::from_secs(60),
            body_timeout: Duration::from_secs(10),
            public_base_url: (!settings.public_base_url.is_empty())
                .then(|| settings.public_base_url.trim_end_matches('/').to_owned()),
            clock: crate::schedule::Clock::System,
            announcements_every: Some(ANNOUNCEMENTS_EVERY),
            embed_origins: list(&settings.embed_origins),
            webhooks: Some(settings.webhooks()),
        })
    }
}

/// A comma-separated setting as its items.
fn list(setting: &str) -> Vec<String> {
    setting
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How often a serving process looks for announcements that reached their effective date: they
/// are due by the day, so a minute late is on time.
const ANNOUNCEMENTS_EVERY: Duration = Duration::from_secs(60);

/// Housekeeping, on one worker for as long as the server runs: writes refusal tallies as their
/// windows end, and every 10 s applies the audit log's row cap and age limit and gives memory
/// freed since back to the system.
async fn upkeep(state: web::Data<AppState>, retention: crate::audit::Retention) {
    let mut ticks: u64 = 0;
    let mut interval = actix_web::rt::time::interval(Duration::from_secs(1));
    loop {
        interval.tick().await;
        let trim = ticks % 10 == 0;
        ticks += 1;
        let s = state.clone();
        let done = web::block(move || {
            if trim {
                crate::allocator::give_back();
            }
            crate::audit::upkeep(&s.store, &s.refusals, retention, trim)
        })
        .await;
        if !matches!(done, Ok(Ok(()))) {
            log::warn!("audit upkeep failed; tallies not written wait for the next round");
        }
    }
}

fn cors(origins: &[String]) -> actix_cors::Cors {
    // Browser dashboards read, and may POST the portfolio report (which stores nothing); writes
    // come from vendors' back ends, never cross-origin: `Authorization` is not allowed, and
    // `headers::conventions` keeps POST to the report alone.
    let mut c = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST"])
        .allowed_headers([
            actix_web::http::header::ACCEPT,
            actix_web::http::header::ACCEPT_LANGUAGE,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_NONE_MATCH,
            actix_web::http::header::IF_MODIFIED_SINCE,
        ])
        .expose_headers([
            actix_web::http::header::ETAG,
            actix_web::http::header::LINK,
            actix_web::http::header::CONTENT_LANGUAGE,
            actix_web::http::header::LAST_MODIFIED,
            actix_web::http::header::AGE,
        ])
        .max_age(3600);
    for o in origins {
        c = if o == "*" {
            c.allow_any_origin().send_wildcard()
        } else {
            c.allowed_origin(o)
        };
    }
    c
}

/// The HTTP server on an already bound listener (tests bind port 0).
pub fn server(
    listener: TcpListener,
    store: Store,
    options: ServerOptions,
) -> std::io::Result<Server> {
    let catalogue = ReadModel::open(&store, options.render_cache_bytes)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let state = web::Data::new(AppState {
        store,
        catalogue,
        answers: AnswerCache::new(options.answer_cache_bytes),
        metrics: Default::default(),
        refusals: crate::audit::RefusalTally::new(options.refusal_window),
        upkeep_started: Default::default(),
        feide: options.feide.clone(),
        entry_locks: Default::default(),
        clock: options.clock,
        webhook_targets: options.webhooks.unwrap_or_default().targets,
        security: Security {
            keys: TokenKeys::new(
                &options.token_key,
                &options.token_issuer,
                &options.token_issuer,
                options.token_lifetime_secs,
            ),
            external: options.external.clone().map(ExternalIssuer::new),
            write_limit: RateLimiter::new(options.write_rate_per_minute),
            token_failures_by_source: RateLimiter::new(
                options.token_rate_per_minute.saturating_mul(4),
            ),
            token_failures_by_client: RateLimiter::new(options.token_rate_per_minute),
            max_body: options.max_body,
            body_timeout: options.body_timeout,
            revision_bytes_per_day: options.revision_bytes_per_day,
        },
    });
    let origins = options.cors_origins.clone();
    let public_base = web::Data::new(crate::http::pagination::PublicBase(
        options.public_base_url.clone(),
    ));
    let page_options = web::Data::new(crate::pages::PageOptions {
        embed_origins: options.embed_origins.clone(),
    });
    let retention = options.audit;
    let announcements_every = options.announcements_every;
    let webhooks = options.webhooks;
    let server = HttpServer::new(move || {
        if !state
            .upkeep_started
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            actix_web::rt::spawn(upkeep(state.clone(), retention));
            if let Some((feide, every)) = state
                .feide
                .clone()
                .and_then(|f| Some((f.clone(), f.every?)))
            {
                actix_web::rt::spawn(crate::feide::sync::every(state.store.clone(), feide, every));
            }
            if let Some(webhooks) = webhooks {
                let dispatcher =
                    crate::delivery::Dispatcher::new(state.store.clone(), webhooks, state.clock);
                actix_web::rt::spawn(dispatcher.run());
            }
            if let Some(every) = announcements_every {
                actix_web::rt::spawn(crate::schedule::every(
                    state.store.clone(),
                    state.catalogue.clone(),
                    state.clock,
                    every,
                ));
            }
        }
        let counted = state.clone();
        let aged = state.clone();
        let dated = state.clone();
        App::new()
            .app_data(state.clone())
            // innermost: the problem is said again in the caller's language before any other
            // middleware adds its headers
            .wrap(actix_web::middleware::from_fn(http::problems::in_language))
            .wrap_fn(move |req, srv| {
                let started = std::time::Instant::now();
                let metrics = counted.clone();
                let fut = actix_web::dev::Service::call(srv, req);
                async move {
                    let res = fut.await?;
                    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                    metrics.metrics.record(res.status().as_u16(), micros);
                    Ok(res)
                }
            })
            .app_data(web::QueryConfig::default().error_handler(|_, _| http::bad_query()))
            .app_data(web::PathConfig::default().error_handler(http::bad_path))
            .wrap(cors(&origins))
            .wrap(actix_web::middleware::NormalizePath::new(
                actix_web::middleware::TrailingSlash::MergeOnly,
            ))
            // outermost, so CORS answers and refusals carry the headers too
            .wrap_fn(|req, srv| {
                let method = req.method().clone();
                let path = req.path().to_owned();
                let authenticated = req
                    .headers()
                    .contains_key(actix_web::http::header::AUTHORIZATION);
                let fut = actix_web::dev::Service::call(srv, req);
                async move {
                    let mut res = fut.await?;
                    http::headers::harden(&method, &path, authenticated, res.headers_mut());
                    http::headers::page_alternate(&mut res);
                    Ok(res)
                }
            })
            .wrap_fn(move |req, srv| {
                let held = http::headers::catalogue_read(&req).then(|| dated.catalogue.current());
                let catalogue = dated.clone();
                let fut = actix_web::dev::Service::call(srv, req);
                async move {
                    let res = fut.await?.map_into_boxed_body();
                    let res = http::headers::docs_validated(res);
                    Ok(match held {
                        Some(snap) => {
                            let now = catalogue.catalogue.current();
                            let unchanged = now.generation == snap.generation;
                            http::headers::last_modified(res, snap.changed_at, unchanged)
                        }
                        None => res,
                    })
                }
            })
            .wrap_fn(move |req, srv| {
                let age = aged.catalogue.age();
                let fut = actix_web::dev::Service::call(srv, req);
                async move {
                    let mut res = fut.await?;
                    if let Some(age) = age {
                        let req = res.request().clone();
                        let status = res.status();
                        http::headers::mark_age(&req, status, age, res.headers_mut());
                    }
                    Ok(res)
                }
            })
            // gzip, br or zstd as `Accept-Encoding` asks; outside it only the conventions
            .wrap(actix_web::middleware::Compress::default())
            .wrap_fn(|req, srv| {
                let fut = actix_web::dev::Service::call(srv, req);
                async move {
                    let res = fut.await?.map_into_boxed_body();
                    Ok(http::headers::conventions(res))
                }
            })
            // outermost: it logs the answer as sent (the layers inside read bodies whole, which
            // its wrapper would hide)
            .wrap(
                actix_web::middleware::Logger::new("%a \"%{request}xi\" %s %b %Dms")
                    .custom_request_replace("request", request_line),
            )
            .app_data(public_base.clone())
            .app_data(page_options.clone())
            .configure(http::configure)
            .configure(crate::pages::configure)
            .service(web::redirect("/docs", "/docs/"))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json").validator_url("none")),
            )
            .default_service(web::to(http::not_found))
    })
    .listen(listener)?;
    let workers = match options.workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    Ok(server
        .workers(workers)
        .max_connections(connection_limit(workers))
        .run())
}

/// Connections each worker accepts, so that all of them together stay below the process's
/// file-descriptor limit (raised to its hard limit first), with room for the database, logs and
/// files: past the limit a worker stops accepting until connections close, instead of failing
/// every `accept` and starving `/healthz`.
fn connection_limit(workers: usize) -> usize {
    let fds = raise_fd_limit();
    let room = fds.saturating_sub(256) * 9 / 10;
    (room / workers.max(1)).clamp(64, 25_000)
}

#[cfg(unix)]
fn raise_fd_limit() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        let want = lim.rlim_max.min(65_536);
        if lim.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = want;
            }
        }
    }
    usize::try_from(lim.rlim_cur).unwrap_or(1024)
}

#[cfg(not(unix))]
fn raise_fd_limit() -> usize {
    1024
}

/// The request line for the access log. The token route's query string is never logged: a
/// client that put its secret there must not leave it in a log file (the route refuses it too).
fn request_line(req: &actix_web::dev::ServiceRequest) -> String {
    let query = req.query_string();
    let shown = if query.is_empty() {
        String::new()
    } else if req.path().trim_end_matches('/') == "/api/v1/auth/token" {
        "?[query omitted]".to_owned()
    } else {
        format!("?{query}")
    };
    format!("{} {}{shown} {:?}", req.method(), req.path(), req.version())
}

/// A new API client; the secret is returned this once and stored only as a hash.
pub struct NewClient {
    pub client_id: String,
    pub secret: String,
}

/// `acts_for` is the vendor of a vendor client, the municipality of a municipality client.
pub fn create_client(
    store: &Store,
    role: ClientRole,
    acts_for: Option<&str>,
    description: Option<&str>,
) -> Result<NewClient, String> {
    let mut conn = store.conn().map_err(|e| e.to_string())?;
    match (role, acts_for) {
        (ClientRole::Vendor, None) => return Err("a vendor client needs --vendor ID".into()),
        (ClientRole::Municipality, None) => {
            return Err("a municipality client needs --municipality ID".into())
        }
        (ClientRole::Admin, Some(_)) => return Err("an admin client acts for no one".into()),
        (ClientRole::Vendor, Some(v)) => {
            if !store::lookups::vendor_exists(&mut conn, v).map_err(|e| e.to_string())? {
                return Err(format!("no vendor with id `{v}`"));
            }
        }
        (ClientRole::Municipality, Some(m)) => {
            if !store::municipalities::municipality_exists(&mut conn, m)
                .map_err(|e| e.to_string())?
            {
                return Err(format!("no municipality with id `{m}`"));
            }
        }
        (ClientRole::Admin, None) => {}
    }
    let vendor = acts_for.filter(|_| role == ClientRole::Vendor);
    let municipality = acts_for.filter(|_| role == ClientRole::Municipality);
    let client_id = format!(
        "{}-{}",
        acts_for.unwrap_or("admin"),
        crate::tokens::random_token(6)
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    let secret = crate::tokens::random_token(32);
    let row = ClientRow {
        client_id: client_id.clone(),
        secret_hash: crate::tokens::hash_secret(&secret),
        role: role.as_str().to_owned(),
        vendor_id: vendor.map(str::to_owned),
        description: description.map(str::to_owned),
        created_at: Utc::now().into(),
        revoked_at: None,
        municipality_id: municipality.map(str::to_owned),
    };
    insert_client(&mut conn, &row).map_err(|e| e.to_string())?;
    Ok(NewClient { client_id, secret })
}

/// Creates a municipality from the command line: the document the API takes
/// (`MunicipalityInput`), the same checks, and one transaction with its revision and audit rows,
/// whose actor is the command line. Answers the new id, or every problem in words.
pub fn create_municipality(store: &Store, doc: &serde_json::Value) -> Result<String, String> {
    use crate::domain::municipalities::MunicipalityInput;
    use crate::store::changes::{Change, Expect};
    let input: MunicipalityInput =
        serde_json::from_value(doc.clone()).map_err(|e| e.to_string())?;
    let m = input.check(None).map_err(|problems| {
        problems
            .iter()
            .map(|p| format!("{}: {}", p.pointer, p.detail))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let now = Utc::now();
    let event = store::clients::NewAuditEvent {
        at: now.into(),
        actor: Some(CLI_ACTOR.into()),
        client_id: None,
        source: None,
        action: "municipality.create".into(),
        target: format!("/api/v1/municipalities/{}", m.id),
        outcome: 201,
        detail: Some("command line".into()),
        count: 1,
    };
    let change = Change {
        actor: CLI_ACTOR,
        client_id: None,
        action: "municipality.create",
        before: None,
        daily_bytes: None,
    };
    let mut conn = store.conn().map_err(|e| e.to_string())?;
    store::commit::commit(&mut conn, &m, &[], Expect::New, &change, &event)
        .map_err(|e| e.to_string())?;
    Ok(m.id)
}

/// The actor the command line's writes are recorded under.
const CLI_ACTOR: &str = "admin:cli";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_access_log_never_shows_the_token_routes_query() {
        let line =
            |uri: &str| request_line(&actix_web::test::TestRequest::with_uri(uri).to_srv_request());
        let token = line("/api/v1/auth/token?client_secret=s3cret");
        assert!(!token.contains("s3cret"), "{token}");
        assert!(
            token.starts_with("GET /api/v1/auth/token?[query omitted]"),
            "{token}"
        );
        assert!(!line("/api/v1/auth/token/?client_secret=s3cret").contains("s3cret"));
        assert!(line("/api/v1/services?q=kikora").contains("?q=kikora"));
    }

    #[test]
    fn connections_stay_under_the_file_descriptor_limit() {
        let fds = raise_fd_limit();
        for workers in [1, 2, 8] {
            let total = connection_limit(workers) * workers;
            assert!(
                total + 256 <= fds.max(64 * workers + 256),
                "{workers}: {total} of {fds}"
            );
        }
    }
}
