//! Sub-processors: shared entities, each with the services that use it (the first 100, and a
//! link to them all).

use actix_web::{web, HttpRequest, HttpResponse};

use super::negotiate::{format_of, Body};
use super::params::{self, SubProcessorQuery, WithCsv};
use super::services::not_found;
use super::views::{
    SubProcessorList, SubProcessorView, EMBEDDED_SERVICES, EMBEDDED_SERVICES_IN_LISTS,
};
use super::{list_body, one_resource, query_pairs, AppState};
use crate::domain::catalogue::SubProcessor;
use crate::domain::usage::Usage;
use crate::error::{AppError, Problem};

/// List sub-processors, with the services using each, for what and in which countries.
///
/// Each entry embeds the uses of its first 10 services by id; `services_total` says how many
/// there are and `services_href` lists them all.
#[utoipa::path(
    get, path = "/api/v1/sub-processors", tag = "sub-processors",
    params(WithCsv<SubProcessorQuery>),
    responses(
        (status = 200, description = "A page of sub-processors", body = SubProcessorList,
         content((SubProcessorList = "application/json"), (String = "text/csv")), headers(("ETag" = String), ("Link" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let snap = state.catalogue.current();
    let mut query = params::parse::<WithCsv<SubProcessorQuery>>(&pairs, &snap.reference)?.query;
    let (page, country) = (query.page().for_format(fmt), query.country);
    // filter and page on the index, then build views for the page only
    let usage = Usage::of(&snap);
    let matching: Vec<&SubProcessor> = snap
        .sub_processors
        .iter()
        .map(|p| &**p)
        .filter(|p| {
            country.as_deref().is_none_or(|c| {
                usage
                    .of_sub_processor(&p.id)
                    .is_some_and(|u| u.countries.contains(c))
            })
        })
        .collect();
    let (page, next) = page.page(matching, false, |p| p.id.to_string());
    let items: Vec<SubProcessorView> = page
        .into_iter()
        .map(|p| SubProcessorView::of(p, &usage, &snap, EMBEDDED_SERVICES_IN_LISTS))
        .collect();
    Ok(
        list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
            SubProcessorList { items, next_cursor }
        })?
        .respond(&req),
    )
}

/// One sub-processor and every service that uses it.
///
/// Who it is (legal name, registration, country), and for each service using it: for what
/// purpose and in which countries.
#[utoipa::path(
    get, path = "/api/v1/sub-processors/{id}", tag = "sub-processors",
    params(("id" = String, Path, description = "Sub-processor id", example = "microsoft-azure")),
    responses(
        (status = 200, description = "The sub-processor and its uses", body = SubProcessorView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such sub-processor", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let snap = one_resource(&req, &state)?;
    let p = snap
        .sub_processor(&id)
        .ok_or_else(|| not_found("sub-processor", &id))?;
    let view = SubProcessorView::of(p, &Usage::of(&snap), &snap, EMBEDDED_SERVICES);
    Ok(Body::json(&view)?.respond(&req))
}
