//! HTTP as well-kept public APIs speak it: compression, an index at the root, CORS for the one
//! public POST, absolute `Link`s, `Last-Modified`, validators on the document and the docs,
//! rate-limit headers, a change-feed cursor from elsewhere, and a 401 without a token.

use std::io::Read;

use feide_registry::http::history::ChangeFeed;
use feide_registry::http::ops::Root;
use feide_registry::http::views::ServiceList;
use feide_registry::store::fmt_time;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Answer, Engine, TestApp};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("brotli");
    out
}

fn vary_names(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .collect()
}

/// A client that asks for gzip or br gets the same document, smaller; one that does not gets it
/// as is; either can revalidate with the ETag it was given.
async fn answers_are_compressed_when_asked(app: TestApp) {
    let with = |coding: Option<&'static str>| {
        let rb = app.request(Method::GET, "/openapi.json");
        Answer::of(match coding {
            Some(c) => rb.header("Accept-Encoding", c),
            None => rb,
        })
    };
    let plain = with(None).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(vary_names(&plain).contains(&"accept-encoding".to_owned()));
    let document: Value = plain.json();

    let gz = with(Some("gzip")).await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(gz.body.len() < plain.body.len() / 2);
    let decoded: Value = serde_json::from_slice(&gunzip(&gz.body)).unwrap();
    assert_eq!(decoded, document);
    assert_eq!(
        vary_names(&gz)
            .iter()
            .filter(|n| *n == "accept-encoding")
            .count(),
        1
    );

    let br = with(Some("br")).await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    let decoded: Value = serde_json::from_slice(&unbrotli(&br.body)).unwrap();
    assert_eq!(decoded, document);

    // the compressed bytes are not the bytes the strong tag names: the tag is weak, and still
    // revalidates, compressed or not
    let weak = gz.etag();
    assert_eq!(weak.0, format!("W/{}", plain.etag().0));
    for tag in [weak.0.clone(), plain.etag().0] {
        let again = Answer::of(
            app.request(Method::GET, "/openapi.json")
                .header("Accept-Encoding", "gzip")
                .header("If-None-Match", tag),
        )
        .await;
        assert_eq!(again.status(), 304);
        assert_eq!(again.etag(), weak);
        assert!(again.body.is_empty());
    }

    // a catalogue list too, with its own Vary kept
    let list = Answer::of(
        app.request(Method::GET, "/api/v1/services?limit=100")
            .header("Accept-Encoding", "gzip"),
    )
    .await;
    assert_eq!(list.header("content-encoding"), Some("gzip"));
    let names = vary_names(&list);
    for n in ["accept", "accept-language", "accept-encoding"] {
        assert!(names.contains(&n.to_owned()), "{names:?}");
    }
}

/// A program at `/` or `/api/v1` finds every way in; a person with a browser lands on the home
/// page at `/` and on the docs at `/api/v1`.
async fn the_index_links_everything_and_sends_browsers_to_the_docs(app: TestApp) {
    for path in ["/", "/api/v1"] {
        let index: Root = app.read(path).await;
        assert_eq!(index.docs, "/docs/");
        assert_eq!(index.openapi, "/openapi.json");
        assert_eq!(index.token, "/api/v1/auth/token");
        for name in [
            "services",
            "vendors",
            "sub_processors",
            "countries",
            "attributes",
            "changes",
        ] {
            let link = &index.collections[name];
            assert_eq!(app.get(link).await.status(), 200, "{link}");
        }
        let browser = Answer::of(app.request(Method::GET, path).header(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ))
        .await;
        if path == "/" {
            assert_eq!(browser.status(), 200, "{path}");
            let html = browser.header("content-type").unwrap_or_default();
            assert!(html.starts_with("text/html"), "{html}");
            continue;
        }
        assert_eq!(browser.status(), 303, "{path}");
        assert_eq!(browser.header("location"), Some("/docs/"));
        let docs = app.get("/docs/").await;
        assert_eq!(docs.status(), 200);
        assert!(docs.text().contains("swagger"), "{}", docs.text());
    }
    // the document describes both
    let doc: Value = app.read("/openapi.json").await;
    assert!(doc["paths"]["/api/v1"]["get"]["responses"]["303"].is_object());
    assert!(doc["paths"]["/"]["get"]["responses"]["200"]["content"]["text/html"].is_object());
}

