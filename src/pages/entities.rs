//! The pages of the catalogue's other entries: a vendor, a sub-processor, a Feide attribute and
//! a country, each from the view its JSON answer is made of.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::service::{country, protection};
use super::texts::T;
use super::{layout, words, Ctx};
use crate::domain::usage::Usage;
use crate::http::views::{
    CountryDetail, ServiceRef, SubProcessorView, VendorView, EMBEDDED_SERVICES,
};
use crate::http::AppState;

fn service_link(ctx: &Ctx, s: &ServiceRef) -> Markup {
    html! { a href=(ctx.href(&format!("/services/{}", s.id))) { (s.name) } }
}

/// The link to the home page filtered as the API's `services_href` is.
fn all_services(ctx: &Ctx, services_href: &str, total: usize) -> Markup {
    let query = services_href.split_once('?').map_or("", |(_, q)| q);
    html! {
        p { a href=(ctx.href(&format!("/?{query}"))) { (ctx.fill(T::AllServicesLink, &[("count", &total)])) } }
    }
}

pub async fn vendor(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let Some(v) = snap.vendor(&id) else {
        return super::not_found(&ctx);
    };
    let v = VendorView::of(v, &snap);
    let title = ctx.fill(T::VendorTitle, &[("name", &v.name)]);
    let body = html! {
        h1 { (title) }
        dl class="facts" {
            @if let Some(o) = &v.org_number { dt { (ctx.t(T::OrgNumber)) } dd { (o) } }
            @if let Some(c) = &v.country { dt { (ctx.t(T::CountryCol)) } dd { (country(&ctx, &snap, c)) } }
            @if let Some(a) = &v.address { dt { (ctx.t(T::Address)) } dd { (a) } }
            @if let Some(w) = &v.website { dt { (ctx.t(T::Website)) } dd { a href=(w) rel="external noopener" { (w) } } }
        }
        h2 { (ctx.t(T::ServicesHeading)) }
        ul class="results" { @for s in &v.services { li { (service_link(&ctx, s)) } } }
    };
    let json = format!("/api/v1/vendors/{}", v.id);
    super::ok(&req, &ctx, layout::shell(&ctx, &title, Some(&json), body))
}

