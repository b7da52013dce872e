//! The one course of every write of a catalogue entry, whatever its kind (`Written`, a
//! `Document` the registry can show) and whatever it asks (`WriteKind`): rate-limited and
//! audited, its body read and parsed, queued behind other writes of the same entry in this
//! process, authorised, conditional on `If-Match`, checked as a whole, and stored in one
//! transaction with its revision, its audit event and its change-log row. A kind's `World` is
//! what its writes are checked against: the catalogue snapshot for catalogue entries, a
//! municipality's stored state (with the catalogue) for its own entries.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::body::{check_if_match, read_body, require_json, require_merge_patch};
use super::caller::{audited, event, record as record_event};
use super::entry_locks::EntryKey;
use super::negotiate::etag;
use super::services::not_found;
use super::{query_pairs, shape, AppState};
use crate::domain::auth::Actor;
use crate::domain::validate::FieldProblem;
use crate::domain::writes::{self, Checked, Document, Refused};
use crate::error::AppError;
use crate::store::changes::{Change, Expect, Stored};
use crate::store::commit::commit;
use crate::texts::Text;

/// A document the registry stores and shows: what the course needs besides the domain's rules.
pub trait Written: Document<Entry: Stored + Send> + Send + 'static {
    /// The collection's path; an entry is at `{COLLECTION}/{id}`.
    const COLLECTION: &'static str;
    /// The component schema the OpenAPI document publishes for the body, which it must match.
    const SCHEMA: &'static str;
    /// The world as it is now for a write of entry `id` (None: no id is known yet).
    fn world(
        state: &web::Data<AppState>,
        id: Option<&str>,
    ) -> impl std::future::Future<Output = Result<std::sync::Arc<Self::World>, AppError>>;
    /// The representation `GET {COLLECTION}/{id}` answers, whose ETag `If-Match` must carry.
    fn view(world: &Self::World, id: &str, state: &AppState) -> Result<Vec<u8>, AppError>;
}

/// What a write asks, with its body (`B`: the payload as it arrives, then the JSON object read
/// from it).
pub enum WriteKind<B> {
    /// POST to the collection: the body is the new entry.
    Create(B),
    /// PUT: the body is the whole entry `id`.
    Replace(String, B),
    /// PATCH: the body is a JSON Merge Patch (RFC 7396) of entry `id`.
    Patch(String, B),
    /// PUT to an entry the caller names (a service in a portfolio): created when absent, with
    /// no `If-Match` (one that is sent fails, RFC 9110 §13.1.1); replaced when present.
    Put(String, B),
    /// DELETE: entry `id` is withdrawn and kept, with its history.
    Retire(String),
}

impl<B> WriteKind<B> {
    /// The id in the URL (None when creating).
    fn path_id(&self) -> Option<&str> {
        match self {
            WriteKind::Create(_) => None,
            WriteKind::Replace(id, _)
            | WriteKind::Patch(id, _)
            | WriteKind::Put(id, _)
            | WriteKind::Retire(id) => Some(id),
        }
    }
}

/// Runs write `kind` of an entry of kind `D` for `actor`.
pub async fn write<D: Written>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    kind: WriteKind<web::Payload>,
) -> Result<HttpResponse, AppError> {
    audited(req, state, actor, async {
        no_query(req)?;
        if let WriteKind::Create(_) = kind {
            D::may_create(actor).map_err(forbidden)?;
        }
        let asked = match kind {
            WriteKind::Create(payload) => {
                require_json(req)?;
                WriteKind::Create(object_body(state, payload).await?)
            }
            WriteKind::Replace(id, payload) => {
                require_json(req)?;
                WriteKind::Replace(id, object_body(state, payload).await?)
            }
            WriteKind::Patch(id, payload) => {
                require_merge_patch(req)?;
                WriteKind::Patch(id, object_body(state, payload).await?)
            }
            WriteKind::Put(id, payload) => {
                require_json(req)?;
                WriteKind::Put(id, object_body(state, payload).await?)
            }
            WriteKind::Retire(id) => WriteKind::Retire(id),
        };
        let entry = match &asked {
            WriteKind::Create(body) => body.get("id").and_then(Value::as_str),
            other => other.path_id(),
        };
        let _queued = match entry.and_then(|id| EntryKey::new(D::KIND, id)) {
            Some(key) => Some(state.entry_locks.lock(key).await),
            // no entry can have this id: the write is refused below without storing anything
            None => None,
        };
        retrying(req, || attempt::<D>(req, state, actor, &asked)).await
    })
    .await
}

