//! Compare 2 to 20 services side by side, differing rows marked: the matrix of
//! `GET /api/v1/compare` (`domain::compare`), read by its own query parser.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::chooser::{self, Choice};
use super::service::{country, protection, term_value};
use super::texts::T;
use super::{layout, words, Ctx};
use crate::catalogue::{ServiceRecord, Snapshot};
use crate::domain::compare::{self, Comparison};
use crate::error::AppError;
use crate::http::params::{self, CompareQuery};
use crate::http::AppState;

/// The services asked for: `services=a&services=b` (as a form of checkboxes sends them) and
/// `services=a,b` (as the API takes them) alike, as the API's one comma-separated parameter.
pub fn services_param(ctx: &Ctx) -> Option<String> {
    let given: Vec<&str> = ctx
        .query()
        .iter()
        .filter(|(k, _)| k == "services")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .collect();
    (!given.is_empty()).then(|| given.join(","))
}

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let choice = Choice::of(&ctx);
    if choice.chosen.is_empty() || choice.finding {
        return super::ok(&req, &ctx, chooser(&ctx, &snap, &choice, None));
    }
    let pairs = [("services".to_owned(), choice.chosen.join(","))];
    let query = match params::parse::<CompareQuery>(&pairs, &*snap) {
        Ok(q) => q,
        Err(e) => {
            return super::refusal(
                &ctx,
                actix_web::http::StatusCode::BAD_REQUEST,
                chooser(&ctx, &snap, &choice, Some(&e)),
            );
        }
    };
    let chosen: Vec<&ServiceRecord> = query
        .services
        .iter()
        .filter_map(|id| snap.service(id))
        .collect();
    let comparison = compare::compare(&snap, &chosen, ctx.lang);
    let json = format!("/api/v1/compare?services={}", query.services.join(","));
    let body = html! {
        h1 { (ctx.t(T::CompareTitle)) }
        p class="lead" { (ctx.t(T::CompareIntro)) }
        (matrix(&ctx, &snap, &comparison, &chosen))
        (choose_form(&ctx, &snap, &choice))
    };
    super::ok(
        &req,
        &ctx,
        layout::shell(&ctx, ctx.t(T::CompareTitle), Some(&json), body),
    )
}

/// The form alone (no valid choice yet), with the problems of the choice made, if any.
fn chooser(ctx: &Ctx, snap: &Snapshot, choice: &Choice, error: Option<&AppError>) -> Markup {
    let body = html! {
        h1 { (ctx.t(T::CompareTitle)) }
        p class="lead" { (ctx.t(T::CompareIntro)) }
        @if let Some(e) = error {
            div class="problems" role="alert" {
                ul { @for p in e.field_problems(ctx.lang) { li { (p.detail) } } }
            }
        }
        (choose_form(ctx, snap, choice))
    };
    // nothing to compare yet: the JSON of what there is to choose from
    layout::shell(ctx, ctx.t(T::CompareTitle), Some("/api/v1/services"), body)
}

fn choose_form(ctx: &Ctx, snap: &Snapshot, choice: &Choice) -> Markup {
    chooser::form(
        ctx,
        snap,
        "/compare",
        T::ChooseServices,
        T::CompareButton,
        choice,
    )
}

/// One row: its header (with a visible "differs" mark, not colour alone) and cells.
fn row(ctx: &Ctx, label: Markup, differs: bool, cells: Vec<Markup>) -> Markup {
    html! {
        tr class=[differs.then_some("differs")] {
            th scope="row" {
                (label)
                @if differs { " " span class="differs-mark" { "(" (ctx.t(T::DiffersMark)) ")" } }
            }
            @for c in cells { td { (c) } }
        }
    }
}

fn section_row(title: &str, span: usize) -> Markup {
    html! { tr class="section" { th scope="colgroup" colspan=(span) { (title) } } }
}

fn all_equal<T: PartialEq>(items: &[T]) -> bool {
    items.windows(2).all(|w| w[0] == w[1])
}

fn matrix(ctx: &Ctx, snap: &Snapshot, c: &Comparison, chosen: &[&ServiceRecord]) -> Markup {
    let span = c.services.len() + 1;
    html! {
        div class="table-wrap" {
            table class="compare" {
                caption { (ctx.t(T::ComparisonCaption)) }
                thead {
                    tr {
                        th scope="col" { (ctx.t(T::FactCol)) }
                        @for s in &c.services {
                            th scope="col" { a href=(ctx.href(&format!("/services/{}", s.id))) { (s.name) } }
                        }
                    }
                }
                tbody {
                    (section_row(ctx.t(T::AttributesHeading), span))
                    @for a in &c.attributes {
                        (row(ctx, html! { a href=(ctx.href(&format!("/attributes/{}", a.name))) { (a.name) } " (" (ctx.t(words::sensitivity(a.sensitivity))) ")" }, a.differs,
                            a.cells.iter().map(|cell| match cell {
                                Some(cell) => html! { (ctx.t(T::Receives)) @if let Some(j) = &cell.justification { ": " (j) } },
                                None => html! { span class="no" { (ctx.t(T::NotReceived)) } },
                            }).collect()))
                    }
                    (section_row(ctx.t(T::LocationsHeading), span))
                    @for r in &c.countries {
                        @let present: Vec<bool> = r.cells.iter().map(Option::is_some).collect();
                        (row(ctx, html! { (country(ctx, snap, &r.code)) " " (protection(ctx, snap, &r.code)) }, !all_equal(&present),
                            r.cells.iter().map(|cell| match cell {
                                Some(cell) => html! { (cell.roles.iter().map(|x| ctx.t(words::role(*x))).collect::<Vec<_>>().join(", ")) },
                                None => html! { span class="no" { (ctx.t(T::NotThere)) } },
                            }).collect()))
                    }
                    (section_row(ctx.t(T::SubProcessorsHeading), span))
                    @for r in &c.sub_processors {
                        @let present: Vec<bool> = r.cells.iter().map(Option::is_some).collect();
                        (row(ctx, html! { a href=(ctx.href(&format!("/sub-processors/{}", r.id))) { (r.name) } }, !all_equal(&present),
                            r.cells.iter().map(|cell| match cell {
                                Some(cell) => html! { (ctx.t(words::mechanism(cell.transfer_mechanism))) },
                                None => html! { span class="no" { (ctx.t(T::NotUsed)) } },
                            }).collect()))
                    }
                    (section_row(ctx.t(T::TermsHeading), span))
                    @for t in &c.terms {
                        @let shown: Vec<Option<String>> = chosen.iter().map(|r| term_value(ctx, snap, &r.service.terms, &t.term)).collect();
                        (row(ctx, html! { (words::term(&t.term).map_or(t.term.as_str(), |x| ctx.t(x))) }, !all_equal(&t.values),
                            shown.into_iter().map(|v| match v {
                                Some(v) => html! { (v) },
                                None => html! { em class="not-stated" { (ctx.t(T::NotStated)) } },
                            }).collect()))
                    }
                    (section_row(ctx.t(T::FlagsHeading), span))
                    @for f in &c.flags {
                        (row(ctx, html! { a href=(ctx.href(&format!("/about#{}", f.flag.as_str()))) { (f.label) } }, !all_equal(&f.cells),
                            f.cells.iter().map(|on| if *on { html! { strong { (ctx.t(T::Yes)) } } } else { html! { (ctx.t(T::No)) } }).collect()))
                    }
                }
            }
        }
    }
}
