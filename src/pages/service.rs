//! The service page: what the service receives and why, where the data goes, its
//! sub-processors, every term in plain words with the agreement's words and source, the flags
//! explained, pending announcements and history. Built from the JSON profile's own view.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::texts::T;
use super::{history, layout, words, Ctx};
use crate::catalogue::Snapshot;
use crate::domain::catalogue::{Role, Source, Terms, UseLocation};
use crate::http::negotiate::{answer_key, Format};
use crate::http::views::ServiceProfile;
use crate::http::AppState;
use crate::store::changes::{latest_history, RevisionRow};

pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let snap = state.catalogue.current();
    let key = answer_key(&req, Format::Json, ctx.lang, b"html");
    if let Some(kept) = state.answers.get(&snap, &key) {
        return super::with_csp(kept.respond(&req), super::PAGE_CSP);
    }
    let Some(record) = snap.service(&id) else {
        return super::not_found(&ctx);
    };
    let profile = ServiceProfile::of(record, &snap);
    let (id, upto) = (profile.id.clone(), profile.revision);
    let store = state.store.clone();
    // the database down costs the page its history, not the page: that rendering is not kept
    let revisions = web::block(move || {
        latest_history(&mut *store.conn()?, "service", &id, upto, history::SHOWN)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|read| read.map_err(|e| e.to_string()))
    .inspect_err(|e| log::warn!("service page {}: no history: {e}", profile.id))
    .ok();
    let body = super::html_body(&ctx, render(&ctx, &snap, &profile, revisions.as_deref()));
    if revisions.is_some() {
        crate::http::keep_answer(&state, &snap, key, &body);
    }
    super::with_csp(body.respond(&req), super::PAGE_CSP)
}

/// A country's name in the page's language, linked to its page, with its protection status.
pub fn country(ctx: &Ctx, snap: &Snapshot, code: &str) -> Markup {
    let c = snap.reference.country(code);
    html! {
        a href=(ctx.href(&format!("/countries/{code}"))) {
            (c.map_or(code, |c| c.name.get(ctx.lang)))
        }
    }
}

pub fn protection(ctx: &Ctx, snap: &Snapshot, code: &str) -> Markup {
    let Some(c) = snap.reference.country(code) else {
        return html! {};
    };
    let class = if c.eea {
        "status eea"
    } else {
        "status outside"
    };
    html! { span class=(class) { (ctx.t(words::adequacy(c.adequacy))) } }
}

