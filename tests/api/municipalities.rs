//! A municipality's own work over HTTP: an administrator registers it, the command line gives it
//! a client, the client builds its portfolio (with the ETag rules of every other write), chooses
//! who may read it, and reads the report and the record of processing activities drawn from the
//! seeded agreements, on SQLite and PostgreSQL.

use std::process::Command;

use chrono::{Duration, Utc};
use feide_registry::domain::auth::ClientRole;
use feide_registry::domain::catalogue::TransferMechanism;
use feide_registry::domain::municipalities::{LocalStatus, Visibility};
use feide_registry::domain::processing_record::ProcessingRecord;
use feide_registry::error::Problem;
use feide_registry::http::history::{ChangeFeed, HistoryList};
use feide_registry::http::municipalities::{
    MunicipalReport, MunicipalityList, MunicipalityView, PortfolioEntryView, PortfolioView,
};
use serde_json::{json, Value};

use crate::helpers::{Actor, IfMatch, TestApp};

const BERGEN: &str = "/api/v1/municipalities/bergen";
const PORTFOLIO: &str = "/api/v1/municipalities/bergen/portfolio";

fn bergen(org_number: &str, number: &str) -> Value {
    json!({"id": "bergen", "name": "Bergen kommune", "org_number": org_number,
           "municipality_number": number, "kind": "municipality"})
}

/// Runs the registry's command line on the test's database; answers its standard output.
fn cli(app: &TestApp, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .args(["--database-url", &app.database_url])
        .args(args)
        .output()
        .expect("run feide-registry");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A municipality client made by `feide-registry client create --role municipality`, signed in.
pub(crate) async fn municipality_client(app: &TestApp, municipality: &str) -> Actor {
    let out = cli(
        app,
        &[
            "client",
            "create",
            "--role",
            "municipality",
            "--municipality",
            municipality,
        ],
    );
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("{name} in {out}"))
    };
    app.anonymous()
        .sign_in(&field("client_id:"), &field("client_secret:"))
        .await
}

fn pointers(problem: &Problem) -> Vec<&str> {
    problem.errors.iter().map(|e| e.pointer.as_str()).collect()
}

/// Sets up Bergen (private portfolio) with a client, and Kikora in use, Glupus approved with its
/// review overdue, Alle teller rejected.
async fn bergen_with_portfolio(app: &TestApp) -> Actor {
    let admin = app.admin().await;
    let res = admin
        .post("/api/v1/municipalities", bergen("964338531", "4601"))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let client = municipality_client(app, "bergen").await;
    let overdue = (Utc::now().date_naive() - Duration::days(1)).to_string();
    for (service, body) in [
        (
            "kikora",
            json!({"local_status": "in_use", "agreement_signed_on": "2024-08-01",
                   "next_review_due": "2099-08-01",
                   "source": {"title": "Databehandleravtale Kikora – Bergen kommune", "date": "2024-08-01"}}),
        ),
        (
            "glupus",
            json!({"local_status": "approved", "next_review_due": overdue}),
        ),
        ("alle-teller", json!({"local_status": "rejected"})),
    ] {
        let res = client
            .put(&format!("{PORTFOLIO}/{service}"), IfMatch::Absent, body)
            .await;
        assert_eq!(res.status(), 201, "{service}: {}", res.text());
    }
    client
}

