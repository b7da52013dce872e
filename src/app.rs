//! Wiring: opening the store, seeding, import/export, and building the HTTP server, so the binary
//! and the tests start exactly the same thing.

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use chrono::Utc;

use crate::config::Settings;
use crate::domain::catalogue::{Catalogue, FORMAT};
use crate::domain::validate::{validate_catalogue, FieldProblem};
use crate::http::{self, AppState};
use crate::store::{self, ImportSummary, Store, StoreError};

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
        vendors: snap.vendors.into_iter().map(|v| v.vendor).collect(),
        sub_processors: snap.sub_processors,
        services: snap.services.into_iter().map(|s| s.service).collect(),
    })
}

/// The HTTP server on an already bound listener (tests bind port 0).
pub fn server(listener: TcpListener, store: Store, workers: usize) -> std::io::Result<Server> {
    let state = web::Data::new(AppState {
        store,
        metrics: Default::default(),
    });
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
            .wrap(actix_web::middleware::Logger::new("%a \"%r\" %s %b %Dms"))
            .wrap(actix_web::middleware::NormalizePath::new(
                actix_web::middleware::TrailingSlash::MergeOnly,
            ))
            .configure(http::configure)
            .service(web::redirect("/docs", "/docs/"))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json").validator_url("none")),
            )
            .default_service(web::to(http::not_found))
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}

fn bad_query() -> actix_web::Error {
    use actix_web::ResponseError;
    let response: HttpResponse =
        crate::error::AppError::BadRequest(vec![FieldProblem::new("query", "is malformed")])
            .error_response();
    actix_web::error::InternalError::from_response("bad request", response).into()
}
