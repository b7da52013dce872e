//! Vendor self-service through HTTP: who may write what, validation, optimistic concurrency,
//! history, the change feed and the audit log, on SQLite and PostgreSQL.

use feide_registry::domain::auth::ClientRole;
use feide_registry::domain::catalogue::Status;
use feide_registry::http::history::{AuditList, ChangeFeed, HistoryList};
use feide_registry::http::views::{ServiceProfile, SubProcessorView, VendorView};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::views::{OAuthError, Token};
use crate::helpers::{new_service, Actor, Answer, IfMatch, TestApp, TEST_KEY};

/// A token signed with `key`, for a vendor client of `vendor`, issued `issued_ago` seconds ago.
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
        municipality: None,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .unwrap()
}

/// Every write the API offers, on Trygg Trafikk's entries.
#[derive(Debug, Clone, Copy)]
enum Write {
    CreateService,
    ReplaceService,
    PatchService,
    ReplaceVendor,
    PatchVendor,
    CreateVendor,
    RetireService,
}

const SERVICE: &str = "/api/v1/services/sykkeldyktig";
const VENDOR: &str = "/api/v1/vendors/trygg-trafikk";

impl Write {
    const ALL: [Write; 7] = [
        Write::CreateService,
        Write::ReplaceService,
        Write::PatchService,
        Write::ReplaceVendor,
        Write::PatchVendor,
        Write::CreateVendor,
        Write::RetireService,
    ];

    /// `who` makes this write, the `n`th time, with the current ETag.
    async fn by(self, app: &TestApp, who: &Actor, n: usize) -> Answer {
        match self {
            Write::CreateService => {
                who.post("/api/v1/services", new_service(&format!("ny-{n}")))
                    .await
            }
            Write::ReplaceService => {
                let etag = app.etag(SERVICE).await;
                who.put(SERVICE, &etag, current_form(app, "sykkeldyktig"))
                    .await
            }
            Write::PatchService => {
                let etag = app.etag(SERVICE).await;
                who.patch(SERVICE, &etag, json!({"description": format!("Endret {n}")}))
                    .await
            }
            Write::ReplaceVendor => {
                let etag = app.etag(VENDOR).await;
                who.put(VENDOR, &etag, current_form(app, "trygg-trafikk"))
                    .await
            }
            Write::PatchVendor => {
                let etag = app.etag(VENDOR).await;
                who.patch(VENDOR, &etag, json!({"address": format!("Adresse {n}")}))
                    .await
            }
            Write::CreateVendor => {
                who.post(
                    "/api/v1/vendors",
                    json!({"id": format!("ny-leverandor-{n}"), "name": "Ny Leverandør AS", "org_number": null, "country": "NO", "address": null, "contact": null, "website": null}),
                )
                .await
            }
            Write::RetireService => {
                let etag = app.etag(SERVICE).await;
                who.delete(SERVICE, &etag).await
            }
        }
    }
}

/// A PUT body: the entry `id` as it is now, in the catalogue form (as an export gives it).
fn current_form(app: &TestApp, id: &str) -> Value {
    let export = feide_registry::app::export(&app.store).unwrap();
    if let Some(s) = export.services.iter().find(|s| s.id == id) {
        return serde_json::to_value(s).unwrap();
    }
    serde_json::to_value(export.vendors.iter().find(|v| v.id == id).unwrap()).unwrap()
}

