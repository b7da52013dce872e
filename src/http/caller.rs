//! Who is calling: the bearer token of a write, verified as one of the registry's own tokens
//! (HS256) or an external issuer's (asymmetric, from its JWKS); and the audit trail of every
//! write and every refused attempt.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, ResponseError};
use chrono::Utc;

use super::rate_limit::RateLimiter;
use super::AppState;
use crate::domain::auth::{Actor, ClientRole};
use crate::error::AppError;
use crate::issuer::ExternalIssuer;
use crate::store::clients::{self, NewAuditEvent};
use crate::texts::Text;
use crate::tokens::TokenKeys;

/// Authentication and the guard rails of writes.
pub struct Security {
    pub keys: TokenKeys,
    pub external: Option<ExternalIssuer>,
    pub write_limit: RateLimiter,
    /// Refused token requests per source address.
    pub token_failures_by_source: RateLimiter,
    /// Refused token requests per client id and source address.
    pub token_failures_by_client: RateLimiter,
    pub max_body: usize,
    /// How long a request body may take to arrive (408 after it).
    pub body_timeout: std::time::Duration,
    /// Bytes of revision diffs a vendor may store per 24 hours (`REVISION_BYTES_PER_DAY`); 0: no
    /// budget.
    pub revision_bytes_per_day: u64,
}

impl Security {
    /// The daily budget of revision bytes of `actor`'s writes; administrators have none.
    pub fn revision_budget(&self, actor: &Actor) -> Option<u64> {
        (actor.role() == ClientRole::Vendor && self.revision_bytes_per_day > 0)
            .then_some(self.revision_bytes_per_day)
    }
}

/// An authenticated caller (extracting it answers 401, audited, when the token is missing or bad).
pub struct Caller(pub Actor);

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req)?;
            match identify(&req, &state).await {
                Ok(actor) => Ok(Caller(actor)),
                Err(e) => {
                    record_refusal(&req, &state, None, &e).await;
                    Err(e)
                }
            }
        })
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("no application state".into()))
}

async fn identify(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Actor, AppError> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        })
        .map(|(_, t)| t.trim().to_owned())
        .ok_or_else(|| AppError::MissingToken(Text::TokenNeeded.into()))?;
    let refused = || AppError::Unauthorized(Text::TokenInvalid.into());
    let sec = &state.security;
    if let (Some(external), true) = (&sec.external, ExternalIssuer::handles(&token)) {
        let caller = external.verify(&token).await.map_err(|e| {
            log::info!("external token refused: {e}");
            refused()
        })?;
        return external_actor(state, caller).await;
    }
    let actor = sec.keys.verify(&token).ok_or_else(refused)?;
    // A revoked client's tokens stop working at once, not when they expire.
    let store = state.store.clone();
    let id = actor.client_id().to_owned();
    let client = web::block(move || clients::find_client(&mut *store.conn()?, &id)).await??;
    // Role and vendor come from the client record, never from the token: a token outlives a
    // change of either only until its next use.
    match client {
        Some(c) if c.revoked_at.is_none() => {
            let role = ClientRole::parse(&c.role).ok_or_else(refused)?;
            let acts_for = c.acts_for();
            Actor::of(c.client_id, role, acts_for).ok_or_else(refused)
        }
        _ => Err(refused()),
    }
}

/// Maps a verified external token to an actor: the admin scope makes an administrator; the
/// vendor scope makes the vendor whose organisation number is the token's `consumer`, and the
/// municipality scope the municipality whose organisation number it is.
async fn external_actor(
    state: &web::Data<AppState>,
    caller: crate::issuer::ExternalCaller,
) -> Result<Actor, AppError> {
    let client_id = format!("external:{}", caller.client_id);
    if caller.admin {
        return Ok(Actor::Admin { client: client_id });
    }
    if !caller.vendor && !caller.municipality {
        return Err(AppError::Forbidden(Text::TokenNoScope.into()));
    }
    let org = caller
        .org_number
        .clone()
        .ok_or_else(|| AppError::Forbidden(Text::TokenNoOrganisation.into()))?;
    if caller.municipality && !caller.vendor {
        let store = state.store.clone();
        let number = org.clone();
        let found = web::block(move || {
            crate::store::municipalities::municipality_with_org(&mut *store.conn()?, &number)
        })
        .await??;
        // one municipality per number: the database's unique index says so
        let municipality = found.ok_or_else(|| {
            AppError::Forbidden(Text::NoMunicipalityWithOrg.with(&[("org", &org)]))
        })?;
        return Ok(Actor::Municipality {
            client: client_id,
            municipality,
        });
    }
    let snap = super::fresh_snapshot(state).await?;
    let mut matching = snap
        .vendors
        .iter()
        .filter(|v| v.vendor.org_number.as_deref() == Some(org.as_str()));
    let vendor = matching
        .next()
        .ok_or_else(|| AppError::Forbidden(Text::NoVendorWithOrg.with(&[("org", &org)])))?;
    if matching.next().is_some() {
        // The database refuses a second vendor with one number; an older database may hold
        // one, and then nobody can say which vendor the token acts for.
        return Err(AppError::Forbidden(
            Text::SeveralVendorsWithOrg.with(&[("org", &org)]),
        ));
    }
    Ok(Actor::Vendor {
        client: client_id,
        vendor: vendor.vendor.id.to_string(),
    })
}

