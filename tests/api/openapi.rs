//! The OpenAPI document: served, committed, identical; and the docs UI works offline.

use serde_json::Value;

use crate::helpers::{Answer, TestApp};

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

async fn the_served_document_is_the_committed_one(app: TestApp) {
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status(), 200);
    let served = res.text();
    assert!(
        served == COMMITTED,
        "openapi/openapi.json is out of date: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
    // the document itself is the subject here: read as raw JSON
    let doc: Value = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
}

async fn every_route_is_documented_with_errors_and_examples(app: TestApp) {
    let doc: Value = app.read("/openapi.json").await;
    // OpenAPI 3.1 license objects name an SPDX identifier or a URL; openapi-generator refuses a
    // document with neither
    assert_eq!(doc["info"]["license"]["identifier"], "MIT OR Apache-2.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/attributes",
        "/api/v1/attributes/{name}",
        "/api/v1/oidc-scopes",
        "/api/v1/vendors",
        "/api/v1/vendors/{id}",
        "/api/v1/services",
        "/api/v1/services/{id}",
        "/api/v1/sub-processors",
        "/api/v1/sub-processors/{id}",
        "/api/v1/countries",
        "/api/v1/countries/{code}",
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/compare",
    ] {
        let op = &paths.get(p).unwrap_or_else(|| panic!("{p} undocumented"))["get"];
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("200"), "{p}");
        if p.starts_with("/api/") {
            for code in ["400", "304"] {
                assert!(responses.contains_key(code), "{p} lacks {code}");
            }
            assert_eq!(
                responses["400"]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{p}"
            );
        }
    }
    // every documented query parameter of the service list is one the server accepts, and v.v.
    let params: Vec<&str> = paths["/api/v1/services"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in &params {
        let res = app.get(&format!("/api/v1/services?{name}=x")).await;
        if res.status() == 400 {
            assert!(
                !res.problem()
                    .errors
                    .iter()
                    .any(|e| e.detail.contains("unknown query parameter")),
                "documented parameter {name} is refused as unknown"
            );
        }
    }
    let portfolio = &paths["/api/v1/reports/portfolio"]["post"];
    for code in ["200", "400", "413", "415", "422"] {
        assert!(
            portfolio["responses"].get(code).is_some(),
            "portfolio lacks {code}"
        );
    }
    for schema in [
        "Comparison",
        "PortfolioReport",
        "PortfolioRequest",
        "ServiceSummary",
        "VendorView",
        "Problem",
    ] {
        let s = &doc["components"]["schemas"][schema];
        assert!(s["example"].is_object(), "{schema} has no example: {s}");
    }
    let flag = doc["components"]["schemas"]["Flag"]["description"]
        .as_str()
        .unwrap();
    assert!(
        flag.contains("`no_adequacy_transfer`: ") && flag.contains("Privacy Shield"),
        "{flag}"
    );
    assert!(doc["components"]["schemas"]["Problem"]["example"].is_object());
}

async fn the_docs_ui_serves_its_own_assets(app: TestApp) {
    let redirect = app.get("/docs").await;
    assert!(redirect.status().is_redirection());
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page loads something from outside: {html}"
    );
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let res = app.get(asset).await;
        assert_eq!(res.status(), 200, "{asset}");
        let body = res.text();
        assert!(body.len() > 100, "{asset}");
        if asset.ends_with("initializer.js") {
            assert!(body.contains("/openapi.json"), "{body}");
        }
    }
}

