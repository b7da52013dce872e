//! The Feide attribute catalogue and its OIDC scopes.

use actix_web::{web, HttpRequest, HttpResponse};

use super::negotiate::{format_of, language, Body};
use super::params::{self, AttributeQuery, PageQuery, WithCsv, SCOPE_ORDER};
use super::views::{
    AttributeDetail, AttributeList, AttributeUse, AttributeView, ScopeList, ScopeView, ServiceRef,
    VendorRef,
};
use super::{list_body, one_resource, query_pairs, AppState};
use crate::catalogue::Snapshot;
use crate::domain::derive::resolve_attributes;
use crate::domain::reference::Lang;
use crate::error::{AppError, Problem};

/// List the Feide attribute catalogue.
///
/// Every attribute a Feide service can receive, in the catalogue's order, with its OID, the OIDC
/// scopes that release it, its category and the registry's sensitivity rating. Descriptions follow
/// `Accept-Language` (nb, nn, en).
#[utoipa::path(
    get, path = "/api/v1/attributes", tag = "attributes",
    params(
        WithCsv<AttributeQuery>,
        ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en"),
    ),
    responses(
        (status = 200, description = "A page of attributes", body = AttributeList,
         content((AttributeList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let lang = language(req.headers());
    let snap = state.catalogue.current();
    let mut query = params::parse::<WithCsv<AttributeQuery>>(&pairs, &snap.reference)?.query;
    let page = query.page().for_format(fmt);
    let AttributeQuery {
        category,
        sensitivity,
        scope,
        ..
    } = query;
    let items: Vec<(usize, AttributeView)> = snap
        .reference
        .attributes
        .iter()
        .enumerate()
        .filter(|(_, a)| category.as_deref().is_none_or(|c| a.category == c))
        .filter(|(_, a)| sensitivity.is_none_or(|s| a.sensitivity == s))
        .filter(|(_, a)| {
            scope
                .as_deref()
                .is_none_or(|s| a.oidc_scopes.iter().any(|x| x == s))
        })
        .map(|(i, a)| (i, AttributeView::of(a, lang)))
        .collect();
    let (items, next) = page.page(items, false, |(i, _)| format!("{i:06}"));
    let items: Vec<AttributeView> = items.into_iter().map(|(_, a)| a).collect();
    let body = list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
        AttributeList { items, next_cursor }
    })?;
    Ok(body.in_language(lang).respond(&req))
}

/// One attribute, with every service that receives it and why.
///
/// A service receives an attribute when it names it, or when it declares an OIDC scope that
/// releases it; `declared` and `via_scopes` tell which.
#[utoipa::path(
    get, path = "/api/v1/attributes/{name}", tag = "attributes",
    params(
        ("name" = String, Path, description = "The attribute's LDAP name", example = "mail"),
        ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en"),
    ),
    responses(
        (status = 200, description = "The attribute and the services receiving it", body = AttributeDetail, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attribute", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let snap = one_resource(&req, &state)?;
    let lang = language(req.headers());
    let detail = detail(&snap, &name, lang).ok_or_else(|| {
        AppError::NotFound(
            crate::texts::Text::NotAFeideAttribute
                .with(&[("name", &name.chars().take(64).collect::<String>())]),
        )
    })?;
    Ok(Body::json(&detail)?.in_language(lang).respond(&req))
}

/// Attribute `name` and every service receiving it, with why: the JSON answer and the page.
pub fn detail(snap: &Snapshot, name: &str, lang: Lang) -> Option<AttributeDetail> {
    let attr = snap.reference.attribute(name)?;
    let services = snap
        .services
        .iter()
        .filter_map(|r| {
            // only the services that receive it have their attributes resolved
            r.derived
                .attributes
                .iter()
                .find(|a| a.name(&snap.reference) == attr.name)?;
            let a = resolve_attributes(&r.service, &snap.reference)
                .into_iter()
                .find(|a| a.name == attr.name)?;
            Some(AttributeUse {
                service: ServiceRef::of(r),
                vendor: VendorRef::of(snap, &r.service.vendor),
                justification: a.justification,
                declared: a.declared,
                via_scopes: a.via_scopes,
            })
        })
        .collect();
    Some(AttributeDetail {
        attribute: AttributeView::of(attr, lang),
        services,
    })
}

/// List the Feide OIDC scopes and the attributes each releases.
///
/// A service that declares a scope receives every attribute it releases, so the scopes count
/// when asking who receives an attribute.
#[utoipa::path(
    get, path = "/api/v1/oidc-scopes", tag = "attributes",
    params(
        WithCsv<PageQuery>,
        ("Accept-Language" = Option<String>, Header, description = "nb (default), nn or en"),
    ),
    responses(
        (status = 200, description = "A page of scopes", body = ScopeList,
         content((ScopeList = "application/json"), (String = "text/csv")), headers(("ETag" = String), ("Link" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn scopes(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let lang = language(req.headers());
    let page = params::parse::<WithCsv<PageQuery>>(&pairs, &SCOPE_ORDER)?
        .query
        .page()
        .for_format(fmt);
    let snap = state.catalogue.current();
    let items: Vec<(usize, ScopeView)> = snap
        .reference
        .scopes
        .iter()
        .enumerate()
        .map(|(i, s)| (i, ScopeView::of(s, lang)))
        .collect();
    let (items, next) = page.page(items, false, |(i, _)| format!("{i:06}"));
    let items: Vec<ScopeView> = items.into_iter().map(|(_, s)| s).collect();
    let body = list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
        ScopeList { items, next_cursor }
    })?;
    Ok(body.in_language(lang).respond(&req))
}