/// The name of what a request tries to do, for the audit log: the name its endpoint carries in
/// `routes`' table, or its method and path.
pub fn action(req: &HttpRequest) -> String {
    req.match_pattern()
        .and_then(|pattern| super::audit_name(req.method(), &pattern))
        .map_or_else(
            || format!("{} {}", req.method(), canonical_path(req)),
            str::to_owned,
        )
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

/// The request's path as the router reads it (percent-escapes of plain characters decoded, so
/// `/api/v1/services/k%69kora` is `/api/v1/services/kikora`), so that one entry is one target
/// in the audit log however the caller spelled it; cut to 200 characters.
fn canonical_path(req: &HttpRequest) -> String {
    req.match_info().as_str().chars().take(200).collect()
}

/// An audit event for this request, with its outcome (the HTTP status).
pub fn event(
    req: &HttpRequest,
    actor: Option<&Actor>,
    outcome: u16,
    detail: Option<String>,
) -> NewAuditEvent {
    NewAuditEvent {
        at: Utc::now().into(),
        actor: actor.map(Actor::label),
        client_id: actor.map(|a| a.client_id().to_owned()),
        source: req.peer_addr().map(|a| a.ip().to_string()),
        action: action(req),
        target: canonical_path(req),
        outcome: i32::from(outcome),
        detail,
        count: 1,
    }
}

/// Records a refused attempt: at once, one row, for an identified caller; tallied per source
/// and minute for a caller with no valid identity (`audit`). The audit must not turn a refusal
/// into a 500, so a failure to record is logged and the refusal answered as it was.
pub async fn record_refusal(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: Option<&Actor>,
    e: &AppError,
) {
    refusal(req, state, actor, None, e).await;
}

/// Tallies a refusal of a caller with no valid identity; `named_client` is the client id a
/// refused token request named (kept, so a client's owner can see attempts against it).
pub async fn record_anonymous_refusal(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    named_client: Option<&str>,
    e: &AppError,
) {
    refusal(req, state, None, named_client, e).await;
}

async fn refusal(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: Option<&Actor>,
    named_client: Option<&str>,
    e: &AppError,
) {
    let status = e.status_code();
    if !status.is_client_error() {
        return;
    }
    state.refusals.count(i32::from(status.as_u16()));
    let mut ev = event(req, actor, status.as_u16(), Some(short(&e.to_string())));
    if actor.is_some() {
        return write_event(state, ev).await;
    }
    ev.client_id = named_client.map(short);
    if let Some(first) = state.refusals.add(ev, Utc::now()) {
        write_event(state, first).await;
    }
}

/// Records an event outside a write's transaction (refusals, writes that changed nothing).
pub async fn record(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: Option<&Actor>,
    outcome: u16,
    detail: &str,
) {
    write_event(state, event(req, actor, outcome, Some(short(detail)))).await;
}

async fn write_event(state: &web::Data<AppState>, ev: NewAuditEvent) {
    let store = state.store.clone();
    let done = web::block(move || -> Result<(), crate::store::StoreError> {
        clients::audit(&mut *store.conn()?, &ev)
    })
    .await;
    if !matches!(done, Ok(Ok(()))) {
        log::error!("could not record an audit event");
    }
}

/// Runs a write for an authenticated actor: rate-limited, and every refusal audited. The write
/// itself records its success in the audit log, in its own transaction.
pub async fn audited<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &Actor,
    write: F,
) -> Result<actix_web::HttpResponse, AppError>
where
    F: Future<Output = Result<actix_web::HttpResponse, AppError>>,
{
    let limit = &state.security.write_limit;
    let result = match limit.check(actor.client_id()) {
        Err(wait) => Err(AppError::TooManyRequests(wait)),
        Ok(()) => write.await,
    };
    let mut res = match result {
        Ok(res) => res,
        Err(e) => {
            record_refusal(req, state, Some(actor), &e).await;
            // answered here, not by the error middleware, so said in the caller's language here
            e.render(super::negotiate::language(req.headers()))
        }
    };
    rate_limit_headers(
        res.headers_mut(),
        limit.policy(WRITES),
        limit.state(WRITES, actor.client_id()),
    );
    Ok(res)
}

/// The policy name of the per-client write limit in `RateLimit` headers.
const WRITES: &str = "writes";

/// Says where the caller stands under a rate limit (draft-ietf-httpapi-ratelimit-headers-09).
pub fn rate_limit_headers(headers: &mut header::HeaderMap, policy: String, state: String) {
    for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
        if let Ok(v) = header::HeaderValue::from_str(&value) {
            headers.insert(header::HeaderName::from_static(name), v);
        }
    }
}
