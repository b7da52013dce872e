//! Writes to vendor entries: a vendor keeps its own entry current; administrators create vendors
//! and correct any.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::body::{check_if_match, require_json};
use super::caller::{audited, event, record as record_event, Caller};
use super::service_writes::{no_query, object_body, replace_or_patch, written};
use super::services::not_found;
use super::views::VendorView;
use super::{fresh_snapshot, AppState};
use crate::catalogue::Snapshot;
use crate::domain::auth::{may, Actor, Target};
use crate::domain::catalogue::Vendor;
use crate::domain::validate::FieldProblem;
use crate::domain::writes;
use crate::error::{AppError, Problem};
use crate::store::changes::{Change, Expect};
use crate::store::commit::commit_vendor;

/// The representation `GET /api/v1/vendors/{id}` answers.
fn view_bytes(snap: &Snapshot, id: &str) -> Result<Vec<u8>, AppError> {
    let v = snap.vendor(id).ok_or_else(|| not_found("vendor", id))?;
    serde_json::to_vec(&VendorView::of(v, snap)).map_err(|e| AppError::Internal(e.to_string()))
}

fn forbidden(actor: &Actor, what: &str) -> AppError {
    AppError::Forbidden(format!("{} may not {what}.", actor.label()))
}

/// The vendor document of a body, with the problems found in its texts (listed with every
/// other problem by `check`).
fn document(body: serde_json::Map<String, Value>) -> Result<(Vendor, Vec<FieldProblem>), AppError> {
    let mut problems = writes::text_problems(&body);
    match writes::vendor_document(body) {
        Ok(v) => Ok((v, problems)),
        Err(p) => {
            problems.push(p);
            Err(AppError::Invalid(problems))
        }
    }
}

/// Every problem of the document over the catalogue, or the vendor as it is stored.
fn check(
    mut v: Vendor,
    mut problems: Vec<FieldProblem>,
    snap: &Snapshot,
    path_id: Option<&str>,
) -> Result<Vendor, AppError> {
    problems.extend(writes::check_vendor(&v, snap, path_id));
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    writes::normalise_vendor(&mut v);
    Ok(v)
}

async fn store(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    vendor: Vendor,
    expect: Expect,
    before: Option<Value>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ev = event(req, Some(actor), status.as_u16(), None);
    let (label, client, action) = (actor.label(), actor.client_id.clone(), ev.action.clone());
    let daily_bytes = state.security.revision_budget(actor);
    let db = state.store.clone();
    let id = vendor.id.clone();
    web::block(move || -> Result<(), AppError> {
        let change = Change {
            actor: &label,
            client_id: Some(&client),
            action: &action,
            before,
            daily_bytes,
        };
        commit_vendor(&mut *db.conn()?, &vendor, expect, &change, &ev)?;
        Ok(())
    })
    .await??;
    let snap = fresh_snapshot(state).await?;
    let location = (status == StatusCode::CREATED).then(|| format!("/api/v1/vendors/{id}"));
    Ok(written(status, view_bytes(&snap, &id)?, location))
}

/// Create a vendor (administrators only).
#[utoipa::path(
    post, path = "/api/v1/vendors", tag = "writes", security(("bearer" = [])),
    request_body(content = Vendor, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = VendorView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A vendor with this id exists, or its organisation number is another vendor's", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid document; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes, or the vendor's daily budget of revision bytes (`REVISION_BYTES_PER_DAY`) is spent", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        if !may(&actor, Target::NewVendor) {
            return Err(forbidden(&actor, "create vendors"));
        }
        require_json(&req)?;
        let body = object_body(&state, payload).await?;
        let snap = fresh_snapshot(&state).await?;
        let (vendor, text) = document(body)?;
        let vendor = check(vendor, text, &snap, None)?;
        if snap.vendor(&vendor.id).is_some() {
            return Err(AppError::Conflict(format!(
                "Vendor `{}` exists already.",
                vendor.id
            )));
        }
        drop(snap);
        store(
            &req,
            &state,
            &actor,
            vendor,
            Expect::New,
            None,
            StatusCode::CREATED,
        )
        .await
    })
    .await
}

async fn change(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    id: &str,
    body: serde_json::Map<String, Value>,
    patch: bool,
) -> Result<HttpResponse, AppError> {
    let snap = fresh_snapshot(state).await?;
    let record = snap.vendor(id).ok_or_else(|| not_found("vendor", id))?;
    if !may(actor, Target::Vendor(id)) {
        return Err(forbidden(actor, "change another vendor's entry"));
    }
    let body = if patch {
        writes::patched(&record.vendor, body)
    } else {
        body
    };
    // The document's shape first: a malformed document is a 422 whatever the ETag.
    let (vendor, text) = document(body)?;
    check_if_match(req, &view_bytes(&snap, id)?)?;
    let vendor = check(vendor, text, &snap, Some(id))?;
    if vendor.org_number != record.vendor.org_number && !may(actor, Target::OrgNumber) {
        return Err(forbidden(
            actor,
            "set or change an organisation number (an administrator does, since it decides which \
             vendor an organisation's Maskinporten tokens act as)",
        ));
    }
    if vendor == record.vendor {
        // Nothing to change: no new revision, so the history shows only real changes.
        record_event(req, state, Some(actor), 200, "no change").await;
        return Ok(written(StatusCode::OK, view_bytes(&snap, id)?, None));
    }
    let before = serde_json::to_value(&record.vendor).ok();
    let expect = Expect::Revision(record.stamp.revision);
    // Let go of the catalogue read before waiting for the write: writers queued on the database
    // would otherwise each keep an older snapshot alive.
    drop(snap);
    store(req, state, actor, vendor, expect, before, StatusCode::OK).await
}

/// Replace a vendor entry (its own, for a vendor).
#[utoipa::path(
    put, path = "/api/v1/vendors/{id}", tag = "writes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Vendor id", example = "eldur-learning"),
           ("If-Match" = String, Header, description = "The ETag of the vendor as last read")),
    request_body(content = Vendor, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = VendorView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's entry, or a vendor changing its organisation number (administrators only)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation number belongs to another vendor (set by a concurrent write)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid document; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes, or the vendor's daily budget of revision bytes (`REVISION_BYTES_PER_DAY`) is spent", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn replace(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    replace_or_patch(&req, &state, &actor, payload, false, |body| {
        change(&req, &state, &actor, &id, body, false)
    })
    .await
}

/// Change part of a vendor entry (JSON Merge Patch, RFC 7396).
#[utoipa::path(
    patch, path = "/api/v1/vendors/{id}", tag = "writes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Vendor id", example = "eldur-learning"),
           ("If-Match" = String, Header, description = "The ETag of the vendor as last read")),
    request_body(content = Object, content_type = "application/merge-patch+json",
        example = json!({"contact": {"name": "Personvernombud", "email": "personvern@example.no", "phone": null}})),
    responses(
        (status = 200, description = "Patched", body = VendorView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's entry, or a vendor changing its organisation number (administrators only)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation number belongs to another vendor (set by a concurrent write)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a merge patch", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The patched entry is invalid; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes, or the vendor's daily budget of revision bytes (`REVISION_BYTES_PER_DAY`) is spent", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    replace_or_patch(&req, &state, &actor, payload, true, |body| {
        change(&req, &state, &actor, &id, body, true)
    })
    .await
}
