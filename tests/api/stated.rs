//! Where each fact comes from (issue 17): a location's basis and words, read back through every
//! view that shows locations, found by the country filters, and kept by export and import.

use feide_registry::app;
use feide_registry::domain::catalogue::raw::Catalogue;
use feide_registry::domain::catalogue::{Basis, TransferMechanism};
use feide_registry::domain::compare::Comparison;
use feide_registry::domain::derive::CountryBasis;
use feide_registry::domain::flags::Flag;
use feide_registry::domain::portfolio::PortfolioReport;
use feide_registry::domain::terms::{Action, Bound, Unit};
use feide_registry::http::views::ServiceProfile;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{fresh_database, new_service, Answer, Engine, TestApp};

const SERVICE: &str = "/api/v1/services/provetjeneste";

/// A small catalogue that uses every field the agreement's words can fill.
fn stated() -> Catalogue {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/fixtures/stated.json");
    app::read_catalogue(&path).expect("fixture")
}

async fn with_stated(app: &TestApp) {
    app.import(&stated()).await;
}

async fn the_profile_shows_each_locations_basis_and_words(app: TestApp) {
    with_stated(&app).await;
    let p: ServiceProfile = app.anonymous().read(SERVICE).await;
    assert_eq!(p.locations[0].basis, Basis::Stated);
    assert_eq!(
        p.locations[0].evidence.as_deref(),
        Some("Data lagres i Norge.")
    );
    let feilsky = &p.sub_processors[0];
    assert_eq!(feilsky.id, "feilsky");
    assert_eq!(feilsky.locations[0].basis, Basis::Establishment);
    assert_eq!(
        feilsky.locations[0].evidence.as_deref(),
        Some("Raygun Limited, Wellington, New Zealand")
    );
    assert_eq!(p.sub_processors[1].locations[0].basis, Basis::Stated);
    // a country reached only through an establishment is still a third country, marked
    assert_eq!(p.third_countries, vec!["NZ"]);
    assert_eq!(
        p.third_country_bases,
        vec![CountryBasis {
            country: "NZ".into(),
            basis: Basis::Establishment
        }]
    );
}

async fn country_filters_match_an_establishment_too(app: TestApp) {
    with_stated(&app).await;
    let reader = app.anonymous();
    let outside = reader.ids("/api/v1/services?outside_eea=true").await;
    assert!(outside.contains(&"provetjeneste".to_owned()), "{outside:?}");
    let inside = reader.ids("/api/v1/services?outside_eea=false").await;
    assert!(!inside.contains(&"provetjeneste".to_owned()), "{inside:?}");
    let nz = reader.ids("/api/v1/services?country=NZ").await;
    assert!(nz.contains(&"provetjeneste".to_owned()), "{nz:?}");
}

async fn the_list_as_csv_marks_each_third_countrys_basis(app: TestApp) {
    with_stated(&app).await;
    let csv = Answer::of(
        app.anonymous()
            .request(Method::GET, "/api/v1/services?vendor=provo")
            .header("Accept", "text/csv"),
    )
    .await;
    let mut lines = csv.text().lines();
    let headers: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = headers
        .iter()
        .position(|h| *h == "third_country_bases")
        .unwrap();
    assert_eq!(row[column], "NZ:establishment", "{}", csv.text());
}

async fn compare_and_the_portfolio_report_show_the_basis(app: TestApp) {
    with_stated(&app).await;
    let c: Comparison = app
        .anonymous()
        .read("/api/v1/compare?services=provetjeneste,kikora")
        .await;
    let nz = c.countries.iter().find(|r| r.code == "NZ").unwrap();
    let cell = nz.cells[0].as_ref().unwrap();
    assert_eq!(cell.by, vec!["feilsky"]);
    assert_eq!(cell.bases, vec![Basis::Establishment]);
    let nl = c.countries.iter().find(|r| r.code == "NL").unwrap();
    assert_eq!(nl.cells[0].as_ref().unwrap().bases, vec![Basis::Stated]);

    let report: PortfolioReport = app
        .anonymous()
        .post(
            "/api/v1/reports/portfolio",
            json!({"services": ["provetjeneste"]}),
        )
        .await
        .ok();
    let t = &report.third_country_transfers[0];
    assert_eq!((t.by.as_str(), t.country.as_str()), ("feilsky", "NZ"));
    assert_eq!(t.basis, Basis::Establishment);
    let csv = Answer::of(
        app.anonymous()
            .request(Method::POST, "/api/v1/reports/portfolio")
            .header("Accept", "text/csv")
            .json(&json!({"services": ["provetjeneste"]})),
    )
    .await;
    assert!(
        csv.text().contains(
            "third_country_transfer,NZ,feilsky (none_stated; establishment),provetjeneste"
        ),
        "{}",
        csv.text()
    );
}

