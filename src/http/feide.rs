//! The Feide link's views and operations: an administrator's sync on demand, the coverage
//! counts, and the provider mappings an administrator decides.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::{record_refusal, Caller};
use super::negotiate::Body;
use super::AppState;
use crate::catalogue::{ServiceRecord, Snapshot};
use crate::domain::auth::Actor;
use crate::domain::validate::FieldProblem;
use crate::error::{AppError, Problem};
use crate::feide::coverage::{self, Coverage};
use crate::feide::crosscheck;
use crate::feide::link::FeideLink;
use crate::feide::model::{FeideDetails, FeideProvider};
use crate::feide::providers::{self, Decision, MappingState, Refusal};
use crate::feide::sync::{self, SyncReport};
use crate::store::feide_coverage::{self as stored, ProviderRow};
use crate::texts::Text;

/// What Feide's own service catalogue says about a service, beside what its agreement declares.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeideView {
    /// Attributes Feide releases to the service at login (all its linked Feide services, from
    /// each one's last good answer), sorted.
    #[schema(example = json!(["eduPersonPrincipalName", "norEduPersonNIN"]))]
    pub released: Vec<String>,
    /// Of `released`, those the agreement declares neither by name nor through a declared OIDC
    /// scope: data Feide sends with no stated purpose.
    #[schema(example = json!(["norEduPersonNIN"]))]
    pub undeclared: Vec<String>,
    /// The oldest last check of the linked Feide services; null while one was never checked.
    pub checked_at: Option<DateTime<Utc>>,
    /// Why the last check of a linked Feide service failed (`id: reason`, one per line); null
    /// when every last check succeeded. Failed checks keep the last good answer.
    #[schema(example = "16540: the Feide API answered 500")]
    pub error: Option<String>,
    /// Each linked Feide service, in the order of `feide_ids`.
    pub services: Vec<FeideServiceView>,
}

/// One linked Feide service as the Feide API last described it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeideServiceView {
    /// Its id in Feide's service catalogue (`https://api.feide.no/2/sp/{id}`).
    #[schema(example = "16540")]
    pub id: String,
    /// Language code -> name, as Feide gives it.
    #[schema(example = json!({"nb": "Feide Kundeportal", "en": "Feide Customer Portal"}))]
    pub name: BTreeMap<String, String>,
    pub provider: Option<FeideProvider>,
    /// What Feide releases to it; null before the first good answer.
    pub released: Option<Vec<String>>,
    /// When the last good answer came (200, or 304 for an unchanged one).
    pub fetched_at: Option<DateTime<Utc>>,
    /// When the Feide API was last asked; null when never.
    pub checked_at: Option<DateTime<Utc>>,
    /// Why the last check failed; null when it succeeded.
    pub error: Option<String>,
    /// What Feide's service listing publishes about it (description, privacy policy links,
    /// areas of use, levels); null when it was never listed.
    pub details: Option<FeideDetails>,
}

impl FeideView {
    /// The view of `r`'s Feide links; None for a service linked to none.
    pub fn of(r: &ServiceRecord, snapshot: &Snapshot) -> Option<Self> {
        if r.feide.is_empty() {
            return None;
        }
        let checked_at = r
            .feide
            .iter()
            .map(|l| l.checked_at)
            .collect::<Option<Vec<_>>>()
            .and_then(|all| all.into_iter().min());
        let errors: Vec<String> = r
            .feide
            .iter()
            .filter_map(|l| l.error.as_ref().map(|e| format!("{}: {e}", l.id)))
            .collect();
        Some(Self {
            released: crosscheck::released(&r.feide),
            undeclared: crosscheck::undeclared(&r.service, &r.feide, &snapshot.reference),
            checked_at,
            error: (!errors.is_empty()).then(|| errors.join("\n")),
            services: r.feide.iter().map(FeideServiceView::of).collect(),
        })
    }
}

