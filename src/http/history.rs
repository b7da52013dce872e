//! What changed: each entry's history, the catalogue-wide change feed, and the audit log.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::caller::{record_refusal, Caller};
use super::municipalities::{keep_private, portfolio_concerns};
use super::negotiate::{format_of, Body, CsvRow, Format};
use super::params::{self, AuditQuery, ChangesQuery, PageQuery, WithCsv, REVISION_ORDER};
use super::services::not_found;
use super::{list_body, query_pairs, AppState};
use crate::domain::auth::{may, Target};
use crate::domain::municipalities::Concerns;
use crate::domain::validate::FieldProblem;
use crate::error::{AppError, Problem};
use crate::store::changes::{
    changes_since, history as load_history, latest_seq, PageBound, RevisionRow,
};
use crate::store::clients::{audit_events, AuditFilter, AuditRow};
use crate::store::fmt_time;
use crate::texts::{Said, Text};

/// One stored version of an entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"revision": 2, "at": "2026-11-25T08:00:00.000000Z", "actor": "vendor:eldur-learning",
    "action": "service.patch", "changes": {"terms": {"from": {"deletion_days_after_end": 90}, "to": {"deletion_days_after_end": 30}}}}))]
pub struct Revision {
    pub revision: i32,
    /// RFC 3339 UTC.
    pub at: String,
    /// `vendor:<id>` for a vendor's own change, `admin`, `import`, or `announcement:<id>` for an
    /// announced sub-processor change the registry applied on its effective date.
    pub actor: String,
    /// `import`, `service.create`, `service.replace`, `service.patch`, `service.retire`,
    /// `vendor.create`, `vendor.replace`, `vendor.patch` or `announcement.apply`.
    pub action: String,
    /// Every top-level field that changed: `{"field": {"from": old, "to": new}}`.
    #[schema(value_type = Object)]
    pub changes: Value,
}

impl Revision {
    fn of(r: &RevisionRow) -> Self {
        Revision {
            revision: r.revision,
            at: fmt_time(r.at.0),
            actor: r.actor.clone(),
            action: r.action.clone(),
            changes: serde_json::from_str(&r.diff).unwrap_or(Value::Null),
        }
    }
}

impl CsvRow for Revision {
    fn headers() -> &'static [&'static str] {
        &["revision", "at", "actor", "action", "changed_fields"]
    }
    fn row(&self) -> Vec<String> {
        let fields: Vec<&str> = self
            .changes
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        vec![
            self.revision.to_string(),
            self.at.clone(),
            self.actor.clone(),
            self.action.clone(),
            fields.join(";"),
        ]
    }
}

/// History and change-feed pages stop at about this many bytes, whatever their `limit`: a vendor
/// may store large revisions, and a page of 500 of them would be tens of megabytes. A revision
/// larger than this still makes a page alone, so a reader never stalls.
pub const PAGE_BYTES: u64 = 1_000_000;

/// A page of revisions: at most `limit` and about 1 MB; `next_cursor` continues.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryList {
    pub items: Vec<Revision>,
    pub next_cursor: Option<String>,
}

async fn entry_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    entity: &'static str,
    id: String,
) -> Result<HttpResponse, AppError> {
    // the query first: a bad one is a 400 whether or not the entry exists
    params::parse::<WithCsv<PageQuery>>(&query_pairs(&req)?, &REVISION_ORDER)?;
    format_of(&req, true)?;
    let snap = state.catalogue.current();
    let exists = match entity {
        "service" => snap.service(&id).is_some(),
        _ => snap.vendor(&id).is_some(),
    };
    if !exists {
        return Err(not_found(entity, &id));
    }
    revisions(req, state, entity, id).await
}

/// A page of the revisions of entry `id` of kind `entity`, whose existence (and the caller's
/// right to see it) the caller has checked.
pub(super) async fn revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    entity: &'static str,
    id: String,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let page = params::parse::<WithCsv<PageQuery>>(&pairs, &REVISION_ORDER)?
        .query
        .page();
    let after = match page.after() {
        None => 0,
        Some(key) => key.parse::<i32>().map_err(|_| {
            AppError::BadRequest(vec![FieldProblem::said("cursor", Text::NotOurCursor)])
        })?,
    };
    let bound = PageBound {
        limit: page.limit,
        bytes: PAGE_BYTES,
    };
    let store = state.store.clone();
    let found =
        web::block(move || load_history(&mut *store.conn()?, entity, &id, after, bound)).await??;
    let next = found
        .more
        .then(|| found.rows.last())
        .flatten()
        .map(|r| page.cursor_after(&format!("{:010}", r.revision)));
    let items: Vec<Revision> = found.rows.iter().map(Revision::of).collect();
    Ok(
        list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
            HistoryList { items, next_cursor }
        })?
        .respond(&req),
    )
}

