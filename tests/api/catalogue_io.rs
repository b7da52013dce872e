//! The seed catalogue, `import` and `export`: lossless round trips, and a bad file changes nothing.

use feide_registry::app;
use feide_registry::domain::catalogue::raw::Catalogue;
use feide_registry::store::Store;
use std::process::Command;
use std::time::Duration;

use crate::helpers::{fresh_database, seed_file, Engine, Kept};

fn open(engine: Engine) -> (Store, String, Option<Kept>) {
    let (url, dir) = fresh_database(engine);
    (
        Store::open(&url, 2, Duration::from_secs(3)).unwrap(),
        url,
        dir,
    )
}

fn sorted(mut c: Catalogue) -> Catalogue {
    c.vendors.sort_by(|a, b| a.id.cmp(&b.id));
    c.sub_processors.sort_by(|a, b| a.id.cmp(&b.id));
    c.services.sort_by(|a, b| a.id.cmp(&b.id));
    c
}

fn round_trip(engine: Engine) {
    let file = app::read_catalogue(&seed_file()).unwrap();
    let (first, _, _d1) = open(engine);
    app::import(&first, &file, "seed").unwrap();
    let exported = app::export(&first).unwrap();
    assert_eq!(
        exported,
        sorted(file.clone()),
        "export differs from the imported file"
    );

    // the export, imported elsewhere, exports identically
    let (second, _, _d2) = open(engine);
    app::import(&second, &exported, "export").unwrap();
    assert_eq!(app::export(&second).unwrap(), exported);
}

