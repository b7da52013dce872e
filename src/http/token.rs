//! `POST /api/v1/auth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), answering
//! errors in the form RFC 6749 §5.2 prescribes (not problem documents: OAuth clients parse these).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::{event, record_anonymous_refusal, Security};
use super::AppState;
use crate::domain::auth::{Actor, ClientRole};
use crate::domain::validate::FieldProblem;
use crate::error::{AppError, Problem};
use crate::store::clients;
use crate::tokens::{dummy_hash, hash_secret, verify_secret, SecretHash};

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
#[derive(Debug, PartialEq, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    #[schema(example = "client_credentials", pattern = "^client_credentials$")]
    grant_type: String,
    // a form field is absent or a string, never null
    #[schema(example = "trygg-trafikk-k3x9q2ab", max_length = 200, nullable = false)]
    client_id: Option<String>,
    #[schema(max_length = 200, nullable = false)]
    client_secret: Option<String>,
}

impl TokenRequest {
    /// Reads the form. A parameter it does not know is ignored (RFC 6749 §3.1); the error is the
    /// `error_description` of an `invalid_request` answer.
    fn parse(body: &[u8]) -> Result<Self, String> {
        serde_urlencoded::from_bytes(body).map_err(|e| {
            // serde names the field in these two errors: say it in this endpoint's words
            let text = e.to_string();
            let field = |prefix: &str| text.strip_prefix(prefix).map(|f| f.trim_matches('`'));
            if let Some(f) = field("missing field ") {
                format!("`{f}` is required.")
            } else if let Some(f) = field("duplicate field ") {
                format!("`{f}` is given more than once.")
            } else {
                "The form is not valid URL encoding.".into()
            }
        })
    }
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
        (status = 400, description = "Malformed request, a query string (credentials never belong in a URL), or unsupported grant type", body = OAuthError),
        (status = 401, description = "Unknown client, wrong secret or revoked client", body = OAuthError,
         headers(("WWW-Authenticate" = String))),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within the deadline (`BODY_TIMEOUT_SECS`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many refused token requests from this source (for this client)", body = Problem, content_type = "application/problem+json",
         headers(("Retry-After" = u32))),
    )
)]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if !req.query_string().is_empty() {
        // RFC 6749 §2.3.1: credentials only in the body or the Authorization header. A query
        // string is logged by proxies along the way, so a secret there is already leaked.
        let refusal = AppError::BadRequest(vec![FieldProblem::said(
            "query",
            crate::texts::Text::TokenNoQuery,
        )]);
        record_anonymous_refusal(&req, &state, None, &refusal).await;
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Send no query string: the credentials belong in the form body or the Authorization header.",
        ));
    }
    let body = super::body::read_body(payload, 16 * 1024, state.security.body_timeout).await?;
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
    let form = match TokenRequest::parse(&body) {
        Ok(form) => form,
        Err(d) => return Ok(bad(&d)),
    };
    if form.grant_type != "client_credentials" {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only grant_type=client_credentials is supported.",
        ));
    }
    let basic = basic_credentials(&req);
    let (client_id, secret) = match (basic, form.client_id, form.client_secret) {
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
        (None, Some(id), Some(secret)) => (id, secret),
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
    let source = req
        .peer_addr()
        .map_or_else(String::new, |a| a.ip().to_string());
    let sec = &state.security;
    let pair = format!("{client_id}\u{0}{source}");
    let limited = || {
        sec.token_failures_by_source
            .peek(&source)
            .and(sec.token_failures_by_client.peek(&pair))
    };
    let store = state.store.clone();
    let id = client_id.clone();
    // A legacy argon2 hash is checked only while the caller is within its failure budget: each
    // check takes 19 MiB. A SHA-256 check costs a lookup and a digest, so it always runs, and a
    // right secret is never refused for anyone's failures.
    let budget_left = limited().is_ok();
    let found = web::block(move || check_client(&store, &id, &secret, budget_left)).await??;
    let Some(actor) = found else {
        let wait = limited().err();
        let _ = sec.token_failures_by_source.check(&source);
        let _ = sec.token_failures_by_client.check(&pair);
        let refusal = match wait {
            Some(wait) => AppError::TooManyRequests(wait),
            None => AppError::Unauthorized(crate::texts::Text::ClientRefused.into()),
        };
        record_anonymous_refusal(&req, &state, Some(&client_id), &refusal).await;
        let mut res = if wait.is_some() {
            refusal.render(super::negotiate::language(req.headers()))
        } else {
            oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Unknown client, wrong secret or revoked client.",
            )
        };
        failure_limits(&mut res, sec, &source, &pair);
        return Ok(res);
    };
    let keys = &state.security.keys;
    let token = keys.issue(&actor, Utc::now().timestamp());
    let ev = event(&req, Some(&actor), 200, None);
    let store = state.store.clone();
    web::block(move || clients::audit(&mut *store.conn()?, &ev)).await??;
    let mut res = HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: keys.lifetime_secs,
        });
    failure_limits(&mut res, sec, &source, &pair);
    Ok(res)
}

