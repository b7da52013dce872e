//! The Atom feeds, read by the parser feed readers use (Python `feedparser`, through
//! `tests/client/atom_check.py`): well formed even around vendors' markup, with stable tag ids,
//! absolute links to the JSON resources, and conditional GET.

use std::process::Command;

use chrono::{Days, Utc};
use feide_registry::http::announcements::AnnouncementView;
use serde::Deserialize;
use serde_json::json;

use feide_registry::http::history::ChangeFeed;
use feide_registry::http::views::ServiceProfile;

use crate::helpers::{IfMatch, TestApp};
use crate::municipalities::municipality_client;

/// What a feed reader saw of one feed.
#[derive(Debug, Deserialize)]
pub(crate) struct Parsed {
    bozo: i64,
    bozo_exception: String,
    version: String,
    id: String,
    title: String,
    #[serde(rename = "self")]
    self_link: String,
    pub entries: Vec<ParsedEntry>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ParsedEntry {
    pub id: String,
    title: String,
    link: String,
    updated: String,
    summary: String,
}

/// The interpreter with feedparser: `FEED_PYTHON`, or the one `scripts/feed-python` prepares.
fn python() -> String {
    if let Ok(p) = std::env::var("FEED_PYTHON") {
        return p;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(format!("{root}/scripts/feed-python"))
        .output()
        .expect("run scripts/feed-python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Fetches each feed and parses it with feedparser.
pub(crate) async fn parsed(app: &TestApp, paths: &[&str]) -> Vec<Parsed> {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}: {}", res.text());
        assert_eq!(
            res.header("content-type"),
            Some("application/atom+xml; charset=utf-8"),
            "{path}"
        );
        let file = dir.path().join(format!("{i}.atom"));
        std::fs::write(&file, res.text()).unwrap();
        files.push(file);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/client/atom_check.py");
    let out = Command::new(python())
        .arg(script)
        .args(&files)
        .output()
        .expect("run feedparser");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ids(feed: &Parsed) -> Vec<&str> {
    feed.entries.iter().map(|e| e.id.as_str()).collect()
}

/// A vendor's name with markup and an announcement whose summary holds a script: every feed is
/// well formed Atom 1.0, shows the texts as written, and links each entry to its JSON resource.
async fn feeds_parse_cleanly_with_stable_ids_and_links(app: TestApp) {
    let vendor = app.vendor("aanestad-edtech").await;
    let entry_path = "/api/v1/vendors/aanestad-edtech";
    let etag = app.etag(entry_path).await;
    let name = "Aanestad <b>&amp;</b> \"Edtech\" ]]>";
    let res = vendor.patch(entry_path, &etag, json!({"name": name})).await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let effective = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(28))
        .unwrap();
    let summary = "<script>alert('x')</script> & ny leverandør";
    let res = vendor
        .post(
            "/api/v1/services/glupus/announcements",
            json!({"effective_date": effective.to_string(), "summary": summary,
                   "changes": [{"action": "remove", "id": "proisp"}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let a: AnnouncementView = res.json();

    let feeds = parsed(
        &app,
        &[
            "/feeds/changes.atom",
            "/feeds/announcements.atom",
            "/feeds/services/glupus.atom",
            "/feeds/vendors/aanestad-edtech.atom",
        ],
    )
    .await;
    for f in &feeds {
        assert_eq!(f.bozo, 0, "{}: {}", f.id, f.bozo_exception);
        assert_eq!(f.version, "atom10");
        let mut unique = ids(f);
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), f.entries.len(), "ids are unique in {}", f.id);
        assert!(f.entries.iter().all(|e| !e.updated.is_empty()));
    }
    let tag = "tag:127.0.0.1,2026:";
    let revision = format!("{tag}vendor/aanestad-edtech/revision/2");
    let service_revision = format!("{tag}service/glupus/revision/1");
    let announcement = format!("{tag}announcement/{}", a.id);
    let [changes, announcements, service, of_vendor] = &feeds[..] else {
        unreachable!()
    };

    assert_eq!(changes.id, format!("{tag}changes"));
    assert_eq!(changes.self_link, app.url("/feeds/changes.atom"));
    let newest = &changes.entries[0];
    assert_eq!(newest.id, revision, "newest first");
    assert!(newest.title.starts_with(name), "{}", newest.title);
    assert_eq!(newest.link, app.url(entry_path));
    assert!(newest.summary.contains("name"), "{}", newest.summary);

    assert_eq!(ids(announcements), [announcement.as_str()]);
    let entry = &announcements.entries[0];
    assert_eq!(
        entry.link,
        app.url(&format!("/api/v1/announcements/{}", a.id))
    );
    assert!(entry.summary.starts_with(summary), "{}", entry.summary);
    assert!(
        entry.summary.contains("removes proisp"),
        "{}",
        entry.summary
    );
    assert!(entry.title.contains("short notice"), "{}", entry.title);

    assert_eq!(service.title, "Feide registry: Glupus");
    assert_eq!(
        ids(service),
        [announcement.as_str(), service_revision.as_str()]
    );
    assert_eq!(of_vendor.title, format!("Feide registry: {name}"));
    assert!(
        ids(of_vendor).contains(&revision.as_str()),
        "the same id in every feed"
    );
    assert!(ids(of_vendor).contains(&announcement.as_str()));
    assert!(ids(of_vendor).contains(&service_revision.as_str()));
}

/// A feed reader polls with the validators it was given: unchanged, the answer is 304; after a
/// new announcement, the feed comes again with a new ETag.
async fn feeds_answer_conditional_gets(app: TestApp) {
    let path = "/feeds/announcements.atom";
    let first = app.get(path).await;
    assert_eq!(first.status(), 200);
    let etag = first.header("etag").unwrap().to_owned();
    let modified = first.header("last-modified").unwrap().to_owned();
    let by_etag = app
        .request(reqwest::Method::GET, path)
        .header("If-None-Match", &etag);
    assert_eq!(crate::helpers::Answer::of(by_etag).await.status(), 304);
    let by_date = app
        .request(reqwest::Method::GET, path)
        .header("If-Modified-Since", &modified);
    assert_eq!(crate::helpers::Answer::of(by_date).await.status(), 304);

    let vendor = app.vendor("eldur-learning").await;
    let effective = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(50))
        .unwrap();
    let res = vendor
        .post(
            "/api/v1/services/kikora/announcements",
            json!({"effective_date": effective.to_string(),
                   "changes": [{"action": "remove", "id": "raygun"}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let again = app
        .request(reqwest::Method::GET, path)
        .header("If-None-Match", &etag);
    let again = crate::helpers::Answer::of(again).await;
    assert_eq!(again.status(), 200);
    assert_ne!(again.header("etag"), Some(etag.as_str()));

    assert_eq!(app.get("/feeds/services/nope.atom").await.status(), 404);
    assert_eq!(app.get("/feeds/vendors/nope.atom").await.status(), 404);
    assert_eq!(app.get("/feeds/changes.atom?limit=5").await.status(), 400);
}

/// "What changed for us since my last visit": Askøy's feed (a public portfolio holding Sykkeldyktig)
/// shows Sykkeldyktig's changes and its vendor's, never another vendor's; a private portfolio's feed is
/// its own clients' only.
async fn a_portfolio_feed_shows_what_changed_for_the_municipality(app: TestApp) {
    let admin = app.admin().await;
    for (id, name, org, portfolio) in [
        ("askoy", "Askøy kommune", "964338442", "public"),
        ("bergen", "Bergen kommune", "964338531", "private"),
    ] {
        let body = json!({"id": id, "name": name, "org_number": org, "kind": "municipality",
                          "portfolio": portfolio});
        let res = admin.post("/api/v1/municipalities", body).await;
        assert_eq!(res.status(), 201, "{}", res.text());
        let client = municipality_client(&app, id).await;
        let res = client
            .put(
                &format!("/api/v1/municipalities/{id}/portfolio/sykkeldyktig"),
                IfMatch::Absent,
                json!({"local_status": "in_use"}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text());
    }
    let feed = "/api/v1/municipalities/askoy/changes";

    // from the beginning: Sykkeldyktig's import, its vendor's and its sub-processors', nothing else
    let all: ChangeFeed = app.read(&format!("{feed}?limit=500")).await;
    let sykkeldyktig: ServiceProfile = app.read("/api/v1/services/sykkeldyktig").await;
    let used: Vec<&str> = sykkeldyktig
        .sub_processors
        .iter()
        .map(|u| u.id.as_str())
        .collect();
    let about: Vec<(&str, &str)> = all
        .items
        .iter()
        .map(|c| (c.entity.as_str(), c.id.as_str()))
        .collect();
    assert!(about.contains(&("service", "sykkeldyktig")), "{about:?}");
    assert!(about.contains(&("vendor", "trygg-trafikk")), "{about:?}");
    assert!(
        about.iter().any(|(e, _)| *e == "sub_processor"),
        "{about:?}"
    );
    for (entity, id) in &about {
        let concerns = match *entity {
            "service" => *id == "sykkeldyktig",
            "vendor" => *id == "trygg-trafikk",
            _ => used.contains(id),
        };
        assert!(concerns, "{entity} {id} is not Askøy's concern: {about:?}");
    }

    // a later visit sees only what came after its cursor, and only what concerns it
    let since = all.next_cursor;
    let res = app
        .vendor("trygg-trafikk")
        .await
        .patch(
            "/api/v1/services/sykkeldyktig",
            &app.etag("/api/v1/services/sykkeldyktig").await,
            json!({"description": "Sykkelopplæring for 5.–7. trinn"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let res = app
        .vendor("eldur-learning")
        .await
        .patch(
            "/api/v1/vendors/eldur-learning",
            &app.etag("/api/v1/vendors/eldur-learning").await,
            json!({"name": "Ikke Askøys sak AS"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let later: ChangeFeed = app.read(&format!("{feed}?since={since}")).await;
    let about: Vec<(&str, &str)> = later
        .items
        .iter()
        .map(|c| (c.entity.as_str(), c.id.as_str()))
        .collect();
    assert_eq!(about, [("service", "sykkeldyktig")]);
    let whole: ChangeFeed = app.read(&format!("/api/v1/changes?since={since}")).await;
    assert_eq!(whole.items.len(), 2, "the catalogue's feed holds both");

    // the Atom feed, read by feedparser: Sykkeldyktig's revision and its announcement, not Eldur's
    let effective = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(60))
        .unwrap();
    let res = app
        .vendor("trygg-trafikk")
        .await
        .post(
            "/api/v1/services/sykkeldyktig/announcements",
            json!({"effective_date": effective.to_string(),
                   "changes": [{"action": "remove", "id": "freshworks"}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let a: AnnouncementView = res.json();
    let atom = parsed(&app, &["/feeds/municipalities/askoy.atom"]).await;
    let atom = &atom[0];
    assert!(atom.title.contains("Askøy kommune"), "{}", atom.title);
    let ids = ids(atom);
    assert!(
        ids.iter()
            .any(|i| i.ends_with(&format!("announcement/{}", a.id))),
        "{ids:?}"
    );
    assert!(
        ids.iter()
            .any(|i| i.contains("service/sykkeldyktig/revision/")),
        "{ids:?}"
    );
    assert!(!ids.iter().any(|i| i.contains("eldur-learning")), "{ids:?}");

    // Bergen's portfolio is private: a 404 to the public, its own to its clients
    for path in [
        "/api/v1/municipalities/bergen/changes",
        "/feeds/municipalities/bergen.atom",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
        let own = municipality_client(&app, "bergen").await.get(path).await;
        assert_eq!(own.status(), 200, "{path}: {}", own.text());
        let cache = own.header("cache-control").unwrap_or_default();
        assert!(cache.contains("no-store"), "{path}: {cache}");
        let other = municipality_client(&app, "askoy").await.get(path).await;
        assert_eq!(other.status(), 404, "{path}");
    }
    assert_eq!(
        app.get("/feeds/municipalities/nope.atom").await.status(),
        404
    );
    assert_eq!(
        app.get("/api/v1/municipalities/nope/changes")
            .await
            .status(),
        404
    );
}

on_both_engines!(
    feeds_parse_cleanly_with_stable_ids_and_links,
    feeds_answer_conditional_gets,
    a_portfolio_feed_shows_what_changed_for_the_municipality,
);
