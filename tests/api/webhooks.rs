//! Webhooks as a subscriber sees them: a receiver on loopback (tests/client/webhook_receiver.py)
//! verifies every delivery's signature with the Standard Webhooks reference library
//! (`standardwebhooks`), and answers as told (failing the first attempts, or always). Shown on
//! SQLite and PostgreSQL: each municipality hears of its own services only, and never of another
//! municipality's portfolio; a receiver that fails three times gets the event on the fourth
//! attempt under the same `webhook-id`; a registry killed with SIGKILL while 100 deliveries are
//! pending delivers each of them after its restart; a subscription that keeps failing is
//! disabled and says why, and comes back with its deliveries sent again; targets that are not
//! public https are refused, and the secret is shown once.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use feide_registry::app::ServerOptions;
use feide_registry::delivery::WebhookOptions;
use feide_registry::domain::webhooks::{Backoff, DeliveryStatus, EventType, Targets};
use feide_registry::http::municipalities::MunicipalityView;
use feide_registry::http::views::ServiceProfile;
use feide_registry::http::webhooks::{DeliveryList, WebhookCreated, WebhookList, WebhookView};
use feide_registry::store::Store;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::helpers::{fresh_database, spawn_with, Actor, Answer, Engine, IfMatch, TestApp};
use crate::municipalities::municipality_client;

/// The interpreter with `standardwebhooks`: `WEBHOOK_PYTHON`, or the one
/// `scripts/webhook-python` prepares.
fn python() -> String {
    if let Ok(p) = std::env::var("WEBHOOK_PYTHON") {
        return p;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(format!("{root}/scripts/webhook-python"))
        .output()
        .expect("run scripts/webhook-python");
    assert!(
        out.status.success(),
        "scripts/webhook-python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// One request the receiver got.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Received {
    pub path: String,
    pub webhook_id: String,
    pub verified: bool,
    attempt: u32,
    answered: u16,
    pub payload: Payload,
}

/// A delivery's body as Standard Webhooks frames it (empty when it did not verify: the receiver
/// then records the error instead).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Payload {
    #[serde(rename = "type")]
    pub event: String,
    pub data: EventData,
}

/// What an event is about; each event type fills its own members.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EventData {
    pub service: Option<String>,
    pub municipality: Option<String>,
    pub announcement: Option<String>,
    pub short_notice: Option<bool>,
    pub objection_deadline: Option<String>,
    pub days_left: Option<i64>,
}

impl Received {
    pub fn event_type(&self) -> &str {
        &self.payload.event
    }
}