/// Every revision of a service, oldest first: when, by whom, and what changed.
///
/// A page holds at most `limit` revisions and stops at about 1 MB; `next_cursor` continues.
#[utoipa::path(
    get, path = "/api/v1/services/{id}/history", tag = "history",
    params(("id" = String, Path, description = "Service id", example = "kikora"), WithCsv<PageQuery>),
    responses(
        (status = 200, description = "Revisions, oldest first", body = HistoryList,
         content((HistoryList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn service_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    entry_history(req, state, "service", id.into_inner()).await
}

/// Every revision of a vendor entry, oldest first.
///
/// A page holds at most `limit` revisions and stops at about 1 MB; `next_cursor` continues.
#[utoipa::path(
    get, path = "/api/v1/vendors/{id}/history", tag = "history",
    params(("id" = String, Path, description = "Vendor id", example = "eldur-learning"), WithCsv<PageQuery>),
    responses(
        (status = 200, description = "Revisions, oldest first", body = HistoryList,
         content((HistoryList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vendor_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    entry_history(req, state, "vendor", id.into_inner()).await
}

/// One change in the catalogue-wide feed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangeEntry {
    /// Resume after this change with `since=<cursor>`.
    #[schema(example = "17")]
    pub cursor: String,
    /// `service`, `vendor` or `sub_processor`.
    #[schema(example = "service")]
    pub entity: String,
    #[schema(example = "kikora")]
    pub id: String,
    #[serde(flatten)]
    pub revision: Revision,
}

impl CsvRow for ChangeEntry {
    fn headers() -> &'static [&'static str] {
        &[
            "cursor",
            "entity",
            "id",
            "revision",
            "at",
            "actor",
            "action",
            "changed_fields",
        ]
    }
    fn row(&self) -> Vec<String> {
        let mut row = vec![self.cursor.clone(), self.entity.clone(), self.id.clone()];
        row.extend(self.revision.row());
        row
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangeFeed {
    pub items: Vec<ChangeEntry>,
    /// Pass as `since` to get what came after this page; present even when the page is empty,
    /// so a poller keeps its place.
    pub next_cursor: String,
}

/// The change feed: every change to the catalogue, oldest first.
///
/// Start without `since` (or `since=0`) and pass each answer's `next_cursor` as `since` to
/// resume; a dashboard or mirror polling this never misses a change. A page holds at most
/// `limit` changes and stops at about 1 MB (a single larger change comes alone).
#[utoipa::path(
    get, path = "/api/v1/changes", tag = "history",
    params(WithCsv<ChangesQuery>),
    responses(
        (status = 200, description = "Changes after the cursor, oldest first", body = ChangeFeed,
         content((ChangeFeed = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn changes(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let query = feed_query(&req, &state).await?;
    feed_page(&req, &state, query, None).await
}

/// What changed for one municipality: the change feed filtered to its portfolio.
///
/// The changes to the services in the municipality's portfolio (whatever their local status),
/// to their vendors and to the sub-processors they use, oldest first. The cursor is the
/// catalogue feed's own: keep `next_cursor` between visits to see what changed since the last
/// one. A private portfolio's feed is answered only to the municipality's own clients and
/// administrators (404 to anyone else).
#[utoipa::path(
    get, path = "/api/v1/municipalities/{id}/changes", tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id", example = "bergen"), WithCsv<ChangesQuery>),
    responses(
        (status = 200, description = "Changes after the cursor that concern the portfolio, oldest first", body = ChangeFeed,
         content((ChangeFeed = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent but is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality, or its portfolio is private", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn municipality_changes(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let query = feed_query(&req, &state).await?;
    let portfolio = portfolio_concerns(&req, &state, &id).await?;
    let res = feed_page(&req, &state, query, Some(portfolio.concerns)).await?;
    Ok(keep_private(res, portfolio.private))
}

/// The change feed's query; a `since` the registry never issued says how to resynchronise.
async fn feed_query(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<ChangesQuery, AppError> {
    let parsed = params::parse::<WithCsv<ChangesQuery>>(&query_pairs(req)?, &()).map(|q| q.query);
    match parsed {
        Err(AppError::BadRequest(problems)) if problems.iter().any(|p| p.pointer == "since") => {
            let store = state.store.clone();
            let tip = web::block(move || latest_seq(&mut *store.conn()?)).await??;
            Err(AppError::BadRequest(resync(problems, tip)))
        }
        parsed => parsed,
    }
}

/// One page of the change feed, narrowed to `among` when given.
async fn feed_page(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    query: ChangesQuery,
    among: Option<Concerns>,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(req)?;
    let fmt = format_of(req, true)?;
    let ChangesQuery {
        since: after,
        limit,
    } = query;
    let bound = PageBound {
        limit,
        bytes: PAGE_BYTES,
    };
    let store = state.store.clone();
    let found = web::block(move || {
        let mut conn = store.conn()?;
        let tip = latest_seq(&mut conn)?;
        if after > tip {
            return Ok(Err(tip));
        }
        changes_since(&mut conn, after, bound, among.as_ref()).map(Ok)
    })
    .await??;
    let found = found.map_err(|tip| {
        let beyond =
            FieldProblem::said("since", Text::BeyondLatestChange.with(&[("after", &after)]));
        AppError::BadRequest(resync(vec![beyond], tip))
    })?;
    let more = found.more;
    let items: Vec<ChangeEntry> = found
        .rows
        .iter()
        .map(|r| ChangeEntry {
            cursor: r.seq.to_string(),
            entity: r.entity.clone(),
            id: r.entity_id.clone(),
            revision: Revision::of(r),
        })
        .collect();
    let next_cursor = items.last().map_or(after.to_string(), |i| i.cursor.clone());
    let body = match fmt {
        Format::Csv => Body::csv(&items)?,
        Format::Json => Body::json(&ChangeFeed {
            items,
            next_cursor: next_cursor.clone(),
        })?,
    };
    let next = more.then_some(next_cursor.as_str());
    Ok(body.paged(req.path(), &pairs, "since", next).respond(req))
}

/// A `since` the registry never issued (from another registry, or from before the database
/// was restored from a backup): the problem says how a mirror gets back in step.
fn resync(problems: Vec<FieldProblem>, tip: i64) -> Vec<FieldProblem> {
    problems
        .into_iter()
        .map(|p| match p.pointer.as_str() {
            "since" => {
                let problem = p.said.unwrap_or_else(|| p.detail.into());
                FieldProblem::said(
                    "since",
                    Said::from(Text::Resync)
                        .and_plain("tip", tip)
                        .and_said("problem", problem),
                )
            }
            _ => p,
        })
        .collect()
}

/// An audit event: a write, a token issued, or a refused attempt.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"cursor": "42", "at": "2026-11-25T08:00:00.000000Z", "actor": "vendor:eldur-learning",
    "client_id": "vendor-eldur-learning-3f9a1c", "source": "127.0.0.1", "action": "service.patch",
    "target": "/api/v1/services/kikora", "outcome": 412, "detail": "The resource has changed since you read it", "count": 1}))]
pub struct AuditEvent {
    pub cursor: String,
    pub at: String,
    /// `vendor:<id>` or `admin`; absent when the caller could not be identified.
    pub actor: Option<String>,
    pub client_id: Option<String>,
    /// The caller's IP address.
    pub source: Option<String>,
    pub action: String,
    pub target: String,
    /// The HTTP status answered.
    pub outcome: i32,
    pub detail: Option<String>,
    /// How many attempts this row stands for: refusals of callers with no valid identity are
    /// kept as one row per source address, minute, action, outcome and named client, with their
    /// number; every other event is one row (1).
    #[schema(minimum = 1, example = 1)]
    pub count: i32,
}

impl CsvRow for AuditEvent {
    fn headers() -> &'static [&'static str] {
        &[
            "cursor",
            "at",
            "actor",
            "client_id",
            "source",
            "action",
            "target",
            "outcome",
            "detail",
            "count",
        ]
    }
    fn row(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.cursor.clone(),
            self.at.clone(),
            o(&self.actor),
            o(&self.client_id),
            o(&self.source),
            self.action.clone(),
            self.target.clone(),
            self.outcome.to_string(),
            o(&self.detail),
            self.count.to_string(),
        ]
    }
}

impl AuditEvent {
    fn of(r: AuditRow) -> Self {
        AuditEvent {
            cursor: r.seq.to_string(),
            at: fmt_time(r.at.0),
            actor: r.actor,
            client_id: r.client_id,
            source: r.source,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            detail: r.detail,
            count: r.count,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEvent>,
    pub next_cursor: Option<String>,
}

/// The audit log (administrators only), oldest first.
///
/// Every write, every token issued and every refused attempt (401, 403, 409, 412, 413, 415,
/// 422, 428, 429), with actor, client, source address, action, target and outcome.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "history", security(("bearer" = [])),
    params(WithCsv<AuditQuery>),
    responses(
        (status = 200, description = "Audit events, oldest first", body = AuditList,
         content((AuditList = "application/json"), (String = "text/csv")),
         headers(("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<HttpResponse, AppError> {
    if !may(&actor, Target::AuditLog) {
        let e = AppError::Forbidden(Text::AuditForAdmins.into());
        record_refusal(&req, &state, Some(&actor), &e).await;
        return Err(e);
    }
    let pairs = query_pairs(&req)?;
    let fmt = format_of(&req, true)?;
    let query = params::parse::<WithCsv<AuditQuery>>(&pairs, &())?.query;
    let (after, limit) = (query.cursor, query.limit);
    let filter = AuditFilter {
        client_id: query.client_id,
        action: query.action,
        outcome: query.outcome,
    };
    let store = state.store.clone();
    let rows =
        web::block(move || audit_events(&mut *store.conn()?, after, limit as i64 + 1, &filter))
            .await??;
    let more = rows.len() > limit;
    let items: Vec<AuditEvent> = rows.into_iter().take(limit).map(AuditEvent::of).collect();
    let next = if more {
        items.last().map(|i| i.cursor.clone())
    } else {
        None
    };
    let mut res = list_body(&req, &pairs, fmt, items, next, |items, next_cursor| {
        AuditList { items, next_cursor }
    })?
    .respond(&req);
    // the audit log is never cached by intermediaries
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}