/// A dashboard on an allowed origin may POST the portfolio report, and a refusal is a problem
/// document a browser's developer tools show in full.
async fn a_browser_elsewhere_may_post_the_portfolio_report(engine: Engine) {
    let app = spawn_with(engine, |o| o.cors_origins = vec!["*".into()]).await;
    let preflight = |path: &str, method: &str| {
        Answer::of(
            app.request(Method::OPTIONS, path)
                .header("Origin", "https://dashboard.kommune.test")
                .header("Access-Control-Request-Method", method.to_owned())
                .header("Access-Control-Request-Headers", "content-type"),
        )
    };
    let ok = preflight("/api/v1/reports/portfolio", "POST").await;
    assert_eq!(ok.status(), 200, "{}", ok.text());
    assert_eq!(ok.header("access-control-allow-origin"), Some("*"));
    let allowed = ok
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("content-type"), "{allowed}");

    let report = Answer::of(
        app.request(Method::POST, "/api/v1/reports/portfolio")
            .header("Origin", "https://dashboard.kommune.test")
            .json(&json!({"services": ["kikora"]})),
    )
    .await;
    assert_eq!(report.status(), 200, "{}", report.text());
    assert_eq!(report.header("access-control-allow-origin"), Some("*"));

    // writes stay closed to browsers, and say so as a problem
    for (path, method) in [
        ("/api/v1/services", "POST"),
        ("/api/v1/services/kikora", "PATCH"),
    ] {
        let refused = preflight(path, method).await;
        assert_eq!(refused.status(), 400, "{method} {path}");
        let problem = refused.problem();
        assert!(problem.kind.ends_with("cors-refused"), "{problem:?}");
        assert!(!refused.headers.contains_key("access-control-allow-origin"));
    }
    let write = Answer::of(
        app.request(Method::POST, "/api/v1/services")
            .header("Origin", "https://dashboard.kommune.test")
            .json(&json!({})),
    )
    .await;
    assert_eq!(write.status(), 401);
    assert!(!write.headers.contains_key("access-control-allow-origin"));

    // an origin that is not allowed, where origins are listed
    let listed = spawn_with(engine, |o| {
        o.cors_origins = vec!["https://dashboard.kommune.test".into()]
    })
    .await;
    let refused = Answer::of(
        listed
            .request(Method::OPTIONS, "/api/v1/services")
            .header("Origin", "https://evil.test")
            .header("Access-Control-Request-Method", "GET"),
    )
    .await;
    assert_eq!(refused.status(), 400);
    let problem = refused.problem();
    assert!(problem.detail.contains("CORS_ORIGINS"), "{problem:?}");
}

/// `Link` gives absolute URLs to the next and the first page; the last page links the first.
async fn links_are_absolute_with_next_and_first(app: TestApp) {
    let page = app.get("/api/v1/services?limit=3&status=active").await;
    let link = page.header("link").expect("Link").to_owned();
    let base = app.base();
    assert!(
        link.contains(&format!(
            "<{base}/api/v1/services?limit=3&status=active&cursor="
        )),
        "{link}"
    );
    assert!(link.contains("rel=\"next\""), "{link}");
    assert!(
        link.contains(&format!(
            "<{base}/api/v1/services?limit=3&status=active>; rel=\"first\""
        )),
        "{link}"
    );
    let last = app.get("/api/v1/services?limit=500").await;
    assert_eq!(
        last.header("link"),
        Some(format!("<{base}/api/v1/services?limit=500>; rel=\"first\"").as_str())
    );
    let feed = app.get("/api/v1/changes?limit=2").await;
    let link = feed.header("link").unwrap();
    assert!(
        link.contains(&format!("<{base}/api/v1/changes?limit=2&since=")),
        "{link}"
    );
    assert!(
        link.contains(&format!("<{base}/api/v1/changes?limit=2>; rel=\"first\"")),
        "{link}"
    );
}

/// A cache that keeps dates rather than tags revalidates with `If-Modified-Since`; the tag still
/// decides when both are sent, and a write moves the date on.
async fn last_modified_sits_beside_every_catalogue_etag(app: TestApp) {
    for path in [
        "/api/v1/services",
        "/api/v1/services/kikora",
        "/api/v1/vendors/eldur-learning",
        "/api/v1/countries",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers.contains_key("etag"), "{path}");
        let date = res.header("last-modified").expect(path).to_owned();
        let since = |value: &str| {
            Answer::of(
                app.request(Method::GET, path)
                    .header("If-Modified-Since", value.to_owned()),
            )
        };
        let again = since(&date).await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.header("last-modified"), Some(date.as_str()));
        let old = since("Mon, 01 Jan 2001 00:00:00 GMT").await;
        assert_eq!(old.status(), 200);
        // If-None-Match wins: a stale tag with a fresh date is a 200
        let both = Answer::of(
            app.request(Method::GET, path)
                .header("If-Modified-Since", date.clone())
                .header("If-None-Match", "\"stale\""),
        )
        .await;
        assert_eq!(both.status(), 200, "{path}");
    }
    let path = "/api/v1/vendors/trygg-trafikk";
    let before = app.get(path).await;
    let date = before.header("last-modified").unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let vendor = app.vendor("trygg-trafikk").await;
    let res = vendor
        .patch(path, &before.etag(), json!({"address": "Gate 9"}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let after = Answer::of(
        app.request(Method::GET, path)
            .header("If-Modified-Since", date.clone()),
    )
    .await;
    assert_eq!(after.status(), 200, "changed since {date}");
    assert_ne!(after.header("last-modified"), Some(date.as_str()));

    // the document and the docs' assets carry validators too
    for path in ["/openapi.json", "/docs/", "/docs/swagger-ui.css"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.header("cache-control").is_some(), "{path}");
        let tag = res.etag();
        let again = Answer::of(
            app.request(Method::GET, path)
                .header("If-None-Match", tag.0),
        )
        .await;
        assert_eq!(again.status(), 304, "{path}");
    }
}

