//! Webhook subscriptions (Standard Webhooks): a municipality's, vendor's or administrator's client
//! subscribes a receiver to events, reads its subscriptions and their delivery logs, and sends a
//! delivery again. Each caller sees its own subscriptions (administrators every one); another's
//! is answered 404, as if it did not exist. The signing secret is answered once, on creation.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::body::{check_if_match, require_json, require_merge_patch};
use super::caller::{audited, event, Caller};
use super::negotiate::{format_of, Body};
use super::pagination::parse_limit;
use super::params::{self, FromQuery, NoQuery};
use super::services::not_found;
use super::write_course::{no_query, object_body, written};
use super::{query_pairs, shape, AppState};
use crate::delivery::check_subscribed;
use crate::domain::auth::Actor;
use crate::domain::patch::merge_patch;
use crate::domain::query::Params;
use crate::domain::validate::FieldProblem;
use crate::domain::webhooks::{new_secret, DeliveryStatus, EventType, Owner, WebhookWrite};
use crate::domain::writes::text_problems;
use crate::error::{AppError, Problem};
use crate::store::webhooks::{self as stored, DeliveryRow, SubscriptionRow};
use crate::store::Moment;
use crate::texts::Text;

/// A webhook subscription (never its secret, which only the answer to its creation holds).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "wh-4f9k2m7q1x", "owner": "municipality:bergen",
    "url": "https://hooks.bergen.kommune.no/feide-registry",
    "events": ["service.changed", "announcement.created", "announcement.deadline_approaching"],
    "description": "Varsler til personvernombudet", "deadline_days": 7, "enabled": true,
    "disabled_reason": null, "disabled_at": null, "created_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T09:00:00Z", "self": "/api/v1/webhooks/wh-4f9k2m7q1x",
    "deliveries": "/api/v1/webhooks/wh-4f9k2m7q1x/deliveries"}))]
pub struct WebhookView {
    #[schema(example = "wh-4f9k2m7q1x")]
    pub id: String,
    /// Whose it is: `admin`, `vendor:<id>` or `municipality:<id>`.
    #[schema(example = "municipality:bergen")]
    pub owner: String,
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    pub deadline_days: Option<i32>,
    /// False once the registry gave up on a delivery (or the subscriber paused it): nothing is
    /// sent until it is enabled again (`PATCH` with `"enabled": true`). Deliveries made before
    /// wait and are sent then; events while it is disabled are not kept for it.
    pub enabled: bool,
    /// Why it was disabled; null while enabled.
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// This subscription's path.
    #[serde(rename = "self")]
    #[schema(example = "/api/v1/webhooks/wh-4f9k2m7q1x")]
    pub self_link: String,
    /// Its delivery log's path.
    #[schema(example = "/api/v1/webhooks/wh-4f9k2m7q1x/deliveries")]
    pub deliveries: String,
}

impl WebhookView {
    fn of(row: &SubscriptionRow) -> Self {
        let owner = match row.owner_role.as_str() {
            "admin" => "admin".to_owned(),
            role => format!("{role}:{}", row.owner_id),
        };
        WebhookView {
            id: row.id.clone(),
            owner,
            url: row.url.clone(),
            events: row.event_types(),
            description: row.description.clone(),
            deadline_days: row.deadline_days,
            enabled: row.enabled,
            disabled_reason: row.disabled_reason.clone(),
            disabled_at: row.disabled_at.map(|m| m.0),
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
            self_link: format!("/api/v1/webhooks/{}", row.id),
            deliveries: format!("/api/v1/webhooks/{}/deliveries", row.id),
        }
    }

    fn bytes(row: &SubscriptionRow) -> Result<Vec<u8>, AppError> {
        serde_json::to_vec(&WebhookView::of(row)).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// A new subscription with its signing secret, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub subscription: WebhookView,
    /// The signing secret (`whsec_` and base64): verify each delivery's `webhook-signature`
    /// with it. It is never shown again; keep it.
    #[schema(example = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")]
    pub secret: String,
}

/// The caller's webhook subscriptions.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookView>,
}

/// The body of `PATCH /api/v1/webhooks/{id}`: a JSON merge patch of the subscription.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub events: Option<Vec<EventType>>,
    pub description: Option<String>,
    pub deadline_days: Option<i32>,
    /// `true` enables a disabled subscription (and what waited is sent); `false` pauses it.
    pub enabled: Option<bool>,
}