impl FeideServiceView {
    fn of(l: &FeideLink) -> Self {
        Self {
            id: l.id.clone(),
            name: l.name.clone(),
            provider: l.provider.clone(),
            released: l.released.clone(),
            fetched_at: l.fetched_at,
            checked_at: l.checked_at,
            error: l.error.clone(),
            details: l.details.clone(),
        }
    }
}

/// Fetch every linked Feide service's information now (administrators only).
///
/// Checks each Feide service linked from a registry entry with the Feide API (conditional
/// requests, a timeout, bounded retries and rate), storing each good answer and keeping the last
/// good one when a check fails. One sync runs at a time across every process on the database:
/// when another holds the lease, the answer is 202 and that sync's results will show in the
/// services' `feide` fields. Profiles show the results within a second.
#[utoipa::path(
    post, path = "/api/v1/feide/sync", tag = "feide", security(("bearer" = [])),
    responses(
        (status = 200, description = "The sync ran; what it did", body = SyncReport),
        (status = 202, description = "Another process is syncing; nothing was fetched by this request", body = SyncReport),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The Feide link is turned off (`FEIDE_API_URL` is empty)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sync_now(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> Result<HttpResponse, AppError> {
    if !matches!(actor, Actor::Admin { .. }) {
        let e = AppError::Forbidden(crate::texts::Text::FeideSyncForAdmins.into());
        record_refusal(&req, &state, Some(&actor), &e).await;
        return Err(e);
    }
    let Some(options) = state.feide.clone() else {
        return Err(AppError::Conflict(crate::texts::Text::FeideLinkOff.into()));
    };
    let report = sync::run(&state.store, &options).await?;
    Ok(if report.ran {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::Accepted().json(report)
    })
}

/// How much of Feide's service catalogue the registry covers.
///
/// Counts over the whole registry: services with agreement facts registered (status `active`),
/// services known only from Feide's service listing (status `unregistered`: imported by the
/// Feide sync, no agreement facts yet), and of those with agreement facts, the ones Feide
/// releases attributes to that their agreement does not declare (flag `undeclared_attribute`)
/// and the ones linked to Feide at all. `/metrics` carries the same counts as
/// `feide_registry_coverage_services`.
#[utoipa::path(
    get, path = "/api/v1/coverage", tag = "feide",
    responses(
        (status = 200, description = "The counts", body = Coverage, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "A query parameter was given; this resource takes none", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn coverage(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let snap = super::one_resource(&req, &state)?;
    Ok(Body::json(&Coverage::of(&snap))?.respond(&req))
}

/// One Feide service provider and the registry vendor it is.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProviderView {
    /// The provider's id in Feide (`provider.id` of its services, `/2/org/{id}`).
    #[schema(example = "4242")]
    pub id: String,
    /// Language code -> name, as Feide gives it.
    #[schema(example = json!({"nb": "Trygg Trafikk"}))]
    pub name: BTreeMap<String, String>,
    /// The organisation number Feide gives for it; null when Feide gives none.
    #[schema(example = "970980490")]
    pub org_number: Option<String>,
    pub state: MappingState,
    /// The vendor it is (`matched` or `confirmed`); null otherwise.
    #[schema(example = "trygg-trafikk")]
    pub vendor: Option<String>,
    /// A vendor of the same name, for an administrator to confirm or reject; never applied on
    /// its own.
    pub proposed_vendor: Option<String>,
    /// The vendor entry standing for the provider until it is matched or confirmed.
    #[schema(example = "feide-provider-4242")]
    pub placeholder_vendor: String,
    /// When the mapping was last checked or decided.
    pub checked_at: DateTime<Utc>,
    /// Why the last question to Feide's organisation API failed; null when it did not.
    pub error: Option<String>,
}

impl ProviderView {
    fn of(row: ProviderRow) -> Self {
        Self {
            placeholder_vendor: coverage::placeholder_id(&row.provider_id),
            name: serde_json::from_str(&row.name).unwrap_or_default(),
            state: MappingState::parse(&row.state).unwrap_or(MappingState::Pending),
            id: row.provider_id,
            org_number: row.org_number,
            vendor: row.vendor_id,
            proposed_vendor: row.proposed_vendor_id,
            checked_at: row.checked_at.0,
            error: row.error,
        }
    }
}

/// Every Feide provider the service listing named.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProviderList {
    /// All of them, by id: a listing names a few hundred at most, so the list is never cut.
    pub items: Vec<ProviderView>,
}

/// Feide providers and the registry vendors they map to.
///
/// Every provider Feide's service listing named, with the organisation number Feide's
/// organisation API gives for it. `matched`: a vendor has that number. `pending`: Feide gives no
/// number, or no vendor has it; an administrator decides (`PUT /api/v1/feide/providers/{id}`).
/// A vendor of the same name is only proposed: a name alone never maps a provider.
#[utoipa::path(
    get, path = "/api/v1/feide/providers", tag = "feide",
    responses(
        (status = 200, description = "Every provider, by id", body = ProviderList),
        (status = 400, description = "A query parameter was given; this resource takes none", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn providers(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    super::one_resource(&req, &state)?;
    let store = state.store.clone();
    let rows = web::block(move || stored::providers(&mut *store.conn()?)).await??;
    let list = ProviderList {
        items: rows.into_iter().map(ProviderView::of).collect(),
    };
    Ok(Body::json(&list)?.respond(&req))
}

/// Decide which vendor a Feide provider is (administrators only).
///
/// `{"decision": "confirm"}` confirms the proposed vendor, `{"decision": "confirm", "vendor":
/// "id"}` names another, `{"decision": "reject"}` rejects the proposal (the provider's services
/// stay under its placeholder vendor). A confirmed vendor receives the provider's services known
/// only from Feide, each with a revision, and may then claim them by writing their agreement
/// facts. A decision stands: later syncs do not revisit it.
#[utoipa::path(
    put, path = "/api/v1/feide/providers/{id}", tag = "feide", security(("bearer" = [])),
    params(("id" = String, Path, description = "The provider's id in Feide")),
    request_body(content = Decision, content_type = "application/json"),
    responses(
        (status = 200, description = "The mapping as decided", body = ProviderView),
        (status = 400, description = "The body is not a JSON object", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such provider", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The decision is malformed, names no vendor where none is proposed, or an unknown vendor; every problem is listed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if !matches!(actor, Actor::Admin { .. }) {
        let e = AppError::Forbidden(Text::FeideProvidersForAdmins.into());
        record_refusal(&req, &state, Some(&actor), &e).await;
        return Err(e);
    }
    super::body::require_json(&req)?;
    let body = super::body::read_body(payload, 16 * 1024, state.security.body_timeout).await?;
    let map = crate::domain::writes::object(&body).map_err(|p| AppError::MalformedBody(vec![p]))?;
    let value = serde_json::Value::Object(map);
    let (problems, _) = super::shape::check("Decision", &value);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let decision: Decision = serde_json::from_value(value)
        .map_err(|e| AppError::Invalid(vec![FieldProblem::new("", e.to_string())]))?;
    let store = state.store.clone();
    let label = actor.label();
    let id = id.into_inner();
    let asked = id.clone();
    let decided =
        web::block(move || providers::decide(&mut *store.conn()?, &asked, &decision, &label))
            .await??;
    let row = decided.map_err(|refusal| match refusal {
        Refusal::UnknownProvider => {
            AppError::NotFound(Text::NoSuchFeideProvider.with(&[("id", &id)]))
        }
        Refusal::NoVendor => {
            AppError::Invalid(vec![FieldProblem::said("/vendor", Text::NothingProposed)])
        }
        Refusal::UnknownVendor(v) => AppError::Invalid(vec![FieldProblem::said(
            "/vendor",
            Text::UnknownVendor.with(&[("id", &v)]),
        )]),
    })?;
    super::fresh_snapshot(&state).await?;
    Ok(HttpResponse::Ok().json(ProviderView::of(row)))
}
