//! Announcements of sub-processor changes: a vendor announces (for its own services; an
//! administrator for any) and may withdraw while pending; everyone reads them. The catalogue
//! changes on the effective date by the registry's own task (`schedule`), which an administrator
//! may also run on demand.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::body::{check_if_match, require_json};
use super::caller::{audited, event, record_refusal, Caller};
use super::negotiate::{format_of, Body, CsvRow};
use super::pagination::{parse_cursor, parse_limit, Cursor, PageRequest};
use super::params::{self, FromQuery, NoQuery, WithCsv};
use super::services::not_found;
use super::write_course::{no_query, object_body, written};
use super::{fresh_snapshot, list_body, query_pairs, shape, AppState};
use crate::domain::announcements::{
    self as rules, AnnouncementStatus, AnnouncementWrite, NoDeadline, ObjectionClock,
    SubProcessorAmendment,
};
use crate::domain::auth::{may, Actor, Target};
use crate::domain::catalogue::{raw, SubProcessorChange};
use crate::domain::query::{parse_enum, parse_time, Params};
use crate::domain::responses::Tally;
use crate::domain::validate::FieldProblem;
use crate::domain::writes::text_problems;
use crate::error::{AppError, Problem};
use crate::schedule::{self, ApplyReport};
use crate::store::announcements::{self as stored, AnnouncementFilter, AnnouncementRow};
use crate::store::responses;
use crate::store::{fmt_time, Moment};
use crate::texts::Text;

/// An announced change to a service's sub-processors, with its objection clock.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "ann-3k9d2mf7qx", "service": "kikora", "vendor": "eldur-learning", "status": "pending",
    "summary": "Ny leverandør av feilrapportering i USA",
    "changes": [{"action": "add", "sub_processor": {"id": "bugsnag", "purpose": "Feilrapportering",
        "locations": [{"country": "US", "role": "processing", "basis": "stated", "evidence": null}], "transfer_mechanism": "dpf"}}],
    "new_sub_processors": [{"id": "bugsnag", "name": "Bugsnag Inc.", "legal_name": null, "org_number": null,
        "registration_number": null, "country": "US", "address": null, "website": null}],
    "effective_date": "2026-12-29", "announced_at": "2026-12-01T09:00:00Z", "announced_by": "vendor:eldur-learning",
    "notice_days": 28, "change_rule": "notice", "required_notice_days": 42, "objection_days": 21,
    "objection_deadline": "2026-12-22", "deadline_reason": null, "short_notice": true,
    "updated_at": "2026-12-01T09:00:00Z", "withdrawn_at": null, "applied_at": null, "applied_revision": null,
    "failure": null, "objections": 1, "acceptances": 0, "self": "/api/v1/announcements/ann-3k9d2mf7qx"
}))]
pub struct AnnouncementView {
    #[schema(example = "ann-3k9d2mf7qx")]
    pub id: String,
    /// The service whose sub-processors change.
    #[schema(example = "kikora")]
    pub service: String,
    #[schema(example = "eldur-learning")]
    pub vendor: String,
    pub status: AnnouncementStatus,
    pub summary: Option<String>,
    pub changes: Vec<SubProcessorAmendment>,
    pub new_sub_processors: Vec<raw::SubProcessor>,
    /// The day the change takes effect (ISO 8601).
    #[schema(format = Date, value_type = String, example = "2026-12-29")]
    pub effective_date: String,
    pub announced_at: DateTime<Utc>,
    /// `vendor:<id>` or `admin`.
    pub announced_by: String,
    /// Days from the announcement to the effective date.
    pub notice_days: i32,
    /// How the agreement lets sub-processors change (`terms.sub_processor_change` when
    /// announced); null when it does not say.
    pub change_rule: Option<SubProcessorChange>,
    /// The notice the agreement requires (`terms.sub_processor_notice_days`); null when it states
    /// none.
    pub required_notice_days: Option<i32>,
    /// The agreement's objection period from the notice (`terms.objection_days`); null when it
    /// states none.
    pub objection_days: Option<i32>,
    /// The last day a controller may object: the announcement's day plus `objection_days`; null
    /// when the agreement gives no period (`deadline_reason` says why).
    #[schema(format = Date, value_type = Option<String>, example = "2026-12-22")]
    pub objection_deadline: Option<String>,
    /// Why there is no `objection_deadline`; null when there is one.
    pub deadline_reason: Option<NoDeadline>,
    /// Less notice than the agreement requires (`notice_days < required_notice_days`).
    pub short_notice: bool,
    pub updated_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub applied_at: Option<DateTime<Utc>>,
    /// The service's revision that made the change (see its history).
    pub applied_revision: Option<i32>,
    /// Why a `failed` announcement could not be applied.
    pub failure: Option<String>,
    /// How many municipalities object (their latest answers; who they are is for the vendor and
    /// administrators, `/responses`).
    pub objections: i32,
    /// How many municipalities accept.
    pub acceptances: i32,
    /// This announcement's path.
    #[serde(rename = "self")]
    #[schema(example = "/api/v1/announcements/ann-3k9d2mf7qx")]
    pub self_link: String,
}