/// The active client `id` names if `secret` is its secret. An unknown id is checked against a
/// hash nobody has, so it takes as long to refuse as a wrong secret. A client still holding an
/// argon2 hash gets a SHA-256 one on its first success (`tokens::hash_secret`).
fn check_client(
    store: &crate::store::Store,
    id: &str,
    secret: &str,
    argon2_allowed: bool,
) -> Result<Option<Actor>, AppError> {
    let client = clients::find_client(&mut *store.conn()?, id)?;
    let hash = client
        .as_ref()
        .map_or(dummy_hash(), |c| c.secret_hash.as_str())
        .to_owned();
    let legacy = SecretHash::of(&hash) == SecretHash::Argon2;
    if legacy && !argon2_allowed {
        return Ok(None);
    }
    let right = verify_secret(secret, &hash);
    let Some(c) = client.filter(|c| right && c.revoked_at.is_none()) else {
        return Ok(None);
    };
    if legacy {
        clients::replace_secret_hash(
            &mut *store.conn()?,
            id,
            &c.secret_hash,
            &hash_secret(secret),
        )?;
    }
    Ok(ClientRole::parse(&c.role).and_then(|role| {
        let acts_for = c.acts_for();
        Actor::of(c.client_id, role, acts_for)
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

/// The two limits on refused token requests, per client and source and per source, as
/// `RateLimit-Policy` and `RateLimit` lists (draft-ietf-httpapi-ratelimit-headers-09): a client
/// sees how many more wrong secrets it may send before 429.
fn failure_limits(res: &mut HttpResponse, sec: &Security, source: &str, pair: &str) {
    let (by_client, by_source) = (&sec.token_failures_by_client, &sec.token_failures_by_source);
    super::caller::rate_limit_headers(
        res.headers_mut(),
        format!(
            "{}, {}",
            by_client.policy(FAILURES_BY_CLIENT),
            by_source.policy(FAILURES_BY_SOURCE)
        ),
        format!(
            "{}, {}",
            by_client.state(FAILURES_BY_CLIENT, pair),
            by_source.state(FAILURES_BY_SOURCE, source)
        ),
    );
}

const FAILURES_BY_CLIENT: &str = "token-failures";
const FAILURES_BY_SOURCE: &str = "token-failures-by-source";

#[cfg(test)]
mod tests {
    use super::TokenRequest;

    #[test]
    fn the_form_is_read_by_the_type_the_document_publishes() {
        let form = TokenRequest::parse(
            b"grant_type=client_credentials&client_id=a%2Bb&client_secret=s+t&scope=ignored",
        );
        assert_eq!(
            form,
            Ok(TokenRequest {
                grant_type: "client_credentials".into(),
                client_id: Some("a+b".into()),
                client_secret: Some("s t".into()),
            })
        );
        let basic_only = TokenRequest::parse(b"grant_type=password").unwrap();
        assert_eq!(basic_only.grant_type, "password");
        assert_eq!(basic_only.client_id, None);
        for (body, problem) in [
            (
                &b"client_id=a&client_secret=b"[..],
                "`grant_type` is required.",
            ),
            (b"", "`grant_type` is required."),
            (
                b"grant_type=client_credentials&client_id=a&client_id=b",
                "`client_id` is given more than once.",
            ),
            (
                b"grant_type=x&grant_type=client_credentials",
                "`grant_type` is given more than once.",
            ),
        ] {
            assert_eq!(
                TokenRequest::parse(body).unwrap_err(),
                problem,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
