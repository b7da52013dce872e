//! Headers every answer carries whatever handler produced it: safety, `Last-Modified` on
//! catalogue reads, validators on the documentation's assets, and the outermost conventions
//! (cross-origin scope, refusals as problem documents, content coding and `Vary`).

use std::time::{Duration, SystemTime};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue, HttpDate};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};

use super::negotiate::language;
use crate::texts::{Lang, Said, Text};

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
    // a page (`crate::pages`) sets its own, which allows its stylesheet and names its framers
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
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

/// The reads answered from the catalogue held in memory: their `Last-Modified` is the time the
/// snapshot changed. History, the change feed and the audit log are read from the database.
pub fn catalogue_read(req: &ServiceRequest) -> bool {
    let from_db = ["/history", "/changes", "/audit"];
    matches!(*req.method(), Method::GET | Method::HEAD)
        && ((req.path().starts_with("/api/v1")
            && !from_db.iter().any(|p| req.path().ends_with(p))
            && !req.path().contains("/announcements"))
            || crate::pages::from_catalogue(req.path()))
}

/// Adds `Last-Modified` beside the ETag of a catalogue read, and answers 304 to an
/// `If-Modified-Since` at or after it when the request has no `If-None-Match` (RFC 9110
/// §13.1.3: the ETag decides when sent). `unchanged` says the snapshot is still the one current
/// when the request began, so the answer came from a snapshot no newer than `changed_at`.
pub fn last_modified(
    res: ServiceResponse,
    changed_at: DateTime<Utc>,
    unchanged: bool,
) -> ServiceResponse {
    let status = res.status();
    let validated = matches!(status, StatusCode::OK | StatusCode::NOT_MODIFIED)
        && res.headers().contains_key(header::ETAG);
    if !validated {
        return res;
    }
    // HTTP dates have whole seconds
    let since_epoch = u64::try_from(changed_at.timestamp()).unwrap_or(0);
    let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch);
    let mut res = res;
    if let Ok(v) = HeaderValue::from_str(&HttpDate::from(modified).to_string()) {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    let asked = res.request().headers();
    let since = asked
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<HttpDate>().ok())
        .map(SystemTime::from);
    let fresh = !asked.contains_key(header::IF_NONE_MATCH) && since.is_some_and(|s| modified <= s);
    if status == StatusCode::OK && unchanged && fresh {
        return not_modified(res);
    }
    res
}

/// A 304 in place of a 200: the same headers but those describing the body (RFC 9110 §15.4.5).
fn not_modified(res: ServiceResponse) -> ServiceResponse {
    let (req, full) = res.into_parts();
    let mut out = HttpResponse::NotModified().finish();
    for (name, value) in full.headers() {
        let body_header = [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_DISPOSITION,
        ]
        .contains(name);
        if !body_header {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, out)
}

/// How long a browser may keep the documentation's assets without asking again: they change
/// only with the binary, and their ETag makes the asking cheap.
const DOCS_CACHE: &str = "public, max-age=3600";

/// The documentation's assets (served by `utoipa-swagger-ui`, which sets no validator) with a
/// strong ETag over their bytes and `Cache-Control`; 304 on `If-None-Match`.
pub fn docs_validated(res: ServiceResponse) -> ServiceResponse {
    let req = res.request();
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    if !read || !req.path().starts_with("/docs/") || res.status() != StatusCode::OK {
        return res;
    }
    let (req, full) = res.into_parts();
    let (head, body) = full.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        Err(body) => return ServiceResponse::new(req, head.set_body(body)),
    };
    let tag = super::negotiate::etag(&bytes);
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim() == "*"
                || v.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == tag)
        });
    let mut res = ServiceResponse::new(req, head.set_body(BoxBody::new(bytes)));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(DOCS_CACHE));
    if matches {
        return not_modified(res);
    }
    res
}

/// Adds `Link: <page>; rel="alternate"; type="text/html"` to a successful API read that has a
/// page for people (`pages::page_of_api`).
pub fn page_alternate<B>(res: &mut ServiceResponse<B>) {
    let req = res.request();
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let answered = res.status() == StatusCode::OK || res.status() == StatusCode::NOT_MODIFIED;
    if !read || !answered {
        return;
    }
    let Some(page) = crate::pages::page_of_api(req.path(), req.query_string()) else {
        return;
    };
    let link = format!(
        "<{}>; rel=\"alternate\"; type=\"text/html\"",
        super::pagination::absolute(req, &page)
    );
    if let Ok(v) = HeaderValue::from_str(&link) {
        res.headers_mut().append(header::LINK, v);
    }
}

/// The one public POST a browser on another origin may make (`CORS_ORIGINS`): the portfolio
/// report stores nothing. Writes never come from browsers.
const CROSS_ORIGIN_POST: &str = "/api/v1/reports/portfolio";

