//! HTTP: routes, extractors and answers. Handlers parse, call the domain, and map to views.

mod attributes;
mod countries;
pub mod negotiate;
pub mod openapi;
mod ops;
pub mod pagination;
mod services;
mod sub_processors;
mod vendors;
pub mod views;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use crate::domain::profile::Snapshot;
use crate::domain::query::Params;
use crate::domain::validate::FieldProblem;
use crate::error::AppError;
use crate::store::Store;

pub struct AppState {
    pub store: Store,
}

/// Registers every route. Resources use `web::resource` with per-method routes so that a wrong
/// method answers 405, not 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(ops::healthz)))
        .service(web::resource("/readyz").route(web::get().to(ops::readyz)))
        .service(web::resource("/openapi.json").route(web::get().to(openapi::serve)))
        .service(web::resource("/api/v1/attributes").route(web::get().to(attributes::list)))
        .service(web::resource("/api/v1/attributes/{name}").route(web::get().to(attributes::get)))
        .service(web::resource("/api/v1/oidc-scopes").route(web::get().to(attributes::scopes)))
        .service(web::resource("/api/v1/vendors").route(web::get().to(vendors::list)))
        .service(web::resource("/api/v1/vendors/{id}").route(web::get().to(vendors::get)))
        .service(web::resource("/api/v1/services").route(web::get().to(services::list)))
        .service(web::resource("/api/v1/services/{id}").route(web::get().to(services::get)))
        .service(web::resource("/api/v1/sub-processors").route(web::get().to(sub_processors::list)))
        .service(
            web::resource("/api/v1/sub-processors/{id}").route(web::get().to(sub_processors::get)),
        )
        .service(web::resource("/api/v1/countries").route(web::get().to(countries::list)))
        .service(web::resource("/api/v1/countries/{code}").route(web::get().to(countries::get)));
}

/// The query string as name/value pairs; undecodable input is a 400.
pub fn query_pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string()).map_err(|_| {
        AppError::BadRequest(vec![FieldProblem::new(
            "query",
            "is not valid UTF-8 form encoding",
        )])
    })
}

/// Parses parameters with `f`, answering 400 with every problem found.
pub fn parse_params<T>(
    pairs: &[(String, String)],
    single: &[&str],
    repeatable: &[&str],
    f: impl FnOnce(&mut Params) -> T,
) -> Result<T, AppError> {
    let mut params = Params::new(pairs, single, repeatable);
    let value = f(&mut params);
    params.finish().map_err(AppError::BadRequest)?;
    Ok(value)
}

/// Reads the catalogue on the blocking pool: diesel is synchronous.
pub async fn snapshot(state: &web::Data<AppState>) -> Result<Snapshot, AppError> {
    let store = state.store.clone();
    web::block(move || -> Result<Snapshot, AppError> {
        let mut conn = store.conn()?;
        Ok(crate::store::load_snapshot(&mut conn, Utc::now())?)
    })
    .await?
}

/// A list page as JSON (`wrap` builds the envelope) or CSV, with its `Link: rel="next"`.
pub fn list_body<T: negotiate::CsvRow, L: serde::Serialize>(
    req: &HttpRequest,
    pairs: &[(String, String)],
    fmt: negotiate::Format,
    items: Vec<T>,
    next: Option<String>,
    wrap: impl FnOnce(Vec<T>, Option<String>) -> L,
) -> Result<negotiate::Body, AppError> {
    let link = next
        .as_deref()
        .map(|c| pagination::next_link(req.path(), pairs, c));
    let mut body = match fmt {
        negotiate::Format::Csv => negotiate::Body::csv(&items)?,
        negotiate::Format::Json => negotiate::Body::json(&wrap(items, next))?,
    };
    body.link_next = link;
    Ok(body)
}

/// 404 for paths no route matches, as a problem document.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    AppError::NotFound(format!("No resource at {}.", req.path())).error_response()
}
