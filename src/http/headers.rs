//! Headers every answer carries for safety, whatever handler produced it.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;

/// The API answers data, never pages to frame or run: nothing is allowed.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Swagger UI: its own scripts, styles (it sets inline style attributes) and the document, from
/// this origin only; never framed (clickjacking of the "Authorize" dialog).
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Adds `X-Content-Type-Options`, a Content-Security-Policy, and `Cache-Control: no-store` on
/// answers to authenticated requests and writes (a shared cache must never keep them).
pub fn harden(method: &Method, path: &str, authenticated: bool, headers: &mut HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let csp = if path.starts_with("/docs") {
        DOCS_CSP
    } else {
        API_CSP
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    let read = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if authenticated || !read {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Marks a successful read of the catalogue answered while the database could not be reached:
/// `Age` (RFC 9111) gives the seconds since the database last confirmed the catalogue held in
/// memory, so a client can tell an answer that may miss recent writes.
pub fn mark_age(
    req: &actix_web::HttpRequest,
    status: actix_web::http::StatusCode,
    age: std::time::Duration,
    headers: &mut HeaderMap,
) {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let answered = status.is_success() || status == actix_web::http::StatusCode::NOT_MODIFIED;
    if read && answered && req.path().starts_with("/api/") {
        headers.insert(header::AGE, HeaderValue::from(age.as_secs()));
    }
}
