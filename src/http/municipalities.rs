//! Municipalities and their portfolios: the entries (written through the one write course), their
//! views, and the reports on a saved portfolio. A private portfolio answers 404 to anyone but
//! the municipality's own clients and administrators, as if it did not exist.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::negotiate::{format_of, language, Body, CsvRow, Format};
use super::params::{self, NoQuery, PageQuery, WithCsv, REVISION_ORDER};
use super::services::not_found;
use super::write_course::{write, WriteKind, Written};
use super::{fresh_snapshot, query_pairs, AppState};
use crate::domain::auth::Actor;
use crate::domain::municipalities::{
    entry_key, may_read_portfolio, Concerns, LocalStatus, MunicipalWorld, Municipality,
    MunicipalityDocument, MunicipalityInput, MunicipalityKind, PortfolioDocument, PortfolioEntry,
    PortfolioEntryInput, Revised, SignedSource, Visibility,
};
use crate::domain::portfolio::{self, PortfolioReport};
use crate::domain::processing_record::{self, ProcessingRecord, ReviewDue};
use crate::error::{AppError, Problem};
use crate::store::fmt_time;
use crate::store::municipalities::{list_municipalities, load_municipality};
use crate::texts::Text;

/// Municipality `id`'s stored state with the catalogue as it is now.
async fn load_world(
    state: &web::Data<AppState>,
    id: Option<&str>,
) -> Result<MunicipalWorld, AppError> {
    let catalogue = fresh_snapshot(state).await?;
    let (municipality, entries) = match id {
        None => (None, Vec::new()),
        Some(id) => {
            let store = state.store.clone();
            let id = id.to_owned();
            match web::block(move || load_municipality(&mut *store.conn()?, &id)).await?? {
                Some((m, entries)) => (Some(m), entries),
                None => (None, Vec::new()),
            }
        }
    };
    Ok(MunicipalWorld {
        catalogue,
        municipality,
        entries,
    })
}

/// The municipality part of an entry id (`bergen` of `bergen/kikora`).
fn municipality_of(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}

fn json_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(value).map_err(|e| AppError::Internal(e.to_string()))
}

impl Written for MunicipalityDocument {
    const COLLECTION: &'static str = "/api/v1/municipalities";
    const SCHEMA: &'static str = "MunicipalityInput";

    async fn world(
        state: &web::Data<AppState>,
        id: Option<&str>,
    ) -> Result<Arc<MunicipalWorld>, AppError> {
        Ok(Arc::new(load_world(state, id).await?))
    }

    fn view(world: &MunicipalWorld, id: &str, _: &AppState) -> Result<Vec<u8>, AppError> {
        let m = world
            .municipality
            .as_ref()
            .filter(|m| m.entry.id == id)
            .ok_or_else(|| not_found("municipality", id))?;
        json_bytes(&MunicipalityView::of(m))
    }
}

impl Written for PortfolioDocument {
    const COLLECTION: &'static str = "/api/v1/municipalities";
    const SCHEMA: &'static str = "PortfolioEntryInput";

    async fn world(
        state: &web::Data<AppState>,
        id: Option<&str>,
    ) -> Result<Arc<MunicipalWorld>, AppError> {
        let m = id.map(municipality_of).unwrap_or_default();
        let world = load_world(state, Some(m)).await?;
        if world.municipality.is_none() {
            return Err(not_found("municipality", m));
        }
        Ok(Arc::new(world))
    }

    /// The entry as stored; a removed one too, which is what a DELETE answers (GET answers 404
    /// for it, `entry`).
    fn view(world: &MunicipalWorld, id: &str, _: &AppState) -> Result<Vec<u8>, AppError> {
        let service = id.split_once('/').map_or(id, |(_, s)| s);
        let e = world
            .entries
            .iter()
            .find(|e| e.entry.service == service)
            .ok_or_else(|| not_found("portfolio_entry", service))?;
        json_bytes(&PortfolioEntryView::of(e, world))
    }
}

