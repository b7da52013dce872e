//! A municipality's public portfolio: its page, and the compact list of approved services a
//! municipality shows parents on its own website in a frame. A private portfolio is a 404, as in
//! the API.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::texts::T;
use super::{layout, words, Ctx, PageOptions};
use crate::domain::municipalities::{LocalStatus, MunicipalWorld};
use crate::http::AppState;

async fn world(
    state: &web::Data<AppState>,
    ctx: &Ctx,
    id: &str,
) -> Result<MunicipalWorld, HttpResponse> {
    match crate::http::municipalities::public_world(state, id).await {
        Ok(Some(world)) if world.municipality.is_some() => Ok(world),
        Ok(_) => Err(super::not_found(ctx)),
        Err(_) => Err(super::unavailable(ctx)),
    }
}

pub async fn portfolio(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let world = match world(&state, &ctx, &id).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let Some(m) = &world.municipality else {
        return super::not_found(&ctx);
    };
    let snap = &world.catalogue;
    let entries: Vec<_> = world.portfolio().collect();
    let title = ctx.fill(T::PortfolioTitle, &[("name", &m.entry.name)]);
    let body = html! {
        h1 { (title) }
        p class="lead" { (ctx.t(T::PortfolioIntro)) }
        p class="actions" {
            a href=(ctx.href(&format!("/report?municipality={}", m.entry.id))) { (ctx.t(T::PortfolioReport)) }
        }
        @if entries.is_empty() {
            p { (ctx.t(T::PortfolioEmpty)) }
        } @else {
            div class="table-wrap" {
                table class="portfolio" {
                    thead { tr {
                        th scope="col" { (ctx.t(T::ServiceCol)) }
                        th scope="col" { (ctx.t(T::LocalStatusCol)) }
                        th scope="col" { (ctx.t(T::FlagsCol)) }
                    } }
                    tbody {
                        @for e in &entries {
                            @let r = snap.service(&e.entry.service);
                            tr {
                                th scope="row" {
                                    a href=(ctx.href(&format!("/services/{}", e.entry.service))) {
                                        (r.map_or(e.entry.service.as_str(), |r| r.service.name.as_str()))
                                    }
                                }
                                td { (ctx.t(words::local_status(e.entry.local_status))) }
                                td {
                                    @if let Some(r) = r {
                                        (r.derived.flags.iter().map(|f| f.label(ctx.lang)).collect::<Vec<_>>().join("; "))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let json = format!("/api/v1/municipalities/{}/portfolio", m.entry.id);
    super::ok(&req, &ctx, layout::shell(&ctx, &title, Some(&json), body))
}

/// The list for parents: the approved services and those in use, each linking to its page in a
/// new window (the registry's pages themselves are never framed).
pub async fn embed(
    req: HttpRequest,
    state: web::Data<AppState>,
    options: web::Data<PageOptions>,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let world = match world(&state, &ctx, &id).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let Some(m) = &world.municipality else {
        return super::not_found(&ctx);
    };
    let snap = &world.catalogue;
    let approved: Vec<_> = world
        .portfolio()
        .filter(|e| {
            matches!(
                e.entry.local_status,
                LocalStatus::Approved | LocalStatus::InUse
            )
        })
        .filter_map(|e| snap.service(&e.entry.service))
        .collect();
    let title = ctx.fill(T::EmbedTitle, &[("name", &m.entry.name)]);
    let body = html! {
        h1 { (title) }
        p { (ctx.t(T::EmbedIntro)) }
        @if approved.is_empty() {
            p { (ctx.t(T::EmbedEmpty)) }
        } @else {
            ul class="results" {
                @for r in &approved {
                    li {
                        a href=(ctx.href(&format!("/services/{}", r.service.id))) target="_blank" rel="noopener" { (r.service.name) }
                        @if !r.derived.flags.is_empty() {
                            ul class="flags" {
                                @for f in r.derived.flags.iter() { li class="flag" { (f.label(ctx.lang)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let json = format!("/api/v1/municipalities/{}/portfolio", m.entry.id);
    let page = layout::bare(&ctx, &title, Some(&json), body);
    super::with_csp(
        super::html_body(&ctx, page).respond(&req),
        &super::embed_csp(&options.embed_origins),
    )
}
