//! Atom 1.0 feeds (RFC 4287) of what changed, for feed readers and scripts that poll: the whole
//! catalogue's change feed, one service (its revisions and announcements), one vendor (its entry,
//! its services and their announcements), and every announcement. They live under `/feeds/`,
//! the paths the API contract names, beside the JSON API rather than in it: they are another
//! representation of `/api/v1/changes` and `/api/v1/announcements`, and each entry links to the
//! JSON resource it is about.
//!
//! Entry ids are tag URIs (RFC 4151) on the registry's host (`PUBLIC_BASE_URL`, else the
//! request's), one per revision or announcement, so a revision has the same id in every feed it
//! appears in. Every text is escaped: names and summaries are vendors' words. Feeds answer
//! `If-None-Match` and `If-Modified-Since` with 304.
//!
//! A municipality's feed (`/feeds/municipalities/{id}.atom`) is the catalogue's narrowed to what
//! concerns its portfolio: the revisions of its services, their vendors and sub-processors, and
//! the announcements for its services. A private portfolio's feed is its own clients' only.

use std::time::{Duration, SystemTime};

use actix_web::http::header::{self, HttpDate};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};

use super::announcements::AnnouncementView;
use super::municipalities::{keep_private, portfolio_concerns};
use super::negotiate::{client_has, etag};
use super::pagination::absolute;
use super::params::{self, NoQuery};
use super::services::not_found;
use super::{query_pairs, AppState};
use crate::catalogue::Snapshot;
use crate::domain::announcements::SubProcessorAmendment;
use crate::domain::municipalities::Concerns;
use crate::domain::responses::Tally;
use crate::error::{AppError, Problem};
use crate::store::announcements::{self as stored, AnnouncementFilter};
use crate::store::changes::{history, latest_changes, PageBound, RevisionRow};
use crate::store::{Db, StoreError};

/// Entries a feed holds: the latest, newest first. A reader that missed more follows the JSON
/// change feed from its cursor.
const ENTRIES: usize = 50;

/// The year in the tag URIs' tagging entity (RFC 4151 §2.1): fixed, so ids never change.
const TAG_YEAR: &str = "2026";

/// What a feed covers.
#[derive(Debug, Clone)]
enum Scope {
    Catalogue,
    Announcements,
    Service(String),
    Vendor(String),
    Municipality {
        id: String,
        name: String,
        concerns: Concerns,
    },
}

/// One entry, before it is written.
struct Entry {
    /// The part after the tagging entity: `service/kikora/revision/3`, `announcement/ann-...`.
    tag: String,
    title: String,
    updated: DateTime<Utc>,
    published: Option<DateTime<Utc>>,
    author: String,
    /// The JSON resource the entry is about (a path).
    link: String,
    summary: String,
    category: &'static str,
}

struct Feed {
    tag: String,
    title: String,
    /// The feed's own path.
    path: String,
    entries: Vec<Entry>,
}

