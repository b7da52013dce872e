//! Pages for people: the catalogue as server-rendered HTML in nb, nn and en, from the same
//! read model and views the JSON API answers from (never a second implementation of a filter, a
//! facet count, a comparison or a report). Templates are `maud` macros, checked and escaped at
//! compile time; one stylesheet is compiled into the binary; no page needs JavaScript, and the
//! Content-Security-Policy forbids inline script and style.
//!
//! `layout` is the frame of every page, `texts` every word the pages write, `context` the
//! language and query of one request; one file per page family holds its handler and template.

mod about;
mod assets;
mod chooser;
mod compare;
mod context;
mod entities;
mod history;
mod home;
mod layout;
mod links;
mod municipality;
mod report;
mod service;
pub mod texts;
mod words;

use actix_web::http::{header, StatusCode};
use actix_web::{guard, web, HttpRequest, HttpResponse};
use maud::Markup;

pub use context::Ctx;
pub use home::home;
pub use links::page_of_api;

use crate::http::negotiate::Body;

/// What the operator configures for the pages.
#[derive(Debug, Clone, Default)]
pub struct PageOptions {
    /// Origins allowed to frame a municipality's embeddable list (`EMBED_ORIGINS`); none: it
    /// may be framed nowhere.
    pub embed_origins: Vec<String>,
}

/// Pages are documents to read: styles from this origin, forms sent back here, nothing run and
/// never framed (clickjacking), but for the embeddable list, which names its own ancestors.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The policy of the embeddable list: the page policy with the configured ancestors.
fn embed_csp(origins: &[String]) -> String {
    let ancestors = if origins.is_empty() {
        "'none'".to_owned()
    } else {
        origins.join(" ")
    };
    PAGE_CSP.replace(
        "frame-ancestors 'none'",
        &format!("frame-ancestors {ancestors}"),
    )
}

/// Registers every page but the home page, which `GET /` answers (an endpoint of the API table,
/// since JSON clients get the API index there).
pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = || web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.service(web::resource("/assets/site.css").route(get().to(assets::stylesheet)))
        .service(web::resource("/about").route(get().to(about::page)))
        .service(web::resource("/services/{id}").route(get().to(service::page)))
        .service(web::resource("/vendors/{id}").route(get().to(entities::vendor)))
        .service(web::resource("/sub-processors/{id}").route(get().to(entities::sub_processor)))
        .service(web::resource("/attributes/{name}").route(get().to(entities::attribute)))
        .service(web::resource("/countries/{code}").route(get().to(entities::country_page)))
        .service(web::resource("/compare").route(get().to(compare::page)))
        .service(web::resource("/report").route(get().to(report::page)))
        .service(web::resource("/report.csv").route(get().to(report::csv)))
        .service(web::resource("/report/record-of-processing.csv").route(get().to(report::record)))
        .service(web::resource("/municipalities/{id}").route(get().to(municipality::portfolio)))
        .service(web::resource("/municipalities/{id}/embed").route(get().to(municipality::embed)));
}

/// Whether the page at `path` is made from the catalogue alone (not the municipalities'
/// portfolios, which the database holds): its `Last-Modified` is the snapshot's.
pub fn from_catalogue(path: &str) -> bool {
    path == "/"
        || path == "/compare"
        || [
            "/services/",
            "/vendors/",
            "/sub-processors/",
            "/attributes/",
            "/countries/",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// A page answered 200 with its ETag (304 when the browser has it) in the request's language.
fn ok(req: &HttpRequest, ctx: &Ctx, markup: Markup) -> HttpResponse {
    with_csp(html_body(ctx, markup).respond(req), PAGE_CSP)
}

fn html_body(ctx: &Ctx, markup: Markup) -> Body {
    Body {
        bytes: markup.into_string().into(),
        etag: None,
        content_type: "text/html; charset=utf-8",
        lang: Some(ctx.lang),
        link_next: None,
        link_first: None,
    }
    .in_language(ctx.lang)
}

fn with_csp(mut res: HttpResponse, csp: &str) -> HttpResponse {
    if let Ok(v) = header::HeaderValue::from_str(csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// A page that is not a 200 (not found, a bad query): HTML too, never cached.
fn refusal(ctx: &Ctx, status: StatusCode, markup: Markup) -> HttpResponse {
    let res = HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_LANGUAGE, ctx.lang.code()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string());
    with_csp(res, PAGE_CSP)
}

/// The 404 page.
fn not_found(ctx: &Ctx) -> HttpResponse {
    use texts::T;
    let body = maud::html! {
        h1 { (ctx.t(T::NotFoundTitle)) }
        p { (ctx.t(T::NotFoundText)) }
        p { a href=(ctx.href("/")) { (ctx.t(T::BackHome)) } }
    };
    refusal(
        ctx,
        StatusCode::NOT_FOUND,
        layout::shell(ctx, ctx.t(T::NotFoundTitle), None, body),
    )
}

/// The 503 page: the database (which keeps the portfolios) cannot be reached.
fn unavailable(ctx: &Ctx) -> HttpResponse {
    let said = crate::texts::Text::DatabaseUnreachable.get(ctx.lang);
    let body = maud::html! {
        h1 { (crate::texts::Text::TitleUnavailable.get(ctx.lang)) }
        p { (said) }
    };
    refusal(
        ctx,
        StatusCode::SERVICE_UNAVAILABLE,
        layout::shell(
            ctx,
            crate::texts::Text::TitleUnavailable.get(ctx.lang),
            None,
            body,
        ),
    )
}

/// The 400 page: every problem of the query, as the API would list them.
fn bad_request(ctx: &Ctx, error: &crate::error::AppError) -> HttpResponse {
    use texts::T;
    let problems = error.field_problems(ctx.lang);
    let body = maud::html! {
        h1 { (ctx.t(T::BadRequestTitle)) }
        ul {
            @for p in &problems {
                li { code { (p.pointer) } ": " (p.detail) }
            }
        }
        p { a href=(ctx.href("/")) { (ctx.t(T::BackHome)) } }
    };
    refusal(
        ctx,
        StatusCode::BAD_REQUEST,
        layout::shell(ctx, ctx.t(T::BadRequestTitle), None, body),
    )
}
