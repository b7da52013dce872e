//! Reads an attacker makes expensive, over HTTP against the running registry on both engines:
//! collections whose entries embed every service using them, history and change-feed pages of
//! huge revisions, a vendor filling the disk with revisions, and an answer cache flooded with
//! header spellings (issue 11, rows 4, 15 and 16).

use feide_registry::domain::catalogue::raw::Catalogue;
use feide_registry::http::history::{ChangeFeed, Revision};
use feide_registry::http::views::{
    CountryDetail, CountryList, CountryView, ServiceSummary, SubProcessorList, SubProcessorView,
};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::helpers::views::Page;
use crate::helpers::{new_service, spawn_with, Actor, Answer, Engine, IfMatch, TestApp};

/// A GET that must answer 200 JSON: the body's size and the decoded answer.
async fn sized<T: DeserializeOwned>(who: &Actor, path: &str) -> (usize, T) {
    let answer = who.get(path).await;
    (answer.body.len(), answer.ok())
}

/// A generated catalogue imported: a few sub-processors used by hundreds of services each.
async fn widely_used(app: &TestApp) -> Catalogue {
    let catalogue = feide_registry::domain::generate::catalogue(400, 3);
    app.import(&catalogue).await;
    catalogue
}

const EMBEDDED: usize = 100;
const EMBEDDED_IN_LISTS: usize = 10;

/// Row 4: a sub-processor used by hundreds of services embeds at most 100 of them, with the
/// count and a link that lists them all; a page of one costs one entry, and `limit=1` pages
/// reach every sub-processor.
async fn a_widely_used_sub_processor_embeds_a_bounded_list_and_links_to_the_rest(app: TestApp) {
    let catalogue = widely_used(&app).await;
    // the generator's first sub-processor is its most used hyperscaler
    let top = &catalogue.sub_processors[0].id;
    let (one_size, one): (usize, SubProcessorView) =
        sized(&app, &format!("/api/v1/sub-processors/{top}")).await;
    assert!(one.services_total > EMBEDDED, "{}", one.services_total);
    assert_eq!(one.services.len(), EMBEDDED);
    assert!(
        one_size < 64 * 1024,
        "one sub-processor is {one_size} bytes"
    );
    assert_eq!(
        one.services_href,
        format!("/api/v1/services?sub_processor={top}")
    );
    let all: Vec<ServiceSummary> = app
        .every_page(&format!("{}&limit=500", one.services_href))
        .await;
    assert_eq!(all.len(), one.services_total, "the link lists every user");
    let embedded: Vec<&str> = one.services.iter().map(|u| u.service.id.as_str()).collect();
    let first: Vec<&str> = all.iter().take(EMBEDDED).map(|s| s.id.as_str()).collect();
    assert_eq!(embedded, first, "the embedded ones are the first by id");

    let (whole_size, whole): (usize, SubProcessorList) =
        sized(&app, "/api/v1/sub-processors?limit=500").await;
    assert!(whole.next_cursor.is_none());
    for p in &whole.items {
        assert!(
            p.services.len() <= EMBEDDED_IN_LISTS,
            "{}: {}",
            p.sub_processor.id,
            p.services.len()
        );
        assert!(p.services_total >= p.services.len());
    }
    assert!(
        whole_size < 128 * 1024,
        "a page of every sub-processor is {whole_size} bytes"
    );
    let (size, first_page): (usize, SubProcessorList) =
        sized(&app, "/api/v1/sub-processors?limit=1").await;
    assert_eq!(first_page.items.len(), 1);
    assert!(size < 64 * 1024, "a page of one is {size} bytes");
    println!("{top}: {one_size} bytes; limit=500: {whole_size} bytes; limit=1: {size} bytes");
    let walked: Vec<SubProcessorView> = app.every_page("/api/v1/sub-processors?limit=1").await;
    let ids = |v: &[SubProcessorView]| {
        v.iter()
            .map(|p| p.sub_processor.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&walked),
        ids(&whole.items),
        "limit=1 pages reach every one"
    );

    // the country filter still holds, and is paged the same way
    let in_us: Vec<SubProcessorView> = app
        .every_page("/api/v1/sub-processors?country=US&limit=2")
        .await;
    assert!(in_us.iter().any(|p| p.sub_processor.id == *top));
    for p in &in_us {
        assert!(
            p.countries.contains(&"US".to_owned()),
            "{}",
            p.sub_processor.id
        );
    }
    let expected: Vec<String> = whole
        .items
        .iter()
        .filter(|p| p.countries.contains(&"US".to_owned()))
        .map(|p| p.sub_processor.id.to_string())
        .collect();
    assert_eq!(ids(&in_us), expected);
}

