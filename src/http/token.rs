//! `POST /api/v1/auth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), answering
//! errors in the form RFC 6749 §5.2 prescribes (not problem documents: OAuth clients parse these).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use base64::Engine;
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::{event, record_refusal};
use super::AppState;
use crate::domain::auth::{Actor, ClientRole};
use crate::error::{AppError, Problem};
use crate::store::clients;
use crate::tokens::verify_secret;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJmZWlkZS1yZWdpc3RyeSJ9.c2ln", "token_type": "Bearer", "expires_in": 300}))]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// The form of a token request (RFC 6749 §4.4.2); the client may authenticate with HTTP Basic
/// instead of `client_id` and `client_secret`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    #[schema(example = "client_credentials", pattern = "^client_credentials$")]
    grant_type: String,
    #[schema(example = "trygg-trafikk-k3x9q2ab", max_length = 200)]
    client_id: Option<String>,
    #[schema(max_length = 200)]
    client_secret: Option<String>,
}

/// An error response of RFC 6749 §5.2.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_client", "error_description": "Unknown client or wrong secret."}))]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `unsupported_grant_type` or `invalid_scope`.
    pub error: &'static str,
    pub error_description: String,
}

fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CACHE_CONTROL, "no-store"));
    if status == StatusCode::UNAUTHORIZED {
        res.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"feide-registry\""));
    }
    res.json(OAuthError {
        error,
        error_description: description.to_owned(),
    })
}

/// A hash of a secret nobody has, verified when the client is unknown so that an unknown id
/// takes as long to refuse as a wrong secret.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$rGLHsX4ChPVBhV0cZfnb6n8XOxsQ+3ZVUVs6hbr6MkE";

/// Get an access token.
///
/// The client-credentials grant: send `grant_type=client_credentials` form-encoded, with the
/// client id and secret an administrator created either as HTTP Basic credentials or as
/// `client_id` and `client_secret` in the form. The answer is a short-lived signed JWT to send as
/// `Authorization: Bearer <token>` on writes.
#[utoipa::path(
    post, path = "/api/v1/auth/token", tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded",
        description = "grant_type=client_credentials&client_id=ID&client_secret=SECRET"),
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        (status = 400, description = "Malformed request or unsupported grant type", body = OAuthError),
        (status = 401, description = "Unknown client, wrong secret or revoked client", body = OAuthError,
         headers(("WWW-Authenticate" = String))),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many token requests for this client", body = Problem, content_type = "application/problem+json",
         headers(("Retry-After" = u32))),
    )
)]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body = super::body::read_body(payload, 16 * 1024).await?;
    let form_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    let bad = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", d);
    if !form_type {
        return Ok(bad(
            "Send the request as application/x-www-form-urlencoded.",
        ));
    }
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return Ok(bad("The form is not valid URL encoding."));
    };
    let get = |name: &str| -> Result<Option<&str>, String> {
        let mut values = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(format!("`{name}` is given more than once."));
        }
        Ok(first)
    };
    let (grant, form_id, form_secret) =
        match (get("grant_type"), get("client_id"), get("client_secret")) {
            (Ok(g), Ok(i), Ok(s)) => (g, i, s),
            (Err(d), _, _) | (_, Err(d), _) | (_, _, Err(d)) => return Ok(bad(&d)),
        };
    match grant {
        None => return Ok(bad("`grant_type` is required.")),
        Some("client_credentials") => {}
        Some(_) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only grant_type=client_credentials is supported.",
            ))
        }
    }
    let basic = basic_credentials(&req);
    let (client_id, secret) = match (basic, form_id, form_secret) {
        (Some(Ok(_)), Some(_), _) | (Some(Ok(_)), _, Some(_)) => {
            return Ok(bad(
                "Send the client credentials once: in the Authorization header or in the form.",
            ))
        }
        (Some(Err(())), _, _) => {
            return Ok(bad(
                "The Authorization header is not valid Basic credentials.",
            ))
        }
        (Some(Ok(pair)), None, None) => pair,
        (None, Some(id), Some(secret)) => (id.to_owned(), secret.to_owned()),
        (None, _, _) => {
            // RFC 6749 §5.2: no client authentication at all is invalid_client.
            return Ok(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Authenticate the client: HTTP Basic, or client_id and client_secret in the form.",
            ));
        }
    };
    if client_id.len() > 200 || secret.len() > 200 {
        return Ok(bad("The client credentials are too long."));
    }
    if client_id.chars().any(char::is_control) {
        // No client has such an id (and NUL cannot even be looked up in PostgreSQL).
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client, wrong secret or revoked client.",
        ));
    }
    if let Err(wait) = state.security.token_limit.check(&client_id) {
        let e = AppError::TooManyRequests(wait);
        record_refusal(&req, &state, None, &e).await;
        return Ok(e.error_response());
    }
    let store = state.store.clone();
    let id = client_id.clone();
    let found = web::block(move || -> Result<Option<Actor>, AppError> {
        let client = clients::find_client(&mut *store.conn()?, &id)?;
        let hash = client
            .as_ref()
            .map_or(DUMMY_HASH, |c| c.secret_hash.as_str());
        let ok = verify_secret(&secret, hash);
        Ok(client
            .filter(|c| ok && c.revoked_at.is_none())
            .and_then(|c| {
                Some(Actor {
                    role: ClientRole::parse(&c.role)?,
                    vendor: c.vendor_id,
                    client_id: c.client_id,
                })
            }))
    })
    .await??;
    let Some(actor) = found else {
        let refusal =
            AppError::Unauthorized("unknown client, wrong secret or revoked client".into());
        record_refusal(&req, &state, None, &refusal).await;
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client, wrong secret or revoked client.",
        ));
    };
    let keys = &state.security.keys;
    let token = keys.issue(&actor, Utc::now().timestamp());
    let ev = event(&req, Some(&actor), 200, None);
    let store = state.store.clone();
    web::block(move || clients::audit(&mut *store.conn()?, &ev)).await??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: keys.lifetime_secs,
        }))
}

/// `Authorization: Basic` credentials: None when absent, Err when present but malformed. RFC 6749
/// §2.3.1 form-encodes id and secret before the Basic encoding.
fn basic_credentials(req: &HttpRequest) -> Option<Result<(String, String), ()>> {
    // Another scheme (a bearer token sent along by a generic client) is not client authentication.
    let value = req.headers().get(header::AUTHORIZATION).filter(|v| {
        v.to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
    })?;
    let parsed = (|| {
        let v = value.to_str().ok()?;
        let (_, rest) = v.split_once(' ')?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (id, secret) = text.split_once(':')?;
        let decode = |s: &str| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
                .ok()
                .and_then(|mut v| v.pop())
                .map(|(_, v)| v)
        };
        Some((decode(id)?, decode(secret)?))
    })();
    Some(parsed.ok_or(()))
}
