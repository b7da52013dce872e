//! The one stylesheet, compiled into the binary: no asset is fetched from anywhere else.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::http::negotiate::{etag, Body};

const SITE_CSS: &str = include_str!("site.css");

static SITE_CSS_ETAG: LazyLock<String> = LazyLock::new(|| etag(SITE_CSS.as_bytes()));

/// It changes only with the binary, and its ETag makes asking again cheap.
const CACHE: &str = "public, max-age=3600";

pub async fn stylesheet(req: HttpRequest) -> HttpResponse {
    let body = Body {
        bytes: SITE_CSS.as_bytes().into(),
        etag: Some(SITE_CSS_ETAG.clone()),
        content_type: "text/css; charset=utf-8",
        lang: None,
        link_next: None,
        link_first: None,
    };
    let mut res = body.respond(&req);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(CACHE),
    );
    res.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Accept-Encoding"),
    );
    res
}