/// A municipality as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "bergen", "name": "Bergen kommune", "org_number": "964338531",
    "municipality_number": "4601", "kind": "municipality", "portfolio": "public",
    "portfolio_url": "/api/v1/municipalities/bergen/portfolio", "revision": 1,
    "updated_at": "2026-11-30T09:00:00Z"}))]
pub struct MunicipalityView {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub municipality_number: Option<String>,
    pub kind: MunicipalityKind,
    /// Who may read the portfolio.
    pub portfolio: Visibility,
    pub portfolio_url: String,
    pub revision: i32,
    pub updated_at: String,
}

impl MunicipalityView {
    fn of(m: &Revised<Municipality>) -> Self {
        let e = &m.entry;
        MunicipalityView {
            id: e.id.clone(),
            name: e.name.clone(),
            org_number: e.org_number.to_string(),
            municipality_number: e.municipality_number.clone(),
            kind: e.kind,
            portfolio: e.portfolio,
            portfolio_url: format!("/api/v1/municipalities/{}/portfolio", e.id),
            revision: m.revision,
            updated_at: fmt_time(m.updated_at),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MunicipalityList {
    pub items: Vec<MunicipalityView>,
}

/// One service in a portfolio, with the catalogue's name for it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"service": "kikora", "service_name": "Kikora", "vendor": "eldur-learning",
    "local_status": "in_use", "agreement_signed_on": "2024-08-01", "dpia_done_on": "2024-06-15",
    "next_review_due": "2025-08-01",
    "source": {"title": "Databehandleravtale Kikora – Bergen kommune", "date": "2024-08-01", "url": null},
    "note": "Brukes i matematikk på 8.–10. trinn.", "revision": 1, "updated_at": "2026-11-30T09:00:00Z"}))]
pub struct PortfolioEntryView {
    pub service: String,
    pub service_name: String,
    pub vendor: String,
    pub local_status: LocalStatus,
    pub agreement_signed_on: Option<NaiveDate>,
    pub dpia_done_on: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    pub source: Option<SignedSource>,
    pub note: Option<String>,
    pub revision: i32,
    pub updated_at: String,
}

impl PortfolioEntryView {
    fn of(r: &Revised<PortfolioEntry>, world: &MunicipalWorld) -> Self {
        let e = &r.entry;
        let service = world.catalogue.service(&e.service);
        PortfolioEntryView {
            service: e.service.clone(),
            service_name: service.map_or_else(|| e.service.clone(), |s| s.service.name.clone()),
            vendor: service
                .map(|s| s.service.vendor.to_string())
                .unwrap_or_default(),
            local_status: e.local_status,
            agreement_signed_on: e.agreement_signed_on,
            dpia_done_on: e.dpia_done_on,
            next_review_due: e.next_review_due,
            source: e.source.clone(),
            note: e.note.clone(),
            revision: r.revision,
            updated_at: fmt_time(r.updated_at),
        }
    }
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn said<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl CsvRow for PortfolioEntryView {
    fn headers() -> &'static [&'static str] {
        &[
            "service",
            "service_name",
            "vendor",
            "local_status",
            "agreement_signed_on",
            "dpia_done_on",
            "next_review_due",
            "source_title",
            "source_date",
            "source_url",
            "note",
            "revision",
            "updated_at",
        ]
    }
    fn row(&self) -> Vec<String> {
        let s = self.source.as_ref();
        vec![
            self.service.clone(),
            self.service_name.clone(),
            self.vendor.clone(),
            said(&self.local_status),
            day(self.agreement_signed_on),
            day(self.dpia_done_on),
            day(self.next_review_due),
            s.map(|s| s.title.clone()).unwrap_or_default(),
            day(s.and_then(|s| s.date)),
            s.and_then(|s| s.url.clone()).unwrap_or_default(),
            self.note.clone().unwrap_or_default(),
            self.revision.to_string(),
            self.updated_at.clone(),
        ]
    }
}

