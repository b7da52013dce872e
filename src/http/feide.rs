//! The Feide link's views and its one operation: an administrator's sync on demand.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::{record_refusal, Caller};
use super::AppState;
use crate::catalogue::{ServiceRecord, Snapshot};
use crate::domain::auth::Actor;
use crate::error::{AppError, Problem};
use crate::feide::crosscheck;
use crate::feide::link::FeideLink;
use crate::feide::model::FeideProvider;
use crate::feide::sync::{self, SyncReport};

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