async fn terms_keep_the_agreements_quantity_unit_and_bound(app: TestApp) {
    with_stated(&app).await;
    let p: ServiceProfile = app.anonymous().read(SERVICE).await;
    assert_eq!(p.terms.deletion_days_after_end, Some(548));
    let deletion = &p.terms.stated["deletion_days_after_end"];
    assert_eq!((deletion.quantity, deletion.unit), (18.0, Unit::Months));
    assert_eq!(deletion.bound, Bound::AtMost);
    assert_eq!(deletion.action, Some(Action::Anonymisation));
    assert!(deletion.condition.as_deref().unwrap().contains("skriftlig"));
    assert_eq!(p.terms.stated["log_retention_days"].bound, Bound::AtLeast);
    assert_eq!(p.terms.return_request_days, Some(548));

    let c: Comparison = app
        .anonymous()
        .read("/api/v1/compare?services=provetjeneste,kikora")
        .await;
    let logs = c
        .terms
        .iter()
        .find(|t| t.term == "log_retention_days")
        .unwrap();
    assert_eq!(logs.values[0], json!(91));
    assert_eq!(logs.stated[0].as_ref().unwrap().bound, Bound::AtLeast);
    assert!(c.terms.iter().any(|t| t.term == "return_request_days"));
    assert!(
        !c.terms.iter().any(|t| t.term == "stated"),
        "statements are not a term"
    );
    let csv = Answer::of(
        app.anonymous()
            .request(Method::GET, "/api/v1/compare?services=provetjeneste,kikora")
            .header("Accept", "text/csv"),
    )
    .await;
    assert!(
        csv.text()
            .contains("term_stated,log_retention_days,at least 3 months,"),
        "{}",
        csv.text()
    );
}

/// A day count that is not the statement's by the one rule is refused, naming the term.
async fn a_day_count_that_disagrees_with_its_statement_is_refused(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let mut doc = new_service("atten-maaneder");
    // 18 months are 548 days by the rule, not 540 (18 x 30)
    doc["terms"] = json!({
        "deletion_days_after_end": 540,
        "stated": {
            "deletion_days_after_end": {"quantity": 18, "unit": "months", "bound": "exact"},
            "no_such_term": {"quantity": 1, "unit": "days", "bound": "exact"}
        }
    });
    let answer = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(answer.status(), 422, "{}", answer.text());
    let problem = answer.problem();
    let named = |pointer: &str| problem.errors.iter().find(|e| e.pointer == pointer);
    let deletion = named("/terms/deletion_days_after_end").expect("the term is named");
    assert!(deletion.detail.contains("548"), "{}", deletion.detail);
    assert!(
        named("/terms/stated/no_such_term").is_some(),
        "{:?}",
        problem.errors
    );

    doc["terms"] = json!({
        "deletion_days_after_end": 548,
        "stated": {"deletion_days_after_end": {"quantity": 18, "unit": "months", "bound": "exact"}}
    });
    let answer = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(answer.status(), 201, "{}", answer.text());
}

fn export_then_import_keeps_every_stated_fact(engine: Engine) {
    let file = stated();
    let (url, _d1) = fresh_database(engine);
    let first =
        feide_registry::store::Store::open(&url, 2, std::time::Duration::from_secs(3)).unwrap();
    app::import(&first, &file, "stated").unwrap();
    let exported = app::export(&first).unwrap();
    assert_eq!(exported, file, "export differs from the imported file");
    let (url, _d2) = fresh_database(engine);
    let second =
        feide_registry::store::Store::open(&url, 2, std::time::Duration::from_secs(3)).unwrap();
    app::import(&second, &exported, "export").unwrap();
    assert_eq!(app::export(&second).unwrap(), exported);
}