/// A municipality's portfolio.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PortfolioView {
    pub municipality: String,
    pub portfolio: Visibility,
    pub items: Vec<PortfolioEntryView>,
}

/// The report on a saved portfolio.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MunicipalReport {
    pub municipality: String,
    /// The day reviews are counted from (UTC).
    pub as_of: NaiveDate,
    /// Every service in the portfolio with its local status.
    pub local_statuses: Vec<LocalStatusOf>,
    /// Reviews due within 30 days, or past.
    pub reviews_due: Vec<ReviewDue>,
    /// The catalogue's portfolio report (`POST /api/v1/reports/portfolio`) over the services the
    /// municipality uses or weighs: every local status but `rejected` and `phased_out`.
    pub report: PortfolioReport,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LocalStatusOf {
    pub service: String,
    pub local_status: LocalStatus,
}

/// Who is calling a read: anonymous when no token is sent; a token that is sent must be valid
/// (401 otherwise, as for a write), so a mistyped token is never taken for "anonymous".
async fn reader(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
    if !req.headers().contains_key(header::AUTHORIZATION) {
        return Ok(None);
    }
    let Caller(actor) = Caller::from_request(req, &mut actix_web::dev::Payload::None).await?;
    Ok(Some(actor))
}

/// The municipality's state when `actor` may read its portfolio; a 404 for a portfolio that
/// does not exist to this caller (private and not its own).
async fn readable(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    id: &str,
) -> Result<MunicipalWorld, AppError> {
    let actor = reader(req).await?;
    let world = load_world(state, Some(id)).await?;
    let visible = world
        .municipality
        .as_ref()
        .is_some_and(|m| may_read_portfolio(actor.as_ref(), &m.entry));
    if !visible {
        return Err(AppError::NotFound(
            Text::NoResourceAt.with(&[("path", &req.path())]),
        ));
    }
    Ok(world)
}

/// Municipality `id`'s state when anyone may read its portfolio (the pages, which no one signs in
/// to); None for a private portfolio or an unknown municipality alike.
pub(crate) async fn public_world(
    state: &web::Data<AppState>,
    id: &str,
) -> Result<Option<MunicipalWorld>, AppError> {
    let world = load_world(state, Some(id)).await?;
    let public = world
        .municipality
        .as_ref()
        .is_some_and(|m| may_read_portfolio(None, &m.entry));
    Ok(public.then_some(world))
}

/// Answers a portfolio read: a private portfolio's answers are the caller's own, kept out of
/// shared caches.
fn respond(req: &HttpRequest, world: &MunicipalWorld, body: Body) -> HttpResponse {
    kept_private(body.respond(req), world)
}

fn kept_private(res: HttpResponse, world: &MunicipalWorld) -> HttpResponse {
    keep_private(res, is_private(world))
}

fn is_private(world: &MunicipalWorld) -> bool {
    world
        .municipality
        .as_ref()
        .is_some_and(|m| m.entry.portfolio == Visibility::Private)
}

/// What concerns municipality `id`'s portfolio (see [`MunicipalWorld::concerns`]) when the
/// caller may read the portfolio (a 404 otherwise).
pub(super) async fn portfolio_concerns(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    id: &str,
) -> Result<PortfolioConcerns, AppError> {
    let world = readable(req, state, id).await?;
    Ok(PortfolioConcerns {
        name: world
            .municipality
            .as_ref()
            .map_or_else(|| id.to_owned(), |m| m.entry.name.clone()),
        concerns: world.concerns(),
        private: is_private(&world),
    })
}

/// A readable portfolio's concerns, its municipality's name, and whether answers about it are
/// private.
pub(super) struct PortfolioConcerns {
    pub name: String,
    pub concerns: Concerns,
    pub private: bool,
}