/// Every write endpoint, as each kind of caller: only the owner and administrators get through.
async fn the_authorisation_matrix_holds_for_every_write_endpoint(app: TestApp) {
    let own = app.vendor("trygg-trafikk").await;
    let other = app.vendor("eldur-learning").await;
    let admin = app.admin().await;
    let expired = app.bearer(forged(TEST_KEY, "trygg-trafikk", 3600));
    let forged_key = app.bearer(forged(
        b"another-key-another-key-another-key!",
        "trygg-trafikk",
        0,
    ));
    let before = app.etag(SERVICE).await;
    let vendor_before = app.etag(VENDOR).await;

    let expected: [(&str, Actor, [u16; 7]); 6] = [
        ("anonymous", app.anonymous(), [401; 7]),
        ("expired", expired, [401; 7]),
        ("forged", forged_key, [401; 7]),
        ("other vendor", other, [403; 7]),
        ("own vendor", own, [201, 200, 200, 200, 200, 403, 200]),
        ("admin", admin, [201, 200, 200, 200, 200, 201, 200]),
    ];
    for (n, (who, actor, statuses)) in expected.iter().enumerate() {
        for (write, want) in Write::ALL.into_iter().zip(statuses) {
            let answer = write.by(&app, actor, n).await;
            assert_eq!(
                answer.status(),
                *want,
                "{who}: {write:?}: {}",
                answer.text()
            );
            if answer.status().as_u16() >= 400 {
                answer.problem();
            }
        }
        if n == 3 {
            // nothing a refused caller sent changed anything
            assert_eq!(app.etag(SERVICE).await, before);
            assert_eq!(app.etag(VENDOR).await, vendor_before);
            assert_eq!(app.get("/api/v1/services/ny-0").await.status(), 404);
        }
    }
    let s: ServiceProfile = app.read(SERVICE).await;
    assert_eq!(s.status, Status::Retired);
    assert_eq!(s.description.as_deref(), Some("Endret 5"));
    let v: VendorView = app.read(VENDOR).await;
    assert_eq!(v.address.as_deref(), Some("Adresse 5"));
    let created: ServiceProfile = app.read("/api/v1/services/ny-4").await;
    assert_eq!(created.vendor.id, "trygg-trafikk");
    let vendor: VendorView = app.read("/api/v1/vendors/ny-leverandor-5").await;
    assert_eq!(vendor.name, "Ny Leverandør AS");
}

/// One 422 names every problem of the document, and nothing of it is stored.
async fn validation_lists_every_problem_and_stores_nothing(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let feed_before: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
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
    let answer = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(answer.status(), 422, "{}", answer.text());
    let problem = answer.problem();
    let pointers: Vec<&str> = problem.errors.iter().map(|e| e.pointer.as_str()).collect();
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
    // in bokmål: no Accept-Language asks for another
    assert_eq!(
        problem.detail,
        format!("{} felt er ugyldige", pointers.len())
    );
    // nothing landed: no service, no new sub-processor, no change in the feed
    assert_eq!(
        app.get("/api/v1/sub-processors/cheap-cloud").await.status(),
        404
    );
    let feed: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    assert_eq!(feed.next_cursor, feed_before.next_cursor);

    // a document of the wrong shape, malformed JSON and the wrong media type
    let answer = vendor
        .post("/api/v1/services", json!({"id": "x", "colour": "red"}))
        .await;
    assert_eq!(answer.status(), 422, "{}", answer.text());
    let raw = |content_type: &'static str, body: &'static str| {
        vendor
            .request(Method::POST, "/api/v1/services")
            .header("Content-Type", content_type)
            .body(body)
    };
    assert_eq!(
        Answer::of(raw("application/json", "{\"id\": "))
            .await
            .status(),
        400
    );
    assert_eq!(Answer::of(raw("text/plain", "{}")).await.status(), 415);
    let big = json!({"description": "x".repeat(300 * 1024)});
    let etag = app.etag(SERVICE).await;
    assert_eq!(vendor.patch(SERVICE, &etag, big).await.status(), 413);
    assert_eq!(app.etag(SERVICE).await, etag);
}

/// A service created with a sub-processor it introduces: both exist afterwards, linked.
async fn a_service_can_introduce_a_shared_sub_processor(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let mut doc = new_service("sykkelprove");
    doc["sub_processors"] = json!([{"id": "nordic-hosting", "purpose": "Lagring", "locations": [{"country": "SE", "role": "storage"}], "transfer_mechanism": "eea"}]);
    doc["new_sub_processors"] = json!([{"id": "nordic-hosting", "name": "Nordic Hosting AB", "legal_name": null,
        "org_number": "970 133 410", "registration_number": null, "country": "SE", "address": null, "website": null}]);
    let res = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.header("location"), Some("/api/v1/services/sykkelprove"));
    assert_eq!(
        res.etag(),
        app.etag("/api/v1/services/sykkelprove").await,
        "the write answers the ETag a GET gives"
    );
    let sub: SubProcessorView = app.read("/api/v1/sub-processors/nordic-hosting").await;
    assert_eq!(
        sub.sub_processor.org_number.as_deref(),
        Some("970133410"),
        "stored without spaces"
    );
    let users: Vec<&str> = sub.services.iter().map(|s| s.service.id.as_str()).collect();
    assert_eq!(users, ["sykkelprove"]);
    // creating it again is a conflict, as is introducing an existing sub-processor
    let again = vendor
        .post("/api/v1/services", new_service("sykkelprove"))
        .await;
    assert_eq!(again.status(), 409);
    let mut again = new_service("sykkelprove-2");
    again["new_sub_processors"] = doc["new_sub_processors"].clone();
    let res = vendor.post("/api/v1/services", &again).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.problem().errors[0].pointer, "/new_sub_processors/0/id");
}

