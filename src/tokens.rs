//! Client secrets (argon2id hashes) and the registry's own access tokens (HS256 JWTs with a short
//! lifetime; issuer and audience are checked on every request).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::domain::auth::{Actor, ClientRole};

pub fn hash_secret(secret: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 hashes any input")
        .to_string()
}

pub fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
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
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
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
            sub: actor.client_id.clone(),
            exp: now + self.lifetime_secs,
            iat: now,
            role: actor.role.as_str().to_owned(),
            vendor: actor.vendor.clone(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signs any claims")
    }

    /// The actor a token names, if its signature, algorithm, issuer, audience and expiry hold.
    pub fn verify(&self, token: &str) -> Option<Actor> {
        // Only HS256: a token announcing another algorithm (`none`, RS256 with our secret as a
        // "public key") is refused before its signature is looked at.
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.leeway = 5;
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = decode::<Claims>(token, &self.decoding, &v).ok()?;
        let role = ClientRole::parse(&data.claims.role)?;
        Some(Actor {
            client_id: data.claims.sub,
            role,
            vendor: data.claims.vendor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_verifies_against_its_hash_only() {
        let h = hash_secret("s3cret");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_secret("s3cret", &h));
        assert!(!verify_secret("s3cret!", &h));
        assert!(!verify_secret("s3cret", "not a hash"));
    }

    #[test]
    fn tokens_are_checked_for_key_issuer_audience_and_expiry() {
        let keys = TokenKeys::new(b"k1", "reg", "api", 300);
        let actor = Actor {
            client_id: "c".into(),
            role: ClientRole::Vendor,
            vendor: Some("kikora".into()),
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