/// Routing and the document come from one table: every documented path answers a method it
/// does not document with a 405 problem whose `Allow` lists exactly the documented methods (HEAD
/// with GET), and answers each documented method with something other than 404 or 405.
async fn every_documented_path_allows_exactly_its_documented_methods(app: TestApp) {
    let doc: Value = app.read("/openapi.json").await;
    let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
    for (path, item) in doc["paths"].as_object().unwrap() {
        let documented: Vec<&str> = order
            .iter()
            .copied()
            .filter(|m| {
                let m = if *m == "HEAD" { "get" } else { m };
                item.get(m.to_lowercase()).is_some()
            })
            .collect();
        // a path parameter's value need not exist: routing happens before the handler looks (a
        // parameter may fill part of a segment, as in `/feeds/services/{id}.atom`)
        let url = path
            .split('/')
            .map(|s| match (s.find('{'), s.find('}')) {
                (Some(a), Some(b)) => format!("{}x{}", &s[..a], &s[b + 1..]),
                _ => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let wrong = order
            .iter()
            .find(|m| !documented.contains(m))
            .unwrap_or_else(|| panic!("{path} documents every method"));
        let res = Answer::of(app.request(wrong.parse().unwrap(), &url)).await;
        assert_eq!(res.status(), 405, "{wrong} {path}");
        assert_eq!(
            res.header("allow"),
            Some(documented.join(", ").as_str()),
            "{path}"
        );
        assert_eq!(
            res.header("content-type"),
            Some("application/problem+json"),
            "{path}"
        );
        assert!(
            res.problem().detail.contains(&documented.join(", ")),
            "{path}"
        );
        for method in &documented {
            let res = Answer::of(app.request(method.parse().unwrap(), &url)).await;
            let status = res.status().as_u16();
            // 404 only as the handler's own problem (no such entry), never "no resource"
            assert!(
                status != 405 && (status != 404 || path.contains('{')),
                "{method} {path}: {status}"
            );
        }
    }
}

/// Every GET operation accepts exactly the query parameters it documents: each documented one is
/// taken (its value may still be refused, but never its name), a documented list sent as repeated
/// names (`explode`) may repeat while any other may not, and an undocumented one is a 400 naming
/// it and listing exactly what the operation documents (or saying it takes none).
async fn every_operation_accepts_exactly_its_documented_query_parameters(app: TestApp) {
    let doc: Value = app.read("/openapi.json").await;
    let admin = app.admin().await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get").filter(|_| path.starts_with("/api/v1")) else {
            continue;
        };
        let url = path
            .split('/')
            .map(|s| if s.starts_with('{') { "kikora" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let query_params: Vec<&Value> = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .collect();
        let mut documented: Vec<&str> = query_params
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for name in &documented {
            let res = in_english(&admin, &format!("{url}?{name}=1")).await;
            if res.status() == 400 {
                let problem = res.problem();
                assert!(
                    problem
                        .errors
                        .iter()
                        .all(|e| !e.detail.contains("unknown query parameter")),
                    "{path} refused its documented `{name}`: {problem:?}"
                );
            }
        }
        for p in &query_params {
            let name = p["name"].as_str().unwrap();
            let repeatable = p["schema"]["type"] == "array" && p["explode"] != false;
            let res = in_english(&admin, &format!("{url}?{name}=1&{name}=1")).await;
            let refused_twice = res.status() == 400
                && res
                    .problem()
                    .errors
                    .iter()
                    .any(|e| e.pointer == name && e.detail.contains("may be given only once"));
            assert_eq!(
                refused_twice,
                !repeatable,
                "{path}: `{name}` documented {} but the parser disagrees",
                if repeatable { "repeatable" } else { "single" }
            );
        }
        let res = in_english(&admin, &format!("{url}?not_documented=1")).await;
        assert_eq!(res.status(), 400, "{path}");
        let problem = res.problem();
        let named = problem
            .errors
            .iter()
            .find(|e| e.pointer == "not_documented")
            .unwrap_or_else(|| panic!("{path}: {problem:?}"));
        assert!(named.detail.contains("unknown query parameter"), "{path}");
        // what the parser says it accepts is what the document lists, name for name
        documented.sort_unstable();
        match named.detail.split_once("this endpoint accepts: ") {
            Some((_, list)) => {
                let accepted: Vec<&str> = list.split(", ").collect();
                assert_eq!(accepted, documented, "{path}");
            }
            None => assert!(
                documented.is_empty()
                    && named
                        .detail
                        .ends_with("this endpoint takes no query parameters"),
                "{path}: {}",
                named.detail
            ),
        }
    }
}

/// The token request is published as the form the endpoint reads: `grant_type` required, and
/// each field a string (a form field is absent or text, never null).
async fn the_token_request_is_published_as_the_form_it_is(app: TestApp) {
    #[derive(serde::Deserialize)]
    struct Field {
        #[serde(rename = "type")]
        kind: Value,
    }
    #[derive(serde::Deserialize)]
    struct FormSchema {
        required: Vec<String>,
        properties: std::collections::BTreeMap<String, Field>,
    }
    let doc: Value = app.read("/openapi.json").await;
    let form: FormSchema =
        serde_json::from_value(doc["components"]["schemas"]["TokenRequest"].clone()).unwrap();
    assert_eq!(form.required, ["grant_type"]);
    let fields: Vec<&str> = form.properties.keys().map(String::as_str).collect();
    assert_eq!(fields, ["client_id", "client_secret", "grant_type"]);
    for (name, field) in &form.properties {
        assert_eq!(field.kind, "string", "{name}");
    }
}

/// Walks an answer against its schema: every member the answer has is a property the schema
/// requires (so generated clients need not guess), and every required property is there.
fn check_required(doc: &Value, schema: &Value, answer: &Value, at: &str) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return check_required(doc, &doc["components"]["schemas"][name], answer, at);
    }
    if let Some(parts) = schema["allOf"].as_array() {
        // one object in several parts: their properties and requirements together
        let (mut properties, mut required) = (serde_json::Map::new(), Vec::new());
        for part in parts {
            let part = match part["$ref"].as_str() {
                Some(r) => {
                    &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")]
                }
                None => part,
            };
            properties.extend(part["properties"].as_object().cloned().unwrap_or_default());
            required.extend(part["required"].as_array().cloned().unwrap_or_default());
        }
        let merged = serde_json::json!({"properties": properties, "required": required});
        return check_required(doc, &merged, answer, at);
    }
    if answer.is_null() {
        return;
    }
    for part in schema["oneOf"].as_array().into_iter().flatten() {
        if part["type"] != "null" {
            check_required(doc, part, answer, at);
        }
    }
    if let (Some(props), Some(members)) = (schema["properties"].as_object(), answer.as_object()) {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for key in members.keys() {
            assert!(
                required.contains(&key.as_str()),
                "{at}/{key} is answered but not required"
            );
        }
        for key in &required {
            assert!(
                members.contains_key(*key),
                "{at}/{key} is required but not answered"
            );
        }
        for (key, value) in members {
            check_required(doc, &props[key], value, &format!("{at}/{key}"));
        }
    }
    if let (Some(items), Some(values)) = (schema.get("items"), answer.as_array()) {
        for (i, v) in values.iter().enumerate() {
            check_required(doc, items, v, &format!("{at}/{i}"));
        }
    }
}

