//! A bounded soak: minutes of mixed reads and writes at high concurrency against the registry
//! binary on loopback. Zero 5xx, zero connection errors, and the server's memory must level off.
//! Ignored in the normal test run; `scripts/soak` runs it on a release build
//! (`SOAK_SECS`, `SOAK_CONCURRENCY`, `SOAK_ENGINE` = sqlite or postgres).

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use feide_registry::store::Store;
use serde_json::json;

use crate::helpers::views::Token;
use crate::helpers::{fresh_database, new_service, Engine};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    conflicts: AtomicU64,
    other_4xx: AtomicU64,
    server_errors: AtomicU64,
    connection_errors: AtomicU64,
}

impl Tally {
    fn count(&self, status: Result<u16, reqwest::Error>) -> Option<u16> {
        match status {
            Ok(s) if s < 400 => self.ok.fetch_add(1, Ordering::Relaxed),
            Ok(412) => self.conflicts.fetch_add(1, Ordering::Relaxed),
            Ok(s) if s < 500 => self.other_4xx.fetch_add(1, Ordering::Relaxed),
            Ok(_) => self.server_errors.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.connection_errors.fetch_add(1, Ordering::Relaxed),
        };
        status.ok()
    }
}

const READS: &[&str] = &[
    "/api/v1/services",
    "/api/v1/services/kikora",
    "/api/v1/services?outside_eea=true&limit=50",
    "/api/v1/services?attribute=eduPersonPrincipalName&facets=attribute,country,flag",
    "/api/v1/services?q=matematikk",
    "/api/v1/compare?services=kikora,sykkeldyktig,glupus",
    "/api/v1/attributes/eduPersonPrincipalName",
    "/api/v1/sub-processors/microsoft-azure",
    "/api/v1/countries/US",
    "/api/v1/changes?limit=100",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long: run by scripts/soak"]
async fn soak() {
    let secs: u64 = env_or("SOAK_SECS", 60);
    let concurrency: usize = env_or("SOAK_CONCURRENCY", 32);
    let engine = match std::env::var("SOAK_ENGINE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        _ => Engine::Sqlite,
    };
    let dir = tempfile::tempdir().unwrap();
    let (url, _kept) = match engine {
        Engine::Sqlite => (dir.path().join("registry.db").display().to_string(), None),
        Engine::Postgres => fresh_database(engine),
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_feide-registry"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("TOKEN_KEY_FILE", dir.path().join("key"))
        // no Feide API: a test reaches no outside host
        .env("FEIDE_API_URL", "")
        .env("WRITE_RATE_PER_MINUTE", "10000000")
        // a load test, not a vendor: no daily budget of revision bytes
        .env("REVISION_BYTES_PER_DAY", "0")
        .env("DB_POOL_SIZE", "8")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    // a load driver, not an actor: its own pool and timeout, and every connection error counted
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    while client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let store = Store::open(&url, 1, Duration::from_secs(3)).unwrap();
    let role = feide_registry::domain::auth::ClientRole::Vendor;
    let c = feide_registry::app::create_client(&store, role, Some("trygg-trafikk"), None).unwrap();
    let token: String = client
        .post(format!("{base}/api/v1/auth/token"))
        .basic_auth(&c.client_id, Some(&c.secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json::<Token>()
        .await
        .unwrap()
        .access_token;
    // tokens live 5 minutes; a soak longer than that renews its token through the same client
    let token = Arc::new(std::sync::RwLock::new(token));

    let pid = child.id();
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let (client, base, tally, stop, token) = (
            client.clone(),
            base.clone(),
            tally.clone(),
            stop.clone(),
            token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let service = format!("soak-{t:03}");
            let mut created = false;
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                // one writer in four; the others read
                if t % 4 == 0 {
                    let bearer = token.read().unwrap().clone();
                    if !created {
                        let body = new_service(&service);
                        let r = client
                            .post(format!("{base}/api/v1/services"))
                            .bearer_auth(&bearer)
                            .json(&body)
                            .send()
                            .await;
                        created = tally.count(r.map(|r| r.status().as_u16())) == Some(201);
                        continue;
                    }
                    let r = client
                        .get(format!("{base}/api/v1/services/{service}"))
                        .send()
                        .await;
                    let Ok(r) = r else {
                        tally.count(r.map(|r| r.status().as_u16()));
                        continue;
                    };
                    let etag = r
                        .headers()
                        .get("etag")
                        .map(|e| e.to_str().unwrap().to_owned())
                        .unwrap_or_default();
                    tally.count(Ok(r.status().as_u16()));
                    let r = client
                        .patch(format!("{base}/api/v1/services/{service}"))
                        .bearer_auth(&bearer)
                        .header("If-Match", etag)
                        .header("Content-Type", "application/merge-patch+json")
                        .body(json!({"description": format!("endring {n}")}).to_string())
                        .send()
                        .await;
                    tally.count(r.map(|r| r.status().as_u16()));
                } else {
                    let path = READS[(n as usize + t) % READS.len()];
                    let r = client.get(format!("{base}{path}")).send().await;
                    tally.count(r.map(|r| r.status().as_u16()));
                }
            }
        }));
    }
    let mut samples = Vec::new();
    let mut renewed = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_secs(5).min(Duration::from_secs(secs))).await;
        samples.push((started.elapsed().as_secs(), rss_kib(pid)));
        if renewed.elapsed() > Duration::from_secs(200) {
            let fresh: Token = client
                .post(format!("{base}/api/v1/auth/token"))
                .basic_auth(&c.client_id, Some(&c.secret))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            *token.write().unwrap() = fresh.access_token;
            renewed = Instant::now();
        }
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let end_rss = rss_kib(pid);
    let _ = child.kill();
    let _ = child.wait();

    let ok = tally.ok.load(Ordering::Relaxed);
    let total = ok
        + tally.conflicts.load(Ordering::Relaxed)
        + tally.other_4xx.load(Ordering::Relaxed)
        + tally.server_errors.load(Ordering::Relaxed)
        + tally.connection_errors.load(Ordering::Relaxed);
    let first = samples.first().map_or(0, |s| s.1);
    let mid = samples.get(samples.len() / 2).map_or(0, |s| s.1);
    eprintln!(
        "soak ({engine:?}, {concurrency} connections, {elapsed:.0} s): {total} requests ({:.0}/s), {ok} ok, {} conflicts (412), {} other 4xx, {} 5xx, {} connection errors",
        total as f64 / elapsed,
        tally.conflicts.load(Ordering::Relaxed),
        tally.other_4xx.load(Ordering::Relaxed),
        tally.server_errors.load(Ordering::Relaxed),
        tally.connection_errors.load(Ordering::Relaxed),
    );
    eprintln!(
        "soak RSS (KiB) at 5 s: {first}, half-way: {mid}, end: {end_rss}; samples: {samples:?}"
    );
    assert_eq!(
        tally.server_errors.load(Ordering::Relaxed),
        0,
        "5xx answers"
    );
    assert_eq!(
        tally.connection_errors.load(Ordering::Relaxed),
        0,
        "connection errors"
    );
    assert_eq!(tally.other_4xx.load(Ordering::Relaxed), 0, "unexpected 4xx");
    assert!(ok > 0);
    // Memory levels off: the second half may not grow by more than a quarter (plus 16 MiB of slack
    // for allocator noise), whatever the first half needed to warm up.
    assert!(
        end_rss <= mid + mid / 4 + 16 * 1024,
        "RSS grew from {mid} KiB to {end_rss} KiB in the second half"
    );
}