/// `If-Match` is required, and a stale one is refused.
async fn changes_need_the_current_etag(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let path = SERVICE;
    // a new day count with the statement it came from dropped: they must agree
    let patch = json!({"terms": {"deletion_days_after_end": 45, "stated": {"deletion_days_after_end": null}}});
    let res = vendor.patch(path, IfMatch::Absent, &patch).await;
    assert_eq!(res.status(), 428, "{}", res.text());
    let old = app.etag(path).await;
    let res = vendor.patch(path, &old, &patch).await;
    assert_eq!(res.status(), 200);
    let new = res.etag();
    assert_ne!(new, old);
    let res = vendor
        .patch(path, &old, json!({"description": "x y z"}))
        .await;
    assert_eq!(res.status(), 412);
    let s: ServiceProfile = app.read(path).await;
    assert_eq!(s.terms.deletion_days_after_end, Some(45));
    assert_ne!(s.description.as_deref(), Some("x y z"));
    assert_eq!(app.etag(path).await, new);
    // sending what is already stored changes nothing: no new revision, same ETag
    let history: HistoryList = app.read(&format!("{path}/history")).await;
    let res = vendor.patch(path, &new, &patch).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.etag(), new);
    let after: HistoryList = app.read(&format!("{path}/history")).await;
    assert_eq!(after.items.len(), history.items.len());
}

/// Writers racing on one service, each retrying on 412: every update survives.
async fn racing_writers_never_lose_an_update(app: TestApp) {
    let path = SERVICE;
    let vendor = app.vendor("trygg-trafikk").await;
    let start: ServiceProfile = app.read(path).await;
    let writers = 6;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let vendor = vendor.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            loop {
                let read = vendor.get(path).await;
                let mut purposes = read.ok::<ServiceProfile>().purposes;
                purposes.push(format!("Formål fra skriver {w}"));
                let res = vendor
                    .patch(path, read.etag(), json!({ "purposes": purposes }))
                    .await;
                match res.status().as_u16() {
                    200 => return conflicts,
                    412 => conflicts += 1,
                    other => panic!("writer {w}: {other}: {}", res.text()),
                }
            }
        }));
    }
    let mut conflicts = 0;
    for t in tasks {
        conflicts += t.await.unwrap();
    }
    let end: ServiceProfile = app.read(path).await;
    assert_eq!(
        end.purposes.len(),
        start.purposes.len() + writers,
        "{:?}",
        end.purposes
    );
    for w in 0..writers {
        assert!(end.purposes.contains(&format!("Formål fra skriver {w}")));
    }
    assert_eq!(end.revision, start.revision + writers as i32);
    let history: HistoryList = app.read(&format!("{path}/history?limit=500")).await;
    assert_eq!(history.items.len() as i32, start.revision + writers as i32);
    eprintln!("{conflicts} conflicts were refused with 412 and retried");
}

