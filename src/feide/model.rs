//! The Feide API's service object, as documented at
//! https://docs.feide.no/reference/apis/feide-api/services.html: `id`, `name` (language -> text),
//! `attributes` (what Feide releases to the service at login), `provider` (`id`, `name`, `realm`)
//! and what a service without an agreement in the registry is shown with (`description`,
//! `privacy_policy_urls`, `areas_of_use`, `levels`, `about_url`). Unknown fields are allowed:
//! Feide says it may add values and fields.
//!
//! The organisation object (https://docs.feide.no/reference/apis/feide-api/organizations.html,
//! `/2/org/{id}`) is read for the provider's `organization_number` only, the field Feide's
//! organisation list names (https://docs.feide.no/service_providers/finding_domain_name.html:
//! `/2/org/all?fields=name,realm,organization_number`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FeideService {
    pub id: String,
    #[serde(default)]
    pub name: BTreeMap<String, String>,
    /// Names of the attributes Feide releases to the service during login.
    pub attributes: Vec<String>,
    pub provider: Option<FeideProvider>,
    #[serde(flatten)]
    pub details: FeideDetails,
}

/// What Feide publishes about a service for people choosing it: shown for a service the registry
/// knows only from Feide.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeideDetails {
    /// Language code -> description.
    #[serde(default, deserialize_with = "null_is_default")]
    #[schema(example = json!({"nb": "Digital matematikkoppgaver for grunnskolen."}))]
    pub description: BTreeMap<String, String>,
    /// Language code -> link to the service's privacy policy.
    #[serde(default, deserialize_with = "null_is_default")]
    #[schema(example = json!({"nb": "https://example.no/personvern"}))]
    pub privacy_policy_urls: BTreeMap<String, String>,
    /// Feide's areas of use (`administrative`, `educational`, `utilities`, more may come).
    #[serde(default, deserialize_with = "null_is_default")]
    #[schema(example = json!(["educational"]))]
    pub areas_of_use: Vec<String>,
    /// Feide's school levels the service is for.
    #[serde(default, deserialize_with = "null_is_default")]
    #[schema(example = json!(["primary_school"]))]
    pub levels: Vec<String>,
    /// A page describing the service; null when Feide has none.
    #[serde(default)]
    #[schema(example = "https://example.no/om")]
    pub about_url: Option<String>,
}

fn null_is_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The one field of Feide's organisation object the registry reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FeideOrg {
    pub id: String,
    /// As Feide gives it: nine digits, sometimes after a country prefix (`NO`); null when
    /// Feide has none.
    #[serde(default)]
    pub organization_number: Option<String>,
}

impl FeideOrg {
    /// Reads an answer body, or says why it is not the organisation object for `id`.
    pub fn parse(body: &[u8], id: &str) -> Result<Self, String> {
        let o: FeideOrg = serde_json::from_slice(body)
            .map_err(|e| format!("malformed answer from the Feide API: {e}"))?;
        if o.id != id {
            return Err(format!(
                "the Feide API answered for organisation `{}` when asked for `{id}`",
                o.id
            ));
        }
        Ok(o)
    }

    /// The Norwegian organisation number, without a `NO` prefix; None when absent or not one.
    pub fn org_number(&self) -> Option<crate::domain::ids::OrgNumber> {
        let raw = self.organization_number.as_deref()?.trim();
        let digits = raw
            .strip_prefix("NO")
            .or_else(|| raw.strip_prefix("no"))
            .unwrap_or(raw);
        crate::domain::ids::OrgNumber::parse(digits).ok()
    }
}

/// Reads the service listing: every element must be a service object, or none is taken.
pub fn parse_listing(body: &[u8]) -> Result<Vec<FeideService>, String> {
    let list: Vec<FeideService> = serde_json::from_slice(body)
        .map_err(|e| format!("malformed service listing from the Feide API: {e}"))?;
    for s in &list {
        if let Some(why) = super::id::check(&s.id) {
            return Err(format!(
                "malformed service listing from the Feide API: {why}"
            ));
        }
    }
    Ok(list)
}

/// The organisation that provides a service in Feide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeideProvider {
    #[schema(example = "136")]
    pub id: String,
    /// Language code -> name.
    #[serde(default)]
    #[schema(example = json!({"nb": "Uninett", "en": "Uninett"}))]
    pub name: BTreeMap<String, String>,
    /// Null for a provider that is not a home organisation.
    #[schema(example = "uninett.no")]
    pub realm: Option<String>,
}

impl FeideService {
    /// Reads an answer body, or says why it is not a service object for `id`.
    pub fn parse(body: &[u8], id: &str) -> Result<Self, String> {
        let s: FeideService = serde_json::from_slice(body)
            .map_err(|e| format!("malformed answer from the Feide API: {e}"))?;
        if s.id != id {
            return Err(format!(
                "the Feide API answered for service `{}` when asked for `{id}`",
                s.id
            ));
        }
        Ok(s)
    }
}
