//! ISO 3166-1 countries with EEA and adequacy status, and who handles data there.

use actix_web::{web, HttpRequest, HttpResponse};

use super::negotiate::{format_of, language, Body};
use super::params::{self, CountryQuery, WithCsv};
use super::views::{CountryDetail, CountryList, CountryView};
use super::{list_body, one_resource, query_pairs, AppState};
use crate::domain::reference::Country;
use crate::domain::usage::Usage;
use crate::error::{AppError, Problem};

/// List countries.
///
/// All of ISO 3166-1, with EEA and EU membership and the EU adequacy status: `eea` (no transfer),
/// `full`, `partial` (the decision covers only some recipients, e.g. the EU-US Data Privacy
/// Framework) or `none`. Names follow `Accept-Language`.
#[utoipa::path(
    get, path = "/api/v1/countries", tag = "countries",
    params(
        WithCsv<CountryQuery>,
        ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en"),
    ),
    responses(
        (status = 200, description = "A page of countries", body = CountryList,
         content((CountryList = "application/json"), (String = "text/csv")), headers(("ETag" = String), ("Link" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let lang = language(req.headers());
    let mut query = params::parse::<WithCsv<CountryQuery>>(&pairs, &())?.query;
    let page = query.page().for_format(fmt);
    let CountryQuery {
        eea,
        adequacy,
        in_use,
        ..
    } = query;
    let snap = state.catalogue.current();
    // filter and page on the index, then build views for the page only
    let usage = Usage::of(&snap);
    let matching: Vec<&Country> = snap
        .reference
        .countries
        .iter()
        .filter(|c| eea.is_none_or(|e| c.eea == e))
        .filter(|c| adequacy.is_none_or(|a| c.adequacy == a))
        .filter(|c| in_use.is_none_or(|u| u != usage.services_in(&c.code).is_empty()))
        .collect();
    let (page, next) = page.page(matching, false, |c| c.code.clone());
    let items: Vec<CountryView> = page
        .into_iter()
        .map(|c| CountryView::of(c, lang, &usage))
        .collect();
    let body = list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
        CountryList { items, next_cursor }
    })?;
    Ok(body.in_language(lang).respond(&req))
}

/// One country, with every service whose data the vendor or a sub-processor handles there.
///
/// The country's EEA membership and adequacy status, and for each service how its data gets
/// there (the vendor, or which sub-processor) and under which transfer mechanism.
#[utoipa::path(
    get, path = "/api/v1/countries/{code}", tag = "countries",
    params(
        ("code" = String, Path, description = "ISO 3166-1 alpha-2 code, upper case", example = "US"),
        ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en"),
    ),
    responses(
        (status = 200, description = "The country and the services using it", body = CountryDetail, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such country code", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let snap = one_resource(&req, &state)?;
    let lang = language(req.headers());
    let country = snap
        .reference
        .country(&code)
        .ok_or_else(|| super::services::not_found("country", &code))?;
    let detail = CountryDetail::of(country, lang, &Usage::of(&snap), &snap);
    Ok(Body::json(&detail)?.in_language(lang).respond(&req))
}
