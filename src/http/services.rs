//! Services: the filtered list and the whole profile.

use actix_web::{web, HttpRequest, HttpResponse};

use super::negotiate::{self, format_of, language, Body};
use super::params::{self, ServiceQuery, WithCsv};
use super::rendered;
use super::views::{FacetCounts, ServiceList, ServiceProfile, ServiceSummary};
use super::{list_body, one_resource, query_pairs, AppState};
use crate::catalogue::{ServiceRecord, Snapshot};
use crate::domain::search;
use crate::error::{AppError, Problem};
use crate::store::fmt_time;

/// The sort key of a service: unique (the id breaks ties) and ordered like the sort. Relevance
/// keys sort ascending, so the best score (the smallest complement) comes first.
fn sort_key(sort: &str, r: &ServiceRecord, score: u32) -> String {
    let id = &r.service.id;
    match sort.trim_start_matches('-') {
        "name" => format!("{}\u{0}{id}", r.service.name.to_lowercase()),
        "updated_at" => format!("{}\u{0}{id}", fmt_time(r.stamp.updated_at)),
        "relevance" => format!("{:010}\u{0}{id}", u32::MAX - score),
        _ => id.to_string(),
    }
}

/// List and filter services.
///
/// Every filter given must match. `attribute` and `flag` may be repeated (all must match).
/// `country` matches any location of the vendor or a sub-processor; `outside_eea=true` keeps
/// services whose data reaches a country outside the EEA in any role, `outside_eea=false` those
/// known to keep it inside (unknown is not safe: a service that does not state where its data is
/// stored or processed, flag `location_not_stated`, is in neither). Both match a location of
/// either basis: stated, or only a company's country of establishment. Answers JSON, or CSV with
/// `Accept: text/csv`.
///
/// Services known only from Feide's service listing (status `unregistered`: no agreement facts
/// registered yet) are listed only with `status=unregistered`. Without `status` the list holds
/// the services with agreements (`active` and `retired`): Feide lists hundreds of services, whose
/// entries would bury the agreements, and their empty facts would read as "nothing to flag".
/// `GET /api/v1/coverage` counts both.
#[utoipa::path(
    get, path = "/api/v1/services", tag = "services",
    params(WithCsv<ServiceQuery>),
    responses(
        (status = 200, description = "A page of matching services", body = ServiceList,
         content((ServiceList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "Unknown or malformed parameter; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let snap = state.catalogue.current();
    let key = negotiate::answer_key(&req, fmt, language(req.headers()), &[]);
    if let Some(kept) = state.answers.get(&snap, &key) {
        return Ok(kept.respond(&req));
    }
    let query = params::parse::<WithCsv<ServiceQuery>>(&pairs, &snap.reference)?.query;
    let Selection {
        rows,
        next,
        facets: facet_counts,
    } = select(&snap, query, fmt);
    if fmt == negotiate::Format::Json {
        let body = Body::rendered(&rendered::service_list(
            &rows,
            &snap,
            next.clone(),
            facet_counts,
            state.catalogue.renders(),
        )?)
        .paged(req.path(), &pairs, "cursor", next.as_deref());
        super::keep_answer(&state, &snap, key, &body);
        return Ok(body.respond(&req));
    }
    let items: Vec<ServiceSummary> = rows
        .into_iter()
        .map(|r| ServiceSummary::of(r, &snap))
        .collect();
    let body = list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
        ServiceList {
            items,
            next_cursor,
            facets: facet_counts,
        }
    })?;
    super::keep_answer(&state, &snap, key, &body);
    Ok(body.respond(&req))
}

/// One page of the services a query selects, and its facet counts: what the list answers, as
/// JSON, as CSV, and as the home page.
pub struct Selection<'a> {
    pub rows: Vec<&'a ServiceRecord>,
    /// The cursor of the next page.
    pub next: Option<String>,
    /// Per requested facet, over the whole filtered set.
    pub facets: Option<FacetCounts>,
}

