//! Vendors (databehandlere) and their services.

use actix_web::{web, HttpRequest, HttpResponse};

use super::negotiate::{format_of, Body};
use super::params::{self, VendorQuery, WithCsv};
use super::services::not_found;
use super::views::{VendorList, VendorView};
use super::{list_body, one_resource, query_pairs, AppState};
use crate::error::{AppError, Problem};

/// List vendors.
///
/// Every vendor (databehandler) in the catalogue, by id, with its organisation number, country,
/// contact and the ids of its services. Pages with `limit` and `cursor`.
#[utoipa::path(
    get, path = "/api/v1/vendors", tag = "vendors",
    params(WithCsv<VendorQuery>),
    responses(
        (status = 200, description = "A page of vendors", body = VendorList,
         content((VendorList = "application/json"), (String = "text/csv")), headers(("ETag" = String), ("Link" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let mut query = params::parse::<WithCsv<VendorQuery>>(&pairs, &())?.query;
    let page = query.page().for_format(fmt);
    let (country, org) = (query.country, query.org_number);
    let snap = state.catalogue.current();
    let matching: Vec<_> = snap
        .vendors
        .iter()
        .filter(|v| {
            country
                .as_deref()
                .is_none_or(|c| v.vendor.country.as_deref() == Some(c))
        })
        .filter(|v| {
            org.as_ref()
                .is_none_or(|o| v.vendor.org_number.as_deref() == Some(o.as_str()))
        })
        .collect();
    let (rows, next) = page.page(matching, false, |v| v.vendor.id.to_string());
    let items: Vec<VendorView> = rows.into_iter().map(|v| VendorView::of(v, &snap)).collect();
    Ok(
        list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
            VendorList { items, next_cursor }
        })?
        .respond(&req),
    )
}

/// One vendor and its services.
///
/// The vendor's entry as it is kept, the services it offers, and an `ETag` to send as `If-Match`
/// when changing it.
#[utoipa::path(
    get, path = "/api/v1/vendors/{id}", tag = "vendors",
    params(("id" = String, Path, description = "Vendor id", example = "eldur-learning")),
    responses(
        (status = 200, description = "The vendor", body = VendorView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let snap = one_resource(&req, &state)?;
    let vendor = snap.vendor(&id).ok_or_else(|| not_found("vendor", &id))?;
    Ok(Body::json(&VendorView::of(vendor, &snap))?.respond(&req))
}
