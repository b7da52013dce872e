//! Vendors' writes to their services: create, replace, merge-patch and retire, each through the
//! one write course (`write_course`); this file says how a service is shown and documents the
//! endpoints.

use actix_web::{web, HttpRequest, HttpResponse};

use super::caller::Caller;
use super::services::not_found;
use super::views::ServiceProfile;
use super::write_course::{write, WriteKind, Written};
use super::AppState;
use crate::catalogue::Snapshot;
use crate::domain::writes::ServiceDocument;
use crate::error::{AppError, Problem};

impl Written for ServiceDocument {
    const COLLECTION: &'static str = "/api/v1/services";
    const SCHEMA: &'static str = "ServiceWrite";

    async fn world(
        state: &web::Data<AppState>,
        _: Option<&str>,
    ) -> Result<std::sync::Arc<Snapshot>, AppError> {
        super::fresh_snapshot(state).await
    }

    /// The profile `GET /api/v1/services/{id}` answers.
    fn view(snap: &Snapshot, id: &str, state: &AppState) -> Result<Vec<u8>, AppError> {
        let record = snap.service(id).ok_or_else(|| not_found("service", id))?;
        Ok(
            super::rendered::profile(record, snap, state.catalogue.renders())?
                .bytes
                .to_vec(),
        )
    }
}

/// Create a service.
///
/// A vendor creates services under its own vendor id; an administrator under any. The body is
/// the service in the catalogue form; `new_sub_processors` may define shared sub-processors the
/// service is the first to use (existing ones are referenced by id). Every attribute and scope
/// needs a justification, and every sub-processor location outside the EEA a transfer mechanism.
#[utoipa::path(
    post, path = "/api/v1/services", tag = "writes", security(("bearer" = [])),
    request_body(content = ServiceWrite, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the new profile", body = ServiceProfile,
         headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The service would belong to another vendor", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A service with this id exists, or a sub-processor it introduces was created by another write meanwhile (the problem names it)", body = Problem, content_type = "application/problem+json"),
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
    write::<ServiceDocument>(&req, &state, &actor, WriteKind::Create(payload)).await
}

/// Replace a service.
///
/// The body is the whole service as for creation; `If-Match` must carry the ETag of the profile
/// as last read.
#[utoipa::path(
    put, path = "/api/v1/services/{id}", tag = "writes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id", example = "kikora"),
           ("If-Match" = String, Header, description = "The ETag of the service as last read")),
    request_body(content = ServiceWrite, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced; the new profile", body = ServiceProfile, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's service", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The service changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A sub-processor this write introduces was created by another write meanwhile (the problem names it)", body = Problem, content_type = "application/problem+json"),
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
    write::<ServiceDocument>(&req, &state, &actor, kind).await
}

/// Change part of a service (JSON Merge Patch, RFC 7396).
///
/// Members given replace the stored ones, `null` removes an optional one, lists are replaced
/// whole. The patched service is validated like a full document.
#[utoipa::path(
    patch, path = "/api/v1/services/{id}", tag = "writes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id", example = "kikora"),
           ("If-Match" = String, Header, description = "The ETag of the service as last read")),
    request_body(content = Object, content_type = "application/merge-patch+json",
        example = json!({"terms": {"deletion_days_after_end": 30}, "description": "Digital matematikkbok"})),
    responses(
        (status = 200, description = "Patched; the new profile", body = ServiceProfile, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's service", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The service changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A sub-processor this write introduces was created by another write meanwhile (the problem names it)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a merge patch", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The patched document is invalid; every problem is listed", body = Problem, content_type = "application/problem+json"),
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
    write::<ServiceDocument>(&req, &state, &actor, kind).await
}

/// Retire a service.
///
/// The service stays in the catalogue with `status: retired` and its whole history; nothing is
/// deleted, since municipalities' records of processing may still cite it.
#[utoipa::path(
    delete, path = "/api/v1/services/{id}", tag = "writes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id", example = "kikora"),
           ("If-Match" = String, Header, description = "The ETag of the service as last read")),
    responses(
        (status = 200, description = "Retired; the profile", body = ServiceProfile, headers(("ETag" = String))),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's service", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The service changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes, or the vendor's daily budget of revision bytes (`REVISION_BYTES_PER_DAY`) is spent", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn retire(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = WriteKind::Retire(id.into_inner());
    write::<ServiceDocument>(&req, &state, &actor, kind).await
}

/// The body of a service write: the service in the catalogue form, plus shared sub-processors
/// it introduces.
#[derive(utoipa::ToSchema)]
#[schema(example = json!({
    "id": "regnemester", "name": "Regnemester", "vendor": "eldur-learning",
    "description": "Mengdetrening i regning", "website": null, "status": "active",
    "purposes": ["Levere tjenesten til elever og lærere"], "data_subjects": ["pupils", "staff"],
    "personal_data": ["Svar på oppgaver"],
    "attributes": [{"name": "eduPersonPrincipalName", "justification": "Identifiserer brukeren ved innlogging"}],
    "oidc_scopes": [],
    "locations": [{"country": "NO", "role": "storage", "facility": null}],
    "sub_processors": [{"id": "regnesky", "purpose": "Drift", "locations": [{"country": "SE", "role": "storage"}], "transfer_mechanism": "eea"}],
    "terms": {"deletion_days_after_end": 90, "breach_notice_hours": 48},
    "sources": [],
    "new_sub_processors": [{"id": "regnesky", "name": "Regnesky AB", "legal_name": null, "org_number": null,
        "registration_number": null, "country": "SE", "address": null, "website": null}]
}))]
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct ServiceWrite {
    #[serde(flatten)]
    service: crate::domain::catalogue::raw::Service,
    /// Shared sub-processors this service introduces; reference existing ones by id instead.
    #[serde(default)]
    new_sub_processors: Vec<crate::domain::catalogue::raw::SubProcessor>,
}
