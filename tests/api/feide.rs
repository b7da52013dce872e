//! The link to Feide's own service catalogue: a service's Feide ids, set through the write
//! course, validated, shown and filtered; the sync against a fake Feide API on loopback that
//! serves the fixtures in `fixtures/feide/` and misbehaves on demand; on SQLite and PostgreSQL.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use feide_registry::domain::catalogue::Status;
use feide_registry::domain::compare::Comparison;
use feide_registry::domain::flags::Flag;
use feide_registry::domain::portfolio::PortfolioReport;
use feide_registry::feide::coverage::Coverage;
use feide_registry::feide::providers::MappingState;
use feide_registry::feide::sync::SyncReport;
use feide_registry::feide::FeideOptions;
use feide_registry::http::feide::{ProviderList, ProviderView};
use feide_registry::http::history::{ChangeFeed, HistoryList};
use feide_registry::http::views::ServiceProfile;
use serde_json::json;

use crate::helpers::{new_service, spawn_with, Actor, Engine, IfMatch, TestApp};

const SYKKELDYKTIG: &str = "/api/v1/services/sykkeldyktig";

/// A vendor links its service to its Feide ids; the profile shows them and `feide_id=` finds it.
async fn a_vendor_links_its_service_to_feide(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let etag = app.etag(SYKKELDYKTIG).await;
    let res = vendor
        .patch(SYKKELDYKTIG, &etag, json!({"feide_ids": ["16540", "136"]}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    assert_eq!(s.feide_ids, ["16540", "136"]);
    assert_eq!(
        app.ids("/api/v1/services?feide_id=136").await,
        ["sykkeldyktig"]
    );
    assert!(app.ids("/api/v1/services?feide_id=999").await.is_empty());
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    assert!(kikora.feide_ids.is_empty());
}

/// Ids that are not Feide's shape are refused, each named, and nothing is stored.
async fn a_malformed_feide_id_is_refused_and_named(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let etag = app.etag(SYKKELDYKTIG).await;
    let res = vendor
        .patch(
            SYKKELDYKTIG,
            &etag,
            json!({"feide_ids": ["16540", "../org/1", "16540", "007"]}),
        )
        .await;
    assert_eq!(res.status(), 422, "{}", res.text());
    let pointers: Vec<String> = res
        .problem()
        .errors
        .iter()
        .map(|e| e.pointer.clone())
        .collect();
    assert_eq!(
        pointers,
        ["/feide_ids/1", "/feide_ids/2", "/feide_ids/3"],
        "{}",
        res.text()
    );
    assert_eq!(app.etag(SYKKELDYKTIG).await, etag);
    let problem = app.problem("/api/v1/services?feide_id=abc", 400).await;
    assert_eq!(problem.errors[0].pointer, "feide_id");
}

/// Another vendor cannot link someone else's service; an administrator can.
async fn only_the_vendor_or_an_administrator_links(app: TestApp) {
    let other = app.vendor("cerpus").await;
    let etag = app.etag(SYKKELDYKTIG).await;
    let res = other
        .patch(SYKKELDYKTIG, &etag, json!({"feide_ids": ["16540"]}))
        .await;
    assert_eq!(res.status(), 403);
    let admin = app.admin().await;
    let res = admin
        .patch(SYKKELDYKTIG, &etag, json!({"feide_ids": ["16540"]}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    assert_eq!(s.feide_ids, ["16540"]);
}

on_both_engines!(
    a_vendor_links_its_service_to_feide,
    a_malformed_feide_id_is_refused_and_named,
    only_the_vendor_or_an_administrator_links,
    a_sync_needs_an_administrator_and_the_link_turned_on,
);

per_engine!(
    a_first_sync_fetches_and_the_next_asks_conditionally,
    a_misbehaving_feide_api_keeps_the_last_good_answer,
    the_cross_check_names_what_feide_releases_undeclared,
    the_lease_keeps_a_second_sync_from_fetching,
    two_syncs_at_once_fetch_once,
    feide_only_services_are_imported_and_counted,
    a_vendor_claims_a_feide_only_service,
    a_provider_without_org_number_waits_for_an_administrator,
    a_failing_listing_keeps_the_last_good_data,
);

/// How the fake Feide API answers for one service id.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Behaviour {
    /// The fixture, with an ETag; 304 when asked with that ETag.
    Serve,
    /// The fixture, but only after this long.
    Slow(Duration),
    ServerError,
    Malformed,
    Gone,
}

/// A fake Feide API on a loopback port, serving `fixtures/feide/{id}.json` at `/2/sp/{id}`.
struct FakeFeide {
    base: String,
    state: web::Data<FakeState>,
    _handle: Handle,
}

struct Handle(actix_web::dev::ServerHandle);

impl Drop for Handle {
    fn drop(&mut self) {
        drop(self.0.stop(false));
    }
}

#[derive(Default)]
struct FakeState {
    behaviour: Mutex<HashMap<String, Behaviour>>,
    /// How `/2/sp/all` answers; None: 404, as when Feide had no listing.
    listing: Mutex<Option<Behaviour>>,
    /// Organisation ids asked for at `/2/org/{id}`.
    orgs_asked: Mutex<Vec<String>>,
    /// Every request: (id, If-None-Match sent).
    requests: Mutex<Vec<(String, Option<String>)>>,
}

const FIXTURE_ETAG: &str = "\"feide-fixture-1\"";

async fn fake_service(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<FakeState>,
) -> HttpResponse {
    let id = id.into_inner();
    let if_none_match = req
        .headers()
        .get("If-None-Match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    state
        .requests
        .lock()
        .unwrap()
        .push((id.clone(), if_none_match.clone()));
    let behaviour = state
        .behaviour
        .lock()
        .unwrap()
        .get(&id)
        .copied()
        .unwrap_or(Behaviour::Gone);
    let path = format!(
        "{}/tests/api/fixtures/feide/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    match behaviour {
        Behaviour::Serve if if_none_match.as_deref() == Some(FIXTURE_ETAG) => {
            HttpResponse::NotModified().finish()
        }
        Behaviour::Serve => HttpResponse::Ok()
            .insert_header(("ETag", FIXTURE_ETAG))
            .content_type("application/json")
            .body(std::fs::read(path).expect("fixture")),
        Behaviour::Slow(delay) => {
            actix_web::rt::time::sleep(delay).await;
            HttpResponse::Ok()
                .content_type("application/json")
                .body(std::fs::read(path).expect("fixture"))
        }
        Behaviour::ServerError => HttpResponse::InternalServerError().body("oops"),
        Behaviour::Malformed => HttpResponse::Ok()
            .content_type("application/json")
            .body(r#"{"id": "16540", "attributes": "#),
        Behaviour::Gone => HttpResponse::NotFound().finish(),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/api/fixtures/feide/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

async fn fake_listing(state: web::Data<FakeState>) -> HttpResponse {
    match *state.listing.lock().unwrap() {
        None => HttpResponse::NotFound().finish(),
        Some(Behaviour::ServerError) => HttpResponse::InternalServerError().body("oops"),
        Some(Behaviour::Malformed) => HttpResponse::Ok()
            .content_type("application/json")
            .body(r#"[{"id": "20002", "attributes": ["cn"]}, {"id": "#),
        Some(_) => HttpResponse::Ok()
            .content_type("application/json")
            .body(fixture("listing.json")),
    }
}

async fn fake_org(id: web::Path<String>, state: web::Data<FakeState>) -> HttpResponse {
    state.orgs_asked.lock().unwrap().push(id.clone());
    let path = format!(
        "{}/tests/api/fixtures/feide/org-{id}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read(path) {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/json")
            .body(body),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

impl FakeFeide {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let state = web::Data::new(FakeState::default());
        let shared = state.clone();
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(shared.clone())
                .route("/2/sp/all", web::get().to(fake_listing))
                .route("/2/sp/{id}", web::get().to(fake_service))
                .route("/2/org/{id}", web::get().to(fake_org))
        })
        .workers(2)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = Handle(server.handle());
        tokio::spawn(server);
        Self {
            base,
            state,
            _handle: handle,
        }
    }

    fn set(&self, id: &str, behaviour: Behaviour) {
        self.state
            .behaviour
            .lock()
            .unwrap()
            .insert(id.into(), behaviour);
    }

    fn list(&self, behaviour: Option<Behaviour>) {
        *self.state.listing.lock().unwrap() = behaviour;
    }

    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.state.requests.lock().unwrap().clone()
    }
}

/// Options that fail fast: a short timeout, one quick retry, no rate to wait for.
fn fast(fake: &FakeFeide) -> FeideOptions {
    FeideOptions {
        api_url: fake.base.clone(),
        every: None,
        timeout: Duration::from_millis(700),
        retries: 1,
        backoff: Duration::from_millis(10),
        per_minute: 60_000,
        list_path: Some(feide_registry::feide::LIST_PATH.into()),
    }
}

/// The registry with the Feide link pointing at `fake`, and an administrator.
async fn linked_registry(engine: Engine, fake: &FakeFeide) -> (TestApp, Actor) {
    let options = fast(fake);
    let app = spawn_with(engine, |o| o.feide = Some(options)).await;
    let admin = app.admin().await;
    (app, admin)
}

async fn link(app: &TestApp, who: &Actor, path: &str, ids: &[&str]) {
    let etag = app.etag(path).await;
    let res = who.patch(path, &etag, json!({ "feide_ids": ids })).await;
    assert_eq!(res.status(), 200, "{}", res.text());
}

/// Runs a sync as `admin` and waits until the registry answers from what it stored.
async fn sync(app: &TestApp, admin: &Actor) -> SyncReport {
    let res = admin.post("/api/v1/feide/sync", json!({})).await;
    assert_eq!(res.status(), 200, "{}", res.text());
    app.caught_up(&app.anonymous()).await;
    res.ok()
}

async fn a_sync_needs_an_administrator_and_the_link_turned_on(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let res = vendor.post("/api/v1/feide/sync", json!({})).await;
    assert_eq!(res.status(), 403, "{}", res.text());
    let res = app.anonymous().post("/api/v1/feide/sync", json!({})).await;
    assert_eq!(res.status(), 401, "{}", res.text());
    // the test server runs with FEIDE_API_URL empty: nothing leaves the machine
    let admin = app.admin().await;
    let res = admin.post("/api/v1/feide/sync", json!({})).await;
    assert_eq!(res.status(), 409, "{}", res.text());
    assert!(res.problem().detail.contains("FEIDE_API_URL"));
}

/// The first sync stores Feide's answer; the next sends its ETag back and keeps the data on 304.
async fn a_first_sync_fetches_and_the_next_asks_conditionally(engine: Engine) {
    let fake = FakeFeide::start();
    fake.set("16540", Behaviour::Serve);
    let (app, admin) = linked_registry(engine, &fake).await;
    link(&app, &admin, SYKKELDYKTIG, &["16540"]).await;
    let before: ServiceProfile = app.read(SYKKELDYKTIG).await;
    let unchecked = before.feide.expect("a linked service has a feide block");
    assert_eq!(unchecked.checked_at, None);
    assert_eq!(unchecked.services[0].released, None);

    let report = sync(&app, &admin).await;
    assert_eq!((report.ran, report.checked, report.fetched), (true, 1, 1));
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    let feide = s.feide.expect("feide block");
    let one = &feide.services[0];
    assert_eq!(one.id, "16540");
    assert_eq!(one.name["nb"], "Feide Kundeportal");
    let provider = one.provider.as_ref().expect("provider");
    assert_eq!(
        (provider.id.as_str(), provider.realm.as_deref()),
        ("136", Some("uninett.no"))
    );
    assert_eq!(feide.released, ["eduPersonPrincipalName"]);
    assert_eq!(feide.error, None);
    let first_check = feide.checked_at.expect("checked");

    let report = sync(&app, &admin).await;
    assert_eq!((report.unchanged, report.fetched), (1, 0));
    let asked = fake.requests();
    assert_eq!(asked.len(), 2);
    assert_eq!(
        asked[1].1.as_deref(),
        Some(FIXTURE_ETAG),
        "the second request is conditional"
    );
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    let feide = s.feide.unwrap();
    assert_eq!(feide.released, ["eduPersonPrincipalName"]);
    assert!(feide.checked_at.unwrap() > first_check);
    let metrics = app.get("/metrics").await;
    assert!(metrics
        .text()
        .contains("feide_registry_feide_checks_total{outcome=\"unchanged\"}"));
}

/// A slow answer, a 500, a malformed body and a vanished service each leave the last good answer
/// in place, say why in `feide.error`, and count in /metrics.
async fn a_misbehaving_feide_api_keeps_the_last_good_answer(engine: Engine) {
    let fake = FakeFeide::start();
    fake.set("16540", Behaviour::Serve);
    let (app, admin) = linked_registry(engine, &fake).await;
    link(&app, &admin, SYKKELDYKTIG, &["16540"]).await;
    sync(&app, &admin).await;
    let good: ServiceProfile = app.read(SYKKELDYKTIG).await;
    let good = good.feide.unwrap().services[0].clone();
    let cases = [
        (
            Behaviour::Slow(Duration::from_secs(3)),
            "did not answer within",
        ),
        (Behaviour::ServerError, "answered 500"),
        (Behaviour::Malformed, "malformed answer"),
        (Behaviour::Gone, "no longer lists service 16540"),
    ];
    for (behaviour, said) in cases {
        fake.set("16540", behaviour);
        let report = sync(&app, &admin).await;
        assert_eq!(report.failed, 1, "{behaviour:?}");
        let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
        let feide = s.feide.unwrap();
        let now = &feide.services[0];
        assert_eq!(
            now.released, good.released,
            "{behaviour:?} kept the last good list"
        );
        assert_eq!(now.name, good.name);
        assert_eq!(now.provider, good.provider);
        assert_eq!(now.fetched_at, good.fetched_at, "{behaviour:?}");
        assert!(now.checked_at > good.checked_at);
        let error = feide.error.expect("an error is reported");
        assert!(
            error.starts_with("16540: ") && error.contains(said),
            "{behaviour:?}: {error}"
        );
    }
    let metrics = app.get("/metrics").await;
    let failed: u64 = metrics
        .text()
        .lines()
        .find_map(|l| l.strip_prefix("feide_registry_feide_checks_total{outcome=\"failed\"} "))
        .and_then(|n| n.parse().ok())
        .expect("failed checks metric");
    assert!(failed >= 4);
    // and a good answer clears the error
    fake.set("16540", Behaviour::Serve);
    sync(&app, &admin).await;
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    assert_eq!(s.feide.unwrap().error, None);
}

/// Feide releases norEduPersonNIN to Sykkeldyktig, whose agreement does not declare it.
async fn the_cross_check_names_what_feide_releases_undeclared(engine: Engine) {
    let fake = FakeFeide::start();
    fake.set("20001", Behaviour::Serve);
    let (app, admin) = linked_registry(engine, &fake).await;
    link(&app, &admin, SYKKELDYKTIG, &["20001"]).await;
    sync(&app, &admin).await;
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    let feide = s.feide.unwrap();
    assert!(feide.released.contains(&"norEduPersonNIN".to_string()));
    assert_eq!(feide.undeclared, ["norEduPersonNIN"]);
    assert!(
        s.flags.contains(&Flag::UndeclaredAttribute),
        "{:?}",
        s.flags
    );
    assert_eq!(
        app.ids("/api/v1/services?flag=undeclared_attribute").await,
        ["sykkeldyktig"]
    );

    let compared: Comparison = app
        .read("/api/v1/compare?services=kikora,sykkeldyktig")
        .await;
    assert_eq!(compared.services[0].feide, None);
    let sides = compared.services[1]
        .feide
        .as_ref()
        .expect("sykkeldyktig's sides");
    assert_eq!(sides.undeclared, ["norEduPersonNIN"]);
    assert_eq!(sides.released, feide.released);

    let report: PortfolioReport = app
        .post(
            "/api/v1/reports/portfolio",
            json!({"services": ["kikora", "sykkeldyktig"]}),
        )
        .await
        .ok();
    assert_eq!(report.feide.len(), 1);
    assert_eq!(report.feide[0].service, "sykkeldyktig");
    assert_eq!(report.feide[0].undeclared, ["norEduPersonNIN"]);

    // the change in Feide's list is in the service's history and the change feed, by the sync
    let history: HistoryList = app.read("/api/v1/services/sykkeldyktig/history").await;
    let last = history.items.last().expect("a revision");
    assert_eq!(last.actor, "feide-sync");
    assert_eq!(last.revision, s.revision);
    assert!(
        last.changes.to_string().contains("norEduPersonNIN"),
        "{}",
        last.changes
    );
    let feed: ChangeFeed = app.read("/api/v1/changes?limit=500").await;
    assert!(feed
        .items
        .iter()
        .any(|c| c.id == "sykkeldyktig" && c.revision.actor == "feide-sync"));

    // an unchanged answer adds no revision
    sync(&app, &admin).await;
    let again: HistoryList = app.read("/api/v1/services/sykkeldyktig/history").await;
    assert_eq!(again.items.len(), history.items.len());
    // and once the agreement declares it, the flag goes
    let etag = app.etag(SYKKELDYKTIG).await;
    let declared: Vec<serde_json::Value> = s
        .attributes
        .iter()
        .filter(|a| a.declared)
        .map(|a| json!({"name": a.name, "justification": a.justification}))
        .chain([json!({"name": "norEduPersonNIN", "justification": "Identifiserer eleven mot skolens register"})])
        .collect();
    let res = admin
        .patch(SYKKELDYKTIG, &etag, json!({ "attributes": declared }))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let s: ServiceProfile = app.read(SYKKELDYKTIG).await;
    assert!(s.feide.unwrap().undeclared.is_empty());
    assert!(!s.flags.contains(&Flag::UndeclaredAttribute));
}

/// While another process holds the lease, a sync fetches nothing and answers 202.
async fn the_lease_keeps_a_second_sync_from_fetching(engine: Engine) {
    let fake = FakeFeide::start();
    fake.set("16540", Behaviour::Serve);
    let (app, admin) = linked_registry(engine, &fake).await;
    link(&app, &admin, SYKKELDYKTIG, &["16540"]).await;
    let now = chrono::Utc::now();
    let held = feide_registry::store::feide::take_lease(
        &mut app.store.conn().unwrap(),
        "another-process",
        now,
        now + chrono::Duration::hours(1),
    )
    .unwrap();
    assert!(held);
    let res = admin.post("/api/v1/feide/sync", json!({})).await;
    assert_eq!(res.status(), 202, "{}", res.text());
    let report: SyncReport = res.json();
    assert!(!report.ran);
    assert!(fake.requests().is_empty());
    feide_registry::store::feide::release_lease(&mut app.store.conn().unwrap(), "another-process")
        .unwrap();
    sync(&app, &admin).await;
    assert_eq!(fake.requests().len(), 1);
}

/// Two processes on one database asked to sync at the same moment: Feide is asked once.
async fn two_syncs_at_once_fetch_once(engine: Engine) {
    let fake = FakeFeide::start();
    fake.set("16540", Behaviour::Slow(Duration::from_millis(400)));
    let (app, admin) = linked_registry(engine, &fake).await;
    link(&app, &admin, SYKKELDYKTIG, &["16540"]).await;
    let other = app.another_process();
    let admin_there = admin.at(&other.base);
    let (a, b) = tokio::join!(
        admin.post("/api/v1/feide/sync", json!({})),
        admin_there.post("/api/v1/feide/sync", json!({}))
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 202], "{} / {}", a.text(), b.text());
    assert_eq!(fake.requests().len(), 1);
}

/// The registry with the listing served, Sykkeldyktig linked to the listed `20001`, and one sync.
async fn listed_registry(engine: Engine, fake: &FakeFeide) -> (TestApp, Actor, SyncReport) {
    fake.list(Some(Behaviour::Serve));
    let (app, admin) = linked_registry(engine, fake).await;
    link(&app, &admin, SYKKELDYKTIG, &["20001"]).await;
    let report = sync(&app, &admin).await;
    (app, admin, report)
}

fn gauge(metrics: &str, kind: &str) -> u64 {
    let prefix = format!("feide_registry_coverage_services{{kind=\"{kind}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no gauge {kind} in {metrics}"))
}

/// Feide lists three services; the two no entry links become `unregistered` entries with Feide's
/// facts and no agreement flags, left out of the default list and counted in coverage.
async fn feide_only_services_are_imported_and_counted(engine: Engine) {
    let fake = FakeFeide::start();
    let (app, _admin, report) = listed_registry(engine, &fake).await;
    assert_eq!((report.listed, report.imported), (3, 2), "{report:?}");
    assert_eq!(report.listing_error, None);
    // the listing delivered 20001: it is not asked for again on its own
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    let m: ServiceProfile = app.read("/api/v1/services/feide-20002").await;
    assert_eq!(m.status, Status::Unregistered);
    assert!(!m.agreement_facts, "marked as having no agreement facts");
    assert_eq!(m.name, "Matteland");
    assert_eq!(
        m.description.as_deref(),
        Some("Matematikkoppgaver for mellomtrinnet.")
    );
    assert!(m.flags.is_empty(), "no agreement flag fires: {:?}", m.flags);
    assert!(m.attributes.is_empty() && m.locations.is_empty());
    let feide = m.feide.expect("feide block");
    assert_eq!(
        feide.released,
        ["eduPersonPrincipalName", "givenName", "sn"]
    );
    assert!(
        feide.undeclared.is_empty(),
        "no agreement, nothing undeclared"
    );
    let details = feide.services[0].details.clone().expect("listing details");
    assert_eq!(
        details.privacy_policy_urls["nb"],
        "https://matteland.example/personvern"
    );
    assert_eq!(details.areas_of_use, ["educational"]);
    assert_eq!(details.levels, ["primary_school"]);
    // its provider's organisation number is Cerpus': it is Cerpus' entry
    assert_eq!(m.vendor.id, "cerpus");
    let k: ServiceProfile = app.read("/api/v1/services/feide-20003").await;
    assert_eq!(k.vendor.id, "feide-provider-5002");

    let listed = app.ids("/api/v1/services?limit=500").await;
    assert!(
        !listed.iter().any(|id| id.starts_with("feide-")),
        "{listed:?}"
    );
    assert_eq!(
        app.ids("/api/v1/services?status=unregistered").await,
        ["feide-20002", "feide-20003"]
    );
    assert!(app
        .ids("/api/v1/services?status=unregistered&flag=location_not_stated")
        .await
        .is_empty());

    let c: Coverage = app.read("/api/v1/coverage").await;
    assert_eq!(
        (
            c.with_agreement_facts,
            c.only_from_feide,
            c.disagree_with_feide,
            c.linked_to_feide
        ),
        (5, 2, 1, 1),
        "{c:?}"
    );
    let metrics = app.get("/metrics").await;
    let text = metrics.text();
    assert_eq!(gauge(text, "with_agreement_facts"), 5);
    assert_eq!(gauge(text, "only_from_feide"), 2);
    assert_eq!(gauge(text, "disagree_with_feide"), 1);

    // a portfolio report names it as not registered and reads none of its silence as facts
    let report: PortfolioReport = app
        .post(
            "/api/v1/reports/portfolio",
            json!({"services": ["sykkeldyktig", "feide-20002"]}),
        )
        .await
        .ok();
    assert_eq!(report.not_registered, ["feide-20002"]);
    assert!(!report
        .location_not_stated
        .contains(&"feide-20002".to_string()));
    assert!(report
        .flags
        .iter()
        .all(|f| !f.services.contains(&"feide-20002".to_string())));

    // a comparison marks it as having no agreement facts
    let compared: Comparison = app
        .read("/api/v1/compare?services=sykkeldyktig,feide-20002")
        .await;
    assert!(compared.services[0].agreement_facts);
    assert!(!compared.services[1].agreement_facts);

    // the import is in the entry's history, by the sync
    let history: HistoryList = app.read("/api/v1/services/feide-20002/history").await;
    assert_eq!(history.items[0].actor, "feide-sync");

    // a second sync imports nothing twice
    let again = sync(&app, &_admin).await;
    assert_eq!(again.imported, 0);
    let c2: Coverage = app.read("/api/v1/coverage").await;
    assert_eq!(c2, c);
}

/// Cerpus (matched by organisation number) registers the agreement facts of its Feide-only
/// service: the entry becomes an ordinary one, with its history kept.
async fn a_vendor_claims_a_feide_only_service(engine: Engine) {
    let fake = FakeFeide::start();
    let (app, _admin, _) = listed_registry(engine, &fake).await;
    let path = "/api/v1/services/feide-20002";
    let cerpus = app.vendor("cerpus").await;
    let etag = app.etag(path).await;

    // still calling it unregistered is refused, and named
    let mut doc = new_service("feide-20002");
    doc["vendor"] = json!("cerpus");
    doc["feide_ids"] = json!(["20002"]);
    doc["status"] = json!("unregistered");
    let res = cerpus.put(path, &etag, doc.clone()).await;
    assert_eq!(res.status(), 422, "{}", res.text());
    assert_eq!(res.problem().errors[0].pointer, "/status");
    // another vendor cannot claim it
    doc["status"] = json!("active");
    let other = app.vendor("trygg-trafikk").await;
    assert_eq!(other.put(path, &etag, doc.clone()).await.status(), 403);

    let res = cerpus.put(path, &etag, doc).await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let s: ServiceProfile = app.read(path).await;
    assert_eq!(s.status, Status::Active);
    assert!(s.agreement_facts);
    assert_eq!(s.feide.expect("still linked").released.len(), 3);
    assert!(app
        .ids("/api/v1/services?limit=500")
        .await
        .contains(&"feide-20002".to_string()));
    let history: HistoryList = app.read(&format!("{path}/history")).await;
    assert_eq!(history.items.len(), 2, "the import and the claim");
    let c: Coverage = app.read("/api/v1/coverage").await;
    assert_eq!((c.with_agreement_facts, c.only_from_feide), (6, 1));
}

/// Provider 5002 gives Feide no organisation number: its service waits under a placeholder
/// vendor until an administrator confirms the proposed vendor, which may then claim it.
async fn a_provider_without_org_number_waits_for_an_administrator(engine: Engine) {
    let fake = FakeFeide::start();
    let (app, admin, _) = listed_registry(engine, &fake).await;
    let list: ProviderList = app.read("/api/v1/feide/providers").await;
    let by_id = |id: &str| list.items.iter().find(|p| p.id == id).cloned().expect(id);
    let (tt, cerpus, pending) = (by_id("4242"), by_id("5001"), by_id("5002"));
    assert_eq!(
        (tt.state, tt.vendor.as_deref()),
        (MappingState::Matched, Some("trygg-trafikk"))
    );
    assert_eq!(cerpus.org_number.as_deref(), Some("998596572"));
    assert_eq!(cerpus.vendor.as_deref(), Some("cerpus"));
    assert_eq!(
        (pending.state, pending.vendor),
        (MappingState::Pending, None)
    );
    // the same name is only a proposal
    assert_eq!(
        pending.proposed_vendor.as_deref(),
        Some("matematikksenteret")
    );

    let decision = "/api/v1/feide/providers/5002";
    let vendor = app.vendor("matematikksenteret").await;
    let res = vendor
        .put(decision, IfMatch::Absent, json!({"decision": "confirm"}))
        .await;
    assert_eq!(res.status(), 403, "{}", res.text());
    let res = admin
        .put(
            "/api/v1/feide/providers/9999",
            IfMatch::Absent,
            json!({"decision": "confirm"}),
        )
        .await;
    assert_eq!(res.status(), 404, "{}", res.text());
    let res = admin
        .put(
            decision,
            IfMatch::Absent,
            json!({"decision": "confirm", "vendor": "no-such-vendor"}),
        )
        .await;
    assert_eq!(res.status(), 422, "{}", res.text());
    assert_eq!(res.problem().errors[0].pointer, "/vendor");

    // a rejected proposal leaves the service under the provider's placeholder vendor
    let res = admin
        .put(decision, IfMatch::Absent, json!({"decision": "reject"}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.json::<ProviderView>().state, MappingState::Rejected);
    let k: ServiceProfile = app.read("/api/v1/services/feide-20003").await;
    assert_eq!(k.vendor.id, "feide-provider-5002");

    let res = admin
        .put(decision, IfMatch::Absent, json!({"decision": "confirm"}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let decided: ProviderView = res.json();
    assert_eq!(decided.state, MappingState::Confirmed);
    let k: ServiceProfile = app.read("/api/v1/services/feide-20003").await;
    assert_eq!(k.vendor.id, "matematikksenteret");
    assert_eq!(k.status, Status::Unregistered);
    // a later sync keeps the decision
    sync(&app, &admin).await;
    let list: ProviderList = app.read("/api/v1/feide/providers").await;
    let after = list.items.iter().find(|p| p.id == "5002").unwrap();
    assert_eq!(after.state, MappingState::Confirmed);
    // and the vendor may now claim it
    let path = "/api/v1/services/feide-20003";
    let mut doc = new_service("feide-20003");
    doc["vendor"] = json!("matematikksenteret");
    doc["feide_ids"] = json!(["20003"]);
    let res = vendor.put(path, &app.etag(path).await, doc).await;
    assert_eq!(res.status(), 200, "{}", res.text());
}

/// A listing that answers 500 or does not parse changes nothing: every entry keeps its last good
/// data, the report and /metrics say so.
async fn a_failing_listing_keeps_the_last_good_data(engine: Engine) {
    let fake = FakeFeide::start();
    let (app, admin, _) = listed_registry(engine, &fake).await;
    let before: ServiceProfile = app.read("/api/v1/services/feide-20002").await;
    let coverage: Coverage = app.read("/api/v1/coverage").await;
    for (behaviour, said) in [
        (Behaviour::ServerError, "answered 500"),
        (Behaviour::Malformed, "malformed service listing"),
    ] {
        fake.list(Some(behaviour));
        let report = sync(&app, &admin).await;
        let why = report.listing_error.expect("the listing failed");
        assert!(why.contains(said), "{behaviour:?}: {why}");
        assert_eq!((report.listed, report.imported), (0, 0));
        let now: ServiceProfile = app.read("/api/v1/services/feide-20002").await;
        assert_eq!(now.status, Status::Unregistered);
        assert_eq!(now.revision, before.revision);
        let (a, b) = (now.feide.unwrap(), before.feide.clone().unwrap());
        assert_eq!(a.released, b.released, "{behaviour:?}");
        assert_eq!(a.services[0].details, b.services[0].details);
        let c: Coverage = app.read("/api/v1/coverage").await;
        assert_eq!(c, coverage, "{behaviour:?}");
    }
    let metrics = app.get("/metrics").await;
    assert!(metrics.text().lines().any(|l| l
        .starts_with("feide_registry_feide_listings_total{outcome=\"failed\"} ")
        && !l.ends_with(" 0")));
}
