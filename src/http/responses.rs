//! Municipalities' answers to sub-processor change announcements: a municipality using the
//! service objects or accepts while the announcement is pending and its objection period runs;
//! the vendor of the service and administrators read who answered what, each municipality its
//! own answer, everyone else the counts on the announcement.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::announcements::load;
use super::body::require_json;
use super::caller::{audited, event, record_refusal, Caller};
use super::negotiate::{format_of, Body};
use super::services::not_found;
use super::write_course::{no_query, object_body, written};
use super::{shape, AppState};
use crate::domain::announcements::AnnouncementStatus;
use crate::domain::auth::Actor;
use crate::domain::municipalities::acts_for;
use crate::domain::responses::{past_deadline, ResponseKind, ResponseWrite};
use crate::domain::validate::FieldProblem;
use crate::domain::writes::text_problems;
use crate::error::{AppError, Problem};
use crate::store::municipalities::load_municipality;
use crate::store::responses::{self as stored, Recorded, ResponseRow};
use crate::store::Moment;
use crate::texts::Text;

/// One municipality's answer to an announcement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"municipality": "bergen", "response": "object",
    "note": "Vi godtar ikke overføring til USA uten ny risikovurdering.",
    "responded_at": "2026-12-03T10:15:00Z"}))]
pub struct ResponseView {
    #[schema(example = "bergen")]
    pub municipality: String,
    pub response: ResponseKind,
    pub note: Option<String>,
    pub responded_at: DateTime<Utc>,
}

impl ResponseView {
    fn of(row: &ResponseRow) -> Result<Self, AppError> {
        Ok(Self {
            municipality: row.responder.clone(),
            response: ResponseKind::parse(&row.response)
                .ok_or_else(|| AppError::Internal(format!("response {}", row.response)))?,
            note: row.note.clone(),
            responded_at: row.responded_at.0,
        })
    }
}

/// The answers to one announcement the caller may see, by municipality.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResponseList {
    pub items: Vec<ResponseView>,
}

