//! Comparisons and portfolio reports: read-only answers computed from the catalogue.

use actix_web::{web, HttpRequest, HttpResponse};

use super::negotiate::{format_of, language, Body, Format};
use super::params::{self, CompareQuery, NoQuery, WithCsv};
use super::{query_pairs, AppState};
use crate::catalogue::ServiceRecord;
use crate::domain::compare::{self, Comparison};
use crate::domain::portfolio::{self, PortfolioReport, PortfolioRequest};
use crate::domain::validate::FieldProblem;
use crate::error::{AppError, Problem};
use crate::texts::Text;

/// Compare 2 to 20 services side by side.
///
/// One matrix: every attribute any of them receives (with each service's justification, and
/// `differs` where only some receive it), every country their data reaches with its EEA and
/// adequacy status, every sub-processor with purpose, locations and transfer mechanism, every
/// contract term, and every flag. Each row has one cell per service, in the order given.
/// `Accept: text/csv` gives the same matrix as a spreadsheet (`section, key, <service ids>`).
#[utoipa::path(
    get, path = "/api/v1/compare", tag = "reports",
    params(
        WithCsv<CompareQuery>,
        ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en, for country names"),
    ),
    responses(
        (status = 200, description = "The comparison matrix", body = Comparison,
         content((Comparison = "application/json"), (String = "text/csv")), headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Missing, repeated, unknown or too few/many services; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn compare(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let lang = language(req.headers());
    let snap = state.catalogue.current();
    let key = super::negotiate::answer_key(&req, fmt, lang, &[]);
    if let Some(kept) = state.answers.get(&snap, &key) {
        return Ok(kept.respond(&req));
    }
    let query = params::parse::<WithCsv<CompareQuery>>(&pairs, &*snap)?.query;
    let chosen: Vec<&ServiceRecord> = query
        .services
        .iter()
        .filter_map(|id| snap.service(id))
        .collect();
    let comparison = compare::compare(&snap, &chosen, lang);
    let body = match fmt {
        Format::Csv => Body::csv_rows(&comparison.csv_rows())?,
        Format::Json => Body::json(&comparison)?,
    }
    .in_language(lang);
    super::keep_answer(&state, &snap, key, &body);
    Ok(body.respond(&req))
}

/// Report across the services a municipality uses.
///
/// Public and stateless: post up to 500 service ids and get, across the whole set, every country
/// with the services that send data there, every third-country transfer with its mechanism, every
/// sub-processor with the services using it, every high-sensitivity attribute and who receives it
/// (with the justification), every flag with its services, and the weakest contract terms.
/// Unknown ids are listed in `unknown`, not refused. `Accept: text/csv` gives it as a spreadsheet.
#[utoipa::path(
    post, path = "/api/v1/reports/portfolio", tag = "reports",
    request_body(content = PortfolioRequest, content_type = "application/json"),
    params(WithCsv<NoQuery>, ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en, for country names")),
    responses(
        (status = 200, description = "The report", body = PortfolioReport,
         content((PortfolioReport = "application/json"), (String = "text/csv"))),
        (status = 400, description = "The body is not JSON of the documented shape", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No services, or more than 500", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn portfolio(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    params::parse::<WithCsv<NoQuery>>(&query_pairs(&req)?, &())?;
    let fmt = format_of(&req, true)?;
    let lang = language(req.headers());
    super::body::require_json(&req)?;
    let body = super::body::read_body(
        payload,
        MAX_BODY.min(state.security.max_body),
        state.security.body_timeout,
    )
    .await?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        AppError::MalformedBody(vec![FieldProblem::said(
            "",
            Text::NotJson.with(&[("error", &e)]),
        )])
    })?;
    let (mut problems, _) = super::shape::check("PortfolioRequest", &value);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let request: PortfolioRequest = serde_json::from_value(value).map_err(|e| {
        AppError::Internal(format!("a portfolio request of the published shape: {e}"))
    })?;
    if request.services.is_empty() || request.services.len() > portfolio::MAX_SERVICES {
        problems.push(FieldProblem::said(
            "/services",
            Text::MustListServices.with(&[("max", &portfolio::MAX_SERVICES)]),
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let snap = state.catalogue.current();
    let key = super::negotiate::answer_key(&req, fmt, lang, &body);
    if let Some(kept) = state.answers.get(&snap, &key) {
        return Ok(kept.respond(&req));
    }
    let (found, unknown) = portfolio::resolve(&snap, &request.services);
    let report = portfolio::report(&snap, &found, unknown, lang);
    let body = match fmt {
        Format::Csv => Body::csv_rows(&report.csv_rows())?,
        Format::Json => Body::json(&report)?,
    }
    .in_language(lang);
    super::keep_answer(&state, &snap, key, &body);
    Ok(body.respond(&req))
}

/// A portfolio of 500 ids fits easily; anything larger is refused before it is parsed.
const MAX_BODY: usize = 64 * 1024;
