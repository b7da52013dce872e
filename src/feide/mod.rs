//! The link to Feide's own service catalogue: which Feide services a registry entry is, what the
//! Feide API says it releases to them, and how that compares with what the agreement declares.
//!
//! `id` is the shape of a Feide service id; `model` the API's service object; `client` one
//! careful request; `sync` the whole round under the cross-process lease; `counters` what
//! `/metrics` reports; `coverage` the services known only from Feide's listing and the counts of
//! what the registry covers; `providers` which registry vendor each Feide provider is.

pub mod client;
pub mod counters;
pub mod coverage;
pub mod crosscheck;
pub mod id;
pub mod link;
pub mod listing;
pub mod model;
pub mod providers;
pub mod sync;

use std::time::Duration;

/// How the registry talks to the Feide API. None of it exists when `FEIDE_API_URL` is empty.
#[derive(Debug, Clone)]
pub struct FeideOptions {
    /// The API's base, e.g. `https://api.feide.no`; a service is at `{base}/2/sp/{id}`.
    pub api_url: String,
    /// How often the server syncs on its own; None: only on demand.
    pub every: Option<Duration>,
    /// Longest wait for one answer.
    pub timeout: Duration,
    /// Further attempts after a timeout, a refused connection or a 5xx answer.
    pub retries: u32,
    /// Wait before the first retry; doubled for each next one.
    pub backoff: Duration,
    /// Requests per minute at most: Feide limits anonymous callers and asks for a token
    /// beyond 180 requests per 15 minutes (https://docs.feide.no/api/access-token.html).
    pub per_minute: u32,
    /// Where the service listing is under `api_url` (`/2/sp/all`); None: import nothing, only
    /// check linked services.
    pub list_path: Option<String>,
}

/// The service listing's path. Feide documents the organisation list at `/2/org/all` and the
/// service information API "under `/2/sp/`"; the listing is taken to sit beside it in the same
/// way (`FEIDE_LIST_PATH` changes it).
pub const LIST_PATH: &str = "/2/sp/all";

impl FeideOptions {
    /// The options for `api_url` with the registry's defaults.
    pub fn new(api_url: impl Into<String>) -> Self {
        Self {
            api_url: api_url.into().trim_end_matches('/').to_owned(),
            every: Some(Duration::from_secs(24 * 3600)),
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_secs(2),
            per_minute: 10,
            list_path: Some(LIST_PATH.to_owned()),
        }
    }

    /// Least time between two requests.
    pub fn spacing(&self) -> Duration {
        Duration::from_secs(60) / self.per_minute.max(1)
    }
}