/// `If-Match: *` asks for a change on whatever is current: racing patches to different terms all
/// land, each applied to the state the others left.
async fn if_match_any_applies_each_patch_to_the_current_state(app: TestApp) {
    let path = SERVICE;
    let vendor = app.vendor("trygg-trafikk").await;
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
        let vendor = vendor.clone();
        tasks.push(tokio::spawn(async move {
            // each drops the statement its term came from, as the two must agree
            vendor
                .patch(
                    path,
                    IfMatch::Any,
                    json!({"terms": {field: value, "stated": {field: null}}}),
                )
                .await
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let s: ServiceProfile = app.read(path).await;
    let t = &s.terms;
    let stored = [
        t.deletion_days_after_end,
        t.backup_deletion_days,
        t.inactivity_deletion_days,
        t.termination_notice_days,
        t.log_retention_days,
        t.security_audit_months,
    ];
    for ((field, value), got) in terms.iter().zip(stored) {
        assert_eq!(got, Some(*value), "{field} was lost: {t:?}");
    }
}

/// History and the feed say who changed what, and the feed resumes from its cursor.
async fn history_and_change_feed_show_every_change(app: TestApp) {
    let start: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    let cursor = start.next_cursor;
    assert!(
        cursor.parse::<i64>().unwrap() >= 5,
        "the seed import is in the feed"
    );
    let vendor = app.vendor("trygg-trafikk").await;
    let path = SERVICE;
    let etag = app.etag(path).await;
    let res = vendor
        .patch(path, &etag, json!({"terms": {"breach_notice_hours": 24}}))
        .await;
    assert_eq!(res.status(), 200);
    let admin = app.admin().await;
    let etag = app.etag(VENDOR).await;
    let res = admin
        .patch(VENDOR, &etag, json!({"website": "https://tryggtrafikk.no"}))
        .await;
    assert_eq!(res.status(), 200);

    let history: HistoryList = app.read(&format!("{path}/history")).await;
    assert_eq!(history.items[0].action, "import");
    let last = history.items.last().unwrap();
    assert_eq!(last.action, "service.patch");
    assert_eq!(last.actor, "vendor:trygg-trafikk");
    // the diff is free-form JSON: `{"field": {"from": old, "to": new}}`
    assert_eq!(last.changes["terms"]["to"]["breach_notice_hours"], 24);
    assert_eq!(
        last.changes.as_object().unwrap().len(),
        1,
        "only the terms changed: {}",
        last.changes
    );

    let feed: ChangeFeed = app.read(&format!("/api/v1/changes?since={cursor}")).await;
    let entries: Vec<(&str, &str, &str)> = feed
        .items
        .iter()
        .map(|e| (e.entity.as_str(), e.id.as_str(), e.revision.actor.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("service", "sykkeldyktig", "vendor:trygg-trafikk"),
            ("vendor", "trygg-trafikk", "admin"),
        ]
    );
    let next = &feed.next_cursor;
    let rest: ChangeFeed = app.read(&format!("/api/v1/changes?since={next}")).await;
    assert_eq!(rest.items.len(), 0);
    assert_eq!(
        &rest.next_cursor, next,
        "an empty page keeps the poller's place"
    );
    // paging with limit=1 gives the same two, with a Link to the next page
    let res = app
        .get(&format!("/api/v1/changes?since={cursor}&limit=1"))
        .await;
    assert!(res.header("link").unwrap().contains("rel=\"next\""));
    app.problem("/api/v1/changes?since=banana", 400).await;
}

/// The audit log names an entry as the catalogue spells it, however the request spelled its path:
/// `sykk%65ldyktig` is `sykkeldyktig`, one target.
async fn the_audit_log_names_one_target_for_every_spelling_of_a_path(app: TestApp) {
    let own = app.vendor("trygg-trafikk").await;
    let escaped = "/api/v1/services/sykk%65ldyktig";
    let etag = app.etag(SERVICE).await;
    let change = json!({"description": "Skrevet via en annen stavemåte"});
    assert_eq!(own.patch(escaped, &etag, &change).await.status(), 200);
    assert_eq!(own.patch(escaped, &etag, &change).await.status(), 412);
    let log = app.admin().await.audit("").await;
    let patches: Vec<(&str, i32)> = log
        .iter()
        .filter(|e| e.action == "service.patch")
        .map(|e| (e.target.as_str(), e.outcome))
        .collect();
    assert_eq!(patches.len(), 2, "{patches:?}");
    for (target, outcome) in patches {
        assert_eq!(
            target, SERVICE,
            "the {outcome} is recorded under the decoded path"
        );
    }
}

/// The audit log holds successes and refusals; only administrators read it.
async fn the_audit_log_records_writes_and_refusals(app: TestApp) {
    let own = app.vendor("trygg-trafikk").await;
    let other = app.vendor("eldur-learning").await;
    let path = SERVICE;
    let etag = app.etag(path).await;
    let description = |d: &str| json!({ "description": d });
    for (who, if_match, body, want) in [
        (
            app.anonymous(),
            IfMatch::from(&etag),
            description("a b c"),
            401,
        ),
        (
            other.clone(),
            IfMatch::from(&etag),
            description("a b c"),
            403,
        ),
        (own.clone(), IfMatch::Absent, description("a b c"), 428),
        (
            own.clone(),
            IfMatch::from(&etag),
            json!({"terms": {"objection_days": -1}}),
            422,
        ),
        (own.clone(), IfMatch::from(&etag), description("a b c"), 200),
        (own.clone(), IfMatch::from(&etag), description("d e f"), 412),
    ] {
        assert_eq!(who.patch(path, if_match, body).await.status(), want);
    }
    assert_eq!(own.get("/api/v1/audit").await.status(), 403);

    let admin = app.admin().await;
    let log = admin.audit("").await;
    let events: Vec<(&str, i32, Option<&str>)> = log
        .iter()
        .filter(|e| e.target == path || e.action == "audit.read")
        .map(|e| (e.action.as_str(), e.outcome, e.actor.as_deref()))
        .collect();
    let v = Some;
    assert_eq!(
        events,
        [
            ("service.patch", 401, None),
            ("service.patch", 403, v("vendor:eldur-learning")),
            ("service.patch", 428, v("vendor:trygg-trafikk")),
            ("service.patch", 422, v("vendor:trygg-trafikk")),
            ("service.patch", 200, v("vendor:trygg-trafikk")),
            ("service.patch", 412, v("vendor:trygg-trafikk")),
            ("audit.read", 403, v("vendor:trygg-trafikk")),
        ]
    );
    let ok = log
        .iter()
        .find(|e| e.outcome == 200 && e.target == path)
        .unwrap();
    assert_eq!(ok.source.as_deref(), Some("127.0.0.1"));
    assert!(ok
        .client_id
        .as_deref()
        .unwrap()
        .starts_with("trygg-trafikk-"));
    // tokens issued are audited too, and the filters work
    let only: AuditList = admin.read("/api/v1/audit?outcome=403").await;
    assert!(only.items.iter().all(|e| e.outcome == 403));
    assert_eq!(only.items.len(), 2);
    let issued: AuditList = admin.read("/api/v1/audit?action=token.issue").await;
    assert_eq!(issued.items.len(), 3);
    assert_eq!(admin.get("/api/v1/audit?outcome=abc").await.status(), 400);
}

/// The token endpoint speaks OAuth 2.0 client credentials, and a revoked client is locked out.
async fn the_token_endpoint_follows_rfc_6749(app: TestApp) {
    let (id, secret) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    let form = |pairs: &[(&str, &str)]| {
        Answer::of(app.request(Method::POST, "/api/v1/auth/token").form(pairs))
    };
    let res = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", &id),
        ("client_secret", "wrong"),
    ])
    .await;
    assert_eq!(res.status(), 401);
    assert!(res.headers.contains_key("www-authenticate"));
    assert_eq!(res.json::<OAuthError>().error, "invalid_client");
    let res = form(&[
        ("grant_type", "password"),
        ("client_id", &id),
        ("client_secret", &secret),
    ])
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<OAuthError>().error, "unsupported_grant_type");
    let res = form(&[("client_id", &id), ("client_secret", &secret)]).await;
    assert_eq!(res.json::<OAuthError>().error, "invalid_request");
    let res = app
        .post(
            "/api/v1/auth/token",
            json!({"grant_type": "client_credentials"}),
        )
        .await;
    assert_eq!(res.json::<OAuthError>().error, "invalid_request");
    // HTTP Basic, as RFC 6749 §2.3.1 prefers
    let res = Answer::of(
        app.request(Method::POST, "/api/v1/auth/token")
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let t: Token = res.ok();
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.expires_in, 300);
    let vendor = app.bearer(t.access_token);
    let etag = app.etag(VENDOR).await;
    let res = vendor
        .patch(VENDOR, &etag, json!({"address": "Oslo"}))
        .await;
    assert_eq!(res.status(), 200);
    // the secret never appears in an answer, and a revoked client's token stops working
    let mut conn = app.store.conn().unwrap();
    let now = chrono::Utc::now();
    assert!(feide_registry::store::clients::revoke_client(&mut conn, &id, now).unwrap());
    drop(conn);
    let etag = app.etag(VENDOR).await;
    let res = vendor
        .patch(VENDOR, &etag, json!({"address": "Bergen"}))
        .await;
    assert_eq!(res.status(), 401);
    let res = app.token_request(&id, &secret).await;
    assert_eq!(res.status(), 401);
}

