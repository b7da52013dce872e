//! Which registry vendor a Feide service provider is.
//!
//! Feide names a service's provider by its own id; its organisation API (`/2/org/{id}`) gives
//! the organisation number where Feide has one. A provider whose number is a vendor's is that
//! vendor (`matched`). Any other stays `pending` until an administrator confirms a vendor or
//! rejects the proposal: a name alone never decides, since two companies can share one and
//! one company can go by many. A vendor whose name equals the provider's is only proposed.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::client;
use super::model::{FeideOrg, FeideProvider};
use super::FeideOptions;
use crate::store::feide_coverage::{self as stored, ProviderRow};
use crate::store::on_db;
use crate::store::{Db, Moment, Store, StoreError};

/// Where a provider's mapping stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MappingState {
    /// Feide's organisation number for the provider is the vendor's.
    Matched,
    /// Waiting for an administrator: no organisation number, or no vendor with it.
    Pending,
    /// An administrator said which vendor it is.
    Confirmed,
    /// An administrator said the proposed vendor is not it.
    Rejected,
}

impl MappingState {
    pub fn as_str(self) -> &'static str {
        match self {
            MappingState::Matched => "matched",
            MappingState::Pending => "pending",
            MappingState::Confirmed => "confirmed",
            MappingState::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            MappingState::Matched,
            MappingState::Pending,
            MappingState::Confirmed,
            MappingState::Rejected,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    /// Decided states are never revisited by a sync.
    fn decided(self) -> bool {
        matches!(self, MappingState::Confirmed | MappingState::Rejected)
    }
}

/// The vendor a mapping settles on, if it settles on one.
pub fn vendor_of(row: &ProviderRow) -> Option<&str> {
    match MappingState::parse(&row.state) {
        Some(MappingState::Matched | MappingState::Confirmed) => row.vendor_id.as_deref(),
        _ => None,
    }
}

/// The provider's mapping after asking Feide for its organisation number, unless an
/// administrator already decided or it is already matched. A failed question leaves it pending
/// with the reason, and is asked again at the next sync.
pub async fn map(
    http: &reqwest::Client,
    options: &FeideOptions,
    store: &Store,
    before: Option<ProviderRow>,
    provider: &FeideProvider,
) -> Result<ProviderRow, StoreError> {
    if let Some(b) = &before {
        let state = MappingState::parse(&b.state);
        if state.is_some_and(MappingState::decided) || state == Some(MappingState::Matched) {
            return Ok(b.clone());
        }
    }
    let asked = client::get(http, options, &format!("/2/org/{}", provider.id))
        .await
        .and_then(|body| FeideOrg::parse(&body, &provider.id));
    let name = serde_json::to_string(&provider.name).unwrap_or_else(|_| "{}".into());
    let provider = provider.clone();
    on_db(store, move |db| {
        let (org, error) = match &asked {
            Ok(o) => (o.org_number().map(|n| n.as_str().to_owned()), None),
            Err(why) => (
                before.as_ref().and_then(|b| b.org_number.clone()),
                Some(why.clone()),
            ),
        };
        let vendor = match &org {
            Some(n) => stored::vendor_with_org_number(db, n)?,
            None => None,
        };
        let proposed = match &vendor {
            Some(_) => None,
            None => stored::vendor_named(db, &super::coverage::provider_name(&provider))?,
        };
        let row = ProviderRow {
            provider_id: provider.id.clone(),
            name,
            org_number: org,
            state: if vendor.is_some() {
                MappingState::Matched
            } else {
                MappingState::Pending
            }
            .as_str()
            .to_owned(),
            vendor_id: vendor,
            proposed_vendor_id: proposed,
            checked_at: Moment(Utc::now()),
            error,
        };
        stored::put_provider(db, &row)?;
        Ok(row)
    })
    .await
}

/// An administrator's decision on a provider's mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `confirm` the vendor (the proposed one unless `vendor` names another) or `reject` the
    /// proposal.
    #[schema(example = "confirm")]
    pub decision: DecisionKind,
    /// The vendor the provider is; only with `confirm`, defaulting to the proposed vendor.
    #[serde(default)]
    #[schema(example = "trygg-trafikk")]
    pub vendor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Confirm,
    Reject,
}

/// Why a decision cannot be applied.
#[derive(Debug, PartialEq)]
pub enum Refusal {
    UnknownProvider,
    /// `confirm` without a vendor and nothing proposed.
    NoVendor,
    UnknownVendor(String),
}

/// Applies `decision` to provider `id` for `actor`: a confirmed vendor receives the provider's
/// Feide-only entries (each with a revision), so that it may claim them.
pub fn decide(
    db: &mut Db,
    id: &str,
    decision: &Decision,
    actor: &str,
) -> Result<Result<ProviderRow, Refusal>, StoreError> {
    use diesel::Connection;
    db.transaction(|db| {
        let Some(mut row) = stored::provider(db, id)? else {
            return Ok(Err(Refusal::UnknownProvider));
        };
        let now = Utc::now();
        match decision.decision {
            DecisionKind::Reject => {
                row.state = MappingState::Rejected.as_str().into();
                row.vendor_id = None;
            }
            DecisionKind::Confirm => {
                let Some(vendor) = decision
                    .vendor
                    .clone()
                    .or_else(|| row.proposed_vendor_id.clone())
                else {
                    return Ok(Err(Refusal::NoVendor));
                };
                if !crate::store::lookups::vendor_exists(db, &vendor)? {
                    return Ok(Err(Refusal::UnknownVendor(vendor)));
                }
                stored::move_unregistered(
                    db,
                    &super::coverage::placeholder_id(id),
                    &vendor,
                    actor,
                    now,
                )?;
                row.state = MappingState::Confirmed.as_str().into();
                row.vendor_id = Some(vendor);
            }
        }
        row.checked_at = Moment(now);
        stored::put_provider(db, &row)?;
        Ok(Ok(row))
    })
}
