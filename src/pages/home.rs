//! The home page: search, facets with counts, and the matching services, chosen by the very
//! query the services list (`GET /api/v1/services`) takes and answered by its selection.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::texts::T;
use super::{layout, Ctx};
use crate::catalogue::{ServiceRecord, Snapshot};
use crate::domain::facets::{Facet, FacetCount};
use crate::domain::flags::Flag;
use crate::http::negotiate::{answer_key, Format};
use crate::http::params::{self, ServiceQuery};
use crate::http::services::{select, Selection};
use crate::http::AppState;

/// The facets the home page counts. `Vendor` is always among them: every service has one vendor,
/// so its counts add up to the number of services that match.
const FACETS: [Facet; 5] = [
    Facet::Flag,
    Facet::Country,
    Facet::Attribute,
    Facet::SubProcessor,
    Facet::Vendor,
];

/// How many values of a facet are shown (the most frequent); a value in the query is always shown.
const SHOWN: usize = 12;

/// The parameters a facet link sets: repeatable ones add a value, single ones replace it.
fn param(f: Facet) -> (&'static str, bool) {
    match f {
        Facet::Flag => ("flag", true),
        Facet::Attribute => ("attribute", true),
        Facet::Country => ("country", false),
        Facet::SubProcessor => ("sub_processor", false),
        Facet::Vendor => ("vendor", false),
    }
}

fn heading(f: Facet) -> T {
    match f {
        Facet::Flag => T::FacetFlag,
        Facet::Country => T::FacetCountry,
        Facet::Attribute => T::FacetAttribute,
        Facet::SubProcessor => T::FacetSubProcessor,
        Facet::Vendor => T::FacetVendor,
    }
}

/// `GET /` for a browser.
pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let key = answer_key(&req, Format::Json, ctx.lang, b"html");
    if let Some(kept) = state.answers.get(&snap, &key) {
        return super::with_csp(kept.respond(&req), super::PAGE_CSP);
    }
    let mut query = match params::parse::<ServiceQuery>(ctx.query(), &snap.reference) {
        Ok(q) => q,
        Err(e) => return super::bad_request(&ctx, &e),
    };
    query.facets = FACETS.to_vec();
    let selection = select(&snap, query, Format::Json);
    let body = super::html_body(&ctx, render(&ctx, &snap, &selection));
    crate::http::keep_answer(&state, &snap, key, &body);
    super::with_csp(body.respond(&req), super::PAGE_CSP)
}

/// A facet value's name for people.
fn value_name(ctx: &Ctx, snap: &Snapshot, f: Facet, value: &str) -> String {
    match f {
        Facet::Flag => {
            Flag::parse(value).map_or_else(|| value.to_owned(), |f| f.label(ctx.lang).to_owned())
        }
        Facet::Country => snap
            .reference
            .country(value)
            .map_or_else(|| value.to_owned(), |c| c.name.get(ctx.lang).to_owned()),
        Facet::Attribute => value.to_owned(),
        Facet::SubProcessor => snap
            .sub_processor(value)
            .map_or_else(|| value.to_owned(), |p| p.name.clone()),
        Facet::Vendor => snap
            .vendor(value)
            .map_or_else(|| value.to_owned(), |v| v.vendor.name.clone()),
    }
}

/// A chosen filter in words: the facet's heading and the value's name where the page has them.
fn filter_name(ctx: &Ctx, snap: &Snapshot, name: &str, value: &str) -> String {
    if let Some(f) = FACETS.into_iter().find(|f| param(*f).0 == name) {
        return format!("{}: {}", ctx.t(heading(f)), value_name(ctx, snap, f, value));
    }
    match (name, value) {
        ("outside_eea", "true") => ctx.t(T::OutsideEeaTrue).to_owned(),
        ("outside_eea", "false") => ctx.t(T::OutsideEeaFalse).to_owned(),
        _ => format!("{name}: {value}"),
    }
}

/// The query with `name=value` added (or replacing a single parameter's value), from the first
/// page.
fn adding(ctx: &Ctx, name: &str, value: &str, repeats: bool) -> Vec<(String, String)> {
    let mut q: Vec<(String, String)> = ctx
        .query()
        .iter()
        .filter(|(k, _)| k != "cursor" && (repeats || k != name))
        .cloned()
        .collect();
    q.push((name.to_owned(), value.to_owned()));
    q
}

/// The query without `name=value`, from the first page.
fn removing(ctx: &Ctx, name: &str, value: &str) -> Vec<(String, String)> {
    ctx.query()
        .iter()
        .filter(|(k, v)| k != "cursor" && !(k == name && v == value))
        .cloned()
        .collect()
}

fn chosen(ctx: &Ctx, name: &str, value: &str) -> bool {
    ctx.query().iter().any(|(k, v)| k == name && v == value)
}