/// Two registry processes on one database (as behind a load balancer), each caching the
/// catalogue: the other shows every write once it has caught up (within a second: `durability`
/// times it with two registry binaries).
async fn a_second_registry_sees_every_write_once_caught_up(app: TestApp) {
    let other = app.another_process();
    let reader = app.anonymous().at(&other.base);
    let before: ServiceProfile = reader.read(SERVICE).await;
    let vendor = app.vendor("trygg-trafikk").await;
    for n in 0..3 {
        let etag = app.etag(SERVICE).await;
        let res = vendor
            .patch(
                SERVICE,
                &etag,
                json!({"description": format!("Versjon {n}")}),
            )
            .await;
        assert_eq!(res.status(), 200);
        app.caught_up(&reader).await;
        let seen: ServiceProfile = reader.read(SERVICE).await;
        assert_eq!(seen.description, Some(format!("Versjon {n}")));
        assert_eq!(seen.revision, before.revision + n + 1);
    }
    let res = vendor
        .post("/api/v1/services", new_service("fra-prosess-en"))
        .await;
    assert_eq!(res.status(), 201);
    app.caught_up(&reader).await;
    let trygg: VendorView = reader.read(VENDOR).await;
    let ids: Vec<&str> = trygg.services.iter().map(|s| s.id.as_str()).collect();
    assert!(ids.contains(&"fra-prosess-en"), "{ids:?}");
}

