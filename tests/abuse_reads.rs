//! Reads an attacker makes expensive, over HTTP against the running registry on both engines:
//! collections whose entries embed every service using them, history and change-feed pages of
//! huge revisions, a vendor filling the disk with revisions, and an answer cache flooded with
//! header spellings (issue 11, rows 4, 15 and 16).

mod common;

use common::{Engine, TestApp, TEST_KEY};
use feide_registry::app::{self, ServerOptions};
use serde::Deserialize;

/// A list answer: its items and where the next page starts.
#[derive(Deserialize)]
struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Ref {
    id: String,
}

#[derive(Deserialize)]
struct SubProcessorUse {
    service: Ref,
}

#[derive(Deserialize)]
struct SubProcessor {
    id: String,
    countries: Vec<String>,
    services: Vec<SubProcessorUse>,
    services_total: usize,
    services_href: String,
}

#[derive(Deserialize)]
struct CountryUse {
    service: Ref,
}

#[derive(Deserialize)]
struct Country {
    code: String,
    service_count: usize,
}

#[derive(Deserialize)]
struct CountryDetail {
    service_count: usize,
    services: Vec<CountryUse>,
    services_total: usize,
    services_href: String,
}

/// A GET that must answer 200 JSON: the body's size and the decoded answer.
async fn sized<T: serde::de::DeserializeOwned>(app_base: &str, path: &str) -> (usize, T) {
    let res = reqwest::get(format!("{app_base}{path}")).await.unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    let bytes = res.bytes().await.unwrap();
    let answer = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("GET {path}: {e}: {}", String::from_utf8_lossy(&bytes)));
    (bytes.len(), answer)
}

/// Every item of a list, following `next_cursor` from `path` (which has a query already).
async fn every_page<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str) -> Vec<T> {
    let mut all = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            None => path.to_owned(),
            Some(c) => format!("{path}&cursor={c}"),
        };
        let (_, page): (usize, Page<T>) = sized(&app.base, &url).await;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => next = Some(c),
            None => return all,
        }
    }
}

/// The generated catalogue: a few sub-processors used by hundreds of services each.
async fn widely_used(app: &TestApp) {
    let catalogue = common::generated_catalogue(400, 3);
    app::import(&app.store, &catalogue, "generated").unwrap();
}

const EMBEDDED: usize = 100;

/// Row 4: a sub-processor used by hundreds of services embeds at most 100 of them, with the
/// count and a link that lists them all; a page of one costs one entry, and `limit=1` pages
/// reach every sub-processor.
async fn a_widely_used_sub_processor_embeds_a_bounded_list_and_links_to_the_rest(app: TestApp) {
    widely_used(&app).await;
    let (one_size, one): (usize, SubProcessor) =
        sized(&app.base, "/api/v1/sub-processors/gen-sub-00").await;
    assert!(one.services_total > EMBEDDED, "{}", one.services_total);
    assert_eq!(one.services.len(), EMBEDDED);
    assert!(
        one_size < 64 * 1024,
        "one sub-processor is {one_size} bytes"
    );
    assert_eq!(
        one.services_href,
        "/api/v1/services?sub_processor=gen-sub-00"
    );
    let all: Vec<Ref> = every_page(&app, &format!("{}&limit=500", one.services_href)).await;
    assert_eq!(all.len(), one.services_total, "the link lists every user");
    let embedded: Vec<&str> = one.services.iter().map(|u| u.service.id.as_str()).collect();
    let first: Vec<&str> = all.iter().take(EMBEDDED).map(|s| s.id.as_str()).collect();
    assert_eq!(embedded, first, "the embedded ones are the first by id");

    let (whole_size, whole): (usize, Page<SubProcessor>) =
        sized(&app.base, "/api/v1/sub-processors?limit=500").await;
    assert!(whole.next_cursor.is_none());
    for p in &whole.items {
        assert!(
            p.services.len() <= EMBEDDED,
            "{}: {}",
            p.id,
            p.services.len()
        );
        assert!(p.services_total >= p.services.len());
    }
    assert!(
        whole_size < 512 * 1024,
        "a page of every sub-processor is {whole_size} bytes"
    );
    let (size, first_page): (usize, Page<SubProcessor>) =
        sized(&app.base, "/api/v1/sub-processors?limit=1").await;
    assert_eq!(first_page.items.len(), 1);
    assert!(size < 64 * 1024, "a page of one is {size} bytes");
    println!("gen-sub-00: {one_size} bytes; limit=500: {whole_size} bytes; limit=1: {size} bytes");
    let walked: Vec<SubProcessor> = every_page(&app, "/api/v1/sub-processors?limit=1").await;
    let ids = |v: &[SubProcessor]| v.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&walked),
        ids(&whole.items),
        "limit=1 pages reach every one"
    );

    // the country filter still holds, and is paged the same way
    let in_us: Vec<SubProcessor> =
        every_page(&app, "/api/v1/sub-processors?country=US&limit=2").await;
    assert!(in_us.iter().any(|p| p.id == "gen-sub-00"));
    for p in &in_us {
        assert!(p.countries.contains(&"US".to_owned()), "{}", p.id);
    }
    let expected: Vec<String> = whole
        .items
        .iter()
        .filter(|p| p.countries.contains(&"US".to_owned()))
        .map(|p| p.id.clone())
        .collect();
    assert_eq!(ids(&in_us), expected);
}

/// Row 4: a country whose data reaches hundreds of services embeds the uses of at most 100 of
/// them, with the count and a link to them all; the list pages the same.
async fn a_widely_used_country_embeds_a_bounded_list_and_links_to_the_rest(app: TestApp) {
    widely_used(&app).await;
    let (size, us): (usize, CountryDetail) = sized(&app.base, "/api/v1/countries/US").await;
    assert!(us.services_total > EMBEDDED, "{}", us.services_total);
    assert_eq!(us.services_total, us.service_count);
    let mut distinct: Vec<&str> = us.services.iter().map(|u| u.service.id.as_str()).collect();
    distinct.dedup();
    assert_eq!(distinct.len(), EMBEDDED);
    assert!(size < 64 * 1024, "one country is {size} bytes");
    assert_eq!(us.services_href, "/api/v1/services?country=US");
    let all: Vec<Ref> = every_page(&app, &format!("{}&limit=500", us.services_href)).await;
    assert_eq!(all.len(), us.services_total, "the link lists every service");
    let first: Vec<&str> = all.iter().take(EMBEDDED).map(|s| s.id.as_str()).collect();
    assert_eq!(distinct, first);

    let whole: Vec<Country> = every_page(&app, "/api/v1/countries?in_use=true&limit=500").await;
    let walked: Vec<Country> = every_page(&app, "/api/v1/countries?in_use=true&limit=1").await;
    let codes = |v: &[Country]| v.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&walked), codes(&whole));
    assert!(whole.iter().all(|c| c.service_count > 0));
    let listed_us = whole.iter().find(|c| c.code == "US").unwrap();
    assert_eq!(listed_us.service_count, us.service_count);
    let (_, all_countries): (usize, Page<Country>) =
        sized(&app.base, "/api/v1/countries?limit=500").await;
    assert_eq!(all_countries.items.len(), 249);
}

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

on_both_engines!(
    a_widely_used_sub_processor_embeds_a_bounded_list_and_links_to_the_rest,
    a_widely_used_country_embeds_a_bounded_list_and_links_to_the_rest,
);

per_engine!(the_answer_cache_keys_by_what_was_negotiated_and_evicts_when_full);
