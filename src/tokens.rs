//! Client secrets (SHA-256 hashes of random values) and the registry's own access tokens (HS256 JWTs with a short
//! lifetime; issuer and audience are checked on every request).

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::auth::{Actor, ClientRole};

/// How a new client secret is stored: its SHA-256, hex. The registry generates every secret
/// (32 random bytes), so a slow password hash adds nothing against guessing, while its cost (by
/// design, in memory and time) is one an anonymous caller could multiply at will. Stored
/// API tokens are hashed this way by crates.io and GitHub for the same reason.
pub fn hash_secret(secret: &str) -> String {
    format!("{SHA256_PREFIX}{}", hex(&Sha256::digest(secret.as_bytes())))
}

const SHA256_PREFIX: &str = "sha256$";

/// How a stored hash was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretHash {
    Sha256,
    /// Clients created before secrets were hashed with SHA-256: argon2id, rehashed on first use.
    Argon2,
}

impl SecretHash {
    pub fn of(hash: &str) -> SecretHash {
        if hash.starts_with(SHA256_PREFIX) {
            SecretHash::Sha256
        } else {
            SecretHash::Argon2
        }
    }
}

/// One argon2 verification at a time: each takes 19 MiB, and only clients created before the
/// switch to SHA-256 still need one (once each).
static ARGON2_GATE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Whether `secret` is the one `hash` was made from; constant time for SHA-256 hashes.
pub fn verify_secret(secret: &str, hash: &str) -> bool {
    match SecretHash::of(hash) {
        SecretHash::Sha256 => constant_time_eq(hash_secret(secret).as_bytes(), hash.as_bytes()),
        SecretHash::Argon2 => {
            let _one = ARGON2_GATE.lock().unwrap_or_else(|e| e.into_inner());
            PasswordHash::new(hash).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(secret.as_bytes(), &h)
                    .is_ok()
            })
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 hash of a secret nobody has: an unknown client id is checked against it, so that it
/// takes as long to refuse as a wrong secret.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_secret(&random_token(32)))
}

/// Seconds of clock skew allowed between this registry and a token issuer.
pub const LEEWAY_SECS: i64 = 5;

/// The time claims every token must satisfy, beyond `exp`: not used before `nbf`, not issued in
/// the future, and valid for at most `max_lifetime` seconds from now (so a key holder cannot
/// mint a token for years).
pub fn check_times(
    iat: Option<i64>,
    nbf: Option<i64>,
    exp: i64,
    now: i64,
    max_lifetime: i64,
) -> Result<(), &'static str> {
    if nbf.is_some_and(|t| t > now + LEEWAY_SECS) {
        return Err("the token is not valid yet (nbf)");
    }
    if iat.is_some_and(|t| t > now + LEEWAY_SECS) {
        return Err("the token was issued in the future (iat)");
    }
    if exp - now > max_lifetime + LEEWAY_SECS {
        return Err("the token is valid for longer than this registry accepts (exp)");
    }
    Ok(())
}

/// `len` random bytes, URL-safe base64.
pub fn random_token(len: usize) -> String {
    use base64::Engine;
    let mut bytes = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The signing key in `path`, or a new random one written there (owner-only) when the file is
/// missing. The key never reaches the log.
pub fn load_or_create_key(path: &std::path::Path) -> Result<Vec<u8>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = text.trim();
            if key.len() < 32 {
                return Err(format!(
                    "{}: the token key must be at least 32 characters",
                    path.display()
                ));
            }
            Ok(key.as_bytes().to_vec())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_token(48);
            write_private(path, &key)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            log::info!("generated a new token signing key in {}", path.display());
            Ok(key.into_bytes())
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(content.as_bytes())?;
    f.write_all(b"\n")
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub issuer: String,
    pub audience: String,
    pub lifetime_secs: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, lifetime_secs: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            lifetime_secs,
        }
    }

    pub fn issue(&self, actor: &Actor, now: i64) -> String {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: actor.client_id().to_owned(),
            exp: now + self.lifetime_secs,
            iat: now,
            nbf: None,
            role: actor.role().as_str().to_owned(),
            vendor: actor.vendor().map(str::to_owned),
            municipality: actor.municipality().map(str::to_owned),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signs any claims")
    }

    /// The actor a token names, if its signature, algorithm, issuer, audience and times hold.
    /// The caller takes role and vendor from the client record, not from these claims.
    pub fn verify(&self, token: &str) -> Option<Actor> {
        // Only HS256: a token announcing another algorithm (`none`, RS256 with our secret as a
        // "public key") is refused before its signature is looked at.
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.leeway = LEEWAY_SECS as u64;
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = decode::<Claims>(token, &self.decoding, &v).ok()?;
        let c = &data.claims;
        let now = chrono::Utc::now().timestamp();
        check_times(Some(c.iat), c.nbf, c.exp, now, self.lifetime_secs).ok()?;
        let role = ClientRole::parse(&data.claims.role)?;
        let acts_for = match role {
            ClientRole::Municipality => data.claims.municipality,
            ClientRole::Vendor | ClientRole::Admin => data.claims.vendor,
        };
        Actor::of(data.claims.sub, role, acts_for)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_verifies_against_its_hash_only() {
        let h = hash_secret("s3cret");
        assert!(h.starts_with("sha256$"));
        assert!(verify_secret("s3cret", &h));
        assert!(!verify_secret("s3cret!", &h));
        assert!(!verify_secret("s3cret", "not a hash"));
        assert!(!verify_secret("s3cret", dummy_hash()));
        // a client created before the switch keeps working
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        let legacy = Argon2::default()
            .hash_password(b"old", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert_eq!(SecretHash::of(&legacy), SecretHash::Argon2);
        assert!(verify_secret("old", &legacy));
        assert!(!verify_secret("new", &legacy));
    }

    #[test]
    fn token_times_are_bounded() {
        let now = 1_000_000;
        assert!(check_times(Some(now), None, now + 300, now, 300).is_ok());
        assert!(check_times(Some(now), Some(now + 3600), now + 300, now, 300).is_err());
        assert!(check_times(Some(now + 60), None, now + 300, now, 300).is_err());
        assert!(check_times(Some(now), None, now + 1_000_000_000, now, 300).is_err());
    }

    #[test]
    fn tokens_are_checked_for_key_issuer_audience_and_expiry() {
        let keys = TokenKeys::new(b"k1", "reg", "api", 300);
        let actor = Actor::Vendor {
            client: "c".into(),
            vendor: "kikora".into(),
        };
        let now = chrono::Utc::now().timestamp();
        assert_eq!(keys.verify(&keys.issue(&actor, now)), Some(actor.clone()));
        assert_eq!(keys.verify(&keys.issue(&actor, now - 400)), None, "expired");
        assert_eq!(
            TokenKeys::new(b"k2", "reg", "api", 300).verify(&keys.issue(&actor, now)),
            None,
            "other key"
        );
        assert_eq!(
            TokenKeys::new(b"k1", "other", "api", 300).verify(&keys.issue(&actor, now)),
            None,
            "issuer"
        );
        assert_eq!(
            TokenKeys::new(b"k1", "reg", "other", 300).verify(&keys.issue(&actor, now)),
            None,
            "audience"
        );
        // alg: none with the same claims
        use base64::Engine;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let body = keys
            .issue(&actor, now)
            .split('.')
            .nth(1)
            .unwrap()
            .to_owned();
        assert_eq!(
            keys.verify(&format!("{}.{body}.", b64(r#"{"alg":"none","typ":"JWT"}"#))),
            None,
            "alg none"
        );
    }
}