/// With `If-Match: *` the caller asks for its change on whatever is current: a write that lost a
/// race with another (in another process) is applied again to the new state (never over it), a
/// few times at most. With an ETag, the race is the caller's to see (412).
async fn retrying<F, Fut>(req: &HttpRequest, mut attempt: F) -> Result<HttpResponse, AppError>
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

/// One attempt of the write over the catalogue as it is now.
async fn attempt<D: Written>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    asked: &WriteKind<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let path_id = asked.path_id();
    let body_id = match asked {
        WriteKind::Create(body) => body.get("id").and_then(Value::as_str),
        _ => None,
    };
    let snap = D::world(state, path_id.or(body_id)).await?;
    let stored = match (path_id, asked) {
        (None, _) => None,
        (Some(id), kind) => match D::stored(&snap, id) {
            Some(found) => {
                D::may_change(actor, found.0).map_err(forbidden)?;
                Some(found)
            }
            None if matches!(kind, WriteKind::Put(..)) => None,
            None => return Err(not_found(D::KIND.as_str(), id)),
        },
    };
    let entry = stored.map(|(e, _)| e);
    // The document's shape first: a malformed document is a 422 whatever the ETag. A retirement
    // sends no document: the entry it keeps was checked when it was written.
    let (mut raw, mut problems) = match asked {
        WriteKind::Create(body) | WriteKind::Replace(_, body) | WriteKind::Put(_, body) => {
            let (doc, problems) = read::<D>(body.clone(), &snap, path_id)?;
            (Some(doc), problems)
        }
        WriteKind::Patch(_, patch) => {
            let (doc, problems) =
                read::<D>(writes::patched(&entry, patch.clone()), &snap, path_id)?;
            (Some(doc), problems)
        }
        WriteKind::Retire(_) => (None, Vec::new()),
    };
    if let Some(raw) = &mut raw {
        raw.normalise();
    }
    match (path_id, entry) {
        (Some(id), Some(_)) => check_if_match(req, &D::view(&snap, id, state)?)?,
        // nothing stored matches any ETag, not even `*`
        (Some(_), None) if req.headers().contains_key(header::IF_MATCH) => {
            return Err(AppError::PreconditionFailed(Text::ChangedSinceRead.into()))
        }
        _ => {}
    }
    if let Some(raw) = &raw {
        raw.may_write(actor, entry).map_err(forbidden)?;
        problems.extend(raw.problems(&snap, path_id));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let doc = match raw {
        Some(raw) => raw.checked().map_err(|p| AppError::Invalid(vec![p]))?,
        None => Checked {
            entry: entry.and_then(D::retiring).ok_or_else(|| {
                AppError::Internal(format!("a {} is not retired", D::KIND.as_str()))
            })?,
            introduces: Vec::new(),
        },
    };
    let status = match (asked, entry) {
        (WriteKind::Create(_), _) => {
            if D::stored(&snap, doc.entry.id()).is_some() {
                let kind = match D::KIND {
                    writes::EntityKind::Service => Text::TheService,
                    writes::EntityKind::Vendor => Text::TheVendor,
                    writes::EntityKind::SubProcessor => Text::TheSubProcessor,
                    writes::EntityKind::Municipality => Text::TheMunicipality,
                    writes::EntityKind::PortfolioEntry => Text::TheService,
                };
                return Err(AppError::Conflict(
                    Text::EntityExists
                        .with(&[("id", &doc.entry.id())])
                        .and_text("kind", kind),
                ));
            }
            StatusCode::CREATED
        }
        (WriteKind::Put(..), None) => StatusCode::CREATED,
        (_, Some(entry)) if doc.changes_nothing(entry) => {
            // Nothing to change: no new revision, so the history shows only real changes.
            record_event(req, state, Some(actor), 200, "no change").await;
            return Ok(written(
                StatusCode::OK,
                D::view(&snap, doc.entry.id(), state)?,
                None,
            ));
        }
        _ => StatusCode::OK,
    };
    let before = entry.and_then(|e| serde_json::to_value(e).ok());
    let expect = match (stored, path_id) {
        (Some((_, revision)), _) => Expect::Revision(revision),
        // a withdrawn entry comes back under its own history
        (None, Some(id)) => D::gone(&snap, id).map_or(Expect::New, Expect::Revision),
        (None, None) => Expect::New,
    };
    let location = match asked {
        WriteKind::Create(_) => Some(format!("{}/{}", D::COLLECTION, doc.entry.id())),
        WriteKind::Put(..) => Some(req.path().to_owned()),
        _ => None,
    }
    .filter(|_| status == StatusCode::CREATED);
    // Let go of the catalogue read before waiting for the write: writers queued on the database
    // would otherwise each keep an older snapshot alive.
    drop(snap);
    store::<D>(req, state, actor, doc, expect, before, (status, location)).await
}