/// Row 4: a country whose data reaches hundreds of services embeds the uses of at most 100 of
/// them, with the count and a link to them all; the list pages the same.
async fn a_widely_used_country_embeds_a_bounded_list_and_links_to_the_rest(app: TestApp) {
    widely_used(&app).await;
    let (size, us): (usize, CountryDetail) = sized(&app, "/api/v1/countries/US").await;
    assert!(us.services_total > EMBEDDED, "{}", us.services_total);
    assert_eq!(us.services_total, us.country.service_count);
    let mut distinct: Vec<&str> = us.services.iter().map(|u| u.service.id.as_str()).collect();
    distinct.dedup();
    assert_eq!(distinct.len(), EMBEDDED);
    assert!(size < 64 * 1024, "one country is {size} bytes");
    assert_eq!(us.services_href, "/api/v1/services?country=US");
    let all: Vec<ServiceSummary> = app
        .every_page(&format!("{}&limit=500", us.services_href))
        .await;
    assert_eq!(all.len(), us.services_total, "the link lists every service");
    let first: Vec<&str> = all.iter().take(EMBEDDED).map(|s| s.id.as_str()).collect();
    assert_eq!(distinct, first);

    let whole: Vec<CountryView> = app
        .every_page("/api/v1/countries?in_use=true&limit=500")
        .await;
    let walked: Vec<CountryView> = app
        .every_page("/api/v1/countries?in_use=true&limit=1")
        .await;
    let codes = |v: &[CountryView]| v.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&walked), codes(&whole));
    assert!(whole.iter().all(|c| c.service_count > 0));
    let listed_us = whole.iter().find(|c| c.code == "US").unwrap();
    assert_eq!(listed_us.service_count, us.country.service_count);
    let (_, all_countries): (usize, CountryList) = sized(&app, "/api/v1/countries?limit=500").await;
    assert_eq!(all_countries.items.len(), 249);
}

/// A list of `kb` KiB of texts, different for each `tag`.
fn large_list(kb: usize, tag: usize) -> Value {
    let item = |i: usize| format!("Opplysning {tag} {i} {}", "data ".repeat(180));
    json!((0..kb).map(item).collect::<Vec<_>>())
}

/// How `path`'s personal data is changed `n` times.
#[derive(Clone, Copy)]
enum Writes {
    /// Between a large list and none.
    Toggle,
    /// To another large list each time (so each diff holds two).
    Replace { first_tag: usize },
}

/// `who` changes `path`'s personal data `n` times with lists of `kb` items, whatever the current
/// state; returns the statuses.
async fn write_lists(who: &Actor, path: &str, how: Writes, n: usize, kb: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for i in 0..n {
        let list = match how {
            Writes::Toggle if i % 2 == 1 => json!([]),
            Writes::Toggle => large_list(kb, i),
            Writes::Replace { first_tag } => large_list(kb, first_tag + i),
        };
        let res = who
            .patch(path, IfMatch::Any, json!({ "personal_data": list }))
            .await;
        statuses.push(res.status().as_u16());
    }
    statuses
}

async fn create(who: &Actor, id: &str) {
    let res = who.post("/api/v1/services", new_service(id)).await;
    assert_eq!(res.status(), 201, "{}", res.text());
}