async fn every_answered_field_is_required_by_the_document(app: TestApp) {
    let doc: Value = app.read("/openapi.json").await;
    for (path, url) in [
        ("/api/v1/services/{id}", "/api/v1/services/kikora"),
        ("/api/v1/services", "/api/v1/services?limit=3"),
        ("/api/v1/vendors/{id}", "/api/v1/vendors/eldur-learning"),
        (
            "/api/v1/sub-processors/{id}",
            "/api/v1/sub-processors/microsoft-azure",
        ),
        ("/api/v1/countries/{code}", "/api/v1/countries/US"),
        ("/api/v1/attributes/{name}", "/api/v1/attributes/mail"),
        (
            "/api/v1/compare",
            "/api/v1/compare?services=kikora,sykkeldyktig",
        ),
        (
            "/api/v1/services/{id}/history",
            "/api/v1/services/kikora/history",
        ),
        ("/api/v1/changes", "/api/v1/changes?limit=3"),
    ] {
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{path} documents no JSON answer");
        // the answer is checked against the document, not a view type: raw JSON on purpose
        let answer: Value = app.read(url).await;
        check_required(&doc, schema, &answer, url);
    }
}

on_both_engines!(
    every_answered_field_is_required_by_the_document,
    every_documented_path_allows_exactly_its_documented_methods,
    every_operation_accepts_exactly_its_documented_query_parameters,
    the_token_request_is_published_as_the_form_it_is,
    the_served_document_is_the_committed_one,
    every_route_is_documented_with_errors_and_examples,
    the_docs_ui_serves_its_own_assets,
);

/// GET with the problem said in English: these checks read the parser's words.
async fn in_english(actor: &crate::helpers::Actor, path: &str) -> Answer {
    Answer::of(
        actor
            .request(reqwest::Method::GET, path)
            .header("Accept-Language", "en"),
    )
    .await
}
