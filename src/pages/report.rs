//! The portfolio report for people: chosen services, or a municipality's public portfolio, with
//! its CSV and record-of-processing downloads. The report is `domain::portfolio::report`, the one
//! the API answers; the CSV is its `csv_rows`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::chooser::{self, Choice};
use super::service::country;
use super::texts::T;
use super::{layout, Ctx};
use crate::catalogue::Snapshot;
use crate::domain::municipalities::{LocalStatus, PortfolioEntry};
use crate::domain::portfolio::{self, PortfolioReport};
use crate::domain::processing_record::{self, Controller};
use crate::http::negotiate::Body;
use crate::http::AppState;

fn municipality_param(ctx: &Ctx) -> Option<&str> {
    ctx.query()
        .iter()
        .find(|(k, _)| k == "municipality")
        .map(|(_, v)| v.as_str())
}

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    if let Some(id) = municipality_param(&ctx) {
        let world = match crate::http::municipalities::public_world(&state, id).await {
            Ok(Some(world)) => world,
            Ok(None) => return super::not_found(&ctx),
            Err(_) => return super::unavailable(&ctx),
        };
        let Some(m) = &world.municipality else {
            return super::not_found(&ctx);
        };
        let snap = &world.catalogue;
        let (found, unknown) = portfolio::resolve(snap, &world.weighed_services());
        let report = portfolio::report(snap, &found, unknown, ctx.lang);
        let title = ctx.fill(T::ReportMunicipalityTitle, &[("name", &m.entry.name)]);
        let api = format!("/api/v1/municipalities/{}", m.entry.id);
        let downloads = html! {
            a class="download record" type="text/csv" href=(format!("{api}/record-of-processing?csv=standard")) { (ctx.t(T::DownloadRecord)) }
            a class="record" type="application/json" href=(format!("{api}/record-of-processing")) { (ctx.t(T::DownloadRecordJson)) }
        };
        let json = format!("{api}/report");
        let query = serde_urlencoded::to_string(
            report
                .services
                .iter()
                .map(|id| ("services", id.as_str()))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        let downloads = html! {
            a class="download" type="text/csv" href=(ctx.href(&format!("/report.csv?{query}"))) { (ctx.t(T::DownloadCsv)) }
            (downloads)
        };
        return super::ok(
            &req,
            &ctx,
            render(&ctx, snap, &title, &report, downloads, &json),
        );
    }
    let snap = state.catalogue.current();
    let choice = Choice::of(&ctx);
    let ids = match chooser::given(&ctx) {
        Some(ids) if !choice.finding => ids,
        _ => return super::ok(&req, &ctx, chooser(&ctx, &snap, &choice)),
    };
    let (found, unknown) = portfolio::resolve(&snap, &ids);
    let report = portfolio::report(&snap, &found, unknown, ctx.lang);
    let query = serde_urlencoded::to_string(
        ids.iter()
            .map(|id| ("services", id.as_str()))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let downloads = html! {
        a class="download" type="text/csv" href=(ctx.href(&format!("/report.csv?{query}"))) { (ctx.t(T::DownloadCsv)) }
        a class="download record" type="text/csv" href=(ctx.href(&format!("/report/record-of-processing.csv?{query}"))) { (ctx.t(T::DownloadRecord)) }
    };
    let title = ctx.t(T::ReportTitle);
    super::ok(
        &req,
        &ctx,
        render(
            &ctx,
            &snap,
            title,
            &report,
            downloads,
            "/api/v1/reports/portfolio",
        ),
    )
}

/// `GET /report.csv?services=...`: the report as the API's CSV, for a spreadsheet.
pub async fn csv(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let Some(ids) = chooser::given(&ctx) else {
        return super::not_found(&ctx);
    };
    let (found, unknown) = portfolio::resolve(&snap, &ids);
    let report = portfolio::report(&snap, &found, unknown, ctx.lang);
    download(
        &req,
        Body::csv_rows(&report.csv_rows()),
        "portfolio-report.csv",
    )
}

/// `GET /report/record-of-processing.csv?services=...`: a draft record of processing over the
/// chosen services as if each were in use, for a controller to complete with its own name.
pub async fn record(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let Some(ids) = chooser::given(&ctx) else {
        return super::not_found(&ctx);
    };
    let entries: Vec<PortfolioEntry> = ids
        .iter()
        .filter(|id| snap.service(id).is_some())
        .map(|id| PortfolioEntry {
            key: String::new(),
            municipality: String::new(),
            service: id.clone(),
            local_status: LocalStatus::InUse,
            agreement_signed_on: None,
            dpia_done_on: None,
            next_review_due: None,
            source: None,
            note: None,
            removed: false,
        })
        .collect();
    let controller = Controller {
        municipality: String::new(),
        name: String::new(),
        org_number: String::new(),
    };
    let record = processing_record::record(
        &snap,
        controller,
        &entries.iter().collect::<Vec<_>>(),
        ctx.lang,
    );
    download(
        &req,
        Body::csv_rows(&record.csv_rows()),
        "record-of-processing.csv",
    )
}

fn download(
    req: &HttpRequest,
    body: Result<Body, crate::error::AppError>,
    name: &str,
) -> HttpResponse {
    match body {
        Ok(body) => {
            let mut res = body.respond(req);
            if let Ok(v) =
                header::HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// The form alone; nothing to report on yet, so its JSON is what there is to choose from.
fn chooser(ctx: &Ctx, snap: &Snapshot, choice: &Choice) -> Markup {
    let body = html! {
        h1 { (ctx.t(T::ReportTitle)) }
        p class="lead" { (ctx.t(T::ReportIntro)) }
        (chooser::form(ctx, snap, "/report", T::ReportChoose, T::ReportButton, choice))
    };
    layout::shell(ctx, ctx.t(T::ReportTitle), Some("/api/v1/services"), body)
}

fn service_link(ctx: &Ctx, snap: &Snapshot, id: &str) -> Markup {
    let name = snap.service(id).map_or(id, |r| r.service.name.as_str());
    html! { a href=(ctx.href(&format!("/services/{id}"))) { (name) } }
}

fn service_list(ctx: &Ctx, snap: &Snapshot, ids: &[String]) -> Markup {
    html! {
        @for (i, id) in ids.iter().enumerate() {
            @if i > 0 { ", " }
            (service_link(ctx, snap, id))
        }
    }
}

fn render(
    ctx: &Ctx,
    snap: &Snapshot,
    title: &str,
    report: &PortfolioReport,
    downloads: Markup,
    json: &str,
) -> Markup {
    let days = |n: i32| ctx.fill(T::Days, &[("n", &n)]);
    let body = html! {
        h1 { (title) }
        p class="lead" { (ctx.t(T::ReportIntro)) }
        p class="downloads" { (downloads) }
        h2 { (ctx.t(T::ReportServices)) }
        div class="table-wrap" {
            table class="report" {
                thead { tr {
                    th scope="col" { (ctx.t(T::ServiceCol)) }
                    th scope="col" { (ctx.t(T::Vendor)) }
                    th scope="col" { (ctx.t(T::ThirdCountriesCol)) }
                    th scope="col" { (ctx.t(T::FlagsCol)) }
                } }
                tbody {
                    @for id in &report.services {
                        @if let Some(r) = snap.service(id) {
                            tr {
                                th scope="row" { (service_link(ctx, snap, id)) }
                                td { (snap.vendor(&r.service.vendor).map_or("", |v| v.vendor.name.as_str())) }
                                td {
                                    @for (i, c) in r.derived.third_countries.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        (country(ctx, snap, c))
                                    }
                                }
                                td { (r.derived.flags.iter().map(|f| f.label(ctx.lang)).collect::<Vec<_>>().join("; ")) }
                            }
                        }
                    }
                }
            }
        }
        @if !report.unknown.is_empty() {
            p { (ctx.t(T::UnknownIds)) ": " (report.unknown.join(", ")) }
        }
        @if !report.not_registered.is_empty() {
            p { (ctx.t(T::NotRegistered)) ": " (service_list(ctx, snap, &report.not_registered)) }
        }
        h2 { (ctx.t(T::TransfersHeading)) }
        @if report.third_country_transfers.is_empty() {
            p { (ctx.t(T::NoTransfers)) }
        } @else {
            div class="table-wrap" {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(T::ServiceCol)) }
                        th scope="col" { (ctx.t(T::WhoCol)) }
                        th scope="col" { (ctx.t(T::CountryCol)) }
                        th scope="col" { (ctx.t(T::RoleCol)) }
                        th scope="col" { (ctx.t(T::TransferCol)) }
                    } }
                    tbody {
                        @for t in &report.third_country_transfers {
                            tr {
                                th scope="row" { (service_link(ctx, snap, &t.service)) }
                                td {
                                    @if t.by == "vendor" { (ctx.t(T::TheVendor)) }
                                    @else { (snap.sub_processor(&t.by).map_or(t.by.as_str(), |p| p.name.as_str())) }
                                }
                                td { (country(ctx, snap, &t.country)) " " (super::service::protection(ctx, snap, &t.country)) }
                                td { (ctx.t(super::words::role(t.role))) }
                                td { (t.transfer_mechanisms.iter().map(|m| ctx.t(super::words::mechanism(*m))).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
            }
        }
        @if !report.location_not_stated.is_empty() {
            p { (ctx.t(T::LocationUnknown)) ": " (service_list(ctx, snap, &report.location_not_stated)) }
        }
        h2 { (ctx.t(T::SensitiveHeading)) }
        @if report.high_sensitivity_attributes.is_empty() {
            p { (ctx.t(T::NoSensitive)) }
        } @else {
            dl class="facts" {
                @for a in &report.high_sensitivity_attributes {
                    dt { a href=(ctx.href(&format!("/attributes/{}", a.name))) { (a.name) } }
                    dd {
                        ul {
                            @for s in &a.services {
                                li {
                                    (service_link(ctx, snap, &s.service)) ": "
                                    @match &s.justification { Some(j) => { (j) } None => { em { (ctx.t(T::NoJustification)) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t(T::FlagsHeading)) }
        @if report.flags.is_empty() {
            p { (ctx.t(T::NoFlags)) }
        } @else {
            dl class="flag-rules" {
                @for f in &report.flags {
                    dt { (f.label) }
                    dd { (f.rule) }
                    dd { (service_list(ctx, snap, &f.services)) }
                }
            }
        }
        h2 { (ctx.t(T::WeakestHeading)) }
        @let w = &report.weakest_terms;
        dl class="facts" {
            dt { (ctx.t(T::LongestDeletion)) }
            dd { @match &w.longest_deletion { Some(d) => { (days(d.days)) ": " (service_list(ctx, snap, &d.services)) } None => { (ctx.t(T::None)) } } }
            dt { (ctx.t(T::DeletionNotStated)) }
            dd { @if w.deletion_not_stated.is_empty() { (ctx.t(T::None)) } @else { (service_list(ctx, snap, &w.deletion_not_stated)) } }
            dt { (ctx.t(T::TermBreachNotice)) }
            dd { @if w.no_breach_deadline.is_empty() { (ctx.t(T::None)) } @else { (ctx.t(T::BreachWithoutUndueDelay)) ": " (service_list(ctx, snap, &w.no_breach_deadline)) } }
            dt { (ctx.t(T::ShortestChangeNotice)) }
            dd { @match &w.shortest_change_notice { Some(d) => { (days(d.days)) ": " (service_list(ctx, snap, &d.services)) } None => { (ctx.t(T::None)) } } }
        }
        p class="note" { (ctx.t(T::Print)) }
    };
    layout::shell(ctx, title, Some(json), body)
}