const MIB: usize = 1 << 20;

/// Row 15 (a, b): a vendor toggling a large list makes megabytes of revisions; every page of
/// the change feed and of the history stays under a megabyte whatever its `limit`, and
/// `next_cursor` reaches every revision, one by one when one alone is larger than a page.
async fn history_and_feed_pages_stay_under_a_megabyte_and_reach_everything(engine: Engine) {
    let app = spawn_with(engine, |o| o.max_body = 2 * MIB).await;
    let (_, start): (usize, ChangeFeed) = sized(&app, "/api/v1/changes?limit=500").await;
    let vendor = app.vendor("trygg-trafikk").await;
    create(&vendor, "stor-liste").await;
    let path = "/api/v1/services/stor-liste";
    // 16 revisions of about 90 KB, then one of 550 KB and two of 1.1 MB: 4 MB in all
    let statuses = write_lists(&vendor, path, Writes::Toggle, 16, 100).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    for tag in [100, 101, 102] {
        let res = vendor
            .patch(
                path,
                IfMatch::Any,
                json!({ "personal_data": large_list(600, tag) }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }

    let mut feed_pages = Vec::new();
    let mut since = start.next_cursor.clone();
    let mut seen: Vec<i64> = Vec::new();
    loop {
        let (size, page): (usize, ChangeFeed) =
            sized(&app, &format!("/api/v1/changes?since={since}&limit=500")).await;
        if page.items.is_empty() {
            assert_eq!(page.next_cursor, since, "the end keeps the poller's place");
            break;
        }
        assert!(
            size < MIB || page.items.len() == 1,
            "a page of {} changes is {size} bytes",
            page.items.len()
        );
        seen.extend(page.items.iter().map(|c| c.cursor.parse::<i64>().unwrap()));
        assert!(page.items.iter().all(|c| c.id == "stor-liste"));
        feed_pages.push((page.items.len(), size));
        since = page.next_cursor;
    }
    assert_eq!(
        seen.len(),
        20,
        "the creation and 19 changes: {feed_pages:?}"
    );
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, none twice");
    assert!(feed_pages.len() >= 4, "{feed_pages:?}");
    assert!(
        feed_pages
            .iter()
            .rev()
            .take(2)
            .all(|(n, size)| *n == 1 && *size > MIB),
        "each revision larger than a page comes alone: {feed_pages:?}"
    );

    // the history: the same bound, with the cursor in SQL
    let mut revisions = Vec::new();
    let mut cursor: Option<String> = None;
    let mut history_pages = Vec::new();
    loop {
        let url = match &cursor {
            None => format!("{path}/history?limit=500"),
            Some(c) => format!("{path}/history?limit=500&cursor={c}"),
        };
        let (size, page): (usize, Page<Revision>) = sized(&app, &url).await;
        assert!(size < MIB || page.items.len() == 1, "{size} bytes");
        history_pages.push((page.items.len(), size));
        revisions.extend(page.items.iter().map(|r| r.revision));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(revisions, (1..=20).collect::<Vec<_>>(), "{history_pages:?}");
    let (size, first): (usize, Page<Revision>) =
        sized(&app, &format!("{path}/history?limit=1")).await;
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.items[0].actor, "vendor:trygg-trafikk");
    assert!(first.next_cursor.is_some() && size < 4096, "{size}");
    println!("feed pages (changes, bytes): {feed_pages:?}; history pages: {history_pages:?}");
}

/// The change feed's cursor after its last change.
async fn feed_end(app: &TestApp) -> String {
    let mut since = "0".to_owned();
    loop {
        let (_, page): (usize, ChangeFeed) =
            sized(app, &format!("/api/v1/changes?since={since}&limit=500")).await;
        if page.items.is_empty() {
            return since;
        }
        since = page.next_cursor;
    }
}

/// Row 15 (c): a vendor within its write rate toggling a large list is stopped by its daily
/// budget of revision bytes with 429 and Retry-After, across two processes; the refused write
/// leaves nothing behind; administrators are not limited by it.
async fn a_vendor_past_its_daily_revision_bytes_gets_429_and_stores_nothing(engine: Engine) {
    let app = spawn_with(engine, |o| o.revision_bytes_per_day = 1_000_000).await;
    let other = app.another_process();
    let vendor = app.vendor("trygg-trafikk").await;
    let vendor_at_other = vendor.at(&other.base);
    create(&vendor, "stor-liste").await;
    let path = "/api/v1/services/stor-liste";
    // about 90 KB, then 180 KB a revision, alternating between the two processes
    let mut statuses = Vec::new();
    for round in 0..6 {
        let who = if round % 2 == 0 {
            &vendor
        } else {
            &vendor_at_other
        };
        let how = Writes::Replace {
            first_tag: 2 * round,
        };
        statuses.extend(write_lists(who, path, how, 2, 100).await);
    }
    let accepted = statuses.iter().take_while(|s| **s == 200).count();
    assert!(
        (4..=6).contains(&accepted),
        "about 1 MB of revisions, then refused: {statuses:?}"
    );
    assert!(
        statuses[accepted..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );

    let history_before: Vec<Revision> = app.every_page(&format!("{path}/history?limit=500")).await;
    let feed_before = feed_end(&app).await;
    let etag = app.etag(path).await;
    let res = vendor
        .patch(
            path,
            &etag,
            json!({ "personal_data": large_list(100, 999) }),
        )
        .await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=24 * 3600).contains(&retry), "{retry}");
    res.problem();
    // nothing of the refused write remains
    assert_eq!(app.etag(path).await, etag);
    let history_after: Vec<Revision> = app.every_page(&format!("{path}/history?limit=500")).await;
    assert_eq!(history_after.len(), history_before.len());
    assert_eq!(history_after.len(), 1 + accepted);
    assert_eq!(
        feed_end(&app).await,
        feed_before,
        "nothing new in the change feed"
    );
    // the other process refuses too: the budget is counted in the database
    let how = Writes::Replace { first_tag: 500 };
    let statuses = write_lists(&vendor_at_other, path, how, 1, 100).await;
    assert_eq!(statuses, [429]);
    // an administrator is exempt
    let admin = app.admin().await;
    let how = Writes::Replace { first_tag: 600 };
    let statuses = write_lists(&admin, path, how, 3, 100).await;
    assert_eq!(statuses, [200, 200, 200]);
}

/// A counter or gauge from `/metrics`.
async fn metric(app: &TestApp, name: &str) -> u64 {
    let metrics = app.get("/metrics").await;
    metrics
        .text()
        .lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

const HITS: &str = "feide_registry_answer_cache_total{result=\"hit\"}";
const ENTRIES: &str = "feide_registry_answer_cache_entries";

async fn get_with(app: &TestApp, path: &str, language: &str) -> Answer {
    let res = Answer::of(
        app.request(Method::GET, path)
            .header("Accept-Language", language),
    )
    .await;
    assert_eq!(res.status(), 200);
    res
}

/// Row 16: 1,500 spellings of `Accept-Language` share the one answer they negotiate to, and
/// a cache filled with one-off answers still keeps new ones.
async fn the_answer_cache_keys_by_what_was_negotiated_and_evicts_when_full(engine: Engine) {
    let app = spawn_with(engine, |o| o.answer_cache_bytes = 64 * 1024).await;
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
    let first = get_with(&app, path, "en-GB").await.body;
    let again = get_with(&app, path, "en-US;q=0.8").await.body;
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

per_engine!(
    history_and_feed_pages_stay_under_a_megabyte_and_reach_everything,
    a_vendor_past_its_daily_revision_bytes_gets_429_and_stores_nothing,
    the_answer_cache_keys_by_what_was_negotiated_and_evicts_when_full,
);