impl AnnouncementView {
    pub fn of(row: &AnnouncementRow, tally: Tally) -> Result<Self, AppError> {
        let write: AnnouncementWrite = serde_json::from_str(&row.body)
            .map_err(|e| AppError::Internal(format!("announcement {}: {e}", row.id)))?;
        let clock = clock_of(row);
        Ok(Self {
            id: row.id.clone(),
            service: row.service_id.clone(),
            vendor: row.vendor_id.clone(),
            status: AnnouncementStatus::parse(&row.status)
                .ok_or_else(|| AppError::Internal(format!("status {}", row.status)))?,
            summary: row.summary.clone(),
            changes: write.changes,
            new_sub_processors: write.new_sub_processors,
            effective_date: row.effective_date.clone(),
            announced_at: row.announced_at.0,
            announced_by: row.announced_by.clone(),
            notice_days: row.notice_days,
            change_rule: clock.change_rule,
            required_notice_days: row.required_notice_days,
            objection_days: row.objection_days,
            objection_deadline: row.objection_deadline.clone(),
            deadline_reason: clock.no_deadline(),
            short_notice: row.short_notice,
            updated_at: row.updated_at.0,
            withdrawn_at: row.withdrawn_at.map(|m| m.0),
            applied_at: row.applied_at.map(|m| m.0),
            applied_revision: row.applied_revision,
            failure: row.failure.clone(),
            objections: tally.objections,
            acceptances: tally.acceptances,
            self_link: format!("/api/v1/announcements/{}", row.id),
        })
    }
}

/// The clock as it was computed when announced.
fn clock_of(row: &AnnouncementRow) -> ObjectionClock {
    ObjectionClock {
        notice_days: row.notice_days,
        change_rule: row.change_rule.as_deref().and_then(parse_enum),
        required_notice_days: row.required_notice_days,
        objection_days: row.objection_days,
        objection_deadline: row
            .objection_deadline
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        short_notice: row.short_notice,
    }
}

impl CsvRow for AnnouncementView {
    fn headers() -> &'static [&'static str] {
        &[
            "id",
            "service",
            "vendor",
            "status",
            "effective_date",
            "announced_at",
            "notice_days",
            "required_notice_days",
            "objection_deadline",
            "deadline_reason",
            "short_notice",
            "sub_processors",
            "objections",
            "acceptances",
        ]
    }
    fn row(&self) -> Vec<String> {
        let opt = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        let changes: Vec<String> = self
            .changes
            .iter()
            .map(|c| match c {
                SubProcessorAmendment::Add { sub_processor } => format!("+{}", sub_processor.id),
                SubProcessorAmendment::Remove { id } => format!("-{id}"),
                SubProcessorAmendment::ChangeLocations { id, .. } => format!("~{id}"),
            })
            .collect();
        vec![
            self.id.clone(),
            self.service.clone(),
            self.vendor.clone(),
            self.status.as_str().to_owned(),
            self.effective_date.clone(),
            fmt_time(self.announced_at),
            self.notice_days.to_string(),
            opt(self.required_notice_days),
            self.objection_deadline.clone().unwrap_or_default(),
            self.deadline_reason
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            self.short_notice.to_string(),
            changes.join(";"),
            self.objections.to_string(),
            self.acceptances.to_string(),
        ]
    }
}

/// A page of announcements, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AnnouncementList {
    pub items: Vec<AnnouncementView>,
    pub next_cursor: Option<String>,
}

/// The order of announcement lists (the cursor is checked against it).
const ANNOUNCED_ORDER: &str = "-announced_at";

/// `GET /api/v1/announcements`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnouncementQuery {
    /// Only this service's announcements
    #[param(example = "kikora")]
    pub service: Option<String>,
    /// Only announcements for this vendor's services
    #[param(example = "eldur-learning")]
    pub vendor: Option<String>,
    /// Only announcements in this state
    #[param(value_type = Option<AnnouncementStatus>)]
    pub status: Option<AnnouncementStatus>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl FromQuery for AnnouncementQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        AnnouncementQuery {
            service: p.text("service").map(str::to_owned),
            vendor: p.text("vendor").map(str::to_owned),
            status: status(p),
            limit: parse_limit(p),
            cursor: parse_cursor(p, ANNOUNCED_ORDER),
        }
    }
}

