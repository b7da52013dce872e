//! Writes to vendor entries: a vendor keeps its own entry current; administrators create vendors
//! and correct any. Each goes through the one write course (`write_course`); this file says how
//! a vendor is shown and documents the endpoints.

use actix_web::{web, HttpRequest, HttpResponse};

use super::caller::Caller;
use super::services::not_found;
use super::views::VendorView;
use super::write_course::{write, WriteKind, Written};
use super::AppState;
use crate::catalogue::Snapshot;
use crate::domain::catalogue::raw::Vendor;
use crate::error::{AppError, Problem};

impl Written for Vendor {
    const COLLECTION: &'static str = "/api/v1/vendors";
    const SCHEMA: &'static str = "VendorInput";

    async fn world(
        state: &web::Data<AppState>,
        _: Option<&str>,
    ) -> Result<std::sync::Arc<Snapshot>, AppError> {
        super::fresh_snapshot(state).await
    }

    /// The entry `GET /api/v1/vendors/{id}` answers.
    fn view(snap: &Snapshot, id: &str, _: &AppState) -> Result<Vec<u8>, AppError> {
        let v = snap.vendor(id).ok_or_else(|| not_found("vendor", id))?;
        serde_json::to_vec(&VendorView::of(v, snap)).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// Create a vendor (administrators only).
///
/// The body is the whole entry; the answer is the vendor as stored, with its `ETag` and a
/// `Location`. Every problem with the body is listed in one 422 answer.
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
    write::<Vendor>(&req, &state, &actor, WriteKind::Create(payload)).await
}

/// Replace a vendor entry (its own, for a vendor).
///
/// The body is the whole entry, and `If-Match` the `ETag` last read: a change made since is
/// refused with 412 rather than overwritten.
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
    let kind = WriteKind::Replace(id.into_inner(), payload);
    write::<Vendor>(&req, &state, &actor, kind).await
}

/// Change part of a vendor entry (JSON Merge Patch, RFC 7396).
///
/// Members of the body replace the entry's, `null` removes one; the result is validated as a
/// whole entry. `If-Match` with the `ETag` last read is required.
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
    let kind = WriteKind::Patch(id.into_inner(), payload);
    write::<Vendor>(&req, &state, &actor, kind).await
}