/// What the outermost layer does to every answer: it keeps cross-origin POSTs to the portfolio
/// report, answers any refusal that is not yet a problem document (CORS, content coding) as one,
/// weakens the ETag of a compressed answer (the bytes sent are not the bytes it names, RFC 9110
/// §8.8.3), and sends one `Vary` that names `Accept-Encoding`.
pub fn conventions(res: ServiceResponse) -> ServiceResponse {
    let mut res = cross_origin_scope(res);
    if res.status().is_client_error() || res.status().is_server_error() {
        res = as_problem(res);
    }
    weaken_encoded_etag(&mut res);
    merge_vary(res.headers_mut());
    res
}

fn cross_origin_scope(mut res: ServiceResponse) -> ServiceResponse {
    let req = res.request();
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return res;
    };
    let elsewhere = req.path().trim_end_matches('/') != CROSS_ORIGIN_POST;
    let asked_post = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .is_some_and(|m| m.as_bytes() == b"POST");
    if *req.method() == Method::OPTIONS && asked_post && elsewhere {
        let detail = Text::CorsNoPost.with(&[
            ("origin", &origin.to_str().unwrap_or("Origin")),
            ("path", &CROSS_ORIGIN_POST),
        ]);
        let refusal = cors_refusal(language(req.headers()), detail);
        return res.into_response(refusal);
    }
    if *req.method() == Method::POST && elsewhere {
        for h in [
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ] {
            res.headers_mut().remove(h);
        }
    }
    res
}

fn cors_refusal(lang: Lang, detail: Said) -> HttpResponse {
    let mut res = crate::error::problem_response(
        StatusCode::BAD_REQUEST,
        "cors-refused",
        Text::TitleCorsRefused.get(lang),
        detail.render(lang),
        Vec::new(),
    );
    res.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    res
}

/// A refusal from a middleware (`actix-cors`, compression) answered as an RFC 9457 problem, with
/// the headers it had. A page's own refusal (an HTML 404) is already said for people.
fn as_problem(res: ServiceResponse) -> ServiceResponse {
    let said = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json") || v.starts_with("text/html"));
    if said {
        return res;
    }
    let cors = res.request().headers().contains_key(header::ORIGIN)
        && res.status() == StatusCode::BAD_REQUEST;
    let lang = language(res.request().headers());
    let (req, full) = res.into_parts();
    let status = full.status();
    let headers = full.headers().clone();
    let said = full
        .into_body()
        .try_into_bytes()
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .filter(|s| !s.is_empty());
    let mut out = if cors {
        // actix-cors says why in English only; the catalogue's texts say it in the language
        // asked, with the library's own words as the reason where it gave one.
        let reason = said.map_or_else(
            || Text::CorsOriginRefused.into(),
            |s| Said::from(s.trim_end_matches('.').to_owned()),
        );
        cors_refusal(
            lang,
            Said::from(Text::CorsRefused).and_said("reason", reason),
        )
    } else {
        let reason = status.canonical_reason().unwrap_or("Error");
        let kind = reason.to_ascii_lowercase().replace(' ', "-");
        crate::error::problem_response(
            status,
            &kind,
            reason,
            said.unwrap_or_else(|| reason.to_owned()),
            Vec::new(),
        )
    };
    for (name, value) in &headers {
        let body_header = [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
        ]
        .contains(name);
        if !body_header && !out.headers().contains_key(name) {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, out)
}

/// `W/` before the ETag of an answer that is, or (for a 304) would have been, content-coded.
fn weaken_encoded_etag(res: &mut ServiceResponse) {
    let encoded = res.headers().contains_key(header::CONTENT_ENCODING)
        || (res.status() == StatusCode::NOT_MODIFIED && accepts_coding(res.request()));
    let Some(tag) = res.headers().get(header::ETAG).cloned() else {
        return;
    };
    if encoded && tag.as_bytes().first() == Some(&b'"') {
        let mut weak = b"W/".to_vec();
        weak.extend_from_slice(tag.as_bytes());
        if let Ok(v) = HeaderValue::from_bytes(&weak) {
            res.headers_mut().insert(header::ETAG, v);
        }
    }
}

/// Whether the request accepts a content coding the registry compresses with.
fn accepts_coding(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            super::negotiate::weighted(v)
                .iter()
                .any(|(c, q)| *q > 0.0 && matches!(c.as_str(), "gzip" | "br" | "zstd" | "deflate"))
        })
}

/// One `Vary` naming each header once, `Accept-Encoding` among them (every answer may be
/// compressed, so a cache must key on it even for an uncompressed one).
fn merge_vary(headers: &mut HeaderMap) {
    let mut names: Vec<String> = Vec::new();
    for value in headers.get_all(header::VARY) {
        for name in value.to_str().unwrap_or_default().split(',') {
            let name = name.trim();
            if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
    }
    if names.iter().any(|n| n == "*") {
        return;
    }
    if !names
        .iter()
        .any(|n| n.eq_ignore_ascii_case("accept-encoding"))
    {
        names.push("Accept-Encoding".to_owned());
    }
    let joined = names
        .iter()
        .map(|n| {
            if n.eq_ignore_ascii_case("accept-encoding") {
                "Accept-Encoding".to_owned()
            } else {
                n.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(v) = HeaderValue::from_str(&joined) {
        headers.insert(header::VARY, v);
    }
}
