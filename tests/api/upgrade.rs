//! A new release on the database of an older one: every migration before the typed moments has
//! run and the rows hold what that release wrote (moments as RFC 3339 text on both engines).
//! Opening it with the current `Store::open` runs every pending migration (the reference data's
//! corrections among them), and the registry then answers with the same entries, revisions, audit
//! events and clients, at the same moments.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use feide_registry::app;
use feide_registry::http::history::Revision;
use feide_registry::http::views::{ServiceProfile, ServiceSummary, VendorView};
use feide_registry::store::{fmt_time, Store};
use serde_json::Value;

use crate::helpers::{fresh_database, open, seed_file, Engine, TestApp};

/// The facts the release before could not hold (each came with a migration after the typed
/// moments, whose revert drops it): the seed catalogue without them is what that release wrote.
const LATER_FACTS: &[&str] = &[
    "basis",
    "stated",
    "conflicts",
    "statements",
    "notes",
    "transfer_mechanisms",
    "transfer_evidence",
    "return_request_days",
    "feide_ids",
];

/// The seed catalogue as the release before imported it, in a file kept as long as `dir`.
fn seed_of_the_release_before(dir: &std::path::Path) -> String {
    fn strip(v: &mut Value, in_location: bool) {
        match v {
            Value::Object(m) => {
                let later = |k: &str| LATER_FACTS.contains(&k) || (in_location && k == "evidence");
                m.retain(|k, _| !later(k));
                for (k, child) in m.iter_mut() {
                    strip(child, k == "locations");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| strip(i, in_location)),
            _ => {}
        }
    }
    let mut seed: Value =
        serde_json::from_str(&std::fs::read_to_string(seed_file()).unwrap()).unwrap();
    strip(&mut seed, false);
    let path = dir.join("catalogue-before.json");
    std::fs::write(&path, serde_json::to_string(&seed).unwrap()).unwrap();
    path.display().to_string()
}

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// The migration this upgrade crosses: moments typed as `timestamptz` on PostgreSQL.
const TYPED_MOMENTS: &str = "20261129200000";

/// Rows the release before wrote, in its spelling: an administrator's client, a revoked vendor
/// client, an audit event, and a service whose times it set.
const OLD_ROWS: &str = "
INSERT INTO api_clients (client_id, secret_hash, role, vendor_id, description, created_at, revoked_at)
VALUES ('admin-before', '{HASH}', 'admin', NULL, 'made before the upgrade', '2025-12-01T10:00:00.000000Z', NULL),
       ('eldur-revoked', '{HASH}', 'vendor', 'eldur-learning', NULL, '2025-12-01T10:00:00.000000Z', '2025-12-02T10:00:00.500000Z');
INSERT INTO audit_events (at, actor, client_id, source, action, target, outcome, detail, count)
VALUES ('2026-02-01T12:00:00.000001Z', 'admin', 'admin-before', '127.0.0.1', 'service.patch', '/api/v1/services/kikora', 200, NULL, 1);
UPDATE services SET created_at = '2024-06-30T23:59:59.999999Z', updated_at = '2026-02-01T12:00:00.000001Z' WHERE id = 'kikora';
";

#[derive(QueryableByName)]
struct Spelled {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// Takes the database at `url` back to the schema of the release before and writes `OLD_ROWS`
/// there; returns how that release spelled the first vendor's `updated_at`.
fn to_the_release_before(engine: Engine, url: &str, hash: &str) -> String {
    let rows = OLD_ROWS.replace("{HASH}", hash);
    let spelled = "SELECT updated_at AS t FROM vendors ORDER BY id LIMIT 1";
    macro_rules! back {
        ($conn:expr, $source:expr, $column_type:expr) => {{
            let mut conn = $conn;
            // every migration since, then the typed moments themselves
            let mut reverted = Vec::new();
            while reverted.last().map(String::as_str) != Some(TYPED_MOMENTS) {
                assert!(reverted.len() < 20, "no {TYPED_MOMENTS} in {reverted:?}");
                let version = conn.revert_last_migration($source).expect("revert");
                reverted.push(version.to_string());
            }
            if let Some(query) = $column_type {
                let t: Spelled = diesel::sql_query(query).get_result(&mut conn).unwrap();
                assert_eq!(t.t, "text", "the release before kept moments as text");
            }
            conn.batch_execute(&rows).expect("old rows");
            diesel::sql_query(spelled)
                .get_result::<Spelled>(&mut conn)
                .unwrap()
                .t
        }};
    }
    match engine {
        Engine::Sqlite => back!(
            SqliteConnection::establish(url).unwrap(),
            SQLITE,
            None::<&str>
        ),
        Engine::Postgres => back!(
            PgConnection::establish(url).unwrap(),
            POSTGRES,
            Some(
                "SELECT data_type AS t FROM information_schema.columns \
                 WHERE table_name = 'services' AND column_name = 'updated_at'"
            )
        ),
    }
}

/// Everything a reader sees of the catalogue: every vendor and service with its history.
async fn everything(app: &TestApp) -> Vec<Value> {
    let mut all: Vec<Value> = app.every_page("/api/v1/vendors?limit=500").await;
    let services: Vec<Value> = app.every_page("/api/v1/services?limit=500").await;
    for s in &services {
        let summary: ServiceSummary = serde_json::from_value(s.clone()).expect("a service row");
        let id = summary.id;
        all.push(app.read(&format!("/api/v1/services/{id}")).await);
        let history: Vec<Value> = app
            .every_page(&format!("/api/v1/services/{id}/history?limit=500"))
            .await;
        all.extend(history);
    }
    all.extend(services);
    all
}

async fn an_old_database_opens_with_every_moment_kept(engine: Engine) {
    let (url, _dir) = fresh_database(engine);
    // the catalogue as the release before imported it (its rows are the same; only the column
    // type of its moments differs, which the revert below restores)
    let store = Store::open(&url, 2, Duration::from_secs(3)).expect("open");
    let files = tempfile::tempdir().unwrap();
    app::seed_if_empty(&store, &seed_of_the_release_before(files.path())).expect("seed");
    drop(store);
    let before = open(&url);
    let seen_before = everything(&before).await;
    let kikora_before: ServiceProfile = before.read("/api/v1/services/kikora").await;
    let vendors: Vec<VendorView> = before.every_page("/api/v1/vendors?limit=500").await;
    let services_before = before
        .every_page::<Value>("/api/v1/services?limit=500")
        .await
        .len();
    drop(before);

    let hash = feide_registry::tokens::hash_secret("old secret");
    let spelled = to_the_release_before(engine, &url, &hash);
    assert_eq!(
        spelled,
        fmt_time(vendors[0].updated_at),
        "the release before spelled moments as RFC 3339 with microseconds"
    );

    let app = open(&url);
    // the catalogue reads the same, but for the service whose times the old rows set
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    assert_eq!(kikora.created_at, at("2024-06-30T23:59:59.999999Z"));
    assert_eq!(kikora.updated_at, at("2026-02-01T12:00:00.000001Z"));
    assert_eq!(kikora.name, kikora_before.name);
    let seen: Vec<Value> = everything(&app).await;
    assert_eq!(seen.len(), seen_before.len());
    let unchanged = |v: &&Value| v.get("id").and_then(Value::as_str) != Some("kikora");
    let (a, b): (Vec<&Value>, Vec<&Value>) = (
        seen.iter().filter(unchanged).collect(),
        seen_before.iter().filter(unchanged).collect(),
    );
    assert_eq!(a, b, "every other entry and revision reads as before");
    let history: Vec<Revision> = app
        .every_page("/api/v1/vendors/eldur-learning/history?limit=500")
        .await;
    assert!(!history.is_empty());
    for r in &history {
        assert_eq!(
            fmt_time(at(&r.at)),
            r.at,
            "revision times keep their spelling"
        );
    }

    // the old administrator signs in and reads the old audit event at its moment
    let admin = app.sign_in("admin-before", "old secret").await;
    let events = admin.audit("client_id=admin-before").await;
    let old = events
        .iter()
        .find(|e| e.action == "service.patch")
        .expect("the old audit event");
    assert_eq!(old.at, "2026-02-01T12:00:00.000001Z");
    assert_eq!(old.actor.as_deref(), Some("admin"));
    // the revoked client stays revoked
    assert_eq!(
        app.token_request("eldur-revoked", "old secret")
            .await
            .status(),
        401
    );
    let clients =
        feide_registry::store::clients::list_clients(&mut app.store.conn().unwrap()).unwrap();
    let revoked = clients
        .iter()
        .find(|c| c.client_id == "eldur-revoked")
        .unwrap();
    assert_eq!(
        revoked.revoked_at.map(|m| m.0),
        Some(at("2025-12-02T10:00:00.500000Z"))
    );

    // old moments order among new ones, and cursors walk them page by page
    let by_time: Vec<ServiceSummary> = app
        .every_page("/api/v1/services?limit=1&sort=updated_at")
        .await;
    assert_eq!(by_time.len(), services_before);
    assert_eq!(by_time[0].id, "kikora", "the oldest update comes first");
    assert!(by_time
        .windows(2)
        .all(|w| w[0].updated_at <= w[1].updated_at));

    // a write after the upgrade is stamped after every old moment
    let vendor = app.vendor("eldur-learning").await;
    let path = "/api/v1/vendors/eldur-learning";
    let etag = vendor.etag(path).await;
    let written: VendorView = vendor
        .patch(path, etag, serde_json::json!({"address": "Oslo"}))
        .await
        .ok();
    assert!(written.updated_at > vendors[0].updated_at);
    let history_after: Vec<Revision> = app.every_page(&format!("{path}/history?limit=500")).await;
    assert_eq!(history_after.len(), history.len() + 1);
    assert_eq!(at(&history_after.last().unwrap().at), written.updated_at);
}

per_engine!(an_old_database_opens_with_every_moment_kept);