/// A token request's form is read as the OpenAPI document publishes it: a missing or repeated
/// parameter is named, and a parameter the endpoint does not know is ignored (RFC 6749 §3.1).
async fn a_token_request_names_what_is_wrong_with_its_form(app: TestApp) {
    let (id, secret) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    let send = |pairs: Vec<(&'static str, String)>| {
        Answer::of(app.request(Method::POST, "/api/v1/auth/token").form(&pairs))
    };
    let credentials = || vec![("client_id", id.clone()), ("client_secret", secret.clone())];
    let grant = ("grant_type", "client_credentials".to_owned());

    let res = send(credentials()).await;
    assert_eq!(res.status(), 400);
    let e: OAuthError = res.json();
    assert_eq!(e.error, "invalid_request");
    assert_eq!(e.error_description, "`grant_type` is required.");

    let mut twice = credentials();
    twice.push(grant.clone());
    twice.push(("client_id", id.clone()));
    let res = send(twice).await;
    assert_eq!(res.status(), 400);
    let e: OAuthError = res.json();
    assert_eq!(e.error, "invalid_request");
    assert_eq!(e.error_description, "`client_id` is given more than once.");

    let mut unknown = credentials();
    unknown.push(grant);
    unknown.push(("scope", "registry.write".to_owned()));
    assert_eq!(send(unknown).await.status(), 200);
}

/// What a write that came second is told when it queued behind the first: its ETag no longer
/// matches (not that the database caught two writes in flight at once).
/// The start of the 412 of a write made on an old read (in bokmål, the default language), unlike
/// that of a write that lost a race in flight.
const READ_AGAIN: &str = "Ressursen er endret siden du leste den";

/// Of writes sent at once with the same ETag, one succeeded and every other was refused with 412,
/// told to read the entry again; the index of the one that succeeded.
fn one_won_the_rest_read_again(round: usize, answers: &[Answer]) -> usize {
    let statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    let won: Vec<usize> = (0..answers.len()).filter(|&i| statuses[i] == 200).collect();
    assert_eq!(won.len(), 1, "round {round}: {statuses:?}");
    for answer in answers.iter().filter(|a| a.status() != 200) {
        assert_eq!(answer.status(), 412, "round {round}: {}", answer.text());
        let problem = answer.problem();
        assert!(
            problem.detail.starts_with(READ_AGAIN),
            "round {round}: a write was not queued behind the one before it: {problem:?}"
        );
    }
    won[0]
}

/// `/api/v1/services/sykk%65ldyktig` is `sykkeldyktig`: writes through either spelling queue
/// behind each other, so of several sent at once with the same ETag, all but the first find the
/// ETag stale.
async fn two_spellings_of_one_entry_queue_behind_each_other(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let spellings = [SERVICE, "/api/v1/services/sykk%65ldyktig"];
    let start: ServiceProfile = app.read(SERVICE).await;
    let rounds = 10;
    for round in 0..rounds {
        let etag = app.etag(SERVICE).await;
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (vendor, etag) = (vendor.clone(), etag.clone());
                let description = format!("Runde {round}, skriver {w}");
                tokio::spawn(async move {
                    let change = json!({ "description": description });
                    (
                        vendor.patch(spellings[w % 2], &etag, change).await,
                        description,
                    )
                })
            })
            .collect();
        let mut answers = Vec::new();
        let mut descriptions = Vec::new();
        for writer in writers {
            let (answer, description) = writer.await.unwrap();
            answers.push(answer);
            descriptions.push(description);
        }
        let won = one_won_the_rest_read_again(round, &answers);
        let now: ServiceProfile = app.read(SERVICE).await;
        assert_eq!(
            now.description.as_ref(),
            Some(&descriptions[won]),
            "round {round}"
        );
    }
    // a PUT through one spelling against a PATCH through the other
    let etag = app.etag(SERVICE).await;
    let mut replacement = current_form(&app, "sykkeldyktig");
    replacement["description"] = json!("Erstattet");
    let (put, patch) = tokio::join!(
        vendor.put(spellings[1], &etag, &replacement),
        vendor.patch(spellings[0], &etag, json!({"description": "Endret"})),
    );
    let won = one_won_the_rest_read_again(rounds, &[put, patch]);
    let end: ServiceProfile = app.read(SERVICE).await;
    assert_eq!(
        end.description.as_deref(),
        Some(["Erstattet", "Endret"][won])
    );
    assert_eq!(
        end.revision,
        start.revision + rounds as i32 + 1,
        "one revision per round"
    );
}