/// One delivery of an event to a subscription.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "msg_2bW9cQ7xKp4ZrT1mVn8sLd3F", "event_type": "service.changed",
    "status": "delivered", "attempts": 1, "last_status": 204, "last_error": null,
    "created_at": "2026-12-01T09:00:01Z", "last_attempt_at": "2026-12-01T09:00:01Z",
    "next_attempt_at": null,
    "payload": {"type": "service.changed", "timestamp": "2026-12-01T09:00:00Z",
        "data": {"service": "kikora", "vendor": "eldur-learning", "revision": 3,
                 "action": "service.patch", "self": "/api/v1/services/kikora"}}}))]
pub struct DeliveryView {
    /// The delivery's `webhook-id`, the same on every attempt.
    #[schema(example = "msg_2bW9cQ7xKp4ZrT1mVn8sLd3F")]
    pub id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// The HTTP status of the last answer; null when none came.
    pub last_status: Option<i32>,
    /// What went wrong the last time; null after a success or before the first attempt.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When it is tried next; null unless pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The body delivered, as signed.
    #[schema(value_type = Object)]
    pub payload: Value,
}

impl DeliveryView {
    fn of(row: &DeliveryRow) -> Result<Self, AppError> {
        let status = DeliveryStatus::parse(&row.status)
            .ok_or_else(|| AppError::Internal(format!("delivery status {}", row.status)))?;
        Ok(DeliveryView {
            id: row.id.clone(),
            event_type: EventType::parse(&row.event_type)
                .ok_or_else(|| AppError::Internal(format!("event {}", row.event_type)))?,
            status,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error.clone(),
            created_at: row.created_at.0,
            last_attempt_at: row.last_attempt_at.map(|m| m.0),
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(row.next_attempt_at.0),
            payload: serde_json::from_str(&row.payload)
                .map_err(|e| AppError::Internal(format!("delivery {}: {e}", row.id)))?,
        })
    }
}

/// A subscription's deliveries, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryView>,
}

/// `GET /api/v1/webhooks/{id}/deliveries`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// The newest this many, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
}

impl FromQuery for DeliveryQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        DeliveryQuery {
            limit: parse_limit(p),
        }
    }
}

/// Subscription `id` if `actor` may see it; else 404, as for one that does not exist.
async fn load(
    state: &web::Data<AppState>,
    actor: &Actor,
    id: &str,
) -> Result<SubscriptionRow, AppError> {
    let store = state.store.clone();
    let key = id.to_owned();
    let row = web::block(move || stored::get(&mut *store.conn()?, &key)).await??;
    row.filter(|r| r.owner().is_some_and(|o| o.visible_to(actor)))
        .ok_or_else(|| not_found("webhook", id))
}

/// A subscriber's answer is for it alone, never a shared cache's.
fn private(mut res: HttpResponse) -> HttpResponse {
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Language, Authorization"),
    );
    res
}

/// Reads a subscription body: its shape against `schema`, its texts, and what `rules` finds.
fn checked<T: serde::de::DeserializeOwned>(
    schema: &str,
    body: Map<String, Value>,
) -> (Option<T>, Vec<FieldProblem>) {
    let mut problems = text_problems(&body);
    let (shape, rest) = shape::check(schema, &Value::Object(body.clone()));
    let read = if shape.is_empty() {
        Some(Value::Object(body))
    } else {
        problems.extend(shape);
        rest
    };
    (read.and_then(|b| serde_json::from_value(b).ok()), problems)
}

/// The write's own problems and its target's, together.
async fn all_problems(
    state: &web::Data<AppState>,
    write: &WebhookWrite,
    mut problems: Vec<FieldProblem>,
) -> Vec<FieldProblem> {
    problems.extend(write.problems());
    if let Err(said) = check_subscribed(&write.url, state.webhook_targets).await {
        problems.push(FieldProblem::said("/url", said));
    }
    problems
}

/// A new subscription id: `wh-` and ten random lowercase letters and digits.
fn new_id() -> String {
    let token: String = crate::tokens::random_token(16)
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    format!("wh-{token}")
}

