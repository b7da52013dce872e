//! The entry point for newcomers, and liveness and readiness for orchestrators.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::negotiate::{format, prefers_html, Body};
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
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "feide-registry",
    "description": "The Feide attributes, sub-processors, countries and agreement terms of Norwegian edtech services.",
    "docs": "/docs/", "openapi": "/openapi.json", "token": "/api/v1/auth/token",
    "collections": {"services": "/api/v1/services", "vendors": "/api/v1/vendors"}}))]
pub struct Root {
    #[schema(example = "feide-registry")]
    pub name: String,
    /// What the registry holds, in one sentence.
    pub description: String,
    /// The API documentation for people (Swagger UI).
    #[schema(example = "/docs/")]
    pub docs: String,
    /// The OpenAPI 3.1 document.
    #[schema(example = "/openapi.json")]
    pub openapi: String,
    /// Where API clients get an access token for writes (OAuth 2.0 client credentials).
    #[schema(example = "/api/v1/auth/token")]
    pub token: String,
    /// Each public collection and where it is.
    pub collections: std::collections::BTreeMap<String, String>,
}

impl Root {
    fn new() -> Root {
        let text = String::from;
        Root {
            name: text("feide-registry"),
            description: text(
                "The Feide attributes, sub-processors, countries and agreement terms of \
                 Norwegian edtech services, from their data processing agreements.",
            ),
            docs: text(DOCS),
            openapi: text("/openapi.json"),
            token: text("/api/v1/auth/token"),
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
            .map(|(k, v)| (text(k), text(v)))
            .collect(),
        }
    }
}

/// Where a browser is sent until the registry has pages of its own.
const DOCS: &str = "/docs/";

/// Links to the documentation and every public collection; for a browser, the home page.
///
/// Where a newcomer starts: the API documentation, this OpenAPI document, every public
/// collection and the token endpoint. A browser (which ranks `text/html` above JSON) gets the
/// registry's home page instead: search, filters with counts and the matching services, taking
/// the query parameters of `GET /api/v1/services` and `lang` (nb, nn or en).
#[utoipa::path(get, path = "/", tag = "operations",
    responses(
        (status = 200, description = "Where to start (JSON), or the home page (`text/html`, when `Accept` ranks it above JSON)", body = Root,
         content((Root = "application/json"), (String = "text/html")), headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor HTML is acceptable", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn root(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if prefers_html(req.headers()) {
        return Ok(crate::pages::home(req, state).await);
    }
    index(&req)
}

/// The API's own entry point: the same links as the root.
///
/// The documentation, this OpenAPI document, every public collection and the token endpoint; a
/// browser is sent to the documentation.
#[utoipa::path(get, path = "/api/v1", tag = "operations",
    responses(
        (status = 200, description = "Where to start", body = Root, headers(("ETag" = String))),
        (status = 303, description = "A browser asked (`Accept` ranks `text/html` above JSON): see the documentation", headers(("Location" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor HTML is acceptable", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn api_index(req: HttpRequest) -> Result<HttpResponse, AppError> {
    index(&req)
}

fn index(req: &HttpRequest) -> Result<HttpResponse, AppError> {
    let pairs = super::query_pairs(req)?;
    super::params::parse::<super::params::NoQuery>(&pairs, &())?;
    if prefers_html(req.headers()) {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, DOCS))
            .insert_header((header::VARY, "Accept"))
            .finish());
    }
    format(req.headers(), false)?;
    Ok(Body::json(&Root::new())?.respond(req))
}