/// The receiver process, ended when dropped.
pub(crate) struct Receiver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Receiver {
    pub fn start() -> Receiver {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/client/webhook_receiver.py"
        );
        let mut child = Command::new(python())
            .arg(script)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the receiver");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("the receiver's port");
        Receiver {
            child,
            base: format!("http://127.0.0.1:{}", line.trim()),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Deliveries to `path` are verified with `secret`; the first `fail_first` attempts of each
    /// message are answered 503.
    async fn expect(&self, path: &str, secret: &str, fail_first: u32) {
        let res = self
            .http
            .post(self.url("/_control/expect"))
            .json(&json!({"path": path, "secret": secret, "fail_first": fail_first}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }

    async fn records(&self) -> Vec<Received> {
        let res = self.http.get(self.url("/_control/records")).send().await;
        res.unwrap().json().await.unwrap()
    }

    /// The records once `done` holds of them; fails after 60 s, saying `what` was awaited.
    pub async fn until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let records = self.records().await;
            if done(&records) {
                return records;
            }
            assert!(Instant::now() < deadline, "waited for {what}: {records:#?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Delivery as the tests need it: to loopback, retried within milliseconds, polled often.
fn quick(give_up_after: Duration) -> WebhookOptions {
    WebhookOptions {
        targets: Targets::Any,
        timeout: Duration::from_secs(2),
        concurrency: 8,
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(200),
            give_up_after,
        },
        poll: Duration::from_millis(20),
    }
}

pub(crate) async fn spawn_quick(engine: Engine, give_up_after: Duration) -> TestApp {
    spawn_with(engine, |o: &mut ServerOptions| {
        o.webhooks = Some(quick(give_up_after))
    })
    .await
}

/// Subscribes `who` to `events` at the receiver's `path`, and tells the receiver the secret.
pub(crate) async fn subscribe(
    who: &Actor,
    receiver: &Receiver,
    path: &str,
    events: &[&str],
    fail_first: u32,
) -> WebhookCreated {
    let res = who
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(path), "events": events, "deadline_days": 30}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let created: WebhookCreated = res.json();
    receiver.expect(path, &created.secret, fail_first).await;
    created
}

const KIKORA: &str = "/api/v1/services/kikora";
const SYKKELDYKTIG: &str = "/api/v1/services/sykkeldyktig";

/// Changes Sykkeldyktig's description as its vendor's client would.
async fn change_sykkeldyktig(who: &Actor, n: usize) {
    let etag = who.etag(SYKKELDYKTIG).await;
    let res = who
        .patch(
            SYKKELDYKTIG,
            &etag,
            json!({"description": format!("Endret {n}")}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
}

fn bergen() -> Value {
    json!({"id": "bergen", "name": "Bergen kommune", "org_number": "964338531",
           "municipality_number": "4601", "kind": "municipality"})
}

fn oslo() -> Value {
    json!({"id": "oslo", "name": "Oslo kommune", "org_number": "958935420",
           "municipality_number": "0301", "kind": "municipality"})
}

/// The municipality `body` names, registered by `admin`, with its own client and `services` in
/// its (private) portfolio.
async fn municipality(app: &TestApp, admin: &Actor, body: Value, services: &[&str]) -> Actor {
    let res = admin.post("/api/v1/municipalities", &body).await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let id = res.json::<MunicipalityView>().id;
    let client = municipality_client(app, &id).await;
    for service in services {
        let path = format!("/api/v1/municipalities/{id}/portfolio/{service}");
        let res = client
            .put(&path, IfMatch::Absent, json!({"local_status": "in_use"}))
            .await;
        assert_eq!(res.status(), 201, "{}", res.text());
    }
    client
}

fn of_path<'a>(records: &'a [Received], path: &str) -> Vec<&'a Received> {
    records.iter().filter(|r| r.path == path).collect()
}

async fn each_municipality_hears_of_its_own_services_and_portfolio_only(engine: Engine) {
    let app = spawn_quick(engine, Duration::from_secs(3600)).await;
    let receiver = Receiver::start();
    let admin = app.admin().await;
    let bergen = municipality(&app, &admin, bergen(), &["sykkeldyktig", "kikora"]).await;
    let oslo = municipality(&app, &admin, oslo(), &["glupus"]).await;
    let trygg = app.vendor("trygg-trafikk").await;
    let eldur = app.vendor("eldur-learning").await;
    let all = [
        "announcement.created",
        "announcement.deadline_approaching",
        "portfolio.changed",
        "service.changed",
    ];
    for (who, path) in [
        (&bergen, "/bergen"),
        (&oslo, "/oslo"),
        (&trygg, "/trygg"),
        (&eldur, "/eldur"),
        (&admin, "/admin"),
    ] {
        subscribe(who, &receiver, path, &all, 0).await;
    }

    // Sykkeldyktig changes; Bergen changes its private portfolio; Kikora's vendor announces
    // that a sub-processor goes, with an objection deadline within the subscriptions' 30 days
    change_sykkeldyktig(&trygg, 1).await;
    let entry = "/api/v1/municipalities/bergen/portfolio/kikora";
    let etag = bergen.etag(entry).await;
    let res = bergen
        .patch(entry, &etag, json!({"note": "Vurderes på nytt i vår"}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let effective = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(28))
        .unwrap();
    let res = eldur
        .post(
            "/api/v1/services/kikora/announcements",
            json!({
                "effective_date": effective.to_string(),
                "changes": [{"action": "remove", "id": kikora_sub_processor(&app).await}],
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());

    let types = |records: &[Received], path: &str| -> BTreeSet<String> {
        of_path(records, path)
            .iter()
            .map(|r| r.event_type().to_owned())
            .collect()
    };
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    let expected = [
        ("/admin", set(&all)),
        ("/bergen", set(&all)),
        ("/trygg", set(&["service.changed"])),
        (
            "/eldur",
            set(&["announcement.created", "announcement.deadline_approaching"]),
        ),
    ];
    // once the administrator has all four, every delivery of these events exists
    let records = receiver
        .until("every subscriber's events", |r| {
            expected.iter().all(|(path, want)| types(r, path) == *want)
        })
        .await;
    assert!(records.iter().all(|r| r.verified), "{records:#?}");
    assert!(
        of_path(&records, "/oslo").is_empty(),
        "Oslo uses none of these services, and Bergen's portfolio is not its own: {records:#?}"
    );
    for (path, _) in &expected {
        assert_eq!(
            of_path(&records, path).len(),
            types(&records, path).len(),
            "{path}: each event once"
        );
    }
    let portfolio = of_path(&records, "/bergen")
        .into_iter()
        .find(|r| r.event_type() == "portfolio.changed")
        .unwrap();
    assert_eq!(
        portfolio.payload.data.municipality.as_deref(),
        Some("bergen")
    );
    assert_eq!(portfolio.payload.data.service.as_deref(), Some("kikora"));
    let deadline = of_path(&records, "/eldur")
        .into_iter()
        .find(|r| r.event_type() == "announcement.deadline_approaching")
        .unwrap();
    assert_eq!(deadline.payload.data.days_left, Some(21));

    // Oslo's delivery log is as empty as its receiver
    let hooks: WebhookList = oslo.read("/api/v1/webhooks").await;
    assert_eq!(hooks.items.len(), 1, "Oslo sees its own subscription only");
    let log: DeliveryList = oslo.read(&hooks.items[0].deliveries).await;
    assert!(log.items.is_empty(), "{:?}", log.items);
}

/// The id of a sub-processor Kikora uses.
async fn kikora_sub_processor(app: &TestApp) -> String {
    let profile: ServiceProfile = app.read(KIKORA).await;
    profile
        .sub_processors
        .first()
        .expect("Kikora has a sub-processor")
        .id
        .clone()
}

async fn a_receiver_that_fails_three_times_gets_the_event_with_the_same_id(engine: Engine) {
    let app = spawn_quick(engine, Duration::from_secs(3600)).await;
    let receiver = Receiver::start();
    let vendor = app.vendor("trygg-trafikk").await;
    let hook = subscribe(&vendor, &receiver, "/flaky", &["service.changed"], 3).await;
    change_sykkeldyktig(&vendor, 1).await;

    let records = receiver
        .until("a delivery answered 204", |r| {
            r.iter().any(|r| r.answered == 204)
        })
        .await;
    assert_eq!(records.len(), 4, "{records:#?}");
    assert!(records.iter().all(|r| r.verified), "{records:#?}");
    let ids: BTreeSet<&str> = records.iter().map(|r| r.webhook_id.as_str()).collect();
    assert_eq!(ids.len(), 1, "one webhook-id on every attempt: {ids:?}");
    assert_eq!(
        records.iter().map(|r| r.answered).collect::<Vec<_>>(),
        [503, 503, 503, 204]
    );
    assert_eq!(records[3].attempt, 4);
    assert_eq!(
        records[3].payload.data.service.as_deref(),
        Some("sykkeldyktig")
    );

    let log = delivered_log(&vendor, &hook.subscription).await;
    assert_eq!(log.items.len(), 1);
    let d = &log.items[0];
    assert_eq!(d.id, records[0].webhook_id);
    assert_eq!(d.event_type, EventType::ServiceChanged);
    assert_eq!(d.attempts, 4);
    assert_eq!(d.last_status, Some(204));
    assert_eq!(d.next_attempt_at, None);
}

/// The delivery log once every delivery in it is delivered (a success is recorded just after
/// the receiver answered).
async fn delivered_log(who: &Actor, hook: &WebhookView) -> DeliveryList {
    let deadline = Instant::now() + Duration::from_secs(30);
    let path = format!("{}?limit=500", hook.deliveries);
    loop {
        let log: DeliveryList = who.read(&path).await;
        if !log.items.is_empty()
            && log
                .items
                .iter()
                .all(|d| d.status == DeliveryStatus::Delivered)
        {
            return log;
        }
        assert!(Instant::now() < deadline, "{:#?}", log.items);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_failing_subscription_is_disabled_says_why_and_can_be_sent_again(engine: Engine) {
    let app = spawn_quick(engine, Duration::from_millis(300)).await;
    let receiver = Receiver::start();
    let admin = app.admin().await;
    let hook = subscribe(&admin, &receiver, "/down", &["service.changed"], u32::MAX).await;
    let path = &hook.subscription.self_link;
    change_sykkeldyktig(&admin, 1).await;

    // retried until the retry period ends, then given up, and the subscription disabled
    let deadline = Instant::now() + Duration::from_secs(30);
    let disabled: WebhookView = loop {
        let now: WebhookView = admin.read(path).await;
        if !now.enabled {
            break now;
        }
        assert!(Instant::now() < deadline, "{now:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let reason = disabled.disabled_reason.clone().unwrap();
    assert!(reason.contains("503"), "{reason}");
    assert!(disabled.disabled_at.is_some());
    let log: DeliveryList = admin.read(&disabled.deliveries).await;
    let failed = &log.items[0];
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert!(failed.attempts >= 2, "{failed:?}");
    assert_eq!(failed.last_status, Some(503));
    assert!(failed.last_error.as_deref().unwrap().contains("503"));

    // the receiver is back: enabled again, and the failed delivery sent again, same id
    receiver.expect("/down", &hook.secret, 0).await;
    let etag = admin.etag(path).await;
    let res = admin.patch(path, &etag, json!({"enabled": true})).await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let enabled: WebhookView = res.json();
    assert!(enabled.enabled);
    assert_eq!(enabled.disabled_reason, None);
    let redeliver = format!("{}/{}/redeliver", disabled.deliveries, failed.id);
    let res = admin.post(&redeliver, json!({})).await;
    assert_eq!(res.status(), 202, "{}", res.text());
    let records = receiver
        .until("the delivery sent again", |r| {
            r.iter().any(|r| r.answered == 204)
        })
        .await;
    let ok = records.iter().find(|r| r.answered == 204).unwrap();
    assert_eq!(ok.webhook_id, failed.id);
    assert!(ok.verified);
    let log = delivered_log(&admin, &enabled).await;
    assert_eq!(log.items[0].id, failed.id);

    // another's delivery cannot be sent again, nor an unknown one
    let vendor = app.vendor("eldur-learning").await;
    assert_eq!(vendor.post(&redeliver, json!({})).await.status(), 404);
    let unknown = format!("{}/msg_nothing/redeliver", disabled.deliveries);
    assert_eq!(admin.post(&unknown, json!({})).await.status(), 404);
}

/// The registry binary on `url` with quick delivery to loopback.
struct Registry {
    child: Child,
    anonymous: Actor,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(url: &str, dir: &std::path::Path) -> Registry {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("TOKEN_KEY_FILE", dir.join("token-key"))
        .env("FEIDE_API_URL", "")
        .env("WRITE_RATE_PER_MINUTE", "1000000")
        .env("WEBHOOK_ALLOW_INSECURE_TARGETS", "1")
        .env("WEBHOOK_RETRY_BASE_MS", "20")
        .env("WEBHOOK_RETRY_MAX_MS", "1000")
        .env("WEBHOOK_POLL_MS", "20")
        .env("WEBHOOK_TIMEOUT_SECS", "1")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the registry");
    let anonymous = Actor::anonymous(&format!("http://127.0.0.1:{port}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = Answer::try_of(anonymous.request(Method::GET, "/readyz")).await {
            if r.status() == 200 {
                break;
            }
        }
        assert!(Instant::now() < deadline, "the registry did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Registry { child, anonymous }
}

async fn a_registry_killed_with_100_deliveries_pending_delivers_each_after_restart(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (url, _kept) = fresh_database(engine);
    let registry = start(&url, dir.path()).await;
    let store = Store::open(&url, 1, Duration::from_secs(3)).unwrap();
    let role = feide_registry::domain::auth::ClientRole::Admin;
    let c = feide_registry::app::create_client(&store, role, None, None).unwrap();
    let admin = registry.anonymous.sign_in(&c.client_id, &c.secret).await;
    let receiver = Receiver::start();
    let hook = subscribe(&admin, &receiver, "/down", &["service.changed"], u32::MAX).await;
    for n in 0..100 {
        change_sykkeldyktig(&admin, n).await;
    }
    let log_path = format!("{}?limit=500", hook.subscription.deliveries);
    // every delivery made, and tried at least once, in vain
    let deadline = Instant::now() + Duration::from_secs(60);
    let pending: BTreeSet<String> = loop {
        let log: DeliveryList = admin.read(&log_path).await;
        if log.items.len() == 100 && log.items.iter().all(|d| d.attempts > 0) {
            assert!(log
                .items
                .iter()
                .all(|d| d.status == DeliveryStatus::Pending));
            break log.items.into_iter().map(|d| d.id).collect();
        }
        assert!(Instant::now() < deadline, "{} deliveries", log.items.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut registry = registry;
    registry.child.kill().unwrap(); // SIGKILL
    registry.child.wait().unwrap();

    receiver.expect("/down", &hook.secret, 0).await;
    let registry = start(&url, dir.path()).await;
    let records = receiver
        .until("all 100 delivered", |r| {
            let ok: BTreeSet<&str> = r
                .iter()
                .filter(|r| r.answered == 204)
                .map(|r| r.webhook_id.as_str())
                .collect();
            ok.len() >= 100
        })
        .await;
    assert!(records.iter().all(|r| r.verified));
    let delivered: BTreeSet<String> = records
        .iter()
        .filter(|r| r.answered == 204)
        .map(|r| r.webhook_id.clone())
        .collect();
    assert_eq!(delivered, pending, "each pending delivery, none lost");
    let admin = admin.at(registry.anonymous.base());
    let log = delivered_log(&admin, &hook.subscription).await;
    assert_eq!(log.items.len(), 100);
}

async fn subscriptions_are_checked_and_their_secret_shown_once(app: TestApp) {
    let admin = app.admin().await;
    let vendor = app.vendor("eldur-learning").await;
    let refused = |url: &str, events: Value| json!({"url": url, "events": events});
    for (body, pointers) in [
        (
            refused("http://hooks.example.com/x", json!(["service.changed"])),
            vec!["/url"],
        ),
        (
            refused("https://127.0.0.1/x", json!(["service.changed"])),
            vec!["/url"],
        ),
        (
            refused("https://10.0.0.7/x", json!(["service.changed"])),
            vec!["/url"],
        ),
        (
            refused("https://localhost/x", json!(["service.changed"])),
            vec!["/url"],
        ),
        (
            refused("https://8.8.8.8/x", json!(["service.exploded"])),
            vec!["/events/0"],
        ),
        (refused("https://8.8.8.8/x", json!([])), vec!["/events"]),
        (
            refused(
                "https://8.8.8.8/x",
                json!(["announcement.deadline_approaching"]),
            ),
            vec!["/deadline_days"],
        ),
    ] {
        let res = vendor.post("/api/v1/webhooks", &body).await;
        assert_eq!(res.status(), 422, "{body}: {}", res.text());
        assert_eq!(res.pointers(), pointers, "{body}");
    }
    assert_eq!(
        app.post("/api/v1/webhooks", refused("https://8.8.8.8/x", json!([])))
            .await
            .status(),
        401
    );

    let res = vendor
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://8.8.8.8/feide", "events": ["service.changed"],
                   "description": "Varsler"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let created: WebhookCreated = res.json();
    assert!(created.secret.starts_with("whsec_"), "{}", created.secret);
    let path = created.subscription.self_link.clone();
    assert_eq!(res.header("location"), Some(path.as_str()));
    assert_eq!(created.subscription.owner, "vendor:eldur-learning");

    // the secret is never answered again
    let again = vendor.get(&path).await;
    assert_eq!(again.status(), 200);
    assert!(!again.text().contains("whsec_"), "{}", again.text());
    assert!(!vendor
        .get("/api/v1/webhooks")
        .await
        .text()
        .contains("whsec_"));

    // another vendor sees nothing of it; an administrator sees it
    let other = app.vendor("aanestad-edtech").await;
    assert_eq!(other.get(&path).await.status(), 404);
    let theirs: WebhookList = other.read("/api/v1/webhooks").await;
    assert!(theirs.items.is_empty());
    let all: WebhookList = admin.read("/api/v1/webhooks").await;
    assert_eq!(all.items.len(), 1);

    // changed under If-Match; refused without it; removed
    let res = vendor
        .patch(&path, IfMatch::Absent, json!({"description": "Ny"}))
        .await;
    assert_eq!(res.status(), 428);
    let etag = vendor.etag(&path).await;
    let res = vendor
        .patch(
            &path,
            &etag,
            json!({"events": ["service.changed", "announcement.applied"]}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let changed: WebhookView = res.json();
    assert_eq!(
        changed.events,
        [EventType::ServiceChanged, EventType::AnnouncementApplied]
    );
    let res = vendor
        .patch(&path, &res.etag(), json!({"url": "https://192.168.1.1/x"}))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.pointers(), ["/url"]);
    assert_eq!(other.delete(&path, IfMatch::Any).await.status(), 404);
    assert_eq!(vendor.delete(&path, IfMatch::Any).await.status(), 204);
    assert_eq!(vendor.get(&path).await.status(), 404);
}

per_engine!(
    each_municipality_hears_of_its_own_services_and_portfolio_only,
    a_receiver_that_fails_three_times_gets_the_event_with_the_same_id,
    a_failing_subscription_is_disabled_says_why_and_can_be_sent_again,
    a_registry_killed_with_100_deliveries_pending_delivers_each_after_restart,
);

on_both_engines!(subscriptions_are_checked_and_their_secret_shown_once);
