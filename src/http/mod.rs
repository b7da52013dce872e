//! HTTP: routes, extractors and answers. Handlers parse, call the domain, and map to views.

pub mod announcements;
mod atom;
pub(crate) mod attributes;
pub mod body;
pub mod caller;
mod countries;
mod entry_locks;
mod exports;
pub mod feide;
pub mod headers;
pub mod history;
pub mod metrics;
pub mod municipalities;
pub mod negotiate;
pub mod openapi;
mod openapi_finish;
pub mod ops;
pub mod pagination;
pub mod params;
pub mod problems;
pub mod rate_limit;
mod rendered;
mod reports;
pub mod responses;
mod routes;
mod service_writes;
pub(crate) mod services;
mod shape;
mod sub_processors;
mod token;
mod vendor_writes;
mod vendors;
pub mod views;
pub mod webhooks;
mod write_course;

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::catalogue::{answers::AnswerCache, ReadModel, Snapshot};
use crate::domain::validate::FieldProblem;
use crate::error::AppError;
use crate::store::Store;
use crate::texts::Text;

pub use routes::{audit_name, configure};

pub struct AppState {
    pub store: Store,
    /// What every read answers from (`catalogue`).
    pub catalogue: ReadModel,
    /// Whole answers, kept per snapshot.
    pub answers: AnswerCache<negotiate::Body>,
    pub metrics: metrics::Metrics,
    pub refusals: crate::audit::RefusalTally,
    /// Set by the first worker, which runs the audit upkeep.
    pub upkeep_started: std::sync::atomic::AtomicBool,
    /// The Feide API link; None when `FEIDE_API_URL` is empty.
    pub feide: Option<crate::feide::FeideOptions>,
    pub security: caller::Security,
    pub entry_locks: entry_locks::EntryLocks,
    /// What day it is for announcements' deadlines and effective dates.
    pub clock: crate::schedule::Clock,
    /// Which webhook targets a subscription may name.
    pub webhook_targets: crate::domain::webhooks::Targets,
}

