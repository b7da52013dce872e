//! Vendors' writes to their services: create, replace, merge-patch and retire. Each is
//! authenticated, authorised by the domain rule, conditional on `If-Match`, validated as a whole,
//! and stored in one transaction with its revision and audit event.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::body::{check_if_match, read_body, require_json, require_merge_patch};
use super::caller::{audited, event, record as record_event, Caller};
use super::negotiate::etag;
use super::services::not_found;
use super::views::ServiceProfile;
use super::{fresh_snapshot, parse_params, query_pairs, AppState};
use crate::catalogue::Snapshot;
use crate::domain::auth::{may, Actor, Target};
use crate::domain::catalogue::Status;
use crate::domain::validate::FieldProblem;
use crate::domain::writes::{self, ServiceDocument};
use crate::error::{AppError, Problem};
use crate::store::changes::{Change, Expect};
use crate::store::commit::commit_service;

/// The representation `GET /api/v1/services/{id}` answers, whose ETag `If-Match` must carry.
pub fn profile_bytes(
    snap: &Snapshot,
    id: &str,
    kept: &crate::catalogue::RenderCache,
) -> Result<Vec<u8>, AppError> {
    let record = snap.service(id).ok_or_else(|| not_found("service", id))?;
    Ok(super::rendered::profile(record, snap, kept)?.bytes.to_vec())
}

/// Answers a write with the entry as it now is and its new ETag.
pub fn written(status: StatusCode, bytes: Vec<u8>, location: Option<String>) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, etag(&bytes)));
    if let Some(l) = location {
        res.insert_header((header::LOCATION, l));
    }
    res.content_type("application/json").body(bytes)
}

/// The common course of a PUT or PATCH of an entry: audited, no query, the media type of the
/// method, a JSON object body, and `apply` to it, retried under `If-Match: *`.
pub async fn replace_or_patch<F, Fut>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    payload: web::Payload,
    patch: bool,
    apply: F,
) -> Result<HttpResponse, AppError>
where
    F: Fn(serde_json::Map<String, Value>) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    audited(req, state, actor, async {
        no_query(req)?;
        if patch {
            require_merge_patch(req)?;
        } else {
            require_json(req)?;
        }
        let body = object_body(state, payload).await?;
        let _queued = state.entry_locks.lock(req.path()).await;
        retrying(req, || apply(body.clone())).await
    })
    .await
}

/// With `If-Match: *` the caller asks for its change on whatever is current: a write that lost a
/// race with another is applied again to the new state (never over it), a few times at most.
/// With an ETag, the race is the caller's to see (412).
pub async fn retrying<F, Fut>(req: &HttpRequest, mut attempt: F) -> Result<HttpResponse, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    let any = req
        .headers()
        .get(header::IF_MATCH)
        .is_some_and(|v| v.as_bytes().trim_ascii() == b"*");
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(AppError::PreconditionFailed(_)) if any && tries < 8 => tries += 1,
            other => return other,
        }
    }
}

/// Refuses any query parameter: writes take none.
pub fn no_query(req: &HttpRequest) -> Result<(), AppError> {
    parse_params(&query_pairs(req)?, &[], &[], |_| ())
}

/// Reads a JSON object body: malformed JSON is a 400, the wrong shape a 422.
pub async fn object_body(
    state: &web::Data<AppState>,
    payload: web::Payload,
) -> Result<serde_json::Map<String, Value>, AppError> {
    let body = read_body(
        payload,
        state.security.max_body,
        state.security.body_timeout,
    )
    .await?;
    writes::object(&body).map_err(|p| AppError::MalformedBody(vec![p]))
}

fn forbidden(actor: &Actor) -> AppError {
    AppError::Forbidden(format!(
        "{} may change only its own vendor entry and services.",
        actor.label()
    ))
}

/// The service document of a body, with the problems found in its texts (checked before
/// parsing, so that they are listed with every other problem).
fn document(
    body: serde_json::Map<String, Value>,
) -> Result<(ServiceDocument, Vec<FieldProblem>), AppError> {
    let mut problems = writes::text_problems(&body);
    match writes::service_document(body) {
        Ok(mut doc) => {
            writes::normalise_sub_processors(&mut doc.new_sub_processors);
            Ok((doc, problems))
        }
        Err(p) => {
            problems.push(p);
            Err(AppError::Invalid(problems))
        }
    }
}

