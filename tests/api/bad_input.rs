//! A corpus of hostile and broken input: every request answers a 4xx (a problem document
//! wherever the request got past HTTP parsing), the server keeps serving, and the catalogue is
//! unchanged afterwards.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use feide_registry::domain::catalogue::raw::Catalogue;
use feide_registry::domain::portfolio::PortfolioReport;
use feide_registry::error::Problem;
use feide_registry::http::views::ServiceList;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Answer, TestApp};

/// Sends raw bytes as one HTTP/1.1 request; returns the status line's code and the whole answer.
fn raw(app: &TestApp, request: &[u8]) -> (u16, String) {
    let addr = app.base().trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, text)
}

/// The catalogue as the export gives it: compared before and after the corpus.
fn catalogue(app: &TestApp) -> Catalogue {
    feide_registry::app::export(&app.store).unwrap()
}

async fn hostile_input_is_refused_and_changes_nothing(app: TestApp) {
    let before = catalogue(&app);
    let vendor = app.vendor("trygg-trafikk").await;
    let admin = app.admin().await;

    // query strings: huge, negative and junk limits, forged cursors, duplicates, bad UTF-8
    let forged_json = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"s":"id","k":"' OR 1=1 --"}"#)
    };
    let long = "a".repeat(5000);
    let queries = [
        "/api/v1/services?limit=100000000000000000000000",
        "/api/v1/services?limit=-1",
        "/api/v1/services?limit=0",
        "/api/v1/services?limit=1e3",
        "/api/v1/services?cursor=AAAA",
        "/api/v1/services?cursor=%27%20OR%201%3D1%20--",
        &format!("/api/v1/services?cursor={long}"),
        &format!("/api/v1/services?sort=name&cursor={forged_json}"),
        "/api/v1/services?limit=5&limit=6",
        "/api/v1/services?outside_eea=true&outside_eea=false",
        "/api/v1/services?q=%FF%FE",
        "/api/v1/services?vendor=%C3%28",
        "/api/v1/services?country=US%00",
        "/api/v1/services?attribute=%3Cscript%3Ealert(1)%3C/script%3E",
        "/api/v1/services?flag=%27;DROP%20TABLE%20services;--",
        "/api/v1/services?updated_since=2026-13-45",
        "/api/v1/services?colour=red",
        "/api/v1/changes?since=-5",
        "/api/v1/changes?since=99999999999999999999999",
        "/api/v1/compare?services=kikora",
        "/api/v1/compare?services=kikora,kikora",
        &format!("/api/v1/compare?services=kikora,{long}"),
        "/api/v1/services/kikora/history?cursor=%00",
        "/api/v1/attributes?limit=abc",
    ];
    for q in queries {
        let res = app.get(q).await;
        assert_eq!(res.status(), 400, "{q}");
        let p = res.problem();
        assert!(!p.errors.is_empty(), "{q}: {p:?}");
    }
    // injection attempts in free-text filters are just text: no match, no error
    for q in [
        "/api/v1/services?vendor=%27%20OR%20%271%27%3D%271",
        "/api/v1/services?sub_processor=x%22%3B%20DROP%20TABLE%20services%3B%20--",
        "/api/v1/services?q=%27%20OR%201%3D1%20--",
        "/api/v1/services?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let list: ServiceList = app.read(q).await;
        assert_eq!(list.items.len(), 0, "{q}");
    }
    // paths: unknown, overlong, bad UTF-8, NUL
    for path in [
        "/api/v1/services/%FF%FE%FD",
        "/api/v1/services/kikora%00",
        &format!("/api/v1/services/{long}"),
        "/api/v1/vendors/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/services/%27%20OR%201%3D1/history",
        "/api/v1/countries/%00%00",
        "/api/v1/sub-processors/%3Cscript%3E",
    ] {
        let res = app.get(path).await;
        let status = res.status().as_u16();
        assert!(status == 404 || status == 400, "{path}: {status}");
        res.problem();
    }

    // bodies: malformed, truncated, wrong type, nested, invalid UTF-8, oversized
    let path = "/api/v1/services";
    let send = |body: Vec<u8>, ct: &'static str| {
        Answer::of(
            vendor
                .request(Method::POST, path)
                .header("Content-Type", ct)
                .body(body),
        )
    };
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested_obj = format!("{}1{}", "{\"a\":".repeat(30_000), "}".repeat(30_000));
    let bodies: Vec<(Vec<u8>, &'static str, u16)> = vec![
        (b"{\"id\": ".to_vec(), "application/json", 400),
        (b"".to_vec(), "application/json", 400),
        (b"null".to_vec(), "application/json", 400),
        (b"[1, 2, 3]".to_vec(), "application/json", 400),
        (b"\"a string\"".to_vec(), "application/json", 400),
        (
            b"{\"id\": \"x\"} trailing".to_vec(),
            "application/json",
            400,
        ),
        (b"{\"id\": \"\xff\xfe\"}".to_vec(), "application/json", 400),
        (nested.into_bytes(), "application/json", 400),
        (nested_obj.into_bytes(), "application/json", 400),
        (b"id=x".to_vec(), "application/x-www-form-urlencoded", 415),
        (b"{}".to_vec(), "text/plain", 415),
        (b"<service/>".to_vec(), "application/xml", 415),
        (vec![b' '; 300 * 1024], "application/json", 413),
        (b"{}".to_vec(), "application/json", 422),
        (
            br#"{"id": 5, "name": ["x"]}"#.to_vec(),
            "application/json",
            422,
        ),
    ];
    for (body, ct, want) in bodies {
        let shown = String::from_utf8_lossy(&body[..body.len().min(30)]).into_owned();
        let res = send(body, ct).await;
        assert_eq!(res.status().as_u16(), want, "{shown} as {ct}");
        res.problem();
    }

    // overlong texts, control characters and markup in every kind of field
    let svc = app.get("/api/v1/services/sykkeldyktig").await.body;
    let etag = app.etag("/api/v1/services/sykkeldyktig").await;
    let patch = json!({
        "name": "x".repeat(20_000),
        "description": "null\u{0000}byte",
        "purposes": ["ok", "bell\u{0007}"],
        "terms": {"venue": "y".repeat(10_001)},
        "attributes": [{"name": "cn'; DROP TABLE services; --", "justification": "<script>alert(1)</script>"}]
    });
    let res = vendor
        .patch("/api/v1/services/sykkeldyktig", &etag, &patch)
        .await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    let pointers: Vec<&str> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
    for want in [
        "/name",
        "/description",
        "/purposes/1",
        "/terms/venue",
        "/attributes/0/name",
    ] {
        assert!(pointers.contains(&want), "{want} not in {pointers:?}");
    }
    assert_eq!(app.get("/api/v1/services/sykkeldyktig").await.body, svc);
    let res = admin.get("/api/v1/audit?client_id=a%00b").await;
    assert_eq!(res.status(), 400);
    let res = Answer::of(
        app.request(Method::POST, "/api/v1/auth/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&client_id=a%00b&client_secret=x"),
    )
    .await;
    assert_eq!(res.status(), 401, "no client has a NUL in its id");
    let report: PortfolioReport = app
        .post(
            "/api/v1/reports/portfolio",
            json!({"services": ["kikora", "' OR 1=1 --", "<script>", "a\u{0000}b"]}),
        )
        .await
        .ok();
    assert_eq!(report.unknown.len(), 3);

    // bearer tokens that are not tokens
    for t in [
        "",
        "x",
        "a.b.c",
        &"A".repeat(10_000),
        "eyJhbGciOiJub25lIn0.e30.",
    ] {
        let res = app
            .bearer(t)
            .patch("/api/v1/services/sykkeldyktig", &etag, json!({}))
            .await;
        assert_eq!(res.status(), 401, "{t:.20}");
    }

    // below HTTP: control characters in headers, bad UTF-8 in the request line
    let (code, _) = raw(
        &app,
        b"GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Evil: a\x01b\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(code, 400, "a header with a control character");
    let (code, answer) = raw(
        &app,
        b"GET /api/v1/services/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(code == 400 || code == 404, "{answer}");
    let (code, answer) = raw(
        &app,
        b"GET /api/v1/services?q=\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    // raw non-ASCII bytes in the request line fail HTTP parsing itself: actix-http answers a
    // bare 400 before any handler runs (percent-encoded bad UTF-8 gets a problem document above)
    assert_eq!(code, 400, "{answer}");
    let (code, answer) = raw(&app, b"GET /api/v1/services HTTP/1.1\r\nHost: x\r\nAccept: text/csv;q=\xff\r\nConnection: close\r\n\r\n");
    assert!(code == 200 || code == 400 || code == 406, "{answer}");

    // still serving, nothing changed
    assert_eq!(app.ids("/api/v1/services").await.len(), 5);
    assert_eq!(catalogue(&app), before);
}

on_both_engines!(hostile_input_is_refused_and_changes_nothing);

/// A query parameter whose value is not UTF-8 is named in the problem, each once; the query as a
/// whole only when the parameter's name itself is not text.
async fn a_query_parameter_that_is_not_utf8_is_named(app: TestApp) {
    let pointers =
        |p: &Problem| -> Vec<String> { p.errors.iter().map(|e| e.pointer.clone()).collect() };
    let p = app
        .problem(
            "/api/v1/services?q=%FF%FE&status=active&vendor=%C3%28&q=%FE",
            400,
        )
        .await;
    assert_eq!(pointers(&p), ["q", "vendor"], "{p:?}");
    assert!(p.errors.iter().all(|e| e.detail.contains("UTF-8")), "{p:?}");

    let p = app.problem("/api/v1/services?%FF=1", 400).await;
    assert_eq!(pointers(&p), ["query"], "{p:?}");
}

on_both_engines!(a_query_parameter_that_is_not_utf8_is_named);

/// One request with several kinds of query problem gets one 400 naming each: an unknown name,
/// a single parameter repeated, a bad value and a limit out of range.
async fn every_query_problem_is_named_in_one_answer(app: TestApp) {
    let p = app
        .problem_en(
            "/api/v1/services?colour=red&status=active&status=retired&flag=shiny&limit=501",
            400,
        )
        .await;
    let detail = |pointer: &str| -> String {
        p.errors
            .iter()
            .find(|e| e.pointer == pointer)
            .unwrap_or_else(|| panic!("{pointer} not named: {p:?}"))
            .detail
            .clone()
    };
    assert_eq!(p.errors.len(), 4, "{p:?}");
    assert!(
        detail("colour").starts_with("unknown query parameter; this endpoint accepts: attribute,"),
        "{p:?}"
    );
    assert_eq!(detail("status"), "may be given only once");
    assert_eq!(detail("flag"), "`shiny` is not a known flag");
    assert_eq!(detail("limit"), "`501` is not an integer from 1 to 500");

    // an endpoint that takes no parameters says so instead of listing none
    let p = app.problem_en("/api/v1/services/kikora?foo=1", 400).await;
    assert_eq!(p.errors.len(), 1, "{p:?}");
    assert_eq!(p.errors[0].pointer, "foo");
    assert_eq!(
        p.errors[0].detail,
        "unknown query parameter; this endpoint takes no query parameters"
    );
}

on_both_engines!(every_query_problem_is_named_in_one_answer);

/// A write whose body has the wrong shape, in language `lang` (None: no `Accept-Language`).
async fn write_in(
    actor: &crate::helpers::Actor,
    method: Method,
    path: &str,
    body: &serde_json::Value,
    lang: Option<&str>,
) -> Answer {
    let content_type = if method == Method::PATCH {
        "application/merge-patch+json"
    } else {
        "application/json"
    };
    let mut rb = actor
        .request(method, path)
        .header("Content-Type", content_type)
        .header("If-Match", "*")
        .body(serde_json::to_vec(body).unwrap());
    if let Some(lang) = lang {
        rb = rb.header("Accept-Language", lang);
    }
    Answer::of(rb).await
}

fn listed(p: &Problem) -> Vec<(&str, &str)> {
    p.errors
        .iter()
        .map(|e| (e.pointer.as_str(), e.detail.as_str()))
        .collect()
}

/// A body of the wrong shape is a 422 naming every problem by JSON Pointer, in words a caller
/// understands, with the problems of its meaning found in what is left; nothing is stored.
async fn a_body_of_the_wrong_shape_lists_every_problem(app: TestApp) {
    let admin = app.admin().await;
    let created = admin
        .post("/api/v1/services", crate::helpers::new_service("formet"))
        .await;
    assert_eq!(created.status(), 201);
    let before = catalogue(&app);
    let path = "/api/v1/services/formet";

    let fourteen = json!({"terms": {"deletion_days_after_end": "fourteen"}});
    let res = write_in(&admin, Method::PATCH, path, &fourteen, Some("en")).await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    assert_eq!(
        listed(&p),
        [(
            "/terms/deletion_days_after_end",
            "must be a whole number of days"
        )],
        "{p:?}"
    );

    let three = json!({
        "colour": "red",
        "terms": {"deletion_days_after_end": "fourteen"},
        "attributes": [{"name": "givenname", "justification": "Viser navnet til eleven"}]
    });
    let res = write_in(&admin, Method::PATCH, path, &three, Some("en")).await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    let got = listed(&p);
    assert_eq!(got.len(), 3, "{p:?}");
    assert!(got.contains(&(
        "/terms/deletion_days_after_end",
        "must be a whole number of days"
    )));
    assert!(got.contains(&("/attributes/0/name", "unknown Feide attribute `givenname`")));
    let (_, unknown) = got.iter().find(|(at, _)| *at == "/colour").expect("colour");
    assert!(
        unknown.starts_with("is not a field of a service; fields are: id, name, vendor"),
        "{unknown}"
    );
    assert!(!format!("{p:?}").contains("i32"), "no Rust types: {p:?}");

    let mut nameless = crate::helpers::new_service("uten-navn");
    let body = nameless.as_object_mut().unwrap();
    body.remove("name");
    body.insert("status".into(), json!("sometimes"));
    let res = write_in(
        &admin,
        Method::POST,
        "/api/v1/services",
        &nameless,
        Some("en"),
    )
    .await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    assert_eq!(
        listed(&p),
        [
            ("/status", "must be one of: active, retired, unregistered"),
            ("/name", "is required"),
        ],
        "{p:?}"
    );

    let vendor = json!({"id": "eldur-learning", "name": 7, "country": ["NO"], "since": 2020});
    let res = write_in(
        &admin,
        Method::PUT,
        "/api/v1/vendors/eldur-learning",
        &vendor,
        Some("en"),
    )
    .await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    let pointers: Vec<&str> = listed(&p).into_iter().map(|(at, _)| at).collect();
    assert_eq!(pointers, ["/name", "/country", "/since"]);

    let res = write_in(
        &app.anonymous(),
        Method::POST,
        "/api/v1/reports/portfolio",
        &json!({"services": "kikora", "extra": 1}),
        Some("en"),
    )
    .await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    assert_eq!(listed(&p)[0], ("/services", "must be a list"), "{p:?}");
    assert_eq!(listed(&p)[1].0, "/extra", "{p:?}");

    assert_eq!(catalogue(&app), before, "nothing was stored");
}

on_both_engines!(a_body_of_the_wrong_shape_lists_every_problem);

/// Problems, flag labels and rules and adequacy notes are said in the language asked for, and
/// the answer says which; without `Accept-Language` in bokmål, as API.md says.
async fn texts_follow_accept_language(app: TestApp) {
    let admin = app.admin().await;
    let created = admin
        .post("/api/v1/services", crate::helpers::new_service("sprak"))
        .await;
    assert_eq!(created.status(), 201);
    let bad = json!({"terms": {"deletion_days_after_end": "fourteen", "governing_law": "XX"}});
    let cases = [
        (
            Some("nb"),
            "nb",
            "må være et helt antall dager",
            "ukjent ISO 3166-1-land `XX`",
            "Ugyldig dokument",
            "Ingen frist for varsling av avvik",
            "Bare virksomheter",
        ),
        (
            Some("nn"),
            "nn",
            "må vere eit heilt tal dagar",
            "ukjend ISO 3166-1-land `XX`",
            "Ugyldig dokument",
            "Ingen frist for varsling av avvik",
            "Berre verksemder",
        ),
        (
            Some("en"),
            "en",
            "must be a whole number of days",
            "unknown ISO 3166-1 country `XX`",
            "Invalid document",
            "No breach notice deadline",
            "Only organisations",
        ),
        (
            Some("en-GB,en;q=0.8"),
            "en",
            "must be a whole number of days",
            "unknown ISO 3166-1 country `XX`",
            "Invalid document",
            "No breach notice deadline",
            "Only organisations",
        ),
        (
            None,
            "nb",
            "må være et helt antall dager",
            "ukjent ISO 3166-1-land `XX`",
            "Ugyldig dokument",
            "Ingen frist for varsling av avvik",
            "Bare virksomheter",
        ),
    ];
    for (asked, lang, days, country, title, label, note) in cases {
        let res = write_in(&admin, Method::PATCH, "/api/v1/services/sprak", &bad, asked).await;
        assert_eq!(res.status(), 422, "{asked:?}");
        assert_eq!(res.header("content-language"), Some(lang), "{asked:?}");
        let p = res.problem();
        assert_eq!(p.title, title, "{asked:?}");
        assert_eq!(
            listed(&p),
            [
                ("/terms/deletion_days_after_end", days),
                ("/terms/governing_law", country)
            ],
            "{asked:?}"
        );

        let with_lang = |path: &str| {
            let rb = app.anonymous().request(Method::GET, path);
            match asked {
                Some(l) => rb.header("Accept-Language", l),
                None => rb,
            }
        };
        let res = Answer::of(with_lang("/api/v1/compare?services=kikora,glupus")).await;
        assert_eq!(res.header("content-language"), Some(lang), "{asked:?}");
        let compared: feide_registry::domain::compare::Comparison = res.ok();
        let row = compared
            .flags
            .iter()
            .find(|f| f.flag.as_str() == "no_breach_deadline")
            .unwrap();
        assert_eq!(row.label, label, "{asked:?}");

        let us: feide_registry::http::views::CountryDetail =
            Answer::of(with_lang("/api/v1/countries/US")).await.ok();
        let us_note = us.country.adequacy_note.unwrap_or_default();
        assert!(us_note.starts_with(note), "{asked:?}: {us_note}");
    }
}

on_both_engines!(texts_follow_accept_language);

/// One request of a kind of refusal.
struct Refusal {
    what: &'static str,
    status: u16,
    method: Method,
    path: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<Vec<u8>>,
}

/// Words that mark an English detail; none of them is a word of nynorsk (`at`, `for`, `no` and
/// `token` are, so they are not listed).
const ENGLISH: &[&str] = &[
    "the",
    "is",
    "are",
    "not",
    "must",
    "may",
    "only",
    "with",
    "this",
    "exists",
    "already",
    "unknown",
    "accepts",
    "available",
    "needs",
    "be",
    "of",
    "an",
    "or",
    "and",
    "resource",
    "body",
    "change",
    "query",
];

fn english_words(detail: &str) -> Vec<String> {
    detail
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect()
}

/// Issue 13: every problem detail follows `Accept-Language`. Each refusal asked in nynorsk is said
/// in nynorsk: `Content-Language: nn`, a detail (and every listed field's detail) that is not the
/// English one and holds no English word. A new refusal written in English only fails here.
async fn every_refusal_is_said_in_the_language_asked(app: TestApp) {
    let admin = app.admin().await;
    let other_vendor = app.vendor("eldur-learning").await;
    let mut existing = crate::helpers::new_service("ny-nynorsk");
    existing["id"] = json!("sykkeldyktig");
    let json = ("Content-Type", "application/json");
    let refusals = [
        (
            None,
            Refusal {
                what: "bad query parameters",
                status: 400,
                method: Method::GET,
                path: "/api/v1/services?colour=raud&limit=0&outside_eea=kanskje&sort=name&sort=id&cursor=AAAA",
                headers: vec![],
                body: None,
            },
        ),
        (
            None,
            Refusal {
                what: "an unknown service",
                status: 404,
                method: Method::GET,
                path: "/api/v1/services/finst-ikkje",
                headers: vec![],
                body: None,
            },
        ),
        (
            None,
            Refusal {
                what: "an unknown path",
                status: 404,
                method: Method::GET,
                path: "/api/v1/ingenting",
                headers: vec![],
                body: None,
            },
        ),
        (
            None,
            Refusal {
                what: "no token",
                status: 401,
                method: Method::POST,
                path: "/api/v1/services",
                headers: vec![json],
                body: Some(b"{}".to_vec()),
            },
        ),
        (
            Some(&other_vendor),
            Refusal {
                what: "another vendor's service",
                status: 403,
                method: Method::PATCH,
                path: "/api/v1/services/sykkeldyktig",
                headers: vec![
                    ("Content-Type", "application/merge-patch+json"),
                    ("If-Match", "*"),
                ],
                body: Some(br#"{"description": "Overteke"}"#.to_vec()),
            },
        ),
        (
            None,
            Refusal {
                what: "a type not offered",
                status: 406,
                method: Method::GET,
                path: "/api/v1/services",
                headers: vec![("Accept", "application/xml")],
                body: None,
            },
        ),
        (
            Some(&admin),
            Refusal {
                what: "an id that exists",
                status: 409,
                method: Method::POST,
                path: "/api/v1/services",
                headers: vec![json],
                body: Some(serde_json::to_vec(&existing).unwrap()),
            },
        ),
        (
            Some(&admin),
            Refusal {
                what: "a body too large",
                status: 413,
                method: Method::POST,
                path: "/api/v1/services",
                headers: vec![json],
                body: Some(vec![b' '; 300 * 1024]),
            },
        ),
        (
            Some(&admin),
            Refusal {
                what: "a body not JSON",
                status: 415,
                method: Method::POST,
                path: "/api/v1/services",
                headers: vec![("Content-Type", "text/plain")],
                body: Some(b"{}".to_vec()),
            },
        ),
    ];
    let anonymous = app.anonymous();
    for (actor, r) in &refusals {
        let actor = actor.unwrap_or(&anonymous);
        let said_in = |lang: &'static str| {
            let mut rb = actor
                .request(r.method.clone(), r.path)
                .header("Accept-Language", lang);
            for (name, value) in &r.headers {
                rb = rb.header(*name, *value);
            }
            if let Some(body) = &r.body {
                rb = rb.body(body.clone());
            }
            Answer::of(rb)
        };
        let (nn, en) = (said_in("nn").await, said_in("en").await);
        assert_eq!(nn.status(), r.status, "{}: {}", r.what, nn.text());
        assert_eq!(en.status(), r.status, "{}", r.what);
        assert_eq!(nn.header("content-language"), Some("nn"), "{}", r.what);
        assert_eq!(en.header("content-language"), Some("en"), "{}", r.what);
        let (nn, en) = (nn.problem(), en.problem());
        let mut pairs = vec![(nn.detail.clone(), en.detail.clone())];
        assert_eq!(nn.errors.len(), en.errors.len(), "{}", r.what);
        for (n, e) in nn.errors.iter().zip(&en.errors) {
            assert_eq!(n.pointer, e.pointer, "{}", r.what);
            pairs.push((n.detail.clone(), e.detail.clone()));
        }
        if r.status == 400 {
            // every kind of query problem: unknown, out of range, malformed, repeated, forged
            let named: Vec<&str> = nn.errors.iter().map(|e| e.pointer.as_str()).collect();
            for p in ["colour", "limit", "outside_eea", "sort", "cursor"] {
                assert!(named.contains(&p), "{p} not named: {named:?}");
            }
        }
        for (nynorsk, english) in pairs {
            assert_ne!(nynorsk, english, "{}: said in English only", r.what);
            assert!(
                english_words(&nynorsk).is_empty(),
                "{}: English words {:?} in `{nynorsk}`",
                r.what,
                english_words(&nynorsk)
            );
            assert!(
                !english_words(&english).is_empty(),
                "{}: the check knows no word of `{english}`",
                r.what
            );
        }
    }
}

on_both_engines!(every_refusal_is_said_in_the_language_asked);
