//! Tokens from an external issuer the operator trusts (Maskinporten in Norway), verified against
//! the issuer's JWKS. The key set is fetched with reqwest and cached; a token naming an unknown
//! `kid` refetches it (the issuer rotated its keys), but at most once per interval, so a flood of
//! forged `kid`s cannot turn the registry into a load generator against the issuer.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::Mutex;

#[derive(Debug, Clone)]
pub struct IssuerConfig {
    pub issuer: String,
    pub jwks_url: String,
    pub audience: String,
    pub vendor_scope: String,
    pub admin_scope: String,
    pub municipality_scope: String,
    pub cache_for: Duration,
    pub min_refetch: Duration,
}

/// What a verified external token says about its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalCaller {
    /// `client_id` claim (Maskinporten's integration id), for the audit log.
    pub client_id: String,
    /// The organisation number from `consumer.ID` (`0192:<orgnr>`).
    pub org_number: Option<String>,
    pub admin: bool,
    pub vendor: bool,
    pub municipality: bool,
}

/// The longest an external token may still be valid: Maskinporten issues them for 120 s by
/// default; an hour leaves room for other issuers without accepting tokens minted for years.
const MAX_LIFETIME_SECS: i64 = 3600;

#[derive(Deserialize)]
struct Claims {
    exp: i64,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    consumer: Option<Consumer>,
}

#[derive(Deserialize)]
struct Consumer {
    #[serde(rename = "ID")]
    id: String,
}

struct Cache {
    keys: JwkSet,
    fetched: Option<Instant>,
    last_attempt: Option<Instant>,
}

pub struct ExternalIssuer {
    config: IssuerConfig,
    http: reqwest::Client,
    cache: Mutex<Cache>,
}

/// Asymmetric algorithms only: an HMAC algorithm here would let anyone who reads the public JWKS
/// forge tokens (the HS/RS confusion attack), and `none` is never accepted.
const ALLOWED: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

impl ExternalIssuer {
    pub fn new(config: IssuerConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("an HTTP client builds");
        Self {
            config,
            http,
            cache: Mutex::new(Cache {
                keys: JwkSet { keys: Vec::new() },
                fetched: None,
                last_attempt: None,
            }),
        }
    }

    /// True when the token's header names an algorithm this verifier handles (asymmetric).
    pub fn handles(token: &str) -> bool {
        decode_header(token).is_ok_and(|h| ALLOWED.contains(&h.alg))
    }

    pub async fn verify(&self, token: &str) -> Result<ExternalCaller, String> {
        let header = decode_header(token).map_err(|_| "malformed token".to_owned())?;
        if !ALLOWED.contains(&header.alg) {
            return Err(format!("algorithm {:?} is not accepted", header.alg));
        }
        let kid = header.kid.ok_or("the token names no key (`kid`)")?;
        let key = self.key(&kid, header.alg).await?;
        let mut v = Validation::new(header.alg);
        v.set_issuer(&[&self.config.issuer]);
        v.set_audience(&[&self.config.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        v.leeway = crate::tokens::LEEWAY_SECS as u64;
        v.validate_nbf = true;
        let data = decode::<Claims>(token, &key, &v).map_err(|e| format!("rejected: {e}"))?;
        let c = data.claims;
        let now = chrono::Utc::now().timestamp();
        crate::tokens::check_times(c.iat, c.nbf, c.exp, now, MAX_LIFETIME_SECS)
            .map_err(str::to_owned)?;
        let scopes: Vec<&str> = c.scope.split_whitespace().collect();
        let org_number = c
            .consumer
            .as_ref()
            .and_then(|k| k.id.strip_prefix("0192:"))
            .map(str::to_owned);
        Ok(ExternalCaller {
            client_id: c
                .client_id
                .or_else(|| c.consumer.map(|k| k.id))
                .unwrap_or_else(|| "unknown".into()),
            org_number,
            admin: scopes.contains(&self.config.admin_scope.as_str()),
            vendor: scopes.contains(&self.config.vendor_scope.as_str()),
            municipality: scopes.contains(&self.config.municipality_scope.as_str()),
        })
    }

    async fn key(&self, kid: &str, alg: Algorithm) -> Result<DecodingKey, String> {
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        let expired = cache
            .fetched
            .is_none_or(|t| now.duration_since(t) > self.config.cache_for);
        let unknown = cache.keys.find(kid).is_none();
        let may_fetch = cache
            .last_attempt
            .is_none_or(|t| now.duration_since(t) >= self.config.min_refetch);
        if expired || (unknown && may_fetch) {
            cache.last_attempt = Some(now);
            match self.fetch().await {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched = Some(now);
                }
                // keep serving the cached keys while the issuer is unreachable
                Err(e) => log::warn!("cannot fetch the JWKS of {}: {e}", self.config.issuer),
            }
        }
        let jwk = cache
            .keys
            .find(kid)
            .ok_or_else(|| format!("unknown key `{kid}`"))?;
        if let Some(declared) = jwk.common.key_algorithm {
            if format!("{declared:?}") != format!("{alg:?}") {
                return Err("the token's algorithm does not match its key".into());
            }
        }
        DecodingKey::from_jwk(jwk).map_err(|e| format!("unusable key `{kid}`: {e}"))
    }

    async fn fetch(&self) -> Result<JwkSet, String> {
        let res = self
            .http
            .get(&self.config.jwks_url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !res.status().is_success() {
            return Err(format!("status {}", res.status()));
        }
        res.json::<JwkSet>().await.map_err(|e| e.to_string())
    }
}