/// The services `query` selects from `snap`, one page of them (CSV has no pages).
pub fn select(snap: &Snapshot, query: ServiceQuery, fmt: negotiate::Format) -> Selection<'_> {
    let (filter, sort, facets, page) = query.into_parts();
    let (sort, page) = (sort.as_str(), page.for_format(fmt));
    let descending = sort.starts_with('-');
    let vendor_name = |r: &ServiceRecord| {
        snap.vendor(&r.service.vendor)
            .map_or("", |v| v.vendor.name.as_str())
    };
    // The vendor's name only matters to free-text search: looked up only then.
    let keeps = |r: &ServiceRecord| {
        let name = if filter.q.is_some() {
            vendor_name(r)
        } else {
            ""
        };
        filter.matches(r, name, &snap.reference)
    };
    let key_of = |r: &ServiceRecord| {
        let score = filter
            .q
            .as_deref()
            .map_or(0, |q| search::score(q, r, vendor_name(r)));
        sort_key(sort, r, score)
    };
    let by_id = sort.ends_with("id");
    // Only the services having every value the query names can match: the rest are never
    // looked at. Facets are counted by the index over the positions that match.
    let index = snap.index();
    let candidates = index.candidates(&filter);
    let at = |p: usize| &*snap.services[p];
    let matched = || -> Vec<u32> {
        candidates
            .positions()
            .filter(|&p| keeps(at(p)))
            .map(|p| p as u32)
            .collect()
    };
    let mut counted: Option<Vec<u32>> = None;
    let matching: Vec<(String, &ServiceRecord)> = if by_id {
        // The snapshot keeps services in id order: walk the candidates from the cursor and stop
        // after one page (and one more, to know there is a next), instead of filtering and
        // sorting them all for 50 rows. The cost follows the page, not the catalogue (facets,
        // if asked for, still count the whole filtered set, below).
        let id_at = |p: usize| at(p).service.id.as_str();
        let start = page
            .after()
            .map_or(if descending { candidates.len() } else { 0 }, |after| {
                if descending {
                    candidates.partition_point(|p| id_at(p) < after)
                } else {
                    candidates.partition_point(|p| id_at(p) <= after)
                }
            });
        let walk: Box<dyn Iterator<Item = usize>> = if descending {
            Box::new((0..start).rev())
        } else {
            Box::new(start..candidates.len())
        };
        walk.map(|i| at(candidates.at(i)))
            .filter(|r| keeps(r))
            .take(page.limit.saturating_add(1))
            .map(|r| (key_of(r), r))
            .collect()
    } else {
        let positions = matched();
        let mut all: Vec<(String, &ServiceRecord)> = positions
            .iter()
            .map(|&p| {
                let r = at(p as usize);
                (key_of(r), r)
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        if descending {
            all.reverse();
        }
        counted = Some(positions);
        all
    };
    let facet_counts =
        (!facets.is_empty()).then(|| index.count(&facets, &counted.unwrap_or_else(matched)));
    let (rows, next) = page.page(matching, descending, |(key, _)| key.clone());
    Selection {
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        next,
        facets: facet_counts,
    }
}

/// The whole profile of one service.
///
/// Attributes with justifications (OIDC scopes resolved to the attributes they release),
/// sub-processors with their countries and transfer mechanisms, the vendor's own locations, the
/// derived `storage_countries`, `third_countries` and `flags`, every contract term with the
/// agreement's own words as evidence, and the source documents.
#[utoipa::path(
    get, path = "/api/v1/services/{id}", tag = "services",
    params(("id" = String, Path, description = "Service id", example = "kikora")),
    responses(
        (status = 200, description = "The service profile", body = ServiceProfile, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let snap = one_resource(&req, &state)?;
    let record = snap.service(&id).ok_or_else(|| not_found("service", &id))?;
    Ok(Body::rendered(&rendered::profile(
        record,
        &snap,
        state.catalogue.renders(),
    )?)
    .respond(&req))
}

pub fn not_found(what: &str, id: &str) -> AppError {
    use crate::texts::Text;
    let noun = match what {
        "service" => Text::ServiceWord,
        "vendor" => Text::VendorWord,
        "country" => Text::CountryWord,
        "municipality" => Text::MunicipalityWord,
        "portfolio_entry" => Text::PortfolioEntryWord,
        "announcement" => Text::AnnouncementWord,
        "webhook" => Text::WebhookWord,
        "delivery" => Text::DeliveryWord,
        _ => Text::SubProcessorWord,
    };
    AppError::NotFound(
        Text::NoSuchEntity
            .with(&[("id", &id.chars().take(64).collect::<String>())])
            .and_text("what", noun),
    )
}
