//! Vendor self-service through HTTP: who may write what, validation, optimistic concurrency,
//! history, the change feed and the audit log, on SQLite and PostgreSQL.

mod common;

use common::{new_service, TestApp, TEST_KEY};
use serde_json::{json, Value};

/// A new, valid service for Trygg Trafikk.
/// A token signed with `key`, for `client` as a vendor of `vendor`, `age` seconds old.
fn forged(key: &[u8], vendor: &str, issued_ago: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = feide_registry::tokens::Claims {
        iss: "feide-registry".into(),
        aud: "feide-registry".into(),
        sub: "nobody".into(),
        exp: now - issued_ago + 300,
        iat: now - issued_ago,
        nbf: None,
        role: "vendor".into(),
        vendor: Some(vendor.into()),
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .unwrap()
}

async fn body(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Every write endpoint, as each kind of caller: only the owner and administrators get through.
async fn the_authorisation_matrix_holds_for_every_write_endpoint(app: TestApp) {
    let own = app.token("vendor", Some("trygg-trafikk")).await;
    let other = app.token("vendor", Some("eldur-learning")).await;
    let admin = app.token("admin", None).await;
    let expired = forged(TEST_KEY, "trygg-trafikk", 3600);
    let forged_key = forged(b"another-key-another-key-another-key!", "trygg-trafikk", 0);
    let before = app.etag("/api/v1/services/sykkeldyktig").await;
    let vendor_before = app.etag("/api/v1/vendors/trygg-trafikk").await;

    struct Call {
        method: &'static str,
        path: &'static str,
        etag_of: Option<&'static str>,
        body: Option<Value>,
    }
    let calls = |n: usize| {
        vec![
            Call {
                method: "POST",
                path: "/api/v1/services",
                etag_of: None,
                body: Some(new_service(&format!("ny-{n}"))),
            },
            Call {
                method: "PUT",
                path: "/api/v1/services/sykkeldyktig",
                etag_of: Some("/api/v1/services/sykkeldyktig"),
                body: None,
            },
            Call {
                method: "PATCH",
                path: "/api/v1/services/sykkeldyktig",
                etag_of: Some("/api/v1/services/sykkeldyktig"),
                body: Some(json!({"description": format!("Endret {n}")})),
            },
            Call {
                method: "PUT",
                path: "/api/v1/vendors/trygg-trafikk",
                etag_of: Some("/api/v1/vendors/trygg-trafikk"),
                body: None,
            },
            Call {
                method: "PATCH",
                path: "/api/v1/vendors/trygg-trafikk",
                etag_of: Some("/api/v1/vendors/trygg-trafikk"),
                body: Some(json!({"address": format!("Adresse {n}")})),
            },
            Call {
                method: "POST",
                path: "/api/v1/vendors",
                etag_of: None,
                body: Some(
                    json!({"id": format!("ny-leverandor-{n}"), "name": "Ny Leverandør AS", "org_number": null, "country": "NO", "address": null, "contact": null, "website": null}),
                ),
            },
            Call {
                method: "DELETE",
                path: "/api/v1/services/sykkeldyktig",
                etag_of: Some("/api/v1/services/sykkeldyktig"),
                body: None,
            },
        ]
    };
    // PUT bodies are the entry as it is now (the catalogue form, from an export).
    async fn current_form(app: &TestApp, path: &str) -> Value {
        let export: Value =
            serde_json::to_value(feide_registry::app::export(&app.store).unwrap()).unwrap();
        let (list, id) = if path.contains("/services/") {
            ("services", path.rsplit('/').next().unwrap())
        } else {
            ("vendors", path.rsplit('/').next().unwrap())
        };
        export[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
            .clone()
    }
    let expected: [(&str, Option<&str>, [u16; 7]); 6] = [
        ("anonymous", None, [401; 7]),
        ("expired", Some(expired.as_str()), [401; 7]),
        ("forged", Some(forged_key.as_str()), [401; 7]),
        ("other vendor", Some(other.as_str()), [403; 7]),
        (
            "own vendor",
            Some(own.as_str()),
            [201, 200, 200, 200, 200, 403, 200],
        ),
        (
            "admin",
            Some(admin.as_str()),
            [201, 200, 200, 200, 200, 201, 200],
        ),
    ];
    for (n, (who, token, statuses)) in expected.iter().enumerate() {
        for (call, want) in calls(n).into_iter().zip(statuses) {
            let etag = match call.etag_of {
                Some(p) => Some(app.etag(p).await),
                None => None,
            };
            let body = match (&call.body, call.method) {
                (None, "PUT") => Some(current_form(&app, call.path).await),
                (b, _) => b.clone(),
            };
            let res = app
                .write(
                    call.method,
                    call.path,
                    *token,
                    etag.as_deref(),
                    body.as_ref(),
                )
                .await;
            let (status, answer) = self::body(res).await;
            assert_eq!(
                status, *want,
                "{who}: {} {}: {answer}",
                call.method, call.path
            );
            if status >= 400 {
                assert!(
                    answer["type"].is_string() && answer["detail"].is_string(),
                    "{answer}"
                );
            }
        }
        if n == 3 {
            // nothing a refused caller sent changed anything
            assert_eq!(app.etag("/api/v1/services/sykkeldyktig").await, before);
            assert_eq!(
                app.etag("/api/v1/vendors/trygg-trafikk").await,
                vendor_before
            );
            assert_eq!(app.get("/api/v1/services/ny-0").await.status(), 404);
        }
    }
    let s = app.json("/api/v1/services/sykkeldyktig").await;
    assert_eq!(s["status"], "retired");
    assert_eq!(s["description"], "Endret 5");
    assert_eq!(
        app.json("/api/v1/vendors/trygg-trafikk").await["address"],
        "Adresse 5"
    );
    assert_eq!(
        app.json("/api/v1/services/ny-4").await["vendor"]["id"],
        "trygg-trafikk"
    );
    assert_eq!(
        app.json("/api/v1/vendors/ny-leverandor-5").await["name"],
        "Ny Leverandør AS"
    );
}

/// One 422 names every problem of the document, and nothing of it is stored.
async fn validation_lists_every_problem_and_stores_nothing(app: TestApp) {
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let feed_before = app.json("/api/v1/changes?limit=500").await["next_cursor"].clone();
    let mut doc = new_service("BAD ID");
    doc["attributes"] = json!([
        {"name": "givenname", "justification": "Viser navnet"},
        {"name": "mail", "justification": "n/a"},
        {"name": "norEduPersonNIN", "justification": null}
    ]);
    doc["locations"] = json!([{"country": "XX", "role": "storage", "facility": null}]);
    doc["sub_processors"] = json!([
        {"id": "cheap-cloud", "purpose": "Drift", "locations": [{"country": "US", "role": "storage"}], "transfer_mechanism": "none_stated"},
        {"id": "nowhere", "purpose": "Drift", "locations": [], "transfer_mechanism": "eea"}
    ]);
    doc["terms"] = json!({"deletion_days_after_end": -5, "breach_notice_hours": 1000000});
    doc["new_sub_processors"] = json!([{"id": "cheap-cloud", "name": "Cheap Cloud Inc", "legal_name": null,
        "org_number": "123456789", "registration_number": null, "country": "US", "address": null, "website": null}]);
    let (status, problem) = body(
        app.write("POST", "/api/v1/services", Some(&token), None, Some(&doc))
            .await,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for want in [
        "/id",
        "/attributes/0/name",
        "/attributes/1/justification",
        "/attributes/2/justification",
        "/locations/0/country",
        "/sub_processors/0/transfer_mechanism",
        "/sub_processors/1/id",
        "/terms/deletion_days_after_end",
        "/terms/breach_notice_hours",
        "/new_sub_processors/0/org_number",
    ] {
        assert!(pointers.contains(&want), "{want} missing from {pointers:?}");
    }
    assert_eq!(
        problem["detail"],
        format!("{} fields are invalid", pointers.len())
    );
    // nothing landed: no service, no new sub-processor, no change in the feed
    assert_eq!(
        app.get("/api/v1/sub-processors/cheap-cloud").await.status(),
        404
    );
    let feed = app.json("/api/v1/changes?limit=500").await;
    assert_eq!(feed["next_cursor"], feed_before);

    // a document of the wrong shape, malformed JSON and the wrong media type
    let (status, p) = body(
        app.write(
            "POST",
            "/api/v1/services",
            Some(&token),
            None,
            Some(&json!({"id": "x", "colour": "red"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{p}");
    let raw = app
        .client
        .post(app.url("/api/v1/services"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{\"id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let raw = app
        .client
        .post(app.url("/api/v1/services"))
        .bearer_auth(&token)
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 415);
    let big = json!({"description": "x".repeat(300 * 1024)});
    let etag = app.etag("/api/v1/services/sykkeldyktig").await;
    let res = app
        .write(
            "PATCH",
            "/api/v1/services/sykkeldyktig",
            Some(&token),
            Some(&etag),
            Some(&big),
        )
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.etag("/api/v1/services/sykkeldyktig").await, etag);
}

/// A service created with a sub-processor it introduces: both exist afterwards, linked.
async fn a_service_can_introduce_a_shared_sub_processor(app: TestApp) {
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let mut doc = new_service("sykkelprove");
    doc["sub_processors"] = json!([{"id": "nordic-hosting", "purpose": "Lagring", "locations": [{"country": "SE", "role": "storage"}], "transfer_mechanism": "eea"}]);
    doc["new_sub_processors"] = json!([{"id": "nordic-hosting", "name": "Nordic Hosting AB", "legal_name": null,
        "org_number": "970 133 410", "registration_number": null, "country": "SE", "address": null, "website": null}]);
    let res = app
        .write("POST", "/api/v1/services", Some(&token), None, Some(&doc))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["location"], "/api/v1/services/sykkelprove");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        etag,
        app.etag("/api/v1/services/sykkelprove").await,
        "the write answers the ETag a GET gives"
    );
    let sub = app.json("/api/v1/sub-processors/nordic-hosting").await;
    assert_eq!(sub["org_number"], "970133410", "stored without spaces");
    let users: Vec<&str> = sub["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["sykkelprove"]);
    // creating it again is a conflict, as is introducing an existing sub-processor
    let (status, _) = body(
        app.write(
            "POST",
            "/api/v1/services",
            Some(&token),
            None,
            Some(&new_service("sykkelprove")),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409);
    let mut again = new_service("sykkelprove-2");
    again["new_sub_processors"] = doc["new_sub_processors"].clone();
    let (status, p) = body(
        app.write("POST", "/api/v1/services", Some(&token), None, Some(&again))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["pointer"], "/new_sub_processors/0/id");
}

/// `If-Match` is required, and a stale one is refused.
async fn changes_need_the_current_etag(app: TestApp) {
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let path = "/api/v1/services/sykkeldyktig";
    let patch = json!({"terms": {"deletion_days_after_end": 45}});
    let (status, p) = body(
        app.write("PATCH", path, Some(&token), None, Some(&patch))
            .await,
    )
    .await;
    assert_eq!(status, 428, "{p}");
    let old = app.etag(path).await;
    let res = app
        .write("PATCH", path, Some(&token), Some(&old), Some(&patch))
        .await;
    assert_eq!(res.status(), 200);
    let new = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new, old);
    let (status, _) = body(
        app.write(
            "PATCH",
            path,
            Some(&token),
            Some(&old),
            Some(&json!({"description": "x y z"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 412);
    let s = app.json(path).await;
    assert_eq!(s["terms"]["deletion_days_after_end"], 45);
    assert_ne!(s["description"], "x y z");
    assert_eq!(app.get(path).await.headers()["etag"].to_str().unwrap(), new);
    // sending what is already stored changes nothing: no new revision, same ETag
    let revisions = app.json(&format!("{path}/history")).await["items"]
        .as_array()
        .unwrap()
        .len();
    let res = app
        .write("PATCH", path, Some(&token), Some(&new), Some(&patch))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), new);
    let after = app.json(&format!("{path}/history")).await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, revisions);
}

/// Writers racing on one service, each retrying on 412: every update survives.
async fn racing_writers_never_lose_an_update(app: TestApp) {
    let path = "/api/v1/services/sykkeldyktig";
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let start = app.json(path).await;
    let purposes_before = start["purposes"].as_array().unwrap().len();
    let revision_before = start["revision"].as_i64().unwrap();
    let writers = 6;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (client, base, token) = (app.client.clone(), app.base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            loop {
                let res = client.get(format!("{base}{path}")).send().await.unwrap();
                let etag = res.headers()["etag"].to_str().unwrap().to_owned();
                let mut s: Value = res.json().await.unwrap();
                let purposes = s["purposes"].as_array_mut().unwrap();
                purposes.push(json!(format!("Formål fra skriver {w}")));
                let patch = json!({"purposes": purposes});
                let res = client
                    .patch(format!("{base}{path}"))
                    .bearer_auth(&token)
                    .header("If-Match", etag)
                    .header("Content-Type", "application/merge-patch+json")
                    .body(patch.to_string())
                    .send()
                    .await
                    .unwrap();
                match res.status().as_u16() {
                    200 => return conflicts,
                    412 => conflicts += 1,
                    other => panic!("writer {w}: {other}: {}", res.text().await.unwrap()),
                }
            }
        }));
    }
    let mut conflicts = 0;
    for t in tasks {
        conflicts += t.await.unwrap();
    }
    let end = app.json(path).await;
    let purposes: Vec<&str> = end["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(purposes.len(), purposes_before + writers, "{purposes:?}");
    for w in 0..writers {
        assert!(purposes.contains(&format!("Formål fra skriver {w}").as_str()));
    }
    assert_eq!(
        end["revision"].as_i64().unwrap(),
        revision_before + writers as i64
    );
    let history = app.json(&format!("{path}/history?limit=500")).await;
    assert_eq!(
        history["items"].as_array().unwrap().len() as i64,
        revision_before + writers as i64
    );
    eprintln!("{conflicts} conflicts were refused with 412 and retried");
}

/// `If-Match: *` asks for a change on whatever is current: racing patches to different terms all
/// land, each applied to the state the others left.
async fn if_match_any_applies_each_patch_to_the_current_state(app: TestApp) {
    let path = "/api/v1/services/sykkeldyktig";
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let terms = [
        ("deletion_days_after_end", 11),
        ("backup_deletion_days", 12),
        ("inactivity_deletion_days", 13),
        ("termination_notice_days", 14),
        ("log_retention_days", 15),
        ("security_audit_months", 16),
    ];
    let mut tasks = Vec::new();
    for (field, value) in terms {
        let (client, url, token) = (app.client.clone(), app.url(path), token.clone());
        tasks.push(tokio::spawn(async move {
            client
                .patch(url)
                .bearer_auth(token)
                .header("If-Match", "*")
                .header("Content-Type", "application/merge-patch+json")
                .body(json!({"terms": {field: value}}).to_string())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let s = app.json(path).await;
    for (field, value) in terms {
        assert_eq!(s["terms"][field], value, "{field} was lost: {}", s["terms"]);
    }
}

/// History and the feed say who changed what, and the feed resumes from its cursor.
async fn history_and_change_feed_show_every_change(app: TestApp) {
    let cursor = app.json("/api/v1/changes?limit=500").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        cursor.parse::<i64>().unwrap() >= 5,
        "the seed import is in the feed"
    );
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let path = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(path).await;
    let res = app
        .write(
            "PATCH",
            path,
            Some(&token),
            Some(&etag),
            Some(&json!({"terms": {"breach_notice_hours": 24}})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let admin = app.token("admin", None).await;
    let etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    let res = app
        .write(
            "PATCH",
            "/api/v1/vendors/trygg-trafikk",
            Some(&admin),
            Some(&etag),
            Some(&json!({"website": "https://tryggtrafikk.no"})),
        )
        .await;
    assert_eq!(res.status(), 200);

    let history = app.json(&format!("{path}/history")).await;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items[0]["action"], "import");
    let last = items.last().unwrap();
    assert_eq!(last["action"], "service.patch");
    assert_eq!(last["actor"], "vendor:trygg-trafikk");
    assert_eq!(last["changes"]["terms"]["to"]["breach_notice_hours"], 24);
    assert_eq!(
        last["changes"].as_object().unwrap().len(),
        1,
        "only the terms changed: {last}"
    );

    let feed = app.json(&format!("/api/v1/changes?since={cursor}")).await;
    let entries: Vec<(String, String, String)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entity"].as_str().unwrap().into(),
                e["id"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "service".into(),
                "sykkeldyktig".into(),
                "vendor:trygg-trafikk".into()
            ),
            ("vendor".into(), "trygg-trafikk".into(), "admin".into()),
        ]
    );
    let next = feed["next_cursor"].as_str().unwrap();
    let rest = app.json(&format!("/api/v1/changes?since={next}")).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        rest["next_cursor"], next,
        "an empty page keeps the poller's place"
    );
    // paging with limit=1 gives the same two, with a Link to the next page
    let res = app
        .get(&format!("/api/v1/changes?since={cursor}&limit=1"))
        .await;
    assert!(res.headers()["link"]
        .to_str()
        .unwrap()
        .contains("rel=\"next\""));
    app.problem("/api/v1/changes?since=banana", 400).await;
}

/// The audit log holds successes and refusals; only administrators read it.
async fn the_audit_log_records_writes_and_refusals(app: TestApp) {
    let own = app.token("vendor", Some("trygg-trafikk")).await;
    let other = app.token("vendor", Some("eldur-learning")).await;
    let path = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(path).await;
    assert_eq!(
        app.write(
            "PATCH",
            path,
            None,
            Some(&etag),
            Some(&json!({"description": "a b c"}))
        )
        .await
        .status(),
        401
    );
    assert_eq!(
        app.write(
            "PATCH",
            path,
            Some(&other),
            Some(&etag),
            Some(&json!({"description": "a b c"}))
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.write(
            "PATCH",
            path,
            Some(&own),
            None,
            Some(&json!({"description": "a b c"}))
        )
        .await
        .status(),
        428
    );
    assert_eq!(
        app.write(
            "PATCH",
            path,
            Some(&own),
            Some(&etag),
            Some(&json!({"terms": {"objection_days": -1}}))
        )
        .await
        .status(),
        422
    );
    assert_eq!(
        app.write(
            "PATCH",
            path,
            Some(&own),
            Some(&etag),
            Some(&json!({"description": "a b c"}))
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.write(
            "PATCH",
            path,
            Some(&own),
            Some(&etag),
            Some(&json!({"description": "d e f"}))
        )
        .await
        .status(),
        412
    );
    let res = app
        .client
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&own)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let admin = app.token("admin", None).await;
    let res = app
        .client
        .get(app.url("/api/v1/audit?limit=500"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let log: Value = res.json().await.unwrap();
    let events: Vec<(String, i64, Option<String>)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == path || e["action"] == "audit.read")
        .map(|e| {
            (
                e["action"].as_str().unwrap().into(),
                e["outcome"].as_i64().unwrap(),
                e["actor"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let v = |s: &str| Some(s.to_owned());
    assert_eq!(
        events,
        [
            ("service.patch".into(), 401, None),
            ("service.patch".into(), 403, v("vendor:eldur-learning")),
            ("service.patch".into(), 428, v("vendor:trygg-trafikk")),
            ("service.patch".into(), 422, v("vendor:trygg-trafikk")),
            ("service.patch".into(), 200, v("vendor:trygg-trafikk")),
            ("service.patch".into(), 412, v("vendor:trygg-trafikk")),
            ("audit.read".into(), 403, v("vendor:trygg-trafikk")),
        ]
    );
    let ok = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["outcome"] == 200 && e["target"] == path)
        .unwrap();
    assert_eq!(ok["source"], "127.0.0.1");
    assert!(ok["client_id"]
        .as_str()
        .unwrap()
        .starts_with("trygg-trafikk-"));
    // tokens issued are audited too, and the filters work
    let res = app
        .client
        .get(app.url("/api/v1/audit?outcome=403"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let only: Value = res.json().await.unwrap();
    assert!(only["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["outcome"] == 403));
    assert_eq!(only["items"].as_array().unwrap().len(), 2);
    let res = app
        .client
        .get(app.url("/api/v1/audit?action=token.issue"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let issued: Value = res.json().await.unwrap();
    assert_eq!(issued["items"].as_array().unwrap().len(), 3);
    let res = app
        .client
        .get(app.url("/api/v1/audit?outcome=abc"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

/// The token endpoint speaks OAuth 2.0 client credentials, and a revoked client is locked out.
async fn the_token_endpoint_follows_rfc_6749(app: TestApp) {
    let url = app.url("/api/v1/auth/token");
    let (id, secret) = app.create_client("vendor", Some("trygg-trafikk"));
    let form = |pairs: &[(&str, &str)]| app.client.post(&url).form(pairs);
    let res = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", &id),
        ("client_secret", "wrong"),
    ])
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().contains_key("www-authenticate"));
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let res = form(&[
        ("grant_type", "password"),
        ("client_id", &id),
        ("client_secret", &secret),
    ])
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let res = form(&[("client_id", &id), ("client_secret", &secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let res = app
        .client
        .post(&url)
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    // HTTP Basic, as RFC 6749 §2.3.1 prefers
    let res = app
        .client
        .post(&url)
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 300);
    let token = t["access_token"].as_str().unwrap();
    let etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    let res = app
        .write(
            "PATCH",
            "/api/v1/vendors/trygg-trafikk",
            Some(token),
            Some(&etag),
            Some(&json!({"address": "Oslo"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    // the secret never appears in an answer, and a revoked client's token stops working
    let mut conn = app.store.conn().unwrap();
    let now = feide_registry::store::fmt_time(chrono::Utc::now());
    assert!(feide_registry::store::clients::revoke_client(&mut conn, &id, &now).unwrap());
    drop(conn);
    let etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    let res = app
        .write(
            "PATCH",
            "/api/v1/vendors/trygg-trafikk",
            Some(token),
            Some(&etag),
            Some(&json!({"address": "Bergen"})),
        )
        .await;
    assert_eq!(res.status(), 401);
    let res = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", &id),
        ("client_secret", &secret),
    ])
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
}

/// Two registry processes on one database (as behind a load balancer): a write through one is
/// read through the other at once, though each caches the catalogue.
/// Another process on the same database shows every write once it has caught up (within a
/// second: `durability.rs` times it with two registry binaries).
async fn a_second_registry_sees_every_write_once_caught_up(app: TestApp) {
    let (other, handle) = app.another_process();
    let read_other = |path: &str| {
        let url = format!("{other}{path}");
        let client = app.client.clone();
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let before = read_other("/api/v1/services/sykkeldyktig").await;
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    for n in 0..3 {
        let etag = app.etag("/api/v1/services/sykkeldyktig").await;
        let res = app
            .write(
                "PATCH",
                "/api/v1/services/sykkeldyktig",
                Some(&token),
                Some(&etag),
                Some(&json!({"description": format!("Versjon {n}")})),
            )
            .await;
        assert_eq!(res.status(), 200);
        app.caught_up(&other).await;
        let seen = read_other("/api/v1/services/sykkeldyktig").await;
        assert_eq!(seen["description"], format!("Versjon {n}"));
        assert_eq!(
            seen["revision"].as_i64().unwrap(),
            before["revision"].as_i64().unwrap() + n + 1
        );
    }
    let res = app
        .write(
            "POST",
            "/api/v1/services",
            Some(&token),
            None,
            Some(&new_service("fra-prosess-en")),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.caught_up(&other).await;
    let ids: Vec<String> = read_other("/api/v1/vendors/trygg-trafikk").await["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&"fra-prosess-en".to_owned()), "{ids:?}");
    handle.stop(false).await;
}

/// An RFC 6749 §5.2 error answer.
#[derive(Debug, serde::Deserialize)]
struct OAuthError {
    error: String,
    error_description: String,
}

/// A token request's form is read as the OpenAPI document publishes it: a missing or repeated
/// parameter is named, and a parameter the endpoint does not know is ignored (RFC 6749 §3.1).
async fn a_token_request_names_what_is_wrong_with_its_form(app: TestApp) {
    let (id, secret) = app.create_client("vendor", Some("trygg-trafikk"));
    let url = app.url("/api/v1/auth/token");
    let send = |pairs: Vec<(&'static str, String)>| app.client.post(&url).form(&pairs).send();
    let credentials = || vec![("client_id", id.clone()), ("client_secret", secret.clone())];
    let grant = ("grant_type", "client_credentials".to_owned());

    let res = send(credentials()).await.unwrap();
    assert_eq!(res.status(), 400);
    let e: OAuthError = res.json().await.unwrap();
    assert_eq!(e.error, "invalid_request");
    assert_eq!(e.error_description, "`grant_type` is required.");

    let mut twice = credentials();
    twice.push(grant.clone());
    twice.push(("client_id", id.clone()));
    let res = send(twice).await.unwrap();
    assert_eq!(res.status(), 400);
    let e: OAuthError = res.json().await.unwrap();
    assert_eq!(e.error, "invalid_request");
    assert_eq!(e.error_description, "`client_id` is given more than once.");

    let mut unknown = credentials();
    unknown.push(grant);
    unknown.push(("scope", "registry.write".to_owned()));
    assert_eq!(send(unknown).await.unwrap().status(), 200);
}

on_both_engines!(
    a_token_request_names_what_is_wrong_with_its_form,
    a_second_registry_sees_every_write_once_caught_up,
    if_match_any_applies_each_patch_to_the_current_state,
    the_authorisation_matrix_holds_for_every_write_endpoint,
    validation_lists_every_problem_and_stores_nothing,
    a_service_can_introduce_a_shared_sub_processor,
    changes_need_the_current_etag,
    racing_writers_never_lose_an_update,
    history_and_change_feed_show_every_change,
    the_audit_log_records_writes_and_refusals,
    the_token_endpoint_follows_rfc_6749,
);
