//! The form that chooses services for a comparison or a report. A catalogue of thousands is
//! not a page of thousands of checkboxes: the form lists the services already chosen, ticked,
//! and those a search finds (the home page's search, `select` with `q`), a page of them at a
//! time. "Find" sends the form back to itself with the ticked services kept; the other button
//! compares or reports.

use maud::{html, Markup};

use super::texts::T;
use super::Ctx;
use crate::catalogue::{ServiceRecord, Snapshot};
use crate::domain::portfolio;
use crate::error::AppError;
use crate::http::negotiate::Format;
use crate::http::params::{self, ServiceQuery};
use crate::http::services::select;

/// How many found services the form lists beside the chosen ones.
pub const LISTED: usize = 50;

/// What the form was sent with: the services ticked, the search, and whether "Find" sent it
/// (then the page shows the form again rather than the comparison or report).
pub struct Choice {
    pub chosen: Vec<String>,
    pub q: Option<String>,
    pub finding: bool,
}

/// The ids of `services` as given (`services=a&services=b` or `services=a,b`), at most a report's
/// limit; None when the query names none.
pub fn given(ctx: &Ctx) -> Option<Vec<String>> {
    let list = super::compare::services_param(ctx)?;
    Some(
        list.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .take(portfolio::MAX_SERVICES)
            .collect(),
    )
}

impl Choice {
    pub fn of(ctx: &Ctx) -> Choice {
        let value = |name: &str| {
            ctx.query()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let mut chosen: Vec<String> = Vec::new();
        for id in given(ctx).unwrap_or_default() {
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        Choice {
            chosen,
            q: value("q").map(str::to_owned),
            finding: value("step") == Some("find"),
        }
    }

    fn is_chosen(&self, r: &ServiceRecord) -> bool {
        self.chosen.iter().any(|id| id == r.service.id.as_str())
    }
}

/// The services the form offers besides the chosen ones: those the search finds (by relevance),
/// or the catalogue by name; and whether more than these match.
fn found<'a>(
    snap: &'a Snapshot,
    q: Option<&str>,
) -> Result<(Vec<&'a ServiceRecord>, bool), AppError> {
    let limit = LISTED.to_string();
    let mut pairs = vec![("limit".to_owned(), limit)];
    match q {
        Some(q) => pairs.push(("q".to_owned(), q.to_owned())),
        None => pairs.push(("sort".to_owned(), "name".to_owned())),
    }
    let query = params::parse::<ServiceQuery>(&pairs, &snap.reference)?;
    let selection = select(snap, query, Format::Json);
    Ok((selection.rows, selection.next.is_some()))
}

/// The form: a search with its "Find" button first (so Enter in the search finds), then the
/// chosen services ticked and the found ones, then `submit` (compare, or make the report).
pub fn form(
    ctx: &Ctx,
    snap: &Snapshot,
    action: &str,
    legend: T,
    submit: T,
    choice: &Choice,
) -> Markup {
    let (offered, more, problem) = match found(snap, choice.q.as_deref()) {
        Ok((rows, more)) => (rows, more, None),
        Err(e) => (Vec::new(), false, Some(e)),
    };
    let chosen: Vec<&ServiceRecord> = choice
        .chosen
        .iter()
        .filter_map(|id| snap.service(id))
        .collect();
    let others: Vec<&ServiceRecord> = offered
        .into_iter()
        .filter(|r| !choice.is_chosen(r))
        .collect();
    html! {
        form method="get" action=(action) class="choose" {
            div class="search find" {
                label for="find-q" { (ctx.t(T::SearchLabel)) }
                div class="search-row" {
                    input type="search" id="find-q" name="q" value=[choice.q.as_deref()];
                    button type="submit" name="step" value="find" { (ctx.t(T::FindButton)) }
                }
            }
            @if let Some(e) = &problem {
                div class="problems" role="alert" {
                    ul { @for p in e.field_problems(ctx.lang) { li { (p.detail) } } }
                }
            }
            fieldset {
                legend { (ctx.t(legend)) }
                ul class="choices" {
                    @for r in chosen.iter().chain(&others) {
                        (checkbox(r, choice.is_chosen(r)))
                    }
                }
                @if others.is_empty() && choice.q.is_some() && problem.is_none() {
                    p { (ctx.t(T::NoneFound)) }
                }
                @if more {
                    p { (ctx.fill(T::MoreFound, &[("n", &LISTED)])) }
                }
            }
            @if let Some(lang) = ctx.chosen_lang() {
                input type="hidden" name="lang" value=(lang);
            }
            button type="submit" class="primary" { (ctx.t(submit)) }
        }
    }
}

fn checkbox(r: &ServiceRecord, ticked: bool) -> Markup {
    let id = format!("s-{}", r.service.id);
    html! {
        li {
            input type="checkbox" name="services" id=(id) value=(r.service.id.as_str()) checked[ticked];
            " "
            label for=(id) { (r.service.name) }
        }
    }
}