fn a_bad_file_is_rejected_whole(engine: Engine) {
    let (store, _, _d) = open(engine);
    let mut bad = app::read_catalogue(&seed_file()).unwrap();
    bad.services[0]
        .attributes
        .push(feide_registry::domain::catalogue::AttributeRequest {
            name: "shoeSize".into(),
            justification: None,
        });
    bad.vendors[0].org_number = Some("123456789".into());
    bad.services[1].vendor = "nobody".into();
    let err = app::import(&store, &bad, "bad.json").unwrap_err();
    let text = err.to_string();
    for needle in [
        "shoeSize",
        "/vendors/0/org_number",
        "unknown vendor `nobody`",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
    assert_eq!(
        app::export(&store).unwrap().services.len(),
        0,
        "a rejected import wrote something"
    );
}

#[test]
fn export_then_import_is_lossless_on_sqlite() {
    round_trip(Engine::Sqlite);
}

#[test]
fn export_then_import_is_lossless_on_postgres() {
    round_trip(Engine::Postgres);
}

#[test]
fn an_invalid_catalogue_lists_every_problem_and_imports_nothing_on_sqlite() {
    a_bad_file_is_rejected_whole(Engine::Sqlite);
}

#[test]
fn an_invalid_catalogue_lists_every_problem_and_imports_nothing_on_postgres() {
    a_bad_file_is_rejected_whole(Engine::Postgres);
}

#[test]
fn the_seed_file_is_sorted_by_id_so_an_export_reproduces_it() {
    let file = app::read_catalogue(&seed_file()).unwrap();
    assert_eq!(file, sorted(file.clone()));
    assert_eq!(file.services.len(), 5);
    for s in &file.services {
        assert!(!s.sources.is_empty(), "{} cites no source document", s.id);
        for src in &s.sources {
            let doc = src
                .document
                .as_deref()
                .unwrap_or_else(|| panic!("{}: source without document", s.id));
            assert!(doc.ends_with(".txt"), "{doc}");
        }
    }
}

/// The binary itself: `import FILE` then `export` on a fresh SQLite file reproduces the file.
#[test]
fn the_cli_import_and_export_commands_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let bin = env!("CARGO_BIN_EXE_feide-registry");
    let import = Command::new(bin)
        .args([
            "--database-url",
            db.to_str().unwrap(),
            "import",
            seed_file().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    assert!(String::from_utf8_lossy(&import.stderr).contains("services 5 new"));
    let export = Command::new(bin)
        .args(["--database-url", db.to_str().unwrap(), "export"])
        .output()
        .unwrap();
    assert!(export.status.success());
    let exported: Catalogue = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(exported, app::read_catalogue(&seed_file()).unwrap());

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        br#"{"format": "feide-registry-catalogue/1", "vendors": [{"id": "X"}]}"#,
    )
    .unwrap();
    let refused = Command::new(bin)
        .args([
            "--database-url",
            db.to_str().unwrap(),
            "import",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a catalogue file"));
}

#[test]
fn help_lists_every_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    // every setting --help shows is documented in the README's configuration table, and back
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table: String = readme
        .split("## Configuration")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split(" | ").next().unwrap().to_owned() + "\n")
        .collect();
    let in_help: Vec<&str> = help
        .split("[env: ")
        .skip(1)
        .map(|rest| rest.split('=').next().unwrap().trim_end_matches(']'))
        .collect();
    assert!(in_help.len() >= 20, "{help}");
    for setting in &in_help {
        assert!(
            table.contains(&format!("`{setting}`")),
            "README's configuration table lacks {setting}"
        );
    }
    for documented in table
        .split('`')
        .filter(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_') && w.len() > 2)
    {
        assert!(in_help.contains(&documented), "--help lacks {documented}");
    }
}

/// `feide-registry generate` output is a valid catalogue: it imports whole and exports back.
fn a_generated_catalogue_imports_and_round_trips(engine: Engine) {
    let generated = feide_registry::domain::generate::catalogue(300, 42);
    let (store, _, _d) = open(engine);
    let summary = app::import(&store, &generated, "generated").unwrap();
    assert_eq!(summary.services_created, 300);
    assert_eq!(summary.vendors_created, 60);
    assert_eq!(app::export(&store).unwrap(), sorted(generated));
}

#[test]
fn a_generated_catalogue_imports_and_round_trips_on_sqlite() {
    a_generated_catalogue_imports_and_round_trips(Engine::Sqlite);
}

#[test]
fn a_generated_catalogue_imports_and_round_trips_on_postgres() {
    a_generated_catalogue_imports_and_round_trips(Engine::Postgres);
}

/// An import needs only the reference data, and a new vendor client only its vendor: a stored
/// service the registry cannot read (here, a status no version of it wrote) stops neither, so an
/// operator can still import the corrected catalogue and issue clients.
fn an_unreadable_entry_stops_neither_an_import_nor_a_new_client(engine: Engine) {
    use diesel::connection::SimpleConnection;
    use feide_registry::domain::auth::ClientRole;
    let (store, _, _d) = open(engine);
    app::import_file(&store, &seed_file()).unwrap();
    store
        .conn()
        .unwrap()
        .batch_execute("UPDATE services SET status = 'vanished' WHERE id = 'kikora'")
        .unwrap();
    let unreadable = app::export(&store).unwrap_err().to_string();
    assert!(unreadable.contains("vanished"), "{unreadable}");

    let client = app::create_client(&store, ClientRole::Vendor, Some("eldur-learning"), None);
    assert!(client.is_ok_and(|c| c.client_id.starts_with("eldur-learning-")));
    let refused = app::create_client(&store, ClientRole::Vendor, Some("nobody"), None);
    assert_eq!(refused.err().as_deref(), Some("no vendor with id `nobody`"));

    let summary = app::import_file(&store, &seed_file()).unwrap();
    assert_eq!(summary.services_updated, 5);
    assert_eq!(
        app::export(&store).unwrap(),
        app::read_catalogue(&seed_file()).unwrap()
    );
}

#[test]
fn an_unreadable_entry_stops_neither_an_import_nor_a_new_client_on_sqlite() {
    an_unreadable_entry_stops_neither_an_import_nor_a_new_client(Engine::Sqlite);
}

#[test]
fn an_unreadable_entry_stops_neither_an_import_nor_a_new_client_on_postgres() {
    an_unreadable_entry_stops_neither_an_import_nor_a_new_client(Engine::Postgres);
}