/// Writers and token clients see how much of their limit is left; a 429 says when to retry.
async fn limited_routes_say_where_the_caller_stands(engine: Engine) {
    let app = spawn_with(engine, |o| {
        o.write_rate_per_minute = 3;
        o.token_rate_per_minute = 10;
    })
    .await;
    let (id, _) = app.create_client(
        feide_registry::domain::auth::ClientRole::Vendor,
        Some("trygg-trafikk"),
    );
    let refused = app.token_request(&id, "wrong").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"token-failures\";q=10;w=60, \"token-failures-by-source\";q=40;w=60")
    );
    let state = refused.header("ratelimit").unwrap();
    assert!(state.starts_with("\"token-failures\";r=9;t="), "{state}");
    assert!(
        state.contains("\"token-failures-by-source\";r=39;t="),
        "{state}"
    );

    let vendor = app.vendor("trygg-trafikk").await;
    let path = "/api/v1/vendors/trygg-trafikk";
    let mut left = Vec::new();
    for i in 0..4 {
        let etag = app.etag(path).await;
        let res = vendor
            .patch(path, &etag, json!({"address": format!("Gate {i}")}))
            .await;
        assert_eq!(res.header("ratelimit-policy"), Some("\"writes\";q=3;w=60"));
        let state = res.header("ratelimit").unwrap().to_owned();
        left.push((
            res.status().as_u16(),
            state.split(';').nth(1).unwrap().to_owned(),
        ));
        if res.status() == 429 {
            assert!(res.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
        }
    }
    assert_eq!(
        left,
        [
            (200, "r=2".into()),
            (200, "r=1".into()),
            (200, "r=0".into()),
            (429, "r=0".into())
        ]
    );
}

/// A mirror holding a cursor this registry never issued is told how to get back in step.
async fn a_cursor_beyond_the_feed_says_how_to_resynchronise(app: TestApp) {
    let feed: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    let tip = feed.next_cursor.clone();
    let beyond = tip.parse::<i64>().unwrap() + 100;
    for since in [beyond.to_string(), "yesterday".to_owned()] {
        let problem = app
            .problem_en(&format!("/api/v1/changes?since={since}"), 400)
            .await;
        let named = &problem.errors[0];
        assert_eq!(named.pointer, "since");
        assert!(
            named
                .detail
                .contains(&format!("The latest change is {tip}")),
            "{}",
            named.detail
        );
        assert!(named.detail.contains("since=0"), "{}", named.detail);
    }
    let at_tip: ChangeFeed = app.read(&format!("/api/v1/changes?since={tip}")).await;
    assert!(at_tip.items.is_empty());
}

/// No token at all is not an invalid token (RFC 6750 §3.1); a bad one is.
async fn a_401_without_a_token_names_no_error(app: TestApp) {
    let none = app
        .delete("/api/v1/services/kikora", crate::helpers::IfMatch::Any)
        .await;
    assert_eq!(none.status(), 401);
    assert_eq!(
        none.header("www-authenticate"),
        Some("Bearer realm=\"feide-registry\"")
    );
    let bad = app
        .bearer("not-a-token")
        .delete("/api/v1/services/kikora", crate::helpers::IfMatch::Any)
        .await;
    assert_eq!(bad.status(), 401);
    assert!(bad
        .header("www-authenticate")
        .unwrap()
        .contains("error=\"invalid_token\""));
}

/// A spreadsheet gets times in the form JSON gives them.
async fn csv_times_end_in_z_like_json(app: TestApp) {
    let csv = Answer::of(
        app.request(Method::GET, "/api/v1/services?limit=3")
            .header("Accept", "text/csv"),
    )
    .await;
    let mut rows = csv::Reader::from_reader(csv.body.as_ref());
    let headers = rows.headers().unwrap().clone();
    let at = headers
        .iter()
        .position(|h| h == "updated_at")
        .expect("updated_at column");
    let list: ServiceList = app.read("/api/v1/services?limit=3").await;
    // a CSV answer is never cut (`limit` shapes JSON pages only): its first rows are the page
    assert_eq!(list.items.len(), 3);
    for (row, item) in rows.records().zip(&list.items) {
        let cell = row.unwrap()[at].to_owned();
        assert!(cell.ends_with('Z'), "{cell}");
        // JSON spells every moment with `fmt_time` (the upgrade test pins it)
        assert_eq!(cell, fmt_time(item.updated_at));
    }
}

on_both_engines!(
    answers_are_compressed_when_asked,
    the_index_links_everything_and_sends_browsers_to_the_docs,
    links_are_absolute_with_next_and_first,
    last_modified_sits_beside_every_catalogue_etag,
    a_cursor_beyond_the_feed_says_how_to_resynchronise,
    a_401_without_a_token_names_no_error,
    csv_times_end_in_z_like_json,
);

per_engine!(
    a_browser_elsewhere_may_post_the_portfolio_report,
    limited_routes_say_where_the_caller_stands,
);
