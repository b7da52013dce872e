//! The two engines' migrations give the same schema, and the reference data they load equals the
//! cited JSON files in data/.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use feide_registry::store::Store;

use crate::helpers::{fresh_database, Engine};

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

/// The columns that hold moments: `timestamptz` on PostgreSQL, RFC 3339 text on SQLite, which
/// has no time type (`store::moment`).
const MOMENTS: [(&str, &str); 32] = [
    ("api_clients", "created_at"),
    ("api_clients", "revoked_at"),
    ("audit_events", "at"),
    ("revisions", "at"),
    ("services", "created_at"),
    ("services", "updated_at"),
    ("sub_processors", "updated_at"),
    ("vendors", "created_at"),
    ("vendors", "updated_at"),
    ("feide_services", "fetched_at"),
    ("feide_services", "checked_at"),
    ("feide_sync_lease", "expires_at"),
    ("feide_providers", "checked_at"),
    ("municipalities", "created_at"),
    ("municipalities", "updated_at"),
    ("portfolio_entries", "created_at"),
    ("portfolio_entries", "updated_at"),
    ("announcements", "announced_at"),
    ("announcements", "updated_at"),
    ("announcements", "withdrawn_at"),
    ("announcements", "applied_at"),
    ("announcement_responses", "responded_at"),
    ("task_leases", "expires_at"),
    ("webhook_subscriptions", "disabled_at"),
    ("webhook_subscriptions", "created_at"),
    ("webhook_subscriptions", "updated_at"),
    ("webhook_events", "created_at"),
    ("webhook_deliveries", "created_at"),
    ("webhook_deliveries", "retry_from"),
    ("webhook_deliveries", "last_attempt_at"),
    ("webhook_deliveries", "next_attempt_at"),
    ("webhook_deliveries", "claimed_until"),
];

/// Engine types mapped to one vocabulary.
fn normalise(engine: Engine, table: &str, column: &str, t: &str) -> &'static str {
    let moment = MOMENTS.contains(&(table, column));
    match (engine, t.to_ascii_lowercase().as_str()) {
        (Engine::Postgres, "timestamp with time zone") if moment => "moment",
        (Engine::Sqlite, "text") if moment => "moment",
        (_, "text") => "text",
        (_, "integer" | "bigint") => "integer",
        (_, "boolean") => "boolean",
        (_, other) => panic!("unexpected column type {other} of {table}.{column}"),
    }
}

fn columns(engine: Engine) -> Vec<(String, String, &'static str, bool)> {
    let (url, _dir) = fresh_database(engine);
    Store::open(&url, 1, Duration::from_secs(3)).unwrap();
    let rows: Vec<Column> = match engine {
        Engine::Sqlite => {
            let mut c = SqliteConnection::establish(&url).unwrap();
            diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                 (p.\"notnull\" OR p.pk > 0) AS not_null \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
            )
            .load(&mut c)
            .unwrap()
        }
        Engine::Postgres => {
            let mut c = PgConnection::establish(&url).unwrap();
            diesel::sql_query(
                "SELECT table_name::text, column_name::text, data_type::text, \
                 (is_nullable = 'NO')::int AS not_null FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
            )
            .load(&mut c)
            .unwrap()
        }
    };
    let mut out: Vec<_> = rows
        .into_iter()
        .map(|c| {
            let kind = normalise(engine, &c.table_name, &c.column_name, &c.data_type);
            (c.table_name, c.column_name, kind, c.not_null != 0)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn sqlite_and_postgres_migrations_give_the_same_schema() {
    let sqlite = columns(Engine::Sqlite);
    let postgres = columns(Engine::Postgres);
    assert!(sqlite.len() > 50, "{}", sqlite.len());
    assert_eq!(sqlite, postgres);
}

fn reference_equals_the_data_files(engine: Engine) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let attributes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("data/attributes.json")).unwrap())
            .unwrap();
    let countries: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("data/countries.json")).unwrap())
            .unwrap();
    let (url, _dir) = fresh_database(engine);
    let store = Store::open(&url, 1, Duration::from_secs(3)).unwrap();
    let snap = feide_registry::store::load_snapshot(&mut store.conn().unwrap(), chrono::Utc::now())
        .unwrap();
    let r = &snap.reference;

    let json_attrs = attributes["attributes"].as_array().unwrap();
    assert_eq!(r.attributes.len(), json_attrs.len());
    for (a, j) in r.attributes.iter().zip(json_attrs) {
        assert_eq!(a.name, j["name"].as_str().unwrap());
        assert_eq!(a.oid.as_deref(), j["oid"].as_str());
        assert_eq!(a.sensitivity.as_str(), j["sensitivity"].as_str().unwrap());
        assert_eq!(a.multi_valued, j["multi_valued"].as_bool().unwrap());
        assert_eq!(a.description.nn, j["description"]["nn"].as_str().unwrap());
        assert_eq!(
            a.sensitivity_note.as_ref().map(|n| n.en.as_str()),
            j["sensitivity_note"]["en"].as_str(),
            "{}",
            a.name
        );
        let scopes: Vec<&str> = j["oidc_scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(a.oidc_scopes, scopes, "{}", a.name);
    }
    let json_scopes = attributes["scopes"].as_array().unwrap();
    assert_eq!(r.scopes.len(), json_scopes.len());
    for (s, j) in r.scopes.iter().zip(json_scopes) {
        assert_eq!(s.scope, j["scope"].as_str().unwrap());
        let mut want: Vec<&str> = j["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let mut got: Vec<&str> = s.attributes.iter().map(String::as_str).collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "{}", s.scope);
    }
    let json_countries = countries["countries"].as_array().unwrap();
    assert_eq!(r.countries.len(), json_countries.len());
    for (c, j) in r.countries.iter().zip(json_countries) {
        assert_eq!(c.code, j["code"].as_str().unwrap());
        assert_eq!(c.name.nb, j["name_nb"].as_str().unwrap());
        assert_eq!(c.eea, j["eea"].as_bool().unwrap());
        assert_eq!(c.adequacy.as_str(), j["adequacy"].as_str().unwrap());
    }
}

#[test]
fn reference_data_loaded_by_migration_equals_the_cited_files_on_sqlite() {
    reference_equals_the_data_files(Engine::Sqlite);
}

#[test]
fn reference_data_loaded_by_migration_equals_the_cited_files_on_postgres() {
    reference_equals_the_data_files(Engine::Postgres);
}
