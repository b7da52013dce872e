//! The entry point for newcomers, and liveness and readiness for orchestrators.

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
///
/// For a liveness probe: answers as long as the process serves HTTP, and names its engine.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Up", body = Health)))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        engine: state.store.engine().name(),
    })
}

/// The database answers: ready to serve.
///
/// For a readiness probe: 503 while the database cannot be reached (reads then still answer
/// from memory, but writes cannot).
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

/// Where to go from the registry's root.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"name": "feide-registry",
    "description": "The Feide attributes, sub-processors, countries and agreement terms of Norwegian edtech services.",
    "docs": "/docs/", "openapi": "/openapi.json",
    "collections": {"services": "/api/v1/services", "vendors": "/api/v1/vendors"}}))]
pub struct Root {
    #[schema(example = "feide-registry")]
    pub name: &'static str,
    /// What the registry holds, in one sentence.
    pub description: &'static str,
    /// The API documentation for people (Swagger UI).
    #[schema(example = "/docs/")]
    pub docs: &'static str,
    /// The OpenAPI 3.1 document.
    #[schema(example = "/openapi.json")]
    pub openapi: &'static str,
    /// Each public collection and where it is.
    pub collections: std::collections::BTreeMap<&'static str, &'static str>,
}

/// Links to the documentation and every public collection.
///
/// Where a newcomer starts: the API documentation, this OpenAPI document, and each collection.
#[utoipa::path(get, path = "/", tag = "operations",
    responses((status = 200, description = "Where to start", body = Root)))]
pub async fn root() -> HttpResponse {
    HttpResponse::Ok().json(Root {
        name: "feide-registry",
        description: "The Feide attributes, sub-processors, countries and agreement terms of \
                      Norwegian edtech services, from their data processing agreements.",
        docs: "/docs/",
        openapi: "/openapi.json",
        collections: [
            ("services", "/api/v1/services"),
            ("vendors", "/api/v1/vendors"),
            ("sub_processors", "/api/v1/sub-processors"),
            ("countries", "/api/v1/countries"),
            ("attributes", "/api/v1/attributes"),
            ("oidc_scopes", "/api/v1/oidc-scopes"),
            ("changes", "/api/v1/changes"),
        ]
        .into_iter()
        .collect(),
    })
}