/// An answer about a private portfolio stays out of shared caches.
pub(super) fn keep_private(mut res: HttpResponse, private: bool) -> HttpResponse {
    if private {
        let h = res.headers_mut();
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
        h.insert(
            header::VARY,
            header::HeaderValue::from_static("Accept, Accept-Language, Authorization"),
        );
    }
    res
}

/// List municipalities.
///
/// Every municipality and county municipality the registry keeps a portfolio for, by id, with
/// its organisation number and whether its portfolio is public.
#[utoipa::path(
    get, path = "/api/v1/municipalities", tag = "municipalities",
    params(NoQuery),
    responses(
        (status = 200, description = "The municipalities", body = MunicipalityList, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let store = state.store.clone();
    let all = web::block(move || list_municipalities(&mut *store.conn()?)).await??;
    let items = all.iter().map(MunicipalityView::of).collect();
    Ok(Body::json(&MunicipalityList { items })?.respond(&req))
}

/// One municipality.
///
/// Its entry, and an `ETag` to send as `If-Match` when changing it.
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"), NoQuery),
    responses(
        (status = 200, description = "The municipality", body = MunicipalityView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let world = load_world(&state, Some(&id)).await?;
    let bytes = MunicipalityDocument::view(&world, &id, &state)?;
    Ok(Body::json_bytes(bytes).respond(&req))
}

/// Create a municipality (administrators only).
///
/// The body is the whole entry; the organisation number must pass MOD11 and be no other
/// municipality's (it maps Maskinporten tokens to the municipality). Every problem is listed in
/// one 422 answer.
#[utoipa::path(
    post, path = "/api/v1/municipalities", tag = "municipalities", security(("bearer" = [])),
    request_body(content = MunicipalityInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = MunicipalityView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A municipality with this id, organisation number or municipality number exists", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid document; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    write::<MunicipalityDocument>(&req, &state, &actor, WriteKind::Create(payload)).await
}

/// Replace a municipality entry.
///
/// Administrators change anything; the municipality's own clients only `portfolio` (public or
/// private). `If-Match` with the `ETag` last read is required.
#[utoipa::path(
    put, path = "/api/v1/municipalities/{id}", tag = "municipalities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("If-Match" = String, Header, description = "The ETag of the municipality as last read")),
    request_body(content = MunicipalityInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = MunicipalityView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another municipality, or a municipality client changing more than `portfolio`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation or municipality number is another municipality's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid document; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn replace(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let kind = WriteKind::Replace(id.into_inner(), payload);
    write::<MunicipalityDocument>(&req, &state, &actor, kind).await
}

/// Change part of a municipality entry (JSON Merge Patch, RFC 7396).
///
/// A municipality's own clients choose here whether its portfolio is public:
/// `{"portfolio": "public"}`. `If-Match` with the `ETag` last read is required.
#[utoipa::path(
    patch, path = "/api/v1/municipalities/{id}", tag = "municipalities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("If-Match" = String, Header, description = "The ETag of the municipality as last read")),
    request_body(content = Object, content_type = "application/merge-patch+json",
        example = json!({"portfolio": "public"})),
    responses(
        (status = 200, description = "Patched", body = MunicipalityView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another municipality, or a municipality client changing more than `portfolio`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation or municipality number is another municipality's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a merge patch", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The patched entry is invalid; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let kind = WriteKind::Patch(id.into_inner(), payload);
    write::<MunicipalityDocument>(&req, &state, &actor, kind).await
}

/// A municipality's portfolio.
///
/// Every service the municipality records, with its local status, dates and signed document.
/// A private portfolio is answered only to the municipality's own clients and administrators;
/// to anyone else it is a 404. `Accept: text/csv` gives it as a spreadsheet.
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}/portfolio", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"), WithCsv<NoQuery>),
    responses(
        (status = 200, description = "The portfolio", body = PortfolioView,
         content((PortfolioView = "application/json"), (String = "text/csv")), headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn portfolio(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<WithCsv<NoQuery>>(&query_pairs(&req)?, &())?;
    let fmt = format_of(&req, true)?;
    let world = readable(&req, &state, &id).await?;
    let items: Vec<PortfolioEntryView> = world
        .portfolio()
        .map(|e| PortfolioEntryView::of(e, &world))
        .collect();
    let body = match fmt {
        Format::Csv => Body::csv(&items)?,
        Format::Json => Body::json(&PortfolioView {
            municipality: id.into_inner(),
            portfolio: world
                .municipality
                .as_ref()
                .map_or(Visibility::Private, |m| m.entry.portfolio),
            items,
        })?,
    };
    Ok(respond(&req, &world, body))
}

/// One service in a municipality's portfolio.
///
/// Its local status, dates and signed document, and an `ETag` to send as `If-Match` when
/// changing it. A private portfolio's entries are a 404 to anyone but the municipality's own
/// clients and administrators.
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}/portfolio/{service}", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("service" = String, Path, description = "Service id", example = "kikora"), NoQuery),
    responses(
        (status = 200, description = "The portfolio entry", body = PortfolioEntryView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the portfolio, no such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let (id, service) = path.into_inner();
    let world = readable(&req, &state, &id).await?;
    let e = world
        .entry(&service)
        .ok_or_else(|| not_found("portfolio_entry", &service))?;
    let body = Body::json(&PortfolioEntryView::of(e, &world))?;
    Ok(respond(&req, &world, body))
}

/// Put a service in the portfolio, or replace its entry.
///
/// Created (201) when the service is not in the portfolio, with no `If-Match`; replaced when it
/// is, with `If-Match` the `ETag` last read. The service must exist in the catalogue. Every
/// problem with the body is listed in one 422 answer.
#[utoipa::path(
    put, path = "/api/v1/municipalities/{id}/portfolio/{service}", tag = "municipalities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("service" = String, Path, description = "Service id", example = "kikora"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the entry as last read; required to replace one, refused (412) when there is none")),
    request_body(content = PortfolioEntryInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = PortfolioEntryView, headers(("ETag" = String))),
        (status = 201, description = "Added to the portfolio", body = PortfolioEntryView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another municipality's portfolio", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read, or `If-Match` names an entry that does not exist", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid entry; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing for an entry that exists", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn put_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (id, service) = path.into_inner();
    let kind = WriteKind::Put(entry_key(&id, &service), payload);
    write::<PortfolioDocument>(&req, &state, &actor, kind).await
}