pub async fn sub_processor(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let Some(p) = snap.sub_processor(&id) else {
        return super::not_found(&ctx);
    };
    let v = SubProcessorView::of(p, &Usage::of(&snap), &snap, EMBEDDED_SERVICES);
    let p = &v.sub_processor;
    let title = ctx.fill(T::SubProcessorTitle, &[("name", &p.name)]);
    let body = html! {
        h1 { (title) }
        dl class="facts" {
            @if let Some(l) = &p.legal_name { dt { (ctx.t(T::LegalName)) } dd { (l) } }
            @if let Some(o) = &p.org_number { dt { (ctx.t(T::OrgNumber)) } dd { (o) } }
            @if let Some(c) = &p.country { dt { (ctx.t(T::CountryCol)) } dd { (country(&ctx, &snap, c)) } }
            @if let Some(w) = &p.website { dt { (ctx.t(T::Website)) } dd { a href=(w) rel="external noopener" { (w) } } }
        }
        h2 { (ctx.t(T::CountriesHeading)) }
        ul { @for c in &v.countries { li { (country(&ctx, &snap, c)) " " (protection(&ctx, &snap, c)) } } }
        h2 { (ctx.t(T::UsedByHeading)) }
        div class="table-wrap" {
            table {
                thead { tr {
                    th scope="col" { (ctx.t(T::ServiceCol)) }
                    th scope="col" { (ctx.t(T::PurposeCol)) }
                    th scope="col" { (ctx.t(T::CountryCol)) }
                    th scope="col" { (ctx.t(T::TransferCol)) }
                } }
                tbody {
                    @for u in &v.services {
                        tr {
                            th scope="row" { (service_link(&ctx, &u.service)) }
                            td { (u.purpose.as_deref().unwrap_or("")) }
                            td { @for (i, l) in u.locations.iter().enumerate() { @if i > 0 { ", " } (country(&ctx, &snap, &l.country)) } }
                            td { (u.transfer_mechanisms.iter().map(|m| ctx.t(words::mechanism(*m))).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                }
            }
        }
        (all_services(&ctx, &v.services_href, v.services_total))
    };
    let json = format!("/api/v1/sub-processors/{}", p.id);
    super::ok(&req, &ctx, layout::shell(&ctx, &title, Some(&json), body))
}

pub async fn attribute(
    req: HttpRequest,
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let Some(detail) = crate::http::attributes::detail(&snap, &name, ctx.lang) else {
        return super::not_found(&ctx);
    };
    let a = &detail.attribute;
    let title = ctx.fill(T::AttributeTitle, &[("name", &a.name)]);
    let body = html! {
        h1 { (title) }
        p class="lead" { (a.description) }
        dl class="facts" {
            dt { (ctx.t(T::SensitivityCol)) }
            dd { span class=(format!("sensitivity {}", a.sensitivity.as_str())) { (ctx.t(words::sensitivity(a.sensitivity))) } }
            @if let Some(n) = &a.sensitivity_note { dd { (n) } }
            dt { (ctx.t(T::Category)) } dd { (a.category) }
            @if !a.oidc_scopes.is_empty() { dt { (ctx.t(T::OidcScopes)) } dd { (a.oidc_scopes.join(", ")) } }
        }
        h2 { (ctx.t(T::ReceivedByHeading)) }
        div class="table-wrap" {
            table {
                thead { tr {
                    th scope="col" { (ctx.t(T::ServiceCol)) }
                    th scope="col" { (ctx.t(T::Vendor)) }
                    th scope="col" { (ctx.t(T::WhyCol)) }
                } }
                tbody {
                    @for u in &detail.services {
                        tr {
                            th scope="row" { (service_link(&ctx, &u.service)) }
                            td { (u.vendor.name) }
                            td {
                                @match &u.justification { Some(j) => { (j) } None => { em { (ctx.t(T::NoJustification)) } } }
                                @if u.declared { " (" (ctx.t(T::Declared)) ")" }
                                @for s in &u.via_scopes { " (" (ctx.fill(T::ViaScope, &[("scope", s)])) ")" }
                            }
                        }
                    }
                }
            }
        }
    };
    let json = format!("/api/v1/attributes/{}", a.name);
    super::ok(&req, &ctx, layout::shell(&ctx, &title, Some(&json), body))
}

pub async fn country_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let Some(c) = snap.reference.country(&code) else {
        return super::not_found(&ctx);
    };
    let d = CountryDetail::of(c, ctx.lang, &Usage::of(&snap), &snap);
    let v = &d.country;
    let title = ctx.fill(T::CountryTitle, &[("name", &v.name)]);
    let body = html! {
        h1 { (title) }
        dl class="facts" {
            dt { (ctx.t(T::StatusCol)) } dd { (protection(&ctx, &snap, &v.code)) }
            @if let Some(dec) = &v.adequacy_decision { dt { (ctx.t(T::AdequacyDecision)) } dd { (dec) } }
            @if let Some(n) = &v.adequacy_note { dt { (ctx.t(T::AdequacyNote)) } dd { (n) } }
        }
        h2 { (ctx.t(T::ServicesThere)) }
        div class="table-wrap" {
            table {
                thead { tr {
                    th scope="col" { (ctx.t(T::ServiceCol)) }
                    th scope="col" { (ctx.t(T::WhoCol)) }
                    th scope="col" { (ctx.t(T::RoleCol)) }
                    th scope="col" { (ctx.t(T::TransferCol)) }
                } }
                tbody {
                    @for u in &d.services {
                        tr {
                            th scope="row" { (service_link(&ctx, &u.service)) }
                            td {
                                @if u.by == "vendor" { (u.vendor.name) }
                                @else { a href=(ctx.href(&format!("/sub-processors/{}", u.by))) { (snap.sub_processor(&u.by).map_or(u.by.as_str(), |p| p.name.as_str())) } }
                            }
                            td { (u.roles.iter().map(|r| ctx.t(words::role(*r))).collect::<Vec<_>>().join(", ")) }
                            td { @if let Some(m) = u.transfer_mechanism { (ctx.t(words::mechanism(m))) } }
                        }
                    }
                }
            }
        }
        (all_services(&ctx, &d.services_href, d.services_total))
    };
    let json = format!("/api/v1/countries/{}", v.code);
    super::ok(&req, &ctx, layout::shell(&ctx, &title, Some(&json), body))
}
