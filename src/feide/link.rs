//! What the registry holds from Feide about one linked Feide service, read back from the store.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::model::{FeideDetails, FeideProvider};
use crate::store::feide::FeideRow;

#[derive(Debug, Clone, PartialEq)]
pub struct FeideLink {
    pub id: String,
    pub name: BTreeMap<String, String>,
    pub provider: Option<FeideProvider>,
    /// What Feide releases to the service, from its last good answer; None before the first.
    pub released: Option<Vec<String>>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// None: never checked (no sync has run since the link was made).
    pub checked_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// What the service listing publishes beyond the login facts; None when never listed.
    pub details: Option<FeideDetails>,
}

impl FeideLink {
    /// A link no sync has checked yet.
    pub fn unchecked(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: BTreeMap::new(),
            provider: None,
            released: None,
            fetched_at: None,
            checked_at: None,
            error: None,
            details: None,
        }
    }

    /// The link as stored; a stored value that does not read back is treated as absent, so
    /// one bad row never hides the service.
    pub fn of(row: &FeideRow) -> Self {
        Self {
            id: row.feide_id.clone(),
            name: row
                .name
                .as_deref()
                .and_then(|n| serde_json::from_str(n).ok())
                .unwrap_or_default(),
            provider: row
                .provider
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok()),
            released: row
                .attributes
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok()),
            fetched_at: row.fetched_at.map(|m| m.0),
            checked_at: Some(row.checked_at.0),
            error: row.error.clone(),
            details: row
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
        }
    }
}
