//! Reads an attacker makes expensive, over HTTP against the running registry on both engines:
//! collections whose entries embed every service using them, history and change-feed pages of
//! huge revisions, a vendor filling the disk with revisions, and an answer cache flooded with
//! header spellings (issue 11, rows 4, 15 and 16).

mod common;

use common::{Engine, TestApp, TEST_KEY};
use feide_registry::app::ServerOptions;

/// A counter or gauge from `/metrics`.
async fn metric(app: &TestApp, name: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

const HITS: &str = "feide_registry_answer_cache_total{result=\"hit\"}";
const ENTRIES: &str = "feide_registry_answer_cache_entries";

async fn get_with(app: &TestApp, path: &str, language: &str) -> reqwest::Response {
    let res = app
        .client
        .get(app.url(path))
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res
}

/// Row 16: 1,500 spellings of `Accept-Language` share the one answer they negotiate to, and
/// a cache filled with one-off answers still keeps new ones.
async fn the_answer_cache_keys_by_what_was_negotiated_and_evicts_when_full(engine: Engine) {
    let mut options = ServerOptions::with_key(TEST_KEY.to_vec());
    options.answer_cache_bytes = 64 * 1024;
    let app = common::spawn_configured(engine, Some(common::seed_file()), options).await;
    let hits = metric(&app, HITS).await;
    let path = "/api/v1/services?limit=3";
    for i in 0..1500 {
        get_with(&app, path, &format!("da-x-{i}, nb;q=0.{}", 1 + i % 9)).await;
    }
    assert_eq!(
        metric(&app, ENTRIES).await,
        1,
        "one answer for every spelling of nb"
    );
    assert_eq!(metric(&app, HITS).await - hits, 1499);

    // one-off requests fill the cache well past its size ...
    for limit in 1..=150 {
        get_with(&app, &format!("/api/v1/services?limit={limit}"), "nb").await;
    }
    // ... and a new answer is still kept and served
    let hits = metric(&app, HITS).await;
    let path = "/api/v1/compare?services=kikora,sykkeldyktig";
    let first = get_with(&app, path, "en-GB").await.bytes().await.unwrap();
    let again = get_with(&app, path, "en-US;q=0.8")
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(
        metric(&app, HITS).await - hits,
        1,
        "the repeat was answered from the cache"
    );
    let entries = metric(&app, ENTRIES).await;
    assert!(entries > 1, "{entries}");
}

per_engine!(the_answer_cache_keys_by_what_was_negotiated_and_evicts_when_full);