/// Stores the document with its revision, audit event and change-log row, and answers with the
/// entry as it now is.
async fn store<D: Written>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    doc: Checked<D::Entry>,
    expect: Expect,
    before: Option<Value>,
    (status, location): (StatusCode, Option<String>),
) -> Result<HttpResponse, AppError> {
    let ev = event(req, Some(actor), status.as_u16(), None);
    let (label, client, action) = (
        actor.label(),
        actor.client_id().to_owned(),
        ev.action.clone(),
    );
    let daily_bytes = state.security.revision_budget(actor);
    let db = state.store.clone();
    let id = doc.entry.id().to_owned();
    web::block(move || -> Result<(), AppError> {
        let change = Change {
            actor: &label,
            client_id: Some(&client),
            action: &action,
            before,
            daily_bytes,
        };
        commit(
            &mut *db.conn()?,
            &doc.entry,
            &doc.introduces,
            expect,
            &change,
            &ev,
        )?;
        Ok(())
    })
    .await??;
    let world = D::world(state, Some(&id)).await?;
    Ok(written(status, D::view(&world, &id, state)?, location))
}

/// A document of kind `D` from a body, with the problems of its texts; 422 when its shape is
/// wrong, listing every problem of its shape and, when what is left without the offending parts
/// still makes a document, every problem of its meaning too.
fn read<D: Written>(
    body: Map<String, Value>,
    snap: &D::World,
    path_id: Option<&str>,
) -> Result<(D, Vec<FieldProblem>), AppError> {
    let body = Value::Object(body);
    let (mut problems, rest) = shape::check(D::SCHEMA, &body);
    let Value::Object(body) = body else {
        unreachable!("made from an object")
    };
    if problems.is_empty() {
        return writes::read::<D>(body, path_id).map_err(AppError::Invalid);
    }
    problems.extend(writes::text_problems(&body));
    if let Some(Value::Object(rest)) = rest {
        if let Ok((doc, _)) = writes::read::<D>(rest, path_id) {
            problems.extend(doc.problems(snap, path_id));
        }
    }
    Err(AppError::Invalid(problems))
}

fn forbidden(refused: Refused) -> AppError {
    AppError::Forbidden(refused.0)
}

/// Answers a write with the entry as it now is and its new ETag.
pub(super) fn written(
    status: StatusCode,
    bytes: Vec<u8>,
    location: Option<String>,
) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, etag(&bytes)));
    if let Some(l) = location {
        res.insert_header((header::LOCATION, l));
    }
    res.content_type("application/json").body(bytes)
}

/// Refuses any query parameter: writes take none.
pub(super) fn no_query(req: &HttpRequest) -> Result<(), AppError> {
    super::params::parse::<super::params::NoQuery>(&query_pairs(req)?, &()).map(drop)
}

/// Reads a JSON object body: malformed JSON is a 400, the wrong shape a 422.
pub(super) async fn object_body(
    state: &web::Data<AppState>,
    payload: web::Payload,
) -> Result<Map<String, Value>, AppError> {
    let body = read_body(
        payload,
        state.security.max_body,
        state.security.body_timeout,
    )
    .await?;
    writes::object(&body).map_err(|p| AppError::MalformedBody(vec![p]))
}