/// Object to or accept an announced change.
///
/// A municipality with the service in its portfolio answers for itself (its own client, or an
/// administrator on its behalf) while the announcement is pending and, where the agreement gives
/// an objection period, until `objection_deadline` (that day included). A later answer replaces
/// the earlier one. The vendor of the service and administrators read the answers
/// (`GET .../responses`); the announcement itself shows only the counts.
#[utoipa::path(
    put, path = "/api/v1/announcements/{id}/responses/{municipality}", tag = "announcements",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Announcement id", example = "ann-3k9d2mf7qx"),
           ("municipality" = String, Path, description = "Municipality id", example = "bergen")),
    request_body(content = ResponseWrite, content_type = "application/json"),
    responses(
        (status = 200, description = "The answer replaced the municipality's earlier one", body = ResponseView, headers(("ETag" = String))),
        (status = 201, description = "The municipality's first answer", body = ResponseView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another municipality's answer, or a vendor's client", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such announcement or municipality", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The announcement is no longer pending, or its objection deadline has passed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answer, or the service is not in the municipality's portfolio; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn respond(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (id, municipality) = path.into_inner();
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        require_json(&req)?;
        let (ann, _) = load(&state, &id).await?;
        let store = state.store.clone();
        let m = municipality.clone();
        let (_, entries) = web::block(move || load_municipality(&mut *store.conn()?, &m))
            .await??
            .ok_or_else(|| not_found("municipality", &municipality))?;
        if !acts_for(&actor, &municipality) {
            return Err(AppError::Forbidden(
                Text::OnlyOwnResponses.with(&[("actor", &actor.label())]),
            ));
        }
        if ann.status != AnnouncementStatus::Pending.as_str() {
            return Err(not_answerable(&id, &ann.status));
        }
        let deadline = ann
            .objection_deadline
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if past_deadline(deadline, state.clock.today()) {
            let deadline = ann.objection_deadline.clone().unwrap_or_default();
            return Err(AppError::Conflict(
                Text::ObjectionDeadlinePassed.with(&[("id", &id), ("deadline", &deadline)]),
            ));
        }
        let body = object_body(&state, payload).await?;
        let mut problems = text_problems(&body);
        let (shape, rest) = shape::check("ResponseWrite", &Value::Object(body));
        let write = if shape.is_empty() {
            rest
        } else {
            problems.extend(shape);
            None
        };
        let write = write.and_then(|b| serde_json::from_value::<ResponseWrite>(b).ok());
        let held = entries
            .iter()
            .find(|e| e.entry.service == ann.service_id && !e.entry.removed)
            .map(|e| e.entry.local_status);
        let vars: [(&str, &dyn std::fmt::Display); 2] = [
            ("service", &ann.service_id),
            ("municipality", &municipality),
        ];
        match held {
            None => problems.push(FieldProblem::said(
                "municipality",
                Text::ServiceNotInPortfolio.with(&vars),
            )),
            Some(status) if !status.is_current() => problems.push(FieldProblem::said(
                "municipality",
                Text::ServiceNoLongerUsed.with(&[vars[0], vars[1], ("status", &status.as_str())]),
            )),
            Some(_) => {}
        }
        let (Some(write), true) = (write, problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let row = ResponseRow {
            announcement_id: id.clone(),
            responder: municipality.clone(),
            response: write.response.as_str().to_owned(),
            note: write.note,
            // stored to the microsecond on both engines: the answer must be what a read gives
            responded_at: Moment(state.clock.now().trunc_subsecs(6)),
            client_id: Some(actor.client_id().to_owned()),
        };
        let ev = event(
            &req,
            Some(&actor),
            // the store sets 201 or 200: whether this is the first answer is known there
            200,
            Some(format!("announcement {id} {municipality} {}", row.response)),
        );
        let store = state.store.clone();
        let kept = row.clone();
        let status =
            match web::block(move || stored::record(&mut *store.conn()?, &kept, &ev)).await?? {
                Recorded::Created => StatusCode::CREATED,
                Recorded::Replaced => StatusCode::OK,
                Recorded::NotPending(status) => return Err(not_answerable(&id, &status)),
            };
        let bytes = serde_json::to_vec(&ResponseView::of(&row)?)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(written(status, bytes, None))
    })
    .await
}

fn not_answerable(id: &str, status: &str) -> AppError {
    AppError::Conflict(
        Text::AnnouncementNotAnswerable
            .with(&[("id", &id.to_owned()), ("status", &status.to_owned())]),
    )
}

/// The municipalities' answers to an announcement.
///
/// Who objected and who accepted, with their notes, by municipality: for the vendor of the
/// service and administrators. A municipality's client sees its own answer only. The
/// announcement itself shows everyone the counts (`objections`, `acceptances`).
#[utoipa::path(
    get, path = "/api/v1/announcements/{id}/responses", tag = "announcements",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Announcement id", example = "ann-3k9d2mf7qx")),
    responses(
        (status = 200, description = "The answers the caller may see, by municipality", body = ResponseList, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's announcement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such announcement", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    no_query(&req)?;
    format_of(&req, false)?;
    let (ann, _) = load(&state, &id).await?;
    let only = match &actor {
        Actor::Admin { .. } => None,
        Actor::Vendor { vendor, .. } if *vendor == ann.vendor_id => None,
        Actor::Vendor { .. } => {
            let e =
                AppError::Forbidden(Text::ResponsesForTheVendor.with(&[("actor", &actor.label())]));
            record_refusal(&req, &state, Some(&actor), &e).await;
            return Err(e);
        }
        Actor::Municipality { municipality, .. } => Some(municipality.clone()),
    };
    let store = state.store.clone();
    let key = id.into_inner();
    let rows =
        web::block(move || stored::of_announcement(&mut *store.conn()?, &key, only.as_deref()))
            .await??;
    let items = rows
        .iter()
        .map(ResponseView::of)
        .collect::<Result<Vec<_>, _>>()?;
    let mut res = Body::json(&ResponseList { items })?.respond(&req);
    // who objected is the caller's to see, not a shared cache's
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Language, Authorization"),
    );
    Ok(res)
}