fn check(
    doc: &ServiceDocument,
    snap: &Snapshot,
    path_id: Option<&str>,
    mut problems: Vec<FieldProblem>,
) -> Result<(), AppError> {
    problems.extend(writes::check_service(doc, snap, path_id));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// Stores the document and answers with the new profile.
async fn store(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    doc: ServiceDocument,
    expect: Expect,
    before: Option<Value>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ev = event(req, Some(actor), status.as_u16(), None);
    let (label, client, action) = (actor.label(), actor.client_id.clone(), ev.action.clone());
    let daily_bytes = state.security.revision_budget(actor);
    let db = state.store.clone();
    let id = doc.service.id.clone();
    web::block(move || -> Result<(), AppError> {
        let change = Change {
            actor: &label,
            client_id: Some(&client),
            action: &action,
            before,
            daily_bytes,
        };
        commit_service(
            &mut *db.conn()?,
            &doc.service,
            &doc.new_sub_processors,
            expect,
            &change,
            &ev,
        )?;
        Ok(())
    })
    .await??;
    let snap = fresh_snapshot(state).await?;
    let location = (status == StatusCode::CREATED).then(|| format!("/api/v1/services/{id}"));
    Ok(written(
        status,
        profile_bytes(&snap, &id, state.catalogue.renders())?,
        location,
    ))
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
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        require_json(&req)?;
        let (doc, text) = document(object_body(&state, payload).await?)?;
        let snap = fresh_snapshot(&state).await?;
        if !may(&actor, Target::ServiceOf(&doc.service.vendor)) {
            return Err(forbidden(&actor));
        }
        check(&doc, &snap, None, text)?;
        if snap.service(&doc.service.id).is_some() {
            return Err(AppError::Conflict(format!(
                "Service `{}` exists already: change it with PUT or PATCH.",
                doc.service.id
            )));
        }
        drop(snap);
        store(
            &req,
            &state,
            &actor,
            doc,
            Expect::New,
            None,
            StatusCode::CREATED,
        )
        .await
    })
    .await
}

/// The stored service `id`, if the actor may change it.
fn owned<'a>(
    snap: &'a Snapshot,
    actor: &Actor,
    id: &str,
) -> Result<&'a crate::catalogue::ServiceRecord, AppError> {
    let record = snap.service(id).ok_or_else(|| not_found("service", id))?;
    if !may(actor, Target::ServiceOf(&record.service.vendor)) {
        return Err(forbidden(actor));
    }
    Ok(record)
}

/// PUT (`patch` false) or PATCH of one service, through the common course of both.
async fn write_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<String>,
    payload: web::Payload,
    patch: bool,
) -> Result<HttpResponse, AppError> {
    replace_or_patch(&req, &state, &actor, payload, patch, |body| {
        change(
            req.clone(),
            state.clone(),
            actor.clone(),
            id.to_string(),
            body,
            patch,
        )
    })
    .await
}

async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: Actor,
    id: String,
    body: serde_json::Map<String, Value>,
    patch: bool,
) -> Result<HttpResponse, AppError> {
    let snap = fresh_snapshot(&state).await?;
    let record = owned(&snap, &actor, &id)?;
    // The document's shape first: a malformed document is a 422 whatever the ETag.
    let (doc, text) = document(if patch {
        writes::patched(&record.service, body)
    } else {
        body
    })?;
    check_if_match(&req, &profile_bytes(&snap, &id, state.catalogue.renders())?)?;
    if !may(&actor, Target::ServiceOf(&doc.service.vendor)) {
        return Err(forbidden(&actor));
    }
    check(&doc, &snap, Some(&id), text)?;
    if doc.service == record.service && doc.new_sub_processors.is_empty() {
        // Nothing to change: no new revision, so the history shows only real changes.
        record_event(&req, &state, Some(&actor), 200, "no change").await;
        return Ok(written(
            StatusCode::OK,
            profile_bytes(&snap, &id, state.catalogue.renders())?,
            None,
        ));
    }
    let before = serde_json::to_value(&record.service).ok();
    let expect = Expect::Revision(record.stamp.revision);
    // Let go of the catalogue read before waiting for the write: writers queued on the database
    // would otherwise each keep an older snapshot alive.
    drop(snap);
    store(&req, &state, &actor, doc, expect, before, StatusCode::OK).await
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
    write_service(req, state, actor, id, payload, false).await
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
    write_service(req, state, actor, id, payload, true).await
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
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        let snap = fresh_snapshot(&state).await?;
        let record = owned(&snap, &actor, &id)?;
        check_if_match(&req, &profile_bytes(&snap, &id, state.catalogue.renders())?)?;
        if record.service.status == Status::Retired {
            return Ok(written(
                StatusCode::OK,
                profile_bytes(&snap, &id, state.catalogue.renders())?,
                None,
            ));
        }
        let mut service = record.service.clone();
        service.status = Status::Retired;
        let doc = ServiceDocument {
            service,
            new_sub_processors: Vec::new(),
        };
        let before = serde_json::to_value(&record.service).ok();
        let expect = Expect::Revision(record.stamp.revision);
        drop(snap);
        store(&req, &state, &actor, doc, expect, before, StatusCode::OK).await
    })
    .await
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
    service: crate::domain::catalogue::Service,
    /// Shared sub-processors this service introduces; reference existing ones by id instead.
    #[serde(default)]
    new_sub_processors: Vec<crate::domain::catalogue::SubProcessor>,
}
