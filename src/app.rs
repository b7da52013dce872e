//! Wiring: opening the store, seeding, import/export, and building the HTTP server, so the binary
//! and the tests start exactly the same thing.

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use chrono::Utc;

use std::path::PathBuf;

use crate::config::Settings;
use crate::domain::auth::ClientRole;
use crate::domain::catalogue::{Catalogue, FORMAT};
use crate::domain::validate::{validate_catalogue, FieldProblem};
use crate::http::answer_cache::AnswerCache;
use crate::http::caller::Security;
use crate::http::rate_limit::RateLimiter;
use crate::http::render_cache::RenderCache;
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
    catalogue: &Catalogue,
    origin: &str,
) -> Result<ImportSummary, ImportError> {
    let mut conn = store.conn()?;
    let reference = store::load_snapshot(&mut conn, Utc::now())?.reference;
    let problems = validate_catalogue(catalogue, &reference);
    if !problems.is_empty() {
        return Err(ImportError::Invalid {
            path: origin.to_owned(),
            problems,
        });
    }
    Ok(store::import_catalogue(&mut conn, catalogue, Utc::now())?)
}

pub fn read_catalogue(path: &Path) -> Result<Catalogue, ImportError> {
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

/// The whole catalogue in the import format, entries ordered by id.
pub fn export(store: &Store) -> Result<Catalogue, StoreError> {
    let snap = store::load_snapshot(&mut *store.conn()?, Utc::now())?;
    Ok(Catalogue {
        format: FORMAT.to_owned(),
        vendors: snap.vendors.iter().map(|v| v.vendor.clone()).collect(),
        sub_processors: snap.sub_processors.iter().map(|p| (**p).clone()).collect(),
        services: snap.all_services().map(|s| s.service.clone()).collect(),
    })
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
    pub bench_ceiling: bool,
    pub answer_cache_bytes: usize,
    pub render_cache_bytes: usize,
    pub revision_bytes_per_day: u64,
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
            bench_ceiling: false,
            answer_cache_bytes: 32 << 20,
            render_cache_bytes: 32 << 20,
            revision_bytes_per_day: 1 << 30,
        }
    }

    /// Options from the settings; reads (or creates) the token signing key.
    pub fn from_settings(settings: &Settings, engine: Engine) -> Result<Self, String> {
        if settings.audit_retention_days < MIN_AUDIT_RETENTION_DAYS {
            return Err(format!(
                "AUDIT_RETENTION_DAYS must be at least {MIN_AUDIT_RETENTION_DAYS}"
            ));
        }
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
            write_rate_per_minute: settings.write_rate_per_minute,
            token_rate_per_minute: settings.token_rate_per_minute,
            cors_origins: settings
                .cors_origins
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect(),
            bench_ceiling: settings.bench_ceiling,
        })
    }
}

/// Kikora's agreement (and common practice) keeps access logs at least three months.
pub const MIN_AUDIT_RETENTION_DAYS: u32 = 90;

/// Deletes audit events past the retention now and then once a day, on a thread of its own.
pub fn start_audit_retention(store: Store, days: u32) {
    let days = days.max(MIN_AUDIT_RETENTION_DAYS);
    std::thread::spawn(move || loop {
        let before = crate::store::fmt_time(Utc::now() - chrono::Duration::days(i64::from(days)));
        match store
            .conn()
            .and_then(|mut c| crate::store::clients::purge_audit(&mut c, &before))
        {
            Ok(n) if n > 0 => log::info!("audit retention: removed {n} events before {before}"),
            Ok(_) => {}
            Err(e) => log::warn!("audit retention: {e}"),
        }
        std::thread::sleep(Duration::from_secs(24 * 3600));
    });
}

fn cors(origins: &[String]) -> actix_cors::Cors {
    // Browser dashboards read; writes come from vendors' back ends, never cross-origin.
    let mut c = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD"])
        .allowed_headers([
            actix_web::http::header::ACCEPT,
            actix_web::http::header::ACCEPT_LANGUAGE,
            actix_web::http::header::IF_NONE_MATCH,
        ])
        .expose_headers([
            actix_web::http::header::ETAG,
            actix_web::http::header::LINK,
            actix_web::http::header::CONTENT_LANGUAGE,
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
    let state = web::Data::new(AppState {
        store,
        cache: Default::default(),
        answers: AnswerCache::new(options.answer_cache_bytes),
        renders: RenderCache::new(options.render_cache_bytes),
        metrics: Default::default(),
        entry_locks: Default::default(),
        security: Security {
            keys: TokenKeys::new(
                &options.token_key,
                &options.token_issuer,
                &options.token_issuer,
                options.token_lifetime_secs,
            ),
            external: options.external.clone().map(ExternalIssuer::new),
            write_limit: RateLimiter::new(options.write_rate_per_minute),
            token_limit: RateLimiter::new(options.token_rate_per_minute),
            max_body: options.max_body,
            revision_bytes_per_day: options.revision_bytes_per_day,
        },
    });
    let origins = options.cors_origins.clone();
    let ceiling = options.bench_ceiling;
    let mut server = HttpServer::new(move || {
        let counted = state.clone();
        App::new()
            .app_data(state.clone())
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
            .app_data(web::QueryConfig::default().error_handler(|_, _| bad_query()))
            .app_data(web::PathConfig::default().error_handler(|_, _| bad_query()))
            .wrap(cors(&origins))
            .wrap(actix_web::middleware::Logger::new("%a \"%r\" %s %b %Dms"))
            .wrap(actix_web::middleware::NormalizePath::new(
                actix_web::middleware::TrailingSlash::MergeOnly,
            ))
            .configure(http::configure)
            .configure(|cfg| {
                if ceiling {
                    cfg.route("/bench/ceiling/{bytes}", web::get().to(http::ops::ceiling));
                }
            })
            .service(web::redirect("/docs", "/docs/"))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json").validator_url("none")),
            )
            .default_service(web::to(http::not_found))
    })
    .listen(listener)?;
    if options.workers > 0 {
        server = server.workers(options.workers);
    }
    Ok(server.run())
}

/// A new API client; the secret is returned this once and stored only as a hash.
pub struct NewClient {
    pub client_id: String,
    pub secret: String,
}

pub fn create_client(
    store: &Store,
    role: ClientRole,
    vendor: Option<&str>,
    description: Option<&str>,
) -> Result<NewClient, String> {
    let mut conn = store.conn().map_err(|e| e.to_string())?;
    match (role, vendor) {
        (ClientRole::Vendor, None) => return Err("a vendor client needs --vendor ID".into()),
        (ClientRole::Admin, Some(_)) => return Err("an admin client acts for no vendor".into()),
        (ClientRole::Vendor, Some(v)) => {
            let snap = store::load_snapshot(&mut conn, Utc::now()).map_err(|e| e.to_string())?;
            if snap.vendor(v).is_none() {
                return Err(format!("no vendor with id `{v}`"));
            }
        }
        (ClientRole::Admin, None) => {}
    }
    let client_id = format!(
        "{}-{}",
        vendor.unwrap_or("admin"),
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
        created_at: store::fmt_time(Utc::now()),
        revoked_at: None,
    };
    insert_client(&mut conn, &row).map_err(|e| e.to_string())?;
    Ok(NewClient { client_id, secret })
}

fn bad_query() -> actix_web::Error {
    use actix_web::ResponseError;
    let response: HttpResponse =
        crate::error::AppError::BadRequest(vec![FieldProblem::new("query", "is malformed")])
            .error_response();
    actix_web::error::InternalError::from_response("bad request", response).into()
}
