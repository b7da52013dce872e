//! The operator's side of writes: the client command line, rate limits and CORS.

use std::process::Command;

use feide_registry::domain::auth::ClientRole;
use feide_registry::http::views::VendorView;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_with, Answer, Engine, TestApp};

fn cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("SEED_FILE", "")
        .output()
        .expect("run feide-registry");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn token_status(app: &TestApp, id: &str, secret: &str) -> u16 {
    app.token_request(id, secret).await.status().as_u16()
}

/// `feide-registry client create|list|revoke` against the running registry's database.
async fn the_client_command_creates_lists_and_revokes(app: TestApp) {
    let (ok, out, err) = cli(
        &app,
        &[
            "client",
            "create",
            "--role",
            "vendor",
            "--vendor",
            "trygg-trafikk",
            "--description",
            "CI",
        ],
    );
    assert!(ok, "{err}");
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in {out}"))
            .to_owned()
    };
    let (id, secret) = (field("client_id"), field("client_secret"));
    assert!(id.starts_with("trygg-trafikk-"));
    assert_eq!(token_status(&app, &id, &secret).await, 200);

    let (ok, list, err) = cli(&app, &["client", "list"]);
    assert!(ok, "{err}");
    let row = list.lines().find(|l| l.starts_with(&id)).expect("listed");
    assert!(row.contains("\tvendor\ttrygg-trafikk\t"), "{row}");
    assert!(!list.contains(&secret), "the secret is never shown again");

    let (ok, _, err) = cli(&app, &["client", "revoke", &id]);
    assert!(ok, "{err}");
    assert_eq!(token_status(&app, &id, &secret).await, 401);
    let (ok, _, err) = cli(&app, &["client", "revoke", &id]);
    assert!(!ok, "revoking twice fails");
    assert!(err.contains("no active client"), "{err}");

    // a vendor client needs a vendor that exists; an admin client has none
    let (ok, _, err) = cli(
        &app,
        &[
            "client",
            "create",
            "--role",
            "vendor",
            "--vendor",
            "no-such-vendor",
        ],
    );
    assert!(!ok && err.contains("no vendor"), "{err}");
    let (ok, _, _) = cli(&app, &["client", "create", "--role", "vendor"]);
    assert!(!ok);
    let (ok, out, _) = cli(&app, &["client", "create", "--role", "admin"]);
    assert!(ok && out.contains("client_id: admin-"), "{out}");
}

/// Old audit events are removed, recent ones kept, and retention cannot go below 90 days.
async fn audit_retention_keeps_at_least_ninety_days(app: TestApp) {
    use feide_registry::store::clients::{
        audit, audit_events, purge_audit, AuditFilter, NewAuditEvent,
    };
    let mut conn = app.store.conn().unwrap();
    let now = chrono::Utc::now();
    for age in [200, 89] {
        let event = NewAuditEvent {
            at: (now - chrono::Duration::days(age)).into(),
            actor: None,
            client_id: None,
            source: None,
            action: format!("test.{age}"),
            target: "/".into(),
            outcome: 401,
            detail: None,
            count: 1,
        };
        audit(&mut conn, &event).unwrap();
    }
    let cutoff = now - chrono::Duration::days(90);
    assert_eq!(purge_audit(&mut conn, cutoff).unwrap(), 1);
    let left: Vec<String> = audit_events(&mut conn, 0, 100, &AuditFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(left, ["test.89"]);
    drop(conn);
    // the operator cannot set a shorter retention
    let (ok, _, err) = cli(
        &app,
        &["--audit-retention-days", "30", "--bind-addr", "127.0.0.1:0"],
    );
    assert!(!ok && err.contains("at least 90"), "{err}");
}

on_both_engines!(
    the_client_command_creates_lists_and_revokes,
    audit_retention_keeps_at_least_ninety_days
);

/// Past its budget a client gets 429 with Retry-After; other clients are not affected.
async fn writes_and_token_requests_are_rate_limited(engine: Engine) {
    let app = spawn_with(engine, |o| {
        o.write_rate_per_minute = 2;
        o.token_rate_per_minute = 3;
    })
    .await;
    let (id, secret) = app.create_client(ClientRole::Vendor, Some("trygg-trafikk"));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(token_status(&app, &id, "wrong secret").await);
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 429],
        "guessing secrets is throttled"
    );
    // the right secret is never refused for someone's failures (issue 11, row 13)
    assert_eq!(token_status(&app, &id, &secret).await, 200);
    let res = app.token_request(&id, "still wrong").await;
    assert_eq!(res.status(), 429);
    assert!(res.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);

    let vendor = app.vendor("trygg-trafikk").await;
    let other = app.vendor("eldur-learning").await;
    let path = "/api/v1/vendors/trygg-trafikk";
    let mut statuses = Vec::new();
    for i in 0..3 {
        let etag = app.etag(path).await;
        let res = vendor
            .patch(path, &etag, json!({"address": format!("Gate {i}")}))
            .await;
        statuses.push(res.status().as_u16());
        if res.status() == 429 {
            assert!(res.headers.contains_key("retry-after"));
            assert_eq!(res.problem().status, 429);
        }
    }
    assert_eq!(statuses, [200, 200, 429]);
    let trygg: VendorView = app.read(path).await;
    assert_eq!(trygg.address.as_deref(), Some("Gate 1"));
    let etag = app.etag("/api/v1/vendors/eldur-learning").await;
    let res = other
        .patch(
            "/api/v1/vendors/eldur-learning",
            &etag,
            json!({"address": "Oslo"}),
        )
        .await;
    assert_eq!(res.status(), 200, "each client has its own budget");
}

/// Browser dashboards on configured origins may read; nobody may write cross-origin.
async fn cors_lets_configured_origins_read_only(engine: Engine) {
    let app = spawn_with(engine, |o| {
        o.cors_origins = vec!["https://dashboard.kommune.test".into()]
    })
    .await;
    let from = |origin: &str| {
        Answer::of(
            app.request(Method::GET, "/api/v1/services")
                .header("Origin", origin),
        )
    };
    let res = from("https://dashboard.kommune.test").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://dashboard.kommune.test")
    );
    let exposed = res
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("link"),
        "{exposed}"
    );

    let res = from("https://evil.test").await;
    assert!(!res.headers.contains_key("access-control-allow-origin"));

    let preflight = |method: &'static str| {
        Answer::of(
            app.request(Method::OPTIONS, "/api/v1/services/kikora")
                .header("Origin", "https://dashboard.kommune.test")
                .header("Access-Control-Request-Method", method),
        )
    };
    let ok = preflight("GET").await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://dashboard.kommune.test")
    );
    let refused = preflight("PATCH").await;
    assert!(refused.status().is_client_error(), "{}", refused.status());
    assert!(!refused.headers.contains_key("access-control-allow-origin"));
}

per_engine!(
    writes_and_token_requests_are_rate_limited,
    cors_lets_configured_origins_read_only
);