/// Change part of a portfolio entry (JSON Merge Patch, RFC 7396).
///
/// Members of the body replace the entry's, `null` removes one; the result is checked as a
/// whole entry. `If-Match` with the `ETag` last read is required.
#[utoipa::path(
    patch, path = "/api/v1/municipalities/{id}/portfolio/{service}", tag = "municipalities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("service" = String, Path, description = "Service id", example = "kikora"),
           ("If-Match" = String, Header, description = "The ETag of the entry as last read")),
    request_body(content = Object, content_type = "application/merge-patch+json",
        example = json!({"local_status": "phased_out", "note": null})),
    responses(
        (status = 200, description = "Patched", body = PortfolioEntryView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another municipality's portfolio", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the portfolio, or no such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a merge patch", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The patched entry is invalid; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn patch_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (id, service) = path.into_inner();
    let kind = WriteKind::Patch(entry_key(&id, &service), payload);
    write::<PortfolioDocument>(&req, &state, &actor, kind).await
}

/// Take a service out of the portfolio.
///
/// The entry's history stays (`/history`), and goes on if the service is put back.
#[utoipa::path(
    delete, path = "/api/v1/municipalities/{id}/portfolio/{service}", tag = "municipalities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("service" = String, Path, description = "Service id", example = "kikora"),
           ("If-Match" = String, Header, description = "The ETag of the entry as last read")),
    responses(
        (status = 200, description = "Removed; the entry as it was", body = PortfolioEntryView, headers(("ETag" = String))),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another municipality's portfolio", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the portfolio, or no such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn remove_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, service) = path.into_inner();
    let kind = WriteKind::Retire(entry_key(&id, &service));
    write::<PortfolioDocument>(&req, &state, &actor, kind).await
}