fn render(ctx: &Ctx, snap: &Snapshot, sel: &Selection) -> Markup {
    let counts = sel.facets.clone().unwrap_or_default();
    let total: usize = counts
        .get(&Facet::Vendor)
        .map_or(0, |c| c.iter().map(|v| v.count).sum());
    let q = ctx
        .query()
        .iter()
        .find(|(k, _)| k == "q")
        .map_or("", |(_, v)| v.as_str());
    let filters: Vec<&(String, String)> = ctx
        .query()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "q" | "cursor" | "sort" | "limit" | "facets"))
        .collect();
    let json = {
        let mut pairs = ctx.query().to_vec();
        pairs.push((
            "facets".into(),
            "flag,country,attribute,sub_processor,vendor".into(),
        ));
        format!(
            "/api/v1/services?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let body = html! {
        h1 { (ctx.t(T::HomeTitle)) }
        p class="lead" { (ctx.t(T::HomeIntro)) }
        form role="search" method="get" action="/" class="search" {
            label for="q" { (ctx.t(T::SearchLabel)) }
            div class="search-row" {
                input type="search" name="q" id="q" value=(q) maxlength="200";
                @for (k, v) in &filters {
                    input type="hidden" name=(k) value=(v);
                }
                @if let Some(lang) = ctx.chosen_lang() {
                    input type="hidden" name="lang" value=(lang);
                }
                button type="submit" { (ctx.t(T::SearchButton)) }
            }
        }
        div class="with-sidebar" {
            aside class="facets" aria-labelledby="filters-heading" {
                h2 id="filters-heading" { (ctx.t(T::FiltersHeading)) }
                @if !filters.is_empty() {
                    section class="active-filters" aria-labelledby="active-heading" {
                        h3 id="active-heading" { (ctx.t(T::ActiveFilters)) }
                        ul {
                            @for (k, v) in &filters {
                                li {
                                    a href=(ctx.href_with("/", &removing(ctx, k, v))) {
                                        (ctx.fill(T::RemoveFilter, &[("filter", &filter_name(ctx, snap, k, v))]))
                                    }
                                }
                            }
                            li { a href=(ctx.href("/")) { (ctx.t(T::ClearFilters)) } }
                        }
                    }
                }
                @for f in FACETS {
                    (facet(ctx, snap, f, counts.get(&f).map_or(&[][..], Vec::as_slice)))
                }
                section class="facet" aria-labelledby="facet-outside_eea" {
                    h3 id="facet-outside_eea" { (ctx.t(T::FacetOutsideEea)) }
                    ul {
                        @for (value, label) in [("true", T::OutsideEeaTrue), ("false", T::OutsideEeaFalse)] {
                            li {
                                @if chosen(ctx, "outside_eea", value) {
                                    a href=(ctx.href_with("/", &removing(ctx, "outside_eea", value))) aria-current="true" { (ctx.t(label)) }
                                } @else {
                                    a href=(ctx.href_with("/", &adding(ctx, "outside_eea", value, false))) { (ctx.t(label)) }
                                }
                            }
                        }
                    }
                }
            }
            section class="results-section" aria-labelledby="results-heading" {
                h2 id="results-heading" { (ctx.t(T::ResultsHeading)) }
                p class="count" role="status" { (ctx.fill(T::ResultCount, &[("count", &total)])) }
                @if sel.rows.is_empty() {
                    p { (ctx.t(T::NoResults)) }
                } @else {
                    ul class="results" {
                        @for r in &sel.rows {
                            (result(ctx, snap, r))
                        }
                    }
                }
                @if let Some(next) = &sel.next {
                    p { a rel="next" href=(ctx.href_with("/", &adding(ctx, "cursor", next, false))) { (ctx.t(T::NextPage)) } }
                }
            }
        }
    };
    layout::shell(ctx, ctx.t(T::HomeTitle), Some(&json), body)
}

fn facet(ctx: &Ctx, snap: &Snapshot, f: Facet, counts: &[FacetCount]) -> Markup {
    let (name, repeats) = param(f);
    let id = format!("facet-{name}");
    let shown: Vec<&FacetCount> = counts
        .iter()
        .enumerate()
        .filter(|(i, c)| *i < SHOWN || chosen(ctx, name, &c.value))
        .map(|(_, c)| c)
        .collect();
    html! {
        @if !shown.is_empty() {
            section class="facet" aria-labelledby=(id) {
                h3 id=(id) { (ctx.t(heading(f))) }
                ul {
                    @for c in shown {
                        li {
                            @if chosen(ctx, name, &c.value) {
                                a href=(ctx.href_with("/", &removing(ctx, name, &c.value))) aria-current="true" {
                                    (value_name(ctx, snap, f, &c.value))
                                    " " span class="n" { "(" (c.count) ")" }
                                }
                            } @else {
                                a href=(ctx.href_with("/", &adding(ctx, name, &c.value, repeats))) {
                                    (value_name(ctx, snap, f, &c.value))
                                    " " span class="n" { "(" (c.count) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn result(ctx: &Ctx, snap: &Snapshot, r: &ServiceRecord) -> Markup {
    let vendor = snap
        .vendor(&r.service.vendor)
        .map_or("", |v| v.vendor.name.as_str());
    html! {
        li {
            a href=(ctx.href(&format!("/services/{}", r.service.id))) { (r.service.name) }
            " "
            span class="by" { (ctx.fill(T::ByVendor, &[("vendor", &vendor)])) }
            @if r.derived.flags.is_empty() {
                span class="flags none" { (ctx.t(T::NoFlagsShort)) }
            } @else {
                ul class="flags" {
                    @for f in r.derived.flags.iter() {
                        li class="flag" { (f.label(ctx.lang)) }
                    }
                }
            }
        }
    }
}