/// The query string as name/value pairs; a parameter that is not UTF-8 is a 400 naming it.
pub fn query_pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, AppError> {
    let query = req.query_string();
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .map_err(|_| AppError::BadRequest(vec![FieldProblem::said("query", Text::NotUtf8Form)]))?;
    // The decoder replaces invalid UTF-8 with U+FFFD; a parameter that is not UTF-8 is refused
    // instead. It skips empty pieces between `&`s, so the raw pieces line up with `pairs`.
    let raw = query.split('&').filter(|piece| !piece.is_empty());
    let mut problems: Vec<FieldProblem> = Vec::new();
    for (piece, (name, _)) in raw.zip(&pairs) {
        let (raw_name, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
        let bad = |s: &str| std::str::from_utf8(&percent_decoded(s)).is_err();
        // a name that is not text cannot be named back: the query as a whole is
        let named = if bad(raw_name) {
            "query"
        } else {
            name.as_str()
        };
        if (bad(raw_name) || bad(raw_value)) && !problems.iter().any(|p| p.pointer == named) {
            problems.push(FieldProblem::said(named, Text::NotUtf8Form));
        }
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(AppError::BadRequest(problems))
    }
}

/// The answer when a typed path parameter cannot be read (a route with `web::Path<u32>` given
/// `abc`): a 400 naming the route's path parameters, never "query".
pub fn bad_path(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    let detail = match &err {
        actix_web::error::PathError::Deserialize(e) => Text::MalformedBecause.with(&[("error", e)]),
        _ => Text::QueryMalformed.into(),
    };
    // Every route of this API has at most one path parameter, so naming them all names the one
    // at fault.
    let problems = req
        .match_info()
        .iter()
        .map(|(name, _)| FieldProblem::said(name, detail.clone()))
        .collect();
    problem_error(AppError::BadPath(problems))
}

/// The answer when a typed query (`web::Query<T>`) cannot be read: serde does not say which
/// parameter failed, so the problem names the query as a whole.
pub fn bad_query() -> actix_web::Error {
    problem_error(AppError::BadRequest(vec![FieldProblem::said(
        "query",
        Text::QueryMalformed,
    )]))
}

/// The error itself, not a rendered answer: `problems::in_language` finds it and says it in the
/// caller's language.
fn problem_error(error: AppError) -> actix_web::Error {
    error.into()
}

/// The bytes a percent-encoded string stands for.
fn percent_decoded(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The common start of a GET of one resource: no query parameters, JSON acceptable; returns the
/// catalogue to answer from.
pub fn one_resource(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<Arc<Snapshot>, AppError> {
    params::parse::<params::NoQuery>(&query_pairs(req)?, &())?;
    negotiate::format(req.headers(), false)?;
    Ok(state.catalogue.current())
}

/// The catalogue as of the database's latest commit, for a write: what it checks against
/// before it stores, and answers from after (so that the writer's next read shows its write).
pub async fn fresh_snapshot(state: &web::Data<AppState>) -> Result<Arc<Snapshot>, AppError> {
    let state = state.clone();
    Ok(web::block(move || state.catalogue.refresh(&state.store)).await??)
}

/// Keeps an answer for the snapshot it was made from, with its ETag computed once here rather
/// than on every answer from the cache.
pub fn keep_answer(state: &AppState, snap: &Snapshot, key: Vec<u8>, body: &negotiate::Body) {
    let mut body = body.clone();
    if body.etag.is_none() {
        body.etag = Some(negotiate::etag(&body.bytes));
    }
    let size = body.bytes.len();
    state.answers.put(snap, key, body, size);
}

/// A list page as JSON (`wrap` builds the envelope) or CSV, with its `Link` to the next and the
/// first page.
pub fn list_body<T: negotiate::CsvRow, L: serde::Serialize>(
    req: &HttpRequest,
    pairs: &[(String, String)],
    fmt: negotiate::Format,
    items: Vec<T>,
    next: Option<String>,
    wrap: impl FnOnce(Vec<T>, Option<String>) -> L,
) -> Result<negotiate::Body, AppError> {
    let cursor = next.clone();
    let body = match fmt {
        negotiate::Format::Csv => negotiate::Body::csv(&items)?,
        negotiate::Format::Json => negotiate::Body::json(&wrap(items, next))?,
    };
    Ok(body.paged(req.path(), pairs, "cursor", cursor.as_deref()))
}

/// 405 naming the methods a resource does serve (`routes` computes them).
fn not_allowed(req: &HttpRequest, allow: actix_web::http::header::HeaderValue) -> HttpResponse {
    let mut res = crate::error::problem_response(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!(
            "{} answers {} only.",
            req.path().chars().take(200).collect::<String>(),
            allow.to_str().unwrap_or_default()
        ),
        Vec::new(),
    );
    res.headers_mut()
        .insert(actix_web::http::header::ALLOW, allow);
    res
}

/// 404 for paths no route matches, as a problem document.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    AppError::NotFound(
        crate::texts::Text::NoResourceAt
            .with(&[("path", &req.path().chars().take(200).collect::<String>())]),
    )
    .render(negotiate::language(req.headers()))
}

#[cfg(test)]
mod tests {
    use actix_web::{test, web, App};

    #[derive(serde::Deserialize)]
    struct Problem {
        detail: String,
        errors: Vec<Named>,
    }

    #[derive(serde::Deserialize)]
    struct Named {
        pointer: String,
        detail: String,
    }

    /// No route of the API has a typed path parameter today; one added later must still answer a
    /// problem naming it.
    #[actix_web::test]
    async fn a_path_parameter_that_cannot_be_read_is_named() {
        let app = test::init_service(
            App::new()
                .app_data(web::PathConfig::default().error_handler(super::bad_path))
                .route(
                    "/pages/{page}",
                    web::get().to(|page: web::Path<u32>| async move { page.to_string() }),
                ),
        )
        .await;
        let res = test::call_service(
            &app,
            test::TestRequest::get().uri("/pages/lots").to_request(),
        )
        .await;
        assert_eq!(res.status(), 400);
        let p: Problem = test::read_body_json(res).await;
        // in bokmål, the default language (API.md)
        assert_eq!(p.detail, "1 stiparameter er ugyldig");
        let named: Vec<&str> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(named, ["page"]);
        assert!(
            p.errors[0].detail.starts_with("kan ikke leses"),
            "{}",
            p.errors[0].detail
        );
    }
}