/// Every revision of a portfolio entry, oldest first: when, by whom, what changed.
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}/portfolio/{service}/history", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"),
           ("service" = String, Path, description = "Service id", example = "kikora"), WithCsv<PageQuery>),
    responses(
        (status = 200, description = "Revisions, oldest first", body = super::history::HistoryList,
         content((super::history::HistoryList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn entry_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    params::parse::<WithCsv<PageQuery>>(&query_pairs(&req)?, &REVISION_ORDER)?;
    format_of(&req, true)?;
    let (id, service) = path.into_inner();
    let world = readable(&req, &state, &id).await?;
    let res =
        super::history::revisions(req, state, "portfolio_entry", entry_key(&id, &service)).await?;
    Ok(kept_private(res, &world))
}

/// Report on a municipality's saved portfolio.
///
/// The catalogue's portfolio report (as `POST /api/v1/reports/portfolio` gives it) over the
/// services the municipality uses or weighs, with every local status and the reviews due within
/// 30 days or past. Private portfolios: as for the portfolio.
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}/report", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"), NoQuery,
           ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en")),
    responses(
        (status = 200, description = "The report", body = MunicipalReport, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let lang = language(req.headers());
    let world = readable(&req, &state, &id).await?;
    let today = Utc::now().date_naive();
    let weighed = world.weighed_services();
    let snap = &world.catalogue;
    let (found, unknown) = portfolio::resolve(snap, &weighed);
    let report = MunicipalReport {
        municipality: id.into_inner(),
        as_of: today,
        local_statuses: world
            .portfolio()
            .map(|e| LocalStatusOf {
                service: e.entry.service.clone(),
                local_status: e.entry.local_status,
            })
            .collect(),
        reviews_due: processing_record::reviews_due(world.portfolio().map(|e| &e.entry), today),
        report: portfolio::report(snap, &found, unknown, lang),
    };
    Ok(respond(
        &req,
        &world,
        Body::json(&report)?.in_language(lang),
    ))
}

/// Draft record of processing activities (GDPR art. 30(1)) for the municipality as controller.
///
/// One entry per service in use or approved: purposes, categories of data subjects and personal
/// data, recipients (the vendor and each sub-processor with its countries and each location's
/// basis), transfers outside the EEA with their mechanism, time limits for erasure as stated,
/// and the security measures the agreement states, with the agreement's documents and words.
/// Where the agreement is silent the field is null and named in `not_stated`; nothing is filled
/// in. `Accept: text/csv` gives one row per service.
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}/record-of-processing", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"), WithCsv<NoQuery>,
           ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en")),
    responses(
        (status = 200, description = "The draft record", body = ProcessingRecord,
         content((ProcessingRecord = "application/json"), (String = "text/csv")), headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_of_processing(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<WithCsv<NoQuery>>(&query_pairs(&req)?, &())?;
    let fmt = format_of(&req, true)?;
    let lang = language(req.headers());
    let world = readable(&req, &state, &id).await?;
    let m = world
        .municipality
        .as_ref()
        .ok_or_else(|| not_found("municipality", &id))?;
    let controller = processing_record::Controller {
        municipality: m.entry.id.clone(),
        name: m.entry.name.clone(),
        org_number: m.entry.org_number.to_string(),
    };
    let record = processing_record::record(
        &world.catalogue,
        controller,
        &world.processing_entries(),
        lang,
    );
    let body = match fmt {
        Format::Csv => Body::csv_rows(&record.csv_rows())?,
        Format::Json => Body::json(&record)?,
    };
    Ok(respond(&req, &world, body.in_language(lang)))
}
