//! The registry as an operating-system process: killed with SIGKILL under concurrent writes it
//! loses no acknowledged write and leaves nothing half-written; SIGTERM lets requests in flight
//! finish; two processes on one database see each other's writes within a second; a PostgreSQL
//! outage leaves reads answering from memory (marked with `Age`), gives quick 503s for what needs
//! the database, and the registry recovers by itself.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feide_registry::http::history::ChangeEntry;
use feide_registry::http::views::{ServiceList, ServiceProfile, ServiceSummary};
use feide_registry::store::Store;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::helpers::{fresh_database, new_service, Actor, Answer, Engine, IfMatch};

/// The registry binary serving `database_url` on a free loopback port, and a caller without
/// credentials speaking to it.
struct Registry {
    child: Child,
    anonymous: Actor,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str, dir: &std::path::Path, port: u16) -> Registry {
    let child = Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("TOKEN_KEY_FILE", dir.join("token-key"))
        // no Feide API: a test reaches no outside host
        .env("FEIDE_API_URL", "")
        .env("WRITE_RATE_PER_MINUTE", "1000000")
        .env("TOKEN_RATE_PER_MINUTE", "1000000")
        .env("DB_TIMEOUT_SECS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the registry");
    let anonymous = Actor::anonymous(&format!("http://127.0.0.1:{port}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = Answer::try_of(anonymous.request(Method::GET, "/readyz")).await {
            if r.status() == 200 {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the registry did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Registry { child, anonymous }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Trygg Trafikk's API client on the database at `url`, signed in at `registry`.
async fn vendor(url: &str, registry: &Registry) -> Actor {
    let store = Store::open(url, 1, Duration::from_secs(3)).unwrap();
    let role = feide_registry::domain::auth::ClientRole::Vendor;
    let c = feide_registry::app::create_client(&store, role, Some("trygg-trafikk"), None).unwrap();
    registry.anonymous.sign_in(&c.client_id, &c.secret).await
}

/// Every item of a list, following its `Link` headers from `first`.
async fn all_pages<T: DeserializeOwned>(reader: &Actor, first: &str) -> Vec<T> {
    let mut items = Vec::new();
    let mut path = first.to_owned();
    loop {
        let answer = reader.get(&path).await;
        let next = answer.link_path("next");
        let page: crate::helpers::views::Page<T> = answer.ok();
        items.extend(page.items);
        match next {
            Some(next) => path = next,
            None => return items,
        }
    }
}

async fn sigkill_under_writes_loses_no_acknowledged_write(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (url, _keep) = match engine {
        Engine::Sqlite => (dir.path().join("registry.db").display().to_string(), None),
        Engine::Postgres => fresh_database(engine),
    };
    let port = free_port();
    let mut registry = start(&url, dir.path(), port).await;
    let vendor = vendor(&url, &registry).await;
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let attempted = Arc::new(Mutex::new(BTreeSet::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let vendor = vendor.clone();
        let (ack, tried) = (acknowledged.clone(), attempted.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let id = format!("krasj-{w}-{i:04}");
                tried.lock().unwrap().insert(id.clone());
                let res = Answer::try_of(
                    vendor
                        .request(Method::POST, "/api/v1/services")
                        .json(&new_service(&id)),
                )
                .await;
                match res {
                    Ok(r) if r.status() == 201 => {
                        ack.lock().unwrap().insert(id);
                    }
                    Ok(r) => panic!("{id}: {}", r.status()),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // let the writers get going, then kill the process without warning
    while acknowledged.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    registry.child.kill().unwrap(); // SIGKILL
    registry.child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempted = attempted.lock().unwrap().clone();

    let registry = start(&url, dir.path(), free_port()).await;
    let services: BTreeSet<String> =
        all_pages::<ServiceSummary>(&registry.anonymous, "/api/v1/services?limit=500")
            .await
            .into_iter()
            .map(|s| s.id)
            .filter(|id| id.starts_with("krasj-"))
            .collect();
    let changed: BTreeSet<String> =
        all_pages::<ChangeEntry>(&registry.anonymous, "/api/v1/changes?limit=500")
            .await
            .into_iter()
            .map(|c| c.id)
            .filter(|id| id.starts_with("krasj-"))
            .collect();
    assert!(
        acknowledged.is_subset(&services),
        "acknowledged writes lost: {:?}",
        acknowledged.difference(&services).collect::<Vec<_>>()
    );
    assert!(services.is_subset(&attempted), "a service nobody wrote");
    assert_eq!(
        services, changed,
        "every stored service has its revision, and no revision lacks its service"
    );
    eprintln!(
        "{engine:?}: {} acknowledged, {} attempted, {} present after SIGKILL",
        acknowledged.len(),
        attempted.len(),
        services.len()
    );
    // the database itself is sound
    let store = Store::open(&url, 1, Duration::from_secs(3)).unwrap();
    let mut conn = store.conn().unwrap();
    if engine == Engine::Sqlite {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut *conn)
            .unwrap();
        assert_eq!(rows[0].integrity_check, "ok");
    }
    let audit_ok = feide_registry::store::clients::audit_events(
        &mut conn,
        0,
        100_000,
        &feide_registry::store::clients::AuditFilter {
            action: Some("service.create".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .len();
    assert_eq!(
        audit_ok,
        services.len(),
        "one audit event per stored write, none for a lost one"
    );
}

async fn sigterm_lets_requests_in_flight_finish(engine: Engine) {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let (url, _keep) = match engine {
        Engine::Sqlite => (dir.path().join("registry.db").display().to_string(), None),
        Engine::Postgres => fresh_database(engine),
    };
    let mut registry = start(&url, dir.path(), free_port()).await;
    let addr = registry
        .anonymous
        .base()
        .trim_start_matches("http://")
        .to_owned();
    // Requests surely in flight: the server has accepted them and is reading their bodies,
    // which arrive only after the signal.
    let body = br#"{"services": ["kikora", "glupus", "sykkeldyktig"]}"#;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST /api/v1/reports/portfolio HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(&body[..10]).unwrap();
        open.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = registry.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    // new connections are no longer taken...
    assert!(
        Answer::try_of(registry.anonymous.request(Method::GET, "/healthz"))
            .await
            .is_err(),
        "still accepting after SIGTERM"
    );
    // ...but the requests in flight are answered in full
    for mut s in open {
        s.write_all(&body[10..]).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("\"third_country_transfers\""), "{answer}");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(status) = registry.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running 30 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(code.success(), "exit status {code:?}");
}

/// The name a service shows to `reader`.
async fn service_name(reader: &Actor, id: &str) -> String {
    let service: ServiceProfile = reader.read(&format!("/api/v1/services/{id}")).await;
    service.name
}

async fn a_write_shows_at_once_in_its_process_and_within_a_second_in_another(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (url, _keep) = match engine {
        Engine::Sqlite => (dir.path().join("registry.db").display().to_string(), None),
        Engine::Postgres => fresh_database(engine),
    };
    let writer = start(&url, dir.path(), free_port()).await;
    let reader = start(&url, dir.path(), free_port()).await;
    let vendor = vendor(&url, &writer).await;
    // both processes hold the catalogue before the writes
    assert_eq!(
        service_name(&reader.anonymous, "sykkeldyktig").await,
        "Sykkeldyktig.no"
    );
    let mut slowest = Duration::ZERO;
    for round in 0..5 {
        let name = format!("Sykkeldyktig {round}");
        let res = vendor
            .patch(
                "/api/v1/services/sykkeldyktig",
                IfMatch::Any,
                json!({ "name": name }),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text());
        let written = Instant::now();
        // its own process: the very next read
        assert_eq!(service_name(&writer.anonymous, "sykkeldyktig").await, name);
        // the other process: within a second, without any request to it in between
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(
            service_name(&reader.anonymous, "sykkeldyktig").await,
            name,
            "round {round}: another process did not show the write after {:?}",
            written.elapsed()
        );
        slowest = slowest.max(written.elapsed());
    }
    assert!(slowest < Duration::from_secs(3), "{slowest:?}");
}

per_engine!(
    sigkill_under_writes_loses_no_acknowledged_write,
    sigterm_lets_requests_in_flight_finish,
    a_write_shows_at_once_in_its_process_and_within_a_second_in_another
);

/// A PostgreSQL cluster of this test's own, so that stopping it disturbs no other test.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

fn as_postgres(cmd: &str, args: &[&str]) -> std::process::ExitStatus {
    let root = std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut c = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", cmd]);
        c
    } else {
        Command::new(cmd)
    };
    c.args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
}

impl Cluster {
    fn start() -> Cluster {
        let bin = PathBuf::from(
            std::env::var("FEIDE_TEST_PG_BIN").expect("FEIDE_TEST_PG_BIN: run with scripts/test"),
        );
        let dir = tempfile::Builder::new()
            .prefix("outage")
            .tempdir()
            .unwrap()
            .keep();
        let _ = Command::new("chown")
            .args(["postgres:", dir.to_str().unwrap()])
            .status();
        let data = dir.join("data");
        let initdb = bin.join("initdb");
        assert!(as_postgres(
            initdb.to_str().unwrap(),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8"
            ]
        )
        .success());
        let c = Cluster {
            dir,
            bin,
            port: free_port(),
        };
        c.up();
        c
    }
    fn pg_ctl(&self, args: &[&str]) -> bool {
        let data = self.dir.join("data");
        let mut all = vec!["-D", data.to_str().unwrap()];
        all.extend_from_slice(args);
        as_postgres(self.bin.join("pg_ctl").to_str().unwrap(), &all).success()
    }
    fn up(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log");
        assert!(self.pg_ctl(&["-l", log.to_str().unwrap(), "-w", "-o", &opts, "start"]));
    }
    fn down(&self) {
        assert!(self.pg_ctl(&["-m", "immediate", "-w", "stop"]));
    }
    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.pg_ctl(&["-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_outage_keeps_reads_from_memory_gives_quick_503s_and_recovers() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let registry = start(&cluster.url(), dir.path(), free_port()).await;
    let get = |path: &str| {
        Answer::try_of(
            registry
                .anonymous
                .request(Method::GET, path)
                .timeout(Duration::from_secs(10)),
        )
    };
    assert_eq!(get("/api/v1/services").await.unwrap().status(), 200);

    let vendor = vendor(&cluster.url(), &registry).await;
    let fresh = get("/api/v1/services/kikora").await.unwrap();
    assert!(fresh.header("age").is_none(), "fresh answers carry no Age");
    // compared whole with what the registry answers from memory later
    let kikora: Value = fresh.ok();

    cluster.down();
    // reads of the catalogue answer from memory, saying how long it has gone unconfirmed
    tokio::time::sleep(Duration::from_secs(3)).await;
    for path in ["/api/v1/services", "/api/v1/services/kikora"] {
        let started = Instant::now();
        let res = get(path).await.expect("an answer");
        assert!(started.elapsed() < Duration::from_millis(500), "{path}");
        assert_eq!(res.status(), 200, "{path}");
        let age: u64 = res.header("age").unwrap().parse().unwrap();
        assert!((2..60).contains(&age), "{path}: Age {age}");
        if path.ends_with("kikora") {
            assert_eq!(res.json::<Value>(), kikora);
        }
    }
    // what needs the database says so at once
    let write = vendor
        .patch(
            "/api/v1/services/sykkeldyktig",
            IfMatch::Any,
            json!({"name": "Under utfall"}),
        )
        .await;
    assert_eq!(write.status(), 503, "a write needs the database");
    for path in [
        "/readyz",
        "/api/v1/changes",
        "/api/v1/services/kikora/history",
    ] {
        for _ in 0..3 {
            let started = Instant::now();
            let res = get(path)
                .await
                .expect("an answer, not a dropped connection");
            let took = started.elapsed();
            assert_eq!(res.status(), 503, "{path}");
            res.problem();
            assert!(res.headers.contains_key("retry-after"));
            assert!(
                took < Duration::from_millis(2500),
                "{path} took {took:?} (DB_TIMEOUT_SECS=1)"
            );
        }
    }
    // a service page is made from memory; only its history needs the database, and says so
    let started = Instant::now();
    let page = get("/services/glupus?lang=en").await.expect("an answer");
    assert!(started.elapsed() < Duration::from_millis(2500));
    assert_eq!(page.status(), 200);
    assert!(page.text().contains("Glupus"), "{}", page.text());
    assert!(
        page.text().contains("The history cannot be read just now"),
        "{}",
        page.text()
    );
    assert_eq!(
        get("/healthz").await.unwrap().status(),
        200,
        "the process itself is up"
    );

    cluster.up();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if get("/readyz").await.unwrap().status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the registry did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let res = get("/api/v1/services").await.unwrap();
    assert_eq!(res.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    while get("/api/v1/services")
        .await
        .unwrap()
        .headers
        .contains_key("age")
    {
        assert!(Instant::now() < deadline, "still marked old after recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let list: ServiceList = res.ok();
    assert_eq!(list.items.len(), 5);
    // the page without its history was not kept: it has it again
    let page = get("/services/glupus?lang=en").await.unwrap();
    assert!(
        !page.text().contains("The history cannot be read just now")
            && page.text().contains("Registered"),
        "{}",
        page.text()
    );
}