/// The whole catalogue's changes, newest first.
///
/// The latest 50 revisions of every entry (services, vendors, sub-processors), each linking to
/// the entry's JSON; `/api/v1/changes` is the same feed as pages of JSON from any cursor.
#[utoipa::path(
    get, path = "/feeds/changes.atom", tag = "feeds",
    responses(
        (status = 200, description = "An Atom 1.0 feed", body = String, content_type = "application/atom+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn changes(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    serve(req, state, Scope::Catalogue).await
}

/// Every announcement of a sub-processor change, newest first.
///
/// The latest 50 announcements, each with its objection deadline and notice; an entry is updated
/// when the announcement is withdrawn, applied or fails.
#[utoipa::path(
    get, path = "/feeds/announcements.atom", tag = "feeds",
    responses(
        (status = 200, description = "An Atom 1.0 feed", body = String, content_type = "application/atom+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn announcements(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    serve(req, state, Scope::Announcements).await
}

/// One service's revisions and announcements, newest first.
///
/// The latest 50 revisions of the service and its announcements together, each linking to the
/// JSON resource (the service's profile, or the announcement).
#[utoipa::path(
    get, path = "/feeds/services/{id}.atom", tag = "feeds",
    params(("id" = String, Path, description = "Service id", example = "kikora")),
    responses(
        (status = 200, description = "An Atom 1.0 feed", body = String, content_type = "application/atom+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn service(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    serve(req, state, Scope::Service(id.into_inner())).await
}

/// One vendor's entry, its services' revisions and their announcements, newest first.
///
/// The latest 50 entries of the vendor's own revisions, its services' revisions and the
/// announcements for its services.
#[utoipa::path(
    get, path = "/feeds/vendors/{id}.atom", tag = "feeds",
    params(("id" = String, Path, description = "Vendor id", example = "eldur-learning")),
    responses(
        (status = 200, description = "An Atom 1.0 feed", body = String, content_type = "application/atom+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vendor(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    serve(req, state, Scope::Vendor(id.into_inner())).await
}

/// What changed for one municipality: its portfolio's services, their vendors and
/// sub-processors, and the announcements for its services, newest first.
///
/// The latest 50 revisions and announcements that concern the services in the municipality's
/// portfolio. A private portfolio's feed is answered only to the municipality's own clients and
/// administrators (a bearer token; 404 to anyone else).
#[utoipa::path(
    get, path = "/feeds/municipalities/{id}.atom", tag = "feeds",
    params(("id" = String, Path, description = "Municipality id", example = "bergen")),
    responses(
        (status = 200, description = "An Atom 1.0 feed", body = String, content_type = "application/atom+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    let portfolio = portfolio_concerns(&req, &state, &id).await?;
    let scope = Scope::Municipality {
        id: id.into_inner(),
        name: portfolio.name,
        concerns: portfolio.concerns,
    };
    let res = serve(req, state, scope).await?;
    Ok(keep_private(res, portfolio.private))
}

async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    let snap = state.catalogue.current();
    match &scope {
        Scope::Service(id) if snap.service(id).is_none() => return Err(not_found("service", id)),
        Scope::Vendor(id) if snap.vendor(id).is_none() => return Err(not_found("vendor", id)),
        _ => {}
    }
    let store = state.store.clone();
    let feed = web::block(move || -> Result<Feed, AppError> {
        let db = &mut *store.conn()?;
        Ok(collect(db, &snap, &scope)?)
    })
    .await??;
    Ok(respond(&req, &feed))
}

/// The feed of `scope`, its entries newest first.
fn collect(db: &mut Db, snap: &Snapshot, scope: &Scope) -> Result<Feed, StoreError> {
    let bound = PageBound {
        limit: ENTRIES,
        bytes: super::history::PAGE_BYTES,
    };
    let latest_of = |db: &mut Db, entity: &str, id: &str, revision: i32| {
        let after = revision.saturating_sub(i32::try_from(ENTRIES).unwrap_or(i32::MAX));
        history(db, entity, id, after, bound).map(|p| p.rows)
    };
    let (tag, title, path, revisions, filter) = match scope {
        Scope::Catalogue => (
            "changes".to_owned(),
            "Feide registry: changes to the catalogue".to_owned(),
            "/feeds/changes.atom".to_owned(),
            latest_changes(db, None, bound)?,
            None,
        ),
        Scope::Municipality { id, name, concerns } => (
            format!("municipalities/{id}"),
            format!("Feide registry: changes for {name}"),
            format!("/feeds/municipalities/{id}.atom"),
            latest_changes(db, Some(concerns), bound)?,
            Some(AnnouncementFilter {
                services: Some(concerns.services.clone()),
                ..AnnouncementFilter::default()
            }),
        ),
        Scope::Announcements => (
            "announcements".to_owned(),
            "Feide registry: sub-processor change announcements".to_owned(),
            "/feeds/announcements.atom".to_owned(),
            Vec::new(),
            Some(AnnouncementFilter::default()),
        ),
        Scope::Service(id) => {
            let record = snap.service(id);
            let revision = record.map_or(0, |r| r.stamp.revision);
            let name = record.map_or(id.as_str(), |r| r.service.name.as_str());
            (
                format!("services/{id}"),
                format!("Feide registry: {name}"),
                format!("/feeds/services/{id}.atom"),
                latest_of(db, "service", id, revision)?,
                Some(AnnouncementFilter {
                    service: Some(id.clone()),
                    ..AnnouncementFilter::default()
                }),
            )
        }
        Scope::Vendor(id) => {
            let record = snap.vendor(id);
            let name = record.map_or(id.as_str(), |r| r.vendor.name.as_str());
            let mut rows = latest_of(db, "vendor", id, record.map_or(0, |r| r.stamp.revision))?;
            for s in snap.services_of_vendor(id) {
                rows.extend(latest_of(db, "service", &s.service.id, s.stamp.revision)?);
            }
            (
                format!("vendors/{id}"),
                format!("Feide registry: {name}"),
                format!("/feeds/vendors/{id}.atom"),
                rows,
                Some(AnnouncementFilter {
                    vendor: Some(id.clone()),
                    ..AnnouncementFilter::default()
                }),
            )
        }
    };
    let mut entries: Vec<Entry> = revisions.iter().map(|r| revision_entry(r, snap)).collect();
    if let Some(filter) = filter {
        let limit = i64::try_from(ENTRIES).unwrap_or(i64::MAX);
        for row in stored::list(db, &filter, None, limit)? {
            // a feed entry shows the change, not the answers to it: no counts are read
            let view = AnnouncementView::of(&row, Tally::default())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            entries.push(announcement_entry(&view, snap));
        }
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.tag.cmp(&a.tag)));
    entries.truncate(ENTRIES);
    Ok(Feed {
        tag,
        title,
        path,
        entries,
    })
}

/// The JSON path of a revised entry.
fn entry_path(entity: &str, id: &str) -> String {
    match entity {
        "service" => format!("/api/v1/services/{id}"),
        "vendor" => format!("/api/v1/vendors/{id}"),
        _ => format!("/api/v1/sub-processors/{id}"),
    }
}

/// The name of a revised entry as the catalogue holds it now (its id when gone).
fn entry_name<'s>(snap: &'s Snapshot, entity: &str, id: &'s str) -> &'s str {
    match entity {
        "service" => snap.service(id).map(|r| r.service.name.as_str()),
        "vendor" => snap.vendor(id).map(|r| r.vendor.name.as_str()),
        _ => snap.sub_processor(id).map(|s| s.name.as_str()),
    }
    .unwrap_or(id)
}

fn revision_entry(r: &RevisionRow, snap: &Snapshot) -> Entry {
    let changed: Vec<String> = serde_json::from_str::<serde_json::Value>(&r.diff)
        .ok()
        .and_then(|d| d.as_object().map(|m| m.keys().cloned().collect()))
        .unwrap_or_default();
    let name = entry_name(snap, &r.entity, &r.entity_id);
    let kind = r.entity.replace('_', "-");
    Entry {
        tag: format!("{}/{}/revision/{}", r.entity, r.entity_id, r.revision),
        title: format!("{name} ({kind}): revision {} by {}", r.revision, r.actor),
        updated: r.at.0,
        published: None,
        author: r.actor.clone(),
        link: entry_path(&r.entity, &r.entity_id),
        summary: if changed.is_empty() {
            format!("{} ({})", r.action, r.actor)
        } else {
            format!("{}: {} changed ({})", r.action, changed.join(", "), r.actor)
        },
        category: "revision",
    }
}

fn announcement_entry(a: &AnnouncementView, snap: &Snapshot) -> Entry {
    let name = snap
        .service(&a.service)
        .map_or(a.service.as_str(), |r| r.service.name.as_str());
    let changes: Vec<String> = a
        .changes
        .iter()
        .map(|c| match c {
            SubProcessorAmendment::Add { sub_processor } => format!(
                "adds {} ({}; {})",
                sub_processor.id,
                crate::domain::announcements::describe_locations(&sub_processor.locations),
                sub_processor.transfer_mechanism.as_str()
            ),
            SubProcessorAmendment::Remove { id } => format!("removes {id}"),
            SubProcessorAmendment::ChangeLocations {
                id,
                locations,
                transfer_mechanism,
            } => format!(
                "moves {id} to {} ({})",
                crate::domain::announcements::describe_locations(locations),
                transfer_mechanism.as_str()
            ),
        })
        .collect();
    let deadline = match (&a.objection_deadline, a.deadline_reason) {
        (Some(d), _) => format!("Objections by {d}."),
        (None, Some(r)) => format!("No objection deadline: {}.", r.as_str().replace('_', " ")),
        (None, None) => String::new(),
    };
    let notice = match a.required_notice_days {
        Some(r) => format!("{} days' notice of {r} required", a.notice_days),
        None => format!("{} days' notice; the agreement states none", a.notice_days),
    };
    let short = if a.short_notice { ", short notice" } else { "" };
    let summary = a
        .summary
        .as_deref()
        .map(|s| format!("{s} — "))
        .unwrap_or_default();
    Entry {
        tag: format!("announcement/{}", a.id),
        title: format!(
            "{name}: sub-processor change effective {} ({}{short})",
            a.effective_date,
            a.status.as_str()
        ),
        updated: a.updated_at,
        published: Some(a.announced_at),
        author: a.announced_by.clone(),
        link: a.self_link.clone(),
        summary: format!(
            "{summary}The service {}. {notice}. {deadline}",
            changes.join("; ")
        )
        .trim_end()
        .to_owned(),
        category: "announcement",
    }
}

/// The tagging entity of the ids: the registry's host name (RFC 4151 takes a DNS name, no port).
fn authority(req: &HttpRequest) -> String {
    let base = absolute(req, "");
    let host = base.split_once("://").map_or(base.as_str(), |(_, h)| h);
    let host = host.split(['/', ':']).next().unwrap_or(host);
    format!("tag:{},{TAG_YEAR}:", host.to_ascii_lowercase())
}

/// The feed's `updated`: its newest entry's, or the epoch for a feed with none yet.
fn updated(feed: &Feed) -> DateTime<Utc> {
    feed.entries
        .first()
        .map_or(DateTime::<Utc>::UNIX_EPOCH, |e| e.updated)
}

/// Writes the feed as Atom 1.0.
fn render(req: &HttpRequest, feed: &Feed) -> String {
    let tag = authority(req);
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!(
        "  <id>{}</id>\n",
        escape(&format!("{tag}{}", feed.tag))
    ));
    out.push_str(&format!("  <title>{}</title>\n", escape(&feed.title)));
    out.push_str(&format!("  <updated>{}</updated>\n", time(updated(feed))));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&absolute(req, &feed.path))
    ));
    out.push_str("  <author><name>Feide registry</name></author>\n");
    out.push_str(&format!(
        "  <generator version=\"{}\">feide-registry</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for e in &feed.entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <id>{}</id>\n",
            escape(&format!("{tag}{}", e.tag))
        ));
        out.push_str(&format!(
            "    <title type=\"text\">{}</title>\n",
            escape(&e.title)
        ));
        out.push_str(&format!("    <updated>{}</updated>\n", time(e.updated)));
        if let Some(p) = e.published {
            out.push_str(&format!("    <published>{}</published>\n", time(p)));
        }
        out.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape(&e.author)
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>\n",
            escape(&absolute(req, &e.link))
        ));
        out.push_str(&format!("    <category term=\"{}\"/>\n", e.category));
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&e.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Text as XML character data or an attribute value: the five special characters escaped, and
/// characters XML 1.0 cannot carry at all (most control characters, which an imported agreement
/// might hold) left out, so no vendor-entered text can end an element or break the document.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// Answers the feed with its validators, or 304 when the client holds it: by ETag when the
/// request sends one (RFC 9110 §13.1.3), else by the feed's `updated`.
fn respond(req: &HttpRequest, feed: &Feed) -> HttpResponse {
    let body = render(req, feed);
    let tag = etag(body.as_bytes());
    let since_epoch = u64::try_from(updated(feed).timestamp()).unwrap_or(0);
    let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch);
    let asked = req.headers();
    let fresh = if asked.contains_key(header::IF_NONE_MATCH) {
        client_has(req, &tag)
    } else {
        asked
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<HttpDate>().ok())
            .map(SystemTime::from)
            .is_some_and(|since| modified <= since)
    };
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, tag));
    res.insert_header((header::LAST_MODIFIED, HttpDate::from(modified)));
    res.insert_header((header::CACHE_CONTROL, "public, max-age=0, must-revalidate"));
    if fresh {
        return res.finish();
    }
    res.content_type("application/atom+xml; charset=utf-8")
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_text_cannot_break_out_of_the_document() {
        assert_eq!(
            escape("A&B <script>\"x\" 'y' </title>"),
            "A&amp;B &lt;script&gt;&quot;x&quot; &apos;y&apos; &lt;/title&gt;"
        );
        assert_eq!(escape("bell\u{7}tab\tok"), "belltab\tok");
    }

    #[test]
    fn ids_are_tag_uris_on_the_configured_host() {
        let req = actix_web::test::TestRequest::with_uri("/feeds/changes.atom")
            .app_data(web::Data::new(super::super::pagination::PublicBase(Some(
                "https://Registry.Example.no:8443/".into(),
            ))))
            .to_http_request();
        assert_eq!(authority(&req), "tag:registry.example.no,2026:");
    }
}
