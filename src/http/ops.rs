//! Liveness and readiness for orchestrators.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::error::{AppError, Problem};

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub engine: &'static str,
}

/// The process is up (says nothing about the database).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Up", body = Health)))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        engine: state.store.engine().name(),
    })
}

/// The database answers: ready to serve.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database cannot be reached", body = Problem, content_type = "application/problem+json",
         headers(("Retry-After" = u32))),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let store = state.store.clone();
    web::block(move || store.ping()).await??;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        engine: state.store.engine().name(),
    }))
}

/// Benchmarks' ceiling: a pre-built body of `bytes` bytes straight from memory, through the same
/// server, middleware and worker threads, so every endpoint's throughput can be given as a
/// fraction of what this process can answer at all. Only routed with `BENCH_CEILING`.
pub async fn ceiling(bytes: web::Path<usize>) -> HttpResponse {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static BODIES: OnceLock<Mutex<HashMap<usize, actix_web::web::Bytes>>> = OnceLock::new();
    let n = (*bytes).min(16 * 1024 * 1024);
    let body = BODIES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(n)
        .or_insert_with(|| actix_web::web::Bytes::from(vec![b' '; n]))
        .clone();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}