fn roles(ctx: &Ctx, roles: impl IntoIterator<Item = Role>) -> String {
    roles
        .into_iter()
        .map(|r| ctx.t(words::role(r)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The agreement's own words, quoted.
fn words_of(text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            blockquote class="evidence" { p { (t) } }
        }
    }
}

pub fn source(ctx: &Ctx, s: &Source) -> Markup {
    html! {
        @if let Some(url) = &s.url {
            a href=(url) rel="external noopener" { (s.title) }
        } @else {
            (s.title)
        }
        @if let Some(date) = &s.date { " (" time datetime=(date) { (date) } ")" }
        @if let Some(c) = &s.controller { ", " (ctx.fill(T::SignedBy, &[("controller", c)])) }
    }
}

/// A term's value in plain words; None when the agreement does not state it.
pub fn term_value(ctx: &Ctx, snap: &Snapshot, terms: &Terms, name: &str) -> Option<String> {
    let days = |n: Option<i32>| n.map(|n| ctx.fill(T::Days, &[("n", &n)]));
    match name {
        "breach_notice_hours" => terms
            .breach_notice_hours
            .map(|n| ctx.fill(T::Hours, &[("n", &n)])),
        "breach_notice" => terms
            .breach_notice
            .map(|b| ctx.t(words::breach_notice(b)).to_owned()),
        "sub_processor_change" => terms
            .sub_processor_change
            .map(|c| ctx.t(words::change(c)).to_owned()),
        "security_audit_months" => terms
            .security_audit_months
            .map(|n| ctx.fill(T::EveryMonths, &[("n", &n)])),
        "security_level" => terms.security_level.clone(),
        "venue" => terms.venue.clone(),
        "governing_law" => terms.governing_law.as_deref().map(|code| {
            snap.reference
                .country(code)
                .map_or_else(|| code.to_owned(), |c| c.name.get(ctx.lang).to_owned())
        }),
        other => days(terms.day_term(other).flatten()),
    }
}

fn render(
    ctx: &Ctx,
    snap: &Snapshot,
    p: &ServiceProfile,
    revisions: Option<&[RevisionRow]>,
) -> Markup {
    let json = format!("/api/v1/services/{}", p.id);
    let first_source = p.sources.first();
    let vendor_locations = p.locations.iter().map(|l| {
        (
            ctx.t(T::TheVendor).to_owned(),
            None::<String>,
            UseLocation {
                country: l.country.clone(),
                role: l.role,
                basis: l.basis,
                evidence: l.evidence.clone(),
            },
        )
    });
    let sub_locations = p.sub_processors.iter().flat_map(|s| {
        s.locations
            .iter()
            .map(|l| (s.name.clone(), Some(s.id.clone()), l.clone()))
    });
    let locations: Vec<(String, Option<String>, UseLocation)> =
        vendor_locations.chain(sub_locations).collect();
    let body = html! {
        h1 { (p.name) }
        dl class="facts" {
            dt { (ctx.t(T::Vendor)) }
            dd { a href=(ctx.href(&format!("/vendors/{}", p.vendor.id))) { (p.vendor.name) } }
            dt { (ctx.t(T::StatusLabel)) }
            dd { (ctx.t(words::status(p.status))) }
            @if let Some(w) = &p.website {
                dt { (ctx.t(T::Website)) }
                dd { a href=(w) rel="external noopener" { (w) } }
            }
            @if !p.purposes.is_empty() {
                dt { (ctx.t(T::Purposes)) }
                dd { ul { @for x in &p.purposes { li { (x) } } } }
            }
            @if !p.data_subjects.is_empty() {
                dt { (ctx.t(T::DataSubjects)) }
                dd { (p.data_subjects.iter().map(|s| ctx.t(words::subject(*s))).collect::<Vec<_>>().join(", ")) }
            }
        }
        @if let Some(d) = &p.description { p class="lead" { (d) } }
        p class="actions" {
            a href=(ctx.href(&format!("/compare?services={}", p.id))) { (ctx.t(T::CompareThis)) }
        }

        section id="attributes" aria-labelledby="attributes-h" {
            h2 id="attributes-h" { (ctx.t(T::AttributesHeading)) }
            @if p.attributes.is_empty() {
                p { (ctx.t(T::AttributesNone)) }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t(T::AttributeCol)) }
                            th scope="col" { (ctx.t(T::SensitivityCol)) }
                            th scope="col" { (ctx.t(T::WhyCol)) }
                        } }
                        tbody {
                            @for a in &p.attributes {
                                tr {
                                    th scope="row" { a href=(ctx.href(&format!("/attributes/{}", a.name))) { (a.name) } }
                                    td { span class=(format!("sensitivity {}", a.sensitivity.as_str())) { (ctx.t(words::sensitivity(a.sensitivity))) } }
                                    td {
                                        @match &a.justification {
                                            Some(j) => { (j) }
                                            None => { em { (ctx.t(T::NoJustification)) } }
                                        }
                                        @for s in &a.via_scopes {
                                            " " span class="via" { "(" (ctx.fill(T::ViaScope, &[("scope", s)])) ")" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        section id="locations" aria-labelledby="locations-h" {
            h2 id="locations-h" { (ctx.t(T::LocationsHeading)) }
            @if locations.is_empty() {
                p { (ctx.t(T::LocationsNone)) }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t(T::CountryCol)) }
                            th scope="col" { (ctx.t(T::StatusCol)) }
                            th scope="col" { (ctx.t(T::WhoCol)) }
                            th scope="col" { (ctx.t(T::RoleCol)) }
                            th scope="col" { (ctx.t(T::WordsCol)) }
                        } }
                        tbody {
                            @for (who, sub, l) in &locations {
                                tr {
                                    th scope="row" { (country(ctx, snap, &l.country)) }
                                    td { (protection(ctx, snap, &l.country)) }
                                    td {
                                        @match sub {
                                            Some(id) => { a href=(ctx.href(&format!("/sub-processors/{id}"))) { (who) } }
                                            None => { (who) }
                                        }
                                    }
                                    td { (roles(ctx, [l.role])) }
                                    td {
                                        (words_of(l.evidence.as_deref()))
                                        @if l.basis == crate::domain::catalogue::Basis::Establishment {
                                            p class="note" { (ctx.t(T::BasisEstablishment)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        section id="sub-processors" aria-labelledby="sub-processors-h" {
            h2 id="sub-processors-h" { (ctx.t(T::SubProcessorsHeading)) }
            @if p.sub_processors.is_empty() {
                p { (ctx.t(T::SubProcessorsNone)) }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t(T::NameCol)) }
                            th scope="col" { (ctx.t(T::PurposeCol)) }
                            th scope="col" { (ctx.t(T::CountryCol)) }
                            th scope="col" { (ctx.t(T::TransferCol)) }
                        } }
                        tbody {
                            @for s in &p.sub_processors {
                                tr {
                                    th scope="row" { a href=(ctx.href(&format!("/sub-processors/{}", s.id))) { (s.name) } }
                                    td { (s.purpose.as_deref().unwrap_or("")) }
                                    td {
                                        @for (i, l) in s.locations.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            (country(ctx, snap, &l.country))
                                        }
                                    }
                                    td {
                                        (s.transfer_mechanisms.iter().map(|m| ctx.t(words::mechanism(*m))).collect::<Vec<_>>().join(", "))
                                        (words_of(s.transfer_evidence.as_deref()))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        section id="terms" aria-labelledby="terms-h" {
            h2 id="terms-h" { (ctx.t(T::TermsHeading)) }
            div class="table-wrap" {
                table class="terms" {
                    thead { tr {
                        th scope="col" { (ctx.t(T::TermCol)) }
                        th scope="col" { (ctx.t(T::ValueCol)) }
                        th scope="col" { (ctx.t(T::WordsCol)) }
                        th scope="col" { (ctx.t(T::SourceCol)) }
                    } }
                    tbody {
                        @for name in Terms::NAMES {
                            @let value = term_value(ctx, snap, &p.terms, name);
                            @let evidence = p.terms.evidence.get(name);
                            @let conflict = p.terms.conflicts.iter().find(|c| c.term == name);
                            tr {
                                th scope="row" { (words::term(name).map_or(name, |t| ctx.t(t))) }
                                td {
                                    @match &value {
                                        Some(v) => { (v) }
                                        None => { em class="not-stated" { (ctx.t(T::NotStated)) } }
                                    }
                                }
                                td {
                                    (words_of(evidence.map(String::as_str)))
                                    @if let Some(c) = conflict {
                                        p class="note" { (ctx.t(T::TermConflict)) }
                                        @for r in &c.readings { (words_of(Some(&r.evidence))) }
                                    }
                                }
                                td {
                                    @if evidence.is_some() || value.is_some() {
                                        @if let Some(s) = first_source { (source(ctx, s)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.sources.is_empty() {
                h3 { (ctx.t(T::SourcesHeading)) }
                ul class="sources" {
                    @for s in &p.sources { li { (source(ctx, s)) } }
                }
            }
            @if !p.statements.is_empty() {
                h3 { (ctx.t(T::StatementsHeading)) }
                @for kind in crate::domain::catalogue::Statements::KINDS {
                    @if let Some(list) = p.statements.list(kind) {
                        @for s in list { (words_of(Some(s))) }
                    }
                }
            }
            @if !p.notes.is_empty() {
                h3 { (ctx.t(T::NotesHeading)) }
                ul { @for n in &p.notes { li { (n) } } }
            }
        }

        section id="flags" aria-labelledby="flags-h" {
            h2 id="flags-h" { (ctx.t(T::FlagsHeading)) }
            @if p.flags.is_empty() {
                p { (ctx.t(T::NoFlags)) }
            } @else {
                ul class="flag-list" {
                    @for f in &p.flags {
                        li {
                            a class="flag" href=(ctx.href(&format!("/about#{}", f.as_str()))) { (f.label(ctx.lang)) }
                            ": " (f.rule_in(ctx.lang))
                        }
                    }
                }
            }
        }

        section id="announcements" aria-labelledby="announcements-h" {
            h2 id="announcements-h" { (ctx.t(T::AnnouncementsHeading)) }
            @if p.pending_announcements.is_empty() {
                p { (ctx.t(T::NoAnnouncements)) }
            } @else {
                ul {
                    @for a in &p.pending_announcements {
                        li {
                            (ctx.t(T::EffectiveDate)) ": " time datetime=(a.effective_date) { (a.effective_date) }
                            "; " (ctx.t(T::ObjectionDeadline)) ": "
                            @match &a.objection_deadline {
                                Some(d) => { strong { time datetime=(d) { (d) } } }
                                None => { (ctx.t(T::NoObjectionPeriod)) }
                            }
                            @if a.short_notice { " (" (ctx.t(T::ShortNotice)) ")" }
                            " " a href=(a.self_link) type="application/json" { (ctx.t(T::Details)) }
                        }
                    }
                }
            }
        }

        (super::history::section(ctx, snap, p, revisions))
    };
    layout::shell(ctx, &p.name, Some(&json), body)
}