/// The actions in the history of the entry at `path`, oldest first.
async fn actions(app: &TestApp, path: &str) -> Vec<String> {
    let history: HistoryList = app.read(&format!("{path}/history?limit=500")).await;
    history.items.into_iter().map(|r| r.action).collect()
}

/// Retiring takes the same course as every other write: queued, conditional on the ETag, and
/// applied whole or not at all.
async fn a_retirement_races_like_any_other_write(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    for id in ["tur-a", "tur-b", "tur-c"] {
        let res = vendor.post("/api/v1/services", new_service(id)).await;
        assert_eq!(res.status(), 201);
    }

    // two retirements with the same ETag: one retires, the other is told to read again
    let path = "/api/v1/services/tur-a";
    let etag = app.etag(path).await;
    let (a, b) = tokio::join!(vendor.delete(path, &etag), vendor.delete(path, &etag));
    one_won_the_rest_read_again(0, &[a, b]);
    let retired: ServiceProfile = app.read(path).await;
    assert_eq!(retired.status, Status::Retired);
    assert_eq!(
        actions(&app, path).await,
        ["service.create", "service.retire"]
    );

    // a retirement against a patch with the same ETag: one lands whole, the other not at all
    let path = "/api/v1/services/tur-b";
    let before: ServiceProfile = app.read(path).await;
    let etag = app.etag(path).await;
    let (retire, patch) = tokio::join!(
        vendor.delete(path, &etag),
        vendor.patch(path, &etag, json!({"description": "Endret samtidig"})),
    );
    let won = one_won_the_rest_read_again(1, &[retire, patch]);
    let after: ServiceProfile = app.read(path).await;
    let (status, description, action) = [
        (
            Status::Retired,
            before.description.as_deref(),
            "service.retire",
        ),
        (Status::Active, Some("Endret samtidig"), "service.patch"),
    ][won];
    assert_eq!(
        (after.status, after.description.as_deref()),
        (status, description)
    );
    assert_eq!(actions(&app, path).await, ["service.create", action]);
    assert_eq!(after.revision, before.revision + 1);

    // with `If-Match: *` each applies to what the other left: retired, and patched
    let path = "/api/v1/services/tur-c";
    let (retire, patch) = tokio::join!(
        vendor.delete(path, IfMatch::Any),
        vendor.patch(path, IfMatch::Any, json!({"description": "Endret uansett"})),
    );
    assert_eq!(
        (retire.status().as_u16(), patch.status().as_u16()),
        (200, 200)
    );
    let after: ServiceProfile = app.read(path).await;
    assert_eq!(
        (after.status, after.description.as_deref()),
        (Status::Retired, Some("Endret uansett"))
    );
    assert_eq!(actions(&app, path).await.len(), 3);

    // retiring what is retired changes nothing: the same ETag, no new revision
    let etag = app.etag(path).await;
    let res = vendor.delete(path, &etag).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.etag(), etag);
    assert_eq!(actions(&app, path).await.len(), 3);
}