fn events_text(events: &[EventType]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Subscribe a receiver to events.
///
/// A municipality's, vendor's or administrator's client subscribes an https URL to events; each
/// delivery is a POST signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`,
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`) with the secret
/// this answer holds, and shows it this once. What a subscription receives: `service.changed`
/// for a vendor's own services, the services in a municipality's portfolio, or every service
/// for an administrator; `announcement.created`, `announcement.applied` and
/// `announcement.deadline_approaching` (`deadline_days` before the objection deadline) for the
/// same services; `portfolio.changed` for a municipality's own portfolio (and administrators).
/// The target must be https on a public address; redirects are not followed. A delivery that
/// fails is retried with exponential backoff for up to three days; then the subscription is
/// disabled and says why.
#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    request_body(content = WebhookWrite, content_type = "application/json"),
    responses(
        (status = 201, description = "Subscribed; the subscription with its secret, shown this once", body = WebhookCreated,
         headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid subscription (an unknown event, a target that is not public https); every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
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
        let body = object_body(&state, payload).await?;
        let (write, problems) = checked::<WebhookWrite>("WebhookWrite", body);
        let Some(write) = write else {
            return Err(AppError::Invalid(problems));
        };
        let problems = all_problems(&state, &write, problems).await;
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let owner = Owner::of(&actor);
        let (role, owner_id) = owner.parts();
        let now = Moment(Utc::now().trunc_subsecs(6));
        let row = SubscriptionRow {
            id: new_id(),
            owner_role: role.to_owned(),
            owner_id: owner_id.to_owned(),
            client_id: actor.client_id().to_owned(),
            url: write.url.clone(),
            events: events_text(&write.normalised_events()),
            description: write.description.clone(),
            deadline_days: write.deadline_days,
            secret: new_secret(),
            enabled: true,
            disabled_reason: None,
            disabled_at: None,
            revision: 1,
            created_at: now,
            updated_at: now,
        };
        let ev = event(&req, Some(&actor), 201, Some(format!("webhook {}", row.id)));
        let store = state.store.clone();
        let kept = row.clone();
        web::block(move || stored::create(&mut *store.conn()?, &kept, &ev)).await??;
        let created = WebhookCreated {
            subscription: WebhookView::of(&row),
            secret: row.secret.clone(),
        };
        let bytes = serde_json::to_vec(&created).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(private(written(
            StatusCode::CREATED,
            bytes,
            Some(format!("/api/v1/webhooks/{}", row.id)),
        )))
    })
    .await
}

/// The caller's webhook subscriptions.
///
/// A client sees its owner's subscriptions (every client of one vendor or municipality sees the
/// same ones); an administrator sees every subscription. Secrets are never listed.
#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscriptions, oldest first", body = WebhookList, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let only = match &actor {
        Actor::Admin { .. } => None,
        other => Some(Owner::of(other)),
    };
    let store = state.store.clone();
    let rows = web::block(move || stored::list(&mut *store.conn()?, only.as_ref())).await??;
    let items = rows.iter().map(WebhookView::of).collect();
    Ok(private(Body::json(&WebhookList { items })?.respond(&req)))
}

/// One webhook subscription.
///
/// Where it delivers, what, and whether it is enabled (a disabled one says why and since when).
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id", example = "wh-4f9k2m7q1x")),
    responses(
        (status = 200, description = "The subscription", body = WebhookView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    params::parse::<NoQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let row = load(&state, &actor, &id).await?;
    Ok(private(
        Body::json_bytes(WebhookView::bytes(&row)?).respond(&req),
    ))
}

/// Change a webhook subscription.
///
/// A JSON merge patch (RFC 7396) of `url`, `events`, `description`, `deadline_days` and
/// `enabled`: `"enabled": true` enables a subscription the registry disabled (what waited is
/// sent, and failed deliveries can be sent again one by one), `false` pauses it. The result is
/// checked as a new subscription is. `If-Match` must carry the subscription's ETag as last read.
#[utoipa::path(
    patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id", example = "wh-4f9k2m7q1x"),
           ("If-Match" = String, Header, description = "The ETag of the subscription as last read")),
    request_body(content = WebhookPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed; the subscription", body = WebhookView, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or a query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The subscription changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a merge patch", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid subscription; every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        require_merge_patch(&req)?;
        let row = load(&state, &actor, &id).await?;
        check_if_match(&req, &WebhookView::bytes(&row)?)?;
        let body = object_body(&state, payload).await?;
        let (patch, mut problems) = checked::<WebhookPatch>("WebhookPatch", body.clone());
        let Some(_) = patch else {
            return Err(AppError::Invalid(problems));
        };
        let enabled = body.get("enabled").and_then(Value::as_bool);
        let mut current = serde_json::json!({
            "url": row.url,
            "events": row.event_types(),
            "description": row.description,
            "deadline_days": row.deadline_days,
        });
        let mut changes = Value::Object(body);
        if let Some(o) = changes.as_object_mut() {
            o.remove("enabled");
        }
        merge_patch(&mut current, &changes);
        let Ok(write) = serde_json::from_value::<WebhookWrite>(current) else {
            // a member the patch set to null that a subscription needs
            problems.extend(["/url", "/events"].into_iter().filter_map(|p| {
                changes
                    .pointer(p)
                    .filter(|v| v.is_null())
                    .map(|_| FieldProblem::said(p, Text::IsRequired))
            }));
            return Err(AppError::Invalid(problems));
        };
        let problems = all_problems(&state, &write, problems).await;
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let now = Moment(Utc::now().trunc_subsecs(6));
        let mut next = SubscriptionRow {
            url: write.url.clone(),
            events: events_text(&write.normalised_events()),
            description: write.description.clone(),
            deadline_days: write.deadline_days,
            revision: row.revision + 1,
            updated_at: now,
            ..row.clone()
        };
        match enabled {
            Some(true) => {
                next.enabled = true;
                next.disabled_reason = None;
                next.disabled_at = None;
            }
            Some(false) if row.enabled => {
                next.enabled = false;
                next.disabled_reason = Some(format!("paused by {}", actor.label()));
                next.disabled_at = Some(now);
            }
            _ => {}
        }
        let ev = event(&req, Some(&actor), 200, Some(format!("webhook {id}")));
        let store = state.store.clone();
        let kept = next.clone();
        let done = web::block(move || stored::update(&mut *store.conn()?, &kept, &ev)).await??;
        if !done {
            return Err(AppError::PreconditionFailed(Text::ChangedSinceRead.into()));
        }
        Ok(private(written(
            StatusCode::OK,
            WebhookView::bytes(&next)?,
            None,
        )))
    })
    .await
}

/// Remove a webhook subscription.
///
/// Nothing more is delivered to it, and its delivery log goes with it. `If-Match` must carry the
/// subscription's ETag as last read.
#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id", example = "wh-4f9k2m7q1x"),
           ("If-Match" = String, Header, description = "The ETag of the subscription as last read")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The subscription changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        let row = load(&state, &actor, &id).await?;
        check_if_match(&req, &WebhookView::bytes(&row)?)?;
        let ev = event(&req, Some(&actor), 204, Some(format!("webhook {id}")));
        let store = state.store.clone();
        let key = id.clone();
        let done = web::block(move || stored::delete(&mut *store.conn()?, &key, &ev)).await??;
        if !done {
            return Err(not_found("webhook", &id));
        }
        Ok(HttpResponse::NoContent().finish())
    })
    .await
}

/// A webhook subscription's delivery log.
///
/// Its newest deliveries first: each event's `webhook-id`, whether it is `pending`,
/// `delivered` or `failed`, how many attempts it took, the last answer or error, and when it is
/// tried next.
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id", example = "wh-4f9k2m7q1x"), DeliveryQuery),
    responses(
        (status = 200, description = "The deliveries, newest first", body = DeliveryList, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let q = params::parse::<DeliveryQuery>(&query_pairs(&req)?, &())?;
    format_of(&req, false)?;
    let row = load(&state, &actor, &id).await?;
    let store = state.store.clone();
    let limit = i64::try_from(q.limit).unwrap_or(50);
    let rows =
        web::block(move || stored::deliveries(&mut *store.conn()?, &row.id, limit)).await??;
    let items = rows
        .iter()
        .map(DeliveryView::of)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(private(Body::json(&DeliveryList { items })?.respond(&req)))
}

/// Send a delivery again.
///
/// The delivery goes back to `pending` with a fresh retry period and is sent as soon as the
/// dispatcher comes to it, with the same `webhook-id` and body (receivers that keep the ids
/// they have processed see it as the same message). A delivery of a disabled subscription waits
/// until it is enabled.
#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id", example = "wh-4f9k2m7q1x"),
           ("delivery" = String, Path, description = "Delivery id (its `webhook-id`)", example = "msg_2bW9cQ7xKp4ZrT1mVn8sLd3F")),
    responses(
        (status = 202, description = "Queued; the delivery", body = DeliveryView),
        (status = 400, description = "A query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's, or no such delivery of it", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many writes", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u32))),
    )
)]
pub async fn redeliver(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, delivery) = path.into_inner();
    audited(&req, &state, &actor, async {
        no_query(&req)?;
        let row = load(&state, &actor, &id).await?;
        let ev = event(
            &req,
            Some(&actor),
            202,
            Some(format!("webhook {id} delivery {delivery}")),
        );
        let store = state.store.clone();
        let (sub, key) = (row.id.clone(), delivery.clone());
        let found = web::block(move || {
            let db = &mut *store.conn()?;
            if !stored::redeliver(db, &sub, &key, Utc::now(), &ev)? {
                return Ok(None);
            }
            stored::delivery(db, &sub, &key)
        })
        .await??
        .ok_or_else(|| not_found("delivery", &delivery))?;
        let bytes = serde_json::to_vec(&DeliveryView::of(&found)?)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(private(written(StatusCode::ACCEPTED, bytes, None)))
    })
    .await
}