async fn a_municipality_builds_its_portfolio(app: TestApp) {
    let admin = app.admin().await;

    // an administrator registers Bergen; a wrong org number and municipality number are named
    let res = admin
        .post("/api/v1/municipalities", bergen("964338532", "46"))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        pointers(&res.problem()),
        ["/org_number", "/municipality_number"]
    );
    let res = admin
        .post("/api/v1/municipalities", bergen("964 338 531", "4601"))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.header("location"), Some(BERGEN));
    let created: MunicipalityView = res.json();
    assert_eq!(created.org_number, "964338531", "stored without spaces");
    assert_eq!(
        created.portfolio,
        Visibility::Private,
        "private unless chosen"
    );

    // Oslo comes from the command line, with its own client
    cli(
        &app,
        &[
            "municipality",
            "create",
            "--id",
            "oslo",
            "--name",
            "Oslo kommune",
            "--org-number",
            "958935420",
            "--number",
            "0301",
        ],
    );
    let oslo: MunicipalityView = app.read("/api/v1/municipalities/oslo").await;
    assert_eq!(oslo.name, "Oslo kommune");
    let oslo_client = municipality_client(&app, "oslo").await;

    // Bergen's client adds Kikora: created without If-Match
    let client = municipality_client(&app, "bergen").await;
    let kikora = format!("{PORTFOLIO}/kikora");
    let res = client
        .put(
            &kikora,
            IfMatch::Absent,
            json!({"local_status": "under_assessment", "dpia_done_on": "2024-06-15",
                   "note": "Matematikk 8.–10. trinn"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let first = res.etag();
    let entry: PortfolioEntryView = res.json();
    assert_eq!(
        (entry.service_name.as_str(), entry.vendor.as_str()),
        ("Kikora", "eldur-learning")
    );

    // every bad field of an entry is named at once, and nothing is stored
    let res = client
        .put(
            &format!("{PORTFOLIO}/no-such-service"),
            IfMatch::Absent,
            json!({"local_status": "in_use", "agreement_signed_on": "2024-13-01",
                   "source": {"title": " ", "url": "ftp://example.no/avtale.pdf"}}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        pointers(&res.problem()),
        [
            "/service",
            "/agreement_signed_on",
            "/source/title",
            "/source/url"
        ]
    );
    let res = client
        .put(
            &kikora,
            IfMatch::Absent,
            json!({"local_status": "in_use_maybe"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(pointers(&res.problem()), ["/local_status"]);

    // a change needs the ETag last read: stale is 412, missing is 428
    let res = client
        .patch(&kikora, &first, json!({"local_status": "in_use"}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let second = res.etag();
    let stale = client
        .patch(&kikora, &first, json!({"local_status": "phased_out"}))
        .await;
    assert_eq!(stale.status(), 412);
    let missing = client
        .put(
            &kikora,
            IfMatch::Absent,
            json!({"local_status": "phased_out"}),
        )
        .await;
    assert_eq!(missing.status(), 428);
    let on_nothing = client
        .put(
            &format!("{PORTFOLIO}/glupus"),
            &second,
            json!({"local_status": "approved"}),
        )
        .await;
    assert_eq!(on_nothing.status(), 412, "no entry matches an ETag");

    // another municipality may not write Bergen's portfolio
    let res = oslo_client
        .put(
            &format!("{PORTFOLIO}/glupus"),
            IfMatch::Absent,
            json!({"local_status": "approved"}),
        )
        .await;
    assert_eq!(res.status(), 403);

    // private: 404 to anyone but Bergen's clients and administrators, as if it did not exist
    app.anonymous().problem(PORTFOLIO, 404).await;
    oslo_client.problem(PORTFOLIO, 404).await;
    oslo_client.problem(&kikora, 404).await;
    let own = client.get(PORTFOLIO).await;
    assert_eq!(own.status(), 200);
    let cache = own.header("cache-control").unwrap_or_default();
    assert!(
        cache.contains("no-store") && !cache.contains("public"),
        "{cache}"
    );
    let own: PortfolioView = own.json();
    assert_eq!(own.items.len(), 1);
    assert_eq!(own.items[0].local_status, LocalStatus::InUse);
    let by_admin: PortfolioView = admin.read(PORTFOLIO).await;
    assert_eq!(by_admin.items.len(), 1);

    // Bergen's client makes it public, but may not rename Bergen
    let etag = client.etag(BERGEN).await;
    let res = client
        .patch(BERGEN, &etag, json!({"name": "Bjørgvin"}))
        .await;
    assert_eq!(res.status(), 403);
    let res = client
        .patch(BERGEN, &etag, json!({"portfolio": "public"}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let public: PortfolioView = app.read(PORTFOLIO).await;
    assert_eq!(public.portfolio, Visibility::Public);
    assert_eq!(public.items[0].service, "kikora");

    // taken out and put back: one history, by Bergen's client
    let etag = client.etag(&kikora).await;
    assert_eq!(client.delete(&kikora, &etag).await.status(), 200);
    app.anonymous().problem(&kikora, 404).await;
    let res = client
        .put(&kikora, IfMatch::Absent, json!({"local_status": "in_use"}))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let history: HistoryList = app.read(&format!("{kikora}/history")).await;
    let rows: Vec<(i32, &str, &str)> = history
        .items
        .iter()
        .map(|r| (r.revision, r.actor.as_str(), r.action.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (1, "municipality:bergen", "portfolio.put"),
            (2, "municipality:bergen", "portfolio.patch"),
            (3, "municipality:bergen", "portfolio.remove"),
            (4, "municipality:bergen", "portfolio.put"),
        ]
    );

    // the audit log holds every write, and the CLI's
    let log = admin.audit("").await;
    let actions = |actor: &str| -> Vec<String> {
        log.iter()
            .filter(|e| e.actor.as_deref() == Some(actor) && e.outcome < 300)
            .map(|e| e.action.clone())
            .collect()
    };
    assert!(actions("admin").contains(&"municipality.create".to_owned()));
    assert!(actions("admin:cli").contains(&"municipality.create".to_owned()));
    let bergen_wrote = actions("municipality:bergen");
    for action in [
        "portfolio.put",
        "portfolio.patch",
        "portfolio.remove",
        "municipality.patch",
    ] {
        assert!(
            bergen_wrote.contains(&action.to_owned()),
            "{action}: {bergen_wrote:?}"
        );
    }
    assert!(log
        .iter()
        .any(|e| e.actor.as_deref() == Some("municipality:oslo") && e.outcome == 403));

    // the catalogue's change feed shows no municipality's entries
    let feed: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    assert!(feed
        .items
        .iter()
        .all(|c| c.entity != "portfolio_entry" && c.entity != "municipality"));
}

async fn the_report_and_record_come_from_the_agreements(app: TestApp) {
    let client = bergen_with_portfolio(&app).await;

    let report: MunicipalReport = client.read("/api/v1/municipalities/bergen/report").await;
    let statuses: Vec<(&str, LocalStatus)> = report
        .local_statuses
        .iter()
        .map(|s| (s.service.as_str(), s.local_status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("alle-teller", LocalStatus::Rejected),
            ("glupus", LocalStatus::Approved),
            ("kikora", LocalStatus::InUse),
        ]
    );
    let due: Vec<(&str, bool)> = report
        .reviews_due
        .iter()
        .map(|r| (r.service.as_str(), r.overdue))
        .collect();
    assert_eq!(due, [("glupus", true)], "Kikora's review is far off");
    assert_eq!(
        report.report.services,
        ["glupus", "kikora"],
        "not the rejected one"
    );
    assert!(report
        .report
        .third_country_transfers
        .iter()
        .any(|t| t.service == "kikora" && t.by == "sentry" && t.country == "US"));

    let path = "/api/v1/municipalities/bergen/record-of-processing";
    app.anonymous().problem(path, 404).await;
    let record: ProcessingRecord = client.read(path).await;
    assert_eq!(record.controller_org_number, "964338531");
    let services: Vec<&str> = record.services.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(
        services,
        ["glupus", "kikora"],
        "what is processed: in use or approved"
    );
    let kikora = &record.services[1];
    let countries = |id: &str| -> Vec<String> {
        kikora
            .recipients
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} among Kikora's recipients"))
            .locations
            .iter()
            .map(|l| l.country.clone())
            .collect()
    };
    assert_eq!(kikora.recipients[0].kind, "processor");
    assert_eq!(kikora.recipients[0].id, "eldur-learning");
    assert_eq!(countries("sentry"), ["US"]);
    assert_eq!(countries("raygun"), ["NZ"]);
    assert_eq!(countries("amazon-web-services"), ["LU"]);
    let salesforce = kikora
        .third_country_transfers
        .iter()
        .find(|t| t.by == "salesforce")
        .expect("Salesforce's transfer");
    assert_eq!(
        salesforce.transfer_mechanisms,
        [
            TransferMechanism::Bcr,
            TransferMechanism::PrivacyShield,
            TransferMechanism::Scc
        ],
        "every basis recorded as stated"
    );
    let log_days = kikora
        .erasure
        .iter()
        .find(|e| e.term == "log_retention_days")
        .and_then(|e| e.days);
    // "i minimum 3 måneder": 91 days by the one rule
    assert_eq!(log_days, Some(91));
    let security = kikora
        .security
        .as_ref()
        .expect("Kikora states security terms");
    assert_eq!(security.security_audit_months, Some(6));
    assert_eq!(security.security_level, None);
    assert!(
        kikora
            .not_stated
            .contains(&"/security/security_level".to_owned()),
        "{:?}",
        kikora.not_stated
    );
    assert!(!kikora.sources.is_empty(), "traced to the agreement");
    assert_eq!(
        kikora.signed.as_ref().map(|s| s.title.as_str()),
        Some("Databehandleravtale Kikora – Bergen kommune")
    );
    let glupus = &record.services[0];
    assert_eq!(
        glupus
            .security
            .as_ref()
            .and_then(|s| s.security_level.as_deref()),
        Some("high")
    );
    assert!(
        glupus.not_stated.contains(&"/erasure/3".to_owned()),
        "no log retention stated"
    );

    // the same record as a spreadsheet
    let csv = crate::helpers::Answer::of(
        client
            .request(reqwest::Method::GET, path)
            .header("Accept", "text/csv"),
    )
    .await;
    assert_eq!(csv.status(), 200);
    let mut reader = csv::Reader::from_reader(csv.text().as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let kikora_row = rows.iter().find(|r| &r[0] == "kikora").unwrap();
    assert!(kikora_row[column("recipients")].contains("Sentry (US"));
    let erasure = &kikora_row[column("erasure")];
    assert!(
        erasure.contains("log_retention_days: at least 3 months (91 days)"),
        "{erasure}"
    );
    let glupus_row = rows.iter().find(|r| &r[0] == "glupus").unwrap();
    assert!(glupus_row[column("erasure")].contains("log_retention_days: not stated"));
}

/// A municipality client is a client like any other: the admin can make one for a
/// municipality that exists only.
async fn a_municipality_client_needs_its_municipality(app: TestApp) {
    let refused = feide_registry::app::create_client(
        &app.store,
        ClientRole::Municipality,
        Some("nowhere"),
        None,
    );
    assert!(refused.is_err());
    let refused =
        feide_registry::app::create_client(&app.store, ClientRole::Municipality, None, None);
    assert!(refused.is_err());
}

/// A NUL in the id or the organisation number (which PostgreSQL cannot hold) is a 422 naming
/// each field, not a failed lookup, and nothing is created; schemathesis found the 500.
async fn a_nul_in_a_new_municipality_is_named_not_looked_up(app: TestApp) {
    let admin = app.admin().await;
    let body = json!({"id": "\u{0}berg", "name": "Bergen kommune", "org_number": "96433\u{0}8531",
                      "kind": "municipality"});
    let res = admin.post("/api/v1/municipalities", &body).await;
    assert_eq!(res.status(), 422, "{}", res.text());
    let named = res.pointers();
    assert!(named.contains(&"/id".to_owned()), "{named:?}");
    assert!(named.contains(&"/org_number".to_owned()), "{named:?}");
    let all: MunicipalityList = app.read("/api/v1/municipalities").await;
    assert!(all.items.is_empty(), "{all:?}");
}

on_both_engines!(
    a_municipality_builds_its_portfolio,
    the_report_and_record_come_from_the_agreements,
    a_municipality_client_needs_its_municipality,
    a_nul_in_a_new_municipality_is_named_not_looked_up,
);