/// The seed import and `feide-registry import` record a revision of every vendor, as of every
/// service: a vendor's history starts with its import, and the change feed carries vendors.
async fn imports_give_vendors_a_history_and_a_place_in_the_feed(app: TestApp) {
    let vendors = app.ids("/api/v1/vendors?limit=500").await;
    assert!(!vendors.is_empty());
    for id in &vendors {
        let history: HistoryList = app.read(&format!("/api/v1/vendors/{id}/history")).await;
        let first = match &history.items[..] {
            [only] => only,
            other => panic!("{id}: {other:?}"),
        };
        assert_eq!(
            (first.revision, first.actor.as_str(), first.action.as_str()),
            (1, "import", "import")
        );
        // the diff is free-form JSON: `{"field": {"from": old, "to": new}}`
        assert_eq!(first.changes["id"]["to"], json!(id), "{id}: {first:?}");
    }
    let feed: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    let mut in_feed: Vec<&str> = feed
        .items
        .iter()
        .filter(|c| c.entity == "vendor")
        .map(|c| c.id.as_str())
        .collect();
    in_feed.sort_unstable();
    assert_eq!(in_feed, vendors);
    // sub-processors too: each imported one has its `import` revision in the feed
    let sub_processors = app.ids("/api/v1/sub-processors?limit=500").await;
    assert!(!sub_processors.is_empty());
    let mut subs_in_feed: Vec<(&str, i32, &str)> = feed
        .items
        .iter()
        .filter(|c| c.entity == "sub_processor")
        .map(|c| {
            (
                c.id.as_str(),
                c.revision.revision,
                c.revision.action.as_str(),
            )
        })
        .collect();
    subs_in_feed.sort_unstable();
    let each_imported_once: Vec<(&str, i32, &str)> = sub_processors
        .iter()
        .map(|id| (id.as_str(), 1, "import"))
        .collect();
    assert_eq!(subs_in_feed, each_imported_once);

    // the catalogue file imported again: every vendor and service gets its next revision
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .args([
            "--database-url",
            &app.database_url,
            "import",
            crate::helpers::seed_file().to_str().unwrap(),
        ])
        .output()
        .expect("run feide-registry import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.caught_up(&app.anonymous()).await;
    let since = &feed.next_cursor;
    let later: ChangeFeed = app
        .read(&format!("/api/v1/changes?since={since}&limit=500"))
        .await;
    let mut imported: Vec<(&str, &str)> = later
        .items
        .iter()
        .map(|c| {
            let by = (c.revision.actor.as_str(), c.revision.action.as_str());
            assert_eq!(by, ("import", "import"), "{c:?}");
            (c.entity.as_str(), c.id.as_str())
        })
        .collect();
    imported.sort_unstable();
    let services = app.ids("/api/v1/services?limit=500").await;
    let mut expected: Vec<(&str, &str)> = vendors
        .iter()
        .map(|v| ("vendor", v.as_str()))
        .chain(services.iter().map(|s| ("service", s.as_str())))
        .chain(sub_processors.iter().map(|s| ("sub_processor", s.as_str())))
        .collect();
    expected.sort_unstable();
    assert_eq!(imported, expected);
    let again = later
        .items
        .iter()
        .find(|c| c.entity == "sub_processor")
        .unwrap();
    assert_eq!(
        again.revision.revision, 2,
        "numbered after the first import"
    );
    let history: HistoryList = app.read(&format!("{VENDOR}/history")).await;
    let revisions: Vec<i32> = history.items.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, [1, 2]);
    let trygg: VendorView = app.read(VENDOR).await;
    assert_eq!(
        trygg.revision, 2,
        "the entry says the revision its history ends at"
    );
}

/// A service whose lists are longer than one statement may bind values for is stored whole and
/// in order, created and changed.
async fn a_service_with_very_long_lists_is_stored_whole(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let purposes: Vec<String> = (0..10_000).map(|i| format!("Formål {i:05}")).collect();
    let mut doc = new_service("lange-lister");
    doc["purposes"] = json!(purposes);
    assert_eq!(vendor.post("/api/v1/services", &doc).await.status(), 201);
    let path = "/api/v1/services/lange-lister";
    let created: ServiceProfile = app.read(path).await;
    assert_eq!(created.purposes, purposes);
    let reversed: Vec<String> = purposes.iter().rev().skip(1).cloned().collect();
    let etag = app.etag(path).await;
    let res = vendor
        .patch(path, &etag, json!({ "purposes": reversed }))
        .await;
    assert_eq!(res.status(), 200);
    let changed: ServiceProfile = app.read(path).await;
    assert_eq!(changed.purposes, reversed);
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
    the_audit_log_names_one_target_for_every_spelling_of_a_path,
    the_token_endpoint_follows_rfc_6749,
    two_spellings_of_one_entry_queue_behind_each_other,
    a_retirement_races_like_any_other_write,
    imports_give_vendors_a_history_and_a_place_in_the_feed,
    a_service_with_very_long_lists_is_stored_whole,
);