#[test]
fn export_then_import_keeps_every_stated_fact_on_sqlite() {
    export_then_import_keeps_every_stated_fact(Engine::Sqlite);
}

#[test]
fn export_then_import_keeps_every_stated_fact_on_postgres() {
    export_then_import_keeps_every_stated_fact(Engine::Postgres);
}

#[test]
fn a_location_without_a_basis_reads_as_stated() {
    let l: feide_registry::domain::catalogue::UseLocation =
        serde_json::from_value(json!({"country": "NL", "role": "storage"})).unwrap();
    assert_eq!((l.basis, l.evidence), (Basis::Stated, None));
}

/// The seeded agreements' other statements, their several transfer bases and their clauses that
/// disagree are served as stated, found by the filters, and flagged.
async fn conflicts_bases_and_statements_are_served_as_stated(app: TestApp) {
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    let salesforce = kikora
        .sub_processors
        .iter()
        .find(|u| u.id == "salesforce")
        .unwrap();
    assert_eq!(
        salesforce.transfer_mechanisms,
        [
            TransferMechanism::Bcr,
            TransferMechanism::PrivacyShield,
            TransferMechanism::Scc
        ]
    );
    assert_eq!(salesforce.transfer_mechanism, TransferMechanism::Bcr);
    assert!(salesforce
        .transfer_evidence
        .as_deref()
        .is_some_and(|e| e.contains("Binding Corporate Rules")));
    // one stated basis among several is enough for the filter
    assert_eq!(
        app.ids("/api/v1/services?transfer_mechanism=scc").await,
        ["kikora"]
    );
    assert!(kikora.statements.legal_basis[0].contains("Opplæringslova"));
    assert!(kikora.statements.objection_outcome[0].contains("1 ukes oppsigelsestid"));
    assert!(kikora.flags.contains(&Flag::ContradictoryTerms));
    let conflict = &kikora.terms.conflicts[0];
    assert_eq!(conflict.term, "sub_processor_change");
    assert_eq!(conflict.readings.len(), 2);
    assert!(
        !kikora.notes.is_empty(),
        "the registry's judgement calls are noted"
    );

    let glupus: ServiceProfile = app.read("/api/v1/services/glupus").await;
    assert_eq!(glupus.statements.general_purposes.len(), 2);
    assert!(glupus.oidc_scopes.iter().all(|s| s.justification.is_none()));
    assert_eq!(
        app.ids("/api/v1/services?flag=contradictory_terms").await,
        ["kikora", "sykkeldyktig"]
    );
}

/// A conflict needs a real term and two readings with words; several bases must hold the one the
/// flags judge by; nothing of a refused write is stored.
async fn a_bad_conflict_or_basis_list_is_refused_whole(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let mut doc = new_service("motstrid");
    doc["sub_processors"][0]["transfer_mechanisms"] = json!(["scc", "scc"]);
    doc["terms"]["conflicts"] = json!([
        {"term": "no_such_term", "readings": [{"value": 1, "evidence": "a"}, {"value": 2, "evidence": "b"}]},
        {"term": "deletion_days_after_end", "readings": [{"value": 90, "evidence": " "}]}
    ]);
    doc["statements"] = json!({"legal_basis": [""]});
    let answer = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(answer.status(), 422, "{}", answer.text());
    let pointers = answer.pointers();
    assert_eq!(
        pointers,
        [
            "/statements/legal_basis/0",
            "/sub_processors/0/transfer_mechanism",
            "/sub_processors/0/transfer_mechanisms/1",
            "/terms/conflicts/0/term",
            "/terms/conflicts/1/readings",
            "/terms/conflicts/1/readings/0/evidence",
        ]
    );
    assert_eq!(app.get("/api/v1/services/motstrid").await.status(), 404);
}

on_both_engines!(
    conflicts_bases_and_statements_are_served_as_stated,
    a_bad_conflict_or_basis_list_is_refused_whole,
    the_profile_shows_each_locations_basis_and_words,
    country_filters_match_an_establishment_too,
    the_list_as_csv_marks_each_third_countrys_basis,
    compare_and_the_portfolio_report_show_the_basis,
    terms_keep_the_agreements_quantity_unit_and_bound,
    a_day_count_that_disagrees_with_its_statement_is_refused,
);
