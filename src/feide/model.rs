//! The Feide API's service object, as documented at
//! https://docs.feide.no/reference/apis/feide-api/services.html: `id`, `name` (language -> text),
//! `attributes` (what Feide releases to the service at login), `provider` (`id`, `name`, `realm`)
//! and more that the registry does not use yet. Unknown fields are allowed: Feide says it may add
//! values and fields.

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