/// `GET /api/v1/services/{id}/announcements`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceAnnouncementQuery {
    /// Only announcements in this state
    #[param(value_type = Option<AnnouncementStatus>)]
    pub status: Option<AnnouncementStatus>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl FromQuery for ServiceAnnouncementQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        ServiceAnnouncementQuery {
            status: status(p),
            limit: parse_limit(p),
            cursor: parse_cursor(p, ANNOUNCED_ORDER),
        }
    }
}

fn status(p: &mut Params) -> Option<AnnouncementStatus> {
    p.parsed(
        "status",
        Text::MustBeOneOf.with(&[("values", &"pending, applied, withdrawn, failed")]),
        AnnouncementStatus::parse,
    )
}

/// A page of the announcements `filter` selects, as JSON or CSV.
async fn page_of(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    pairs: &[(String, String)],
    filter: AnnouncementFilter,
    limit: usize,
    cursor: Option<Cursor>,
) -> Result<HttpResponse, AppError> {
    let fmt = format_of(req, true)?;
    let page = PageRequest::new(limit, cursor, ANNOUNCED_ORDER).for_format(fmt);
    let after = match page.after() {
        None => None,
        Some(key) => Some(cursor_key(key).ok_or_else(|| {
            AppError::BadRequest(vec![FieldProblem::said("cursor", Text::NotOurCursor)])
        })?),
    };
    let take = i64::try_from(page.limit.saturating_add(1)).unwrap_or(i64::MAX);
    let store = state.store.clone();
    let (rows, tallies) = web::block(move || {
        let db = &mut *store.conn()?;
        let rows = stored::list(db, &filter, after, take)?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        Ok::<_, AppError>((rows, responses::tallies(db, &ids)?))
    })
    .await??;
    let mut rows = rows;
    let more = rows.len() > page.limit;
    rows.truncate(page.limit);
    let next = more
        .then(|| rows.last())
        .flatten()
        .map(|r| page.cursor_after(&format!("{}|{}", fmt_time(r.announced_at.0), r.id)));
    let items = rows
        .iter()
        .map(|r| AnnouncementView::of(r, tallies.get(&r.id).copied().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(
        list_body(req, pairs, fmt, items, next, |items, next_cursor| {
            AnnouncementList { items, next_cursor }
        })?
        .respond(req),
    )
}

/// The `(announced_at, id)` a cursor resumes after.
fn cursor_key(key: &str) -> Option<(Moment, String)> {
    let (at, id) = key.split_once('|')?;
    Some((Moment(parse_time(at)?), id.to_owned()))
}

/// Every announcement of a sub-processor change, newest first.
///
/// Public: what vendors announced, with the objection clock the registry computed from each
/// agreement's terms (`required_notice_days`, `objection_deadline`, `short_notice`). Filter by
/// `service`, `vendor` and `status`. The Atom feed of the same is `/feeds/announcements.atom`.
#[utoipa::path(
    get, path = "/api/v1/announcements", tag = "announcements",
    params(WithCsv<AnnouncementQuery>),
    responses(
        (status = 200, description = "Announcements, newest first", body = AnnouncementList,
         content((AnnouncementList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 links to the next and first pages"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let q = params::parse::<WithCsv<AnnouncementQuery>>(&pairs, &())?.query;
    let filter = AnnouncementFilter {
        service: q.service,
        services: None,
        vendor: q.vendor,
        status: q.status,
    };
    page_of(&req, &state, &pairs, filter, q.limit, q.cursor).await
}

/// The announcements of one service, newest first.
///
/// A pending announcement is a change the service's sub-processors will undergo on its
/// effective date; the Atom feed `/feeds/services/{id}.atom` carries them with the service's
/// revisions.
#[utoipa::path(
    get, path = "/api/v1/services/{id}/announcements", tag = "announcements",
    params(("id" = String, Path, description = "Service id", example = "kikora"), WithCsv<ServiceAnnouncementQuery>),
    responses(
        (status = 200, description = "The service's announcements, newest first", body = AnnouncementList,
         content((AnnouncementList = "application/json"), (String = "text/csv")),
         headers(("ETag" = String), ("Link" = String, description = "RFC 8288 links to the next and first pages"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Neither JSON nor CSV is acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn of_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    let q = params::parse::<WithCsv<ServiceAnnouncementQuery>>(&pairs, &())?.query;
    let id = id.into_inner();
    if state.catalogue.current().service(&id).is_none() {
        return Err(not_found("service", &id));
    }
    let filter = AnnouncementFilter {
        service: Some(id),
        status: q.status,
        ..AnnouncementFilter::default()
    };
    page_of(&req, &state, &pairs, filter, q.limit, q.cursor).await
}

/// Announcement `id` with the count of its answers.
pub(super) async fn load(
    state: &web::Data<AppState>,
    id: &str,
) -> Result<(AnnouncementRow, Tally), AppError> {
    let store = state.store.clone();
    let key = id.to_owned();
    web::block(move || {
        let db = &mut *store.conn()?;
        let Some(row) = stored::get(db, &key)? else {
            return Ok(None);
        };
        let tally = responses::tallies(db, std::slice::from_ref(&key))?
            .remove(&key)
            .unwrap_or_default();
        Ok::<_, AppError>(Some((row, tally)))
    })
    .await??
    .ok_or_else(|| not_found("announcement", id))
}

fn view_bytes(row: &AnnouncementRow, tally: Tally) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(&AnnouncementView::of(row, tally)?)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// One announcement.
///
/// The announced change, its objection clock as computed when it was announced, and where it
/// stands (`pending`, `applied` with the service's revision, `withdrawn`, or `failed` with why).
#[utoipa::path(
    get, path = "/api/v1/announcements/{id}", tag = "announcements",
    params(("id" = String, Path, description = "Announcement id", example = "ann-3k9d2mf7qx")),
    responses(
        (status = 200, description = "The announcement", body = AnnouncementView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such announcement", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let (row, tally) = load(&state, &id).await?;
    Ok(Body::json_bytes(view_bytes(&row, tally)?).respond(&req))
}

/// Announce a change to a service's sub-processors.
///
/// A vendor announces for its own services; an administrator for any. The registry computes the
/// notice given (days from today to `effective_date`) against the agreement's
/// `sub_processor_notice_days`, and the objection deadline from its `objection_days`; an
/// announcement with less notice than the agreement requires is accepted and flagged
/// `short_notice`. Where the agreement states no period the deadline is null and
/// `deadline_reason` says why. Each change is checked as a service write would check the
/// service's sub-processors (known ids, country codes, a transfer mechanism for every third
/// country); every problem is listed. On `effective_date` the registry applies the change
/// itself, and the service's history names the announcement.
#[utoipa::path(
    post, path = "/api/v1/services/{id}/announcements", tag = "announcements", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id", example = "kikora")),
    request_body(content = AnnouncementWrite, content_type = "application/json"),
    responses(
        (status = 201, description = "Announced; the announcement with its clock", body = AnnouncementView,
         headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's service", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid announcement; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn announce(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        require_json(&req)?;
        let snap = fresh_snapshot(&state).await?;
        let record = snap.service(&id).ok_or_else(|| not_found("service", &id))?;
        own_service(&actor, record.service.vendor.as_str())?;
        let body = object_body(&state, payload).await?;
        let mut problems = text_problems(&body);
        let body = Value::Object(body);
        let (shape, rest) = shape::check("AnnouncementWrite", &body);
        let read = if shape.is_empty() {
            Some(body)
        } else {
            problems.extend(shape);
            rest
        };
        let write = read.and_then(|b| serde_json::from_value::<AnnouncementWrite>(b).ok());
        let today = state.clock.today();
        let effective = write.as_ref().and_then(rules::effective_date);
        if let Some(w) = &write {
            problems.extend(rules::problems(&record.service, w, effective, &snap, today));
        }
        let (Some(write), Some(effective), true) = (write, effective, problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let clock = ObjectionClock::of(&record.service.terms, today, effective);
        // stored to the microsecond on both engines: the answer must be what a read gives back
        let now = Utc::now().trunc_subsecs(6);
        let row = AnnouncementRow {
            id: new_id(),
            service_id: id.clone(),
            vendor_id: record.service.vendor.to_string(),
            status: AnnouncementStatus::Pending.as_str().to_owned(),
            summary: write.summary.clone(),
            body: serde_json::to_string(&write).map_err(|e| AppError::Internal(e.to_string()))?,
            effective_date: write.effective_date.clone(),
            announced_at: Moment(now),
            announced_by: actor.label(),
            client_id: Some(actor.client_id().to_owned()),
            notice_days: clock.notice_days,
            change_rule: clock.change_rule.map(|r| match r {
                SubProcessorChange::PriorApproval => "prior_approval".to_owned(),
                SubProcessorChange::Notice => "notice".to_owned(),
            }),
            required_notice_days: clock.required_notice_days,
            objection_days: clock.objection_days,
            objection_deadline: clock
                .objection_deadline
                .map(|d| d.format("%Y-%m-%d").to_string()),
            short_notice: clock.short_notice,
            updated_at: Moment(now),
            withdrawn_at: None,
            applied_at: None,
            applied_revision: None,
            failure: None,
        };
        drop(snap);
        let ev = event(
            &req,
            Some(&actor),
            201,
            Some(format!("announcement {}", row.id)),
        );
        let store = state.store.clone();
        let kept = row.clone();
        web::block(move || stored::insert(&mut *store.conn()?, &kept, &ev)).await??;
        // as after any write: this process's reads show it at once (the profile lists it)
        fresh_snapshot(&state).await?;
        let location = format!("/api/v1/announcements/{}", row.id);
        Ok(written(
            StatusCode::CREATED,
            view_bytes(&row, Tally::default())?,
            Some(location),
        ))
    })
    .await
}

/// Withdraw a pending announcement.
///
/// The vendor of the service (or an administrator) withdraws an announcement that has not taken
/// effect; it stays listed with `status: withdrawn`. `If-Match` must carry the announcement's
/// ETag as last read.
#[utoipa::path(
    delete, path = "/api/v1/announcements/{id}", tag = "announcements", security(("bearer" = [])),
    params(("id" = String, Path, description = "Announcement id", example = "ann-3k9d2mf7qx"),
           ("If-Match" = String, Header, description = "The ETag of the announcement as last read")),
    responses(
        (status = 200, description = "Withdrawn; the announcement", body = AnnouncementView, headers(("ETag" = String))),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's announcement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such announcement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The announcement is no longer pending (applied, withdrawn or failed)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The announcement changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        let (row, tally) = load(&state, &id).await?;
        own_service(&actor, &row.vendor_id)?;
        check_if_match(&req, &view_bytes(&row, tally)?)?;
        let not_pending = |status: &str| {
            AppError::Conflict(
                Text::AnnouncementNotPending.with(&[("id", &id), ("status", &status.to_owned())]),
            )
        };
        if row.status != AnnouncementStatus::Pending.as_str() {
            return Err(not_pending(&row.status));
        }
        let ev = event(&req, Some(&actor), 200, Some(format!("announcement {id}")));
        let store = state.store.clone();
        let (key, service) = (id.clone(), row.service_id.clone());
        let done = web::block(move || {
            stored::withdraw(&mut *store.conn()?, &key, &service, Utc::now(), &ev)
        })
        .await??;
        fresh_snapshot(&state).await?;
        let (row, tally) = load(&state, &id).await?;
        if !done {
            return Err(not_pending(&row.status));
        }
        Ok(written(StatusCode::OK, view_bytes(&row, tally)?, None))
    })
    .await
}

/// Apply the announcements due today now (administrators only).
///
/// The registry applies every pending announcement on its effective date by itself (a task in
/// each process, under a lease, each announcement claimed in the same transaction as its
/// catalogue write, so it takes effect once however many processes run). This runs that task
/// now, for operators who do not want to wait for its next round. When another process holds
/// the task's lease the answer is 202 and nothing is applied by this call.
#[utoipa::path(
    post, path = "/api/v1/announcements/apply-due", tag = "announcements", security(("bearer" = [])),
    responses(
        (status = 200, description = "The task ran; what it applied", body = ApplyReport),
        (status = 202, description = "Another process is running the task; nothing was applied by this request", body = ApplyReport),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn apply_due(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<HttpResponse, AppError> {
    no_query(&req)?;
    if !matches!(actor, Actor::Admin { .. }) {
        let e = AppError::Forbidden(Text::AnnouncementsApplyForAdmins.into());
        record_refusal(&req, &state, Some(&actor), &e).await;
        return Err(e);
    }
    let report = schedule::run_due(&state.store, &state.catalogue, state.clock).await?;
    Ok(if report.ran {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::Accepted().json(report)
    })
}

pub(super) fn own_service(actor: &Actor, vendor: &str) -> Result<(), AppError> {
    if may(actor, Target::ServiceOf(vendor)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            Text::OnlyOwnAnnouncements.with(&[("actor", &actor.label())]),
        ))
    }
}

/// A new announcement id: `ann-` and ten random lowercase letters and digits.
fn new_id() -> String {
    let token: String = crate::tokens::random_token(16)
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    format!("ann-{token}")
}
