//! The cached catalogue caught up from the change log answers exactly what a process reading the
//! whole catalogue anew answers. Three registry processes share one database: A takes the writes,
//! B has every answer cached before them and catches up entry by entry, and C starts afterwards
//! and reads everything once.

use feide_registry::http::views::{
    ServiceList, ServiceProfile, SubProcessorView, VendorList, VendorView,
};
use serde_json::{json, Value};

use crate::helpers::{new_service_introducing, spawn_with, Actor, ETag, Engine, IfMatch, TestApp};

/// Everything a reader sees: each list, and each profile with its ETag.
async fn everything(reader: &Actor) -> Vec<(String, ETag, Value)> {
    let get = |path: String| async move {
        let answer = reader.get(&path).await;
        assert_eq!(answer.status(), 200, "GET {path}");
        let etag = answer.etag();
        (path, etag, answer.json::<Value>())
    };
    let mut seen = Vec::new();
    for list in [
        "/api/v1/services?limit=500",
        "/api/v1/services?limit=500&facets=attribute,country,sub_processor,flag,vendor",
        "/api/v1/services?limit=3&sort=-name",
        "/api/v1/vendors?limit=500",
        "/api/v1/sub-processors?limit=500",
    ] {
        seen.push(get(list.to_owned()).await);
    }
    let services: ServiceList = serde_json::from_value(seen[0].2.clone()).unwrap();
    for s in &services.items {
        seen.push(get(format!("/api/v1/services/{}", s.id)).await);
    }
    let vendors: VendorList = serde_json::from_value(seen[3].2.clone()).unwrap();
    for v in &vendors.items {
        seen.push(get(format!("/api/v1/vendors/{}", v.id)).await);
    }
    seen
}

/// How a process built its snapshots so far: (whole catalogue read, caught up from the log).
async fn snapshot_reads(reader: &Actor) -> (u64, u64) {
    let metrics = reader.get("/metrics").await;
    let text = metrics.text();
    let value = |how: &str| {
        let line = format!("feide_registry_snapshot_reads_total{{how=\"{how}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&line))
            .unwrap_or_else(|| panic!("no {line} in {text}"))
            .parse::<u64>()
            .unwrap()
    };
    (value("whole"), value("caught_up"))
}

async fn caught_up_snapshots_answer_like_a_fresh_read(app: TestApp) {
    let b_process = app.another_process();
    let b = app.anonymous().at(&b_process.base);
    let before = everything(&b).await;
    let (whole_at_start, caught_up_at_start) = snapshot_reads(&b).await;
    let vendor = app.vendor("trygg-trafikk").await;
    let admin = app.admin().await;

    // a vendor rename: B must show it in the profiles and rows of the vendor's services, which it
    // had rendered and kept before
    let etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    let res = admin
        .patch(
            "/api/v1/vendors/trygg-trafikk",
            &etag,
            json!({"name": "Trygg Trafikk (nytt navn)"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.caught_up(&b).await;
    let profile: ServiceProfile = b.read("/api/v1/services/sykkeldyktig").await;
    assert_eq!(profile.vendor.name, "Trygg Trafikk (nytt navn)");

    // a new service introducing a new shared sub-processor
    let doc = new_service_introducing("ny-prove", "nordic-hosting");
    let res = vendor.post("/api/v1/services", &doc).await;
    assert_eq!(res.status(), 201);
    app.caught_up(&b).await;
    let users: SubProcessorView = b.read("/api/v1/sub-processors/nordic-hosting").await;
    assert_eq!(users.services[0].service.id, "ny-prove");

    // a patch and a retirement
    let etag = app.etag("/api/v1/services/sykkeldyktig").await;
    let res = vendor
        .patch(
            "/api/v1/services/sykkeldyktig",
            &etag,
            json!({"description": "Ny beskrivelse", "terms": {"breach_notice_hours": 48}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let etag = app.etag("/api/v1/services/ny-prove").await;
    let res = vendor.delete("/api/v1/services/ny-prove", &etag).await;
    assert!(res.status().is_success(), "{}", res.status());

    // B caught up from the change log for each of those writes, and never read everything
    app.caught_up(&b).await;
    let (whole, caught_up) = snapshot_reads(&b).await;
    assert_eq!(whole, whole_at_start, "no whole read for logged writes");
    assert!(
        caught_up > caught_up_at_start,
        "caught up {caught_up_at_start} -> {caught_up}"
    );

    // a writer that raises the version without logging what it touched (an older registry
    // during an upgrade, a hand edit): B cannot trust the log, and reads everything anew
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.store.conn().unwrap();
        conn.batch_execute(
            "UPDATE services SET name = 'Endret for hånd' WHERE id = 'glupus'; \
             UPDATE catalogue_version SET n = n + 1 WHERE id = 1;",
        )
        .unwrap();
    }
    app.caught_up(&b).await;
    let glupus: ServiceProfile = b.read("/api/v1/services/glupus").await;
    assert_eq!(glupus.name, "Endret for hånd");
    assert_eq!(snapshot_reads(&b).await.0, whole + 1);

    // an import (the change log cannot name what it touched): B reads everything anew
    let generated = feide_registry::domain::generate::catalogue(12, 5);
    app.import(&generated).await;
    app.caught_up(&b).await;

    let caught_up = everything(&b).await;
    assert_eq!(snapshot_reads(&b).await.0, whole + 2, "the import");
    let c_process = app.another_process();
    let fresh = everything(&app.anonymous().at(&c_process.base)).await;
    assert_eq!(caught_up.len(), fresh.len());
    for (mine, theirs) in caught_up.iter().zip(&fresh) {
        assert_eq!(mine.0, theirs.0);
        assert_eq!(mine.2, theirs.2, "{} differs from a fresh read", mine.0);
        assert_eq!(
            mine.1, theirs.1,
            "{}: ETag differs from a fresh read",
            mine.0
        );
    }
    assert!(
        fresh.len() > before.len() + 12,
        "the import and the new service show"
    );
    let profile = fresh
        .iter()
        .find(|(p, _, _)| p == "/api/v1/services/sykkeldyktig")
        .unwrap();
    let profile: ServiceProfile = serde_json::from_value(profile.2.clone()).unwrap();
    assert_eq!(profile.description.as_deref(), Some("Ny beskrivelse"));
    assert_eq!(profile.terms.breach_notice_hours, Some(48));
}

/// A stored identifier the rules refuse (a hand edit, a bad migration) is a read error: the
/// registry keeps answering from the last catalogue it read whole, never shows the bad value,
/// and a write, which needs the catalogue as it is now, is refused rather than made over it.
async fn a_corrupt_stored_id_is_a_read_error_not_a_bad_answer(app: TestApp) {
    let before: VendorView = app.read("/api/v1/vendors/eldur-learning").await;
    assert_eq!(before.org_number.as_deref(), Some("918781293"));
    let held = metric(&app, "feide_registry_snapshot_version").await;
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.store.conn().unwrap();
        conn.batch_execute(
            "UPDATE vendors SET org_number = 'BAD ORG' WHERE id = 'eldur-learning'; \
             UPDATE catalogue_version SET n = n + 1 WHERE id = 1;",
        )
        .unwrap();
    }
    // the export reads the database itself: its error names the column, and its cause the
    // column's type and the value
    let error = feide_registry::app::export(&app.store).unwrap_err();
    let mut said = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(c) = cause {
        said.push_str(&format!(": {c}"));
        cause = c.source();
    }
    assert!(said.contains("org_number"), "{said}");
    assert!(said.contains("stored OrgNumber `BAD ORG`"), "{said}");

    let admin = app.admin().await;
    let write = admin
        .patch(
            "/api/v1/services/kikora",
            IfMatch::Any,
            json!({"description": "Endret"}),
        )
        .await;
    assert!(write.status().is_server_error(), "{}", write.status());
    assert!(!write.text().contains("BAD ORG"), "{}", write.text());

    let after: VendorView = app.read("/api/v1/vendors/eldur-learning").await;
    assert_eq!(after.org_number.as_deref(), Some("918781293"));
    assert_eq!(metric(&app, "feide_registry_snapshot_version").await, held);
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    assert_ne!(kikora.description.as_deref(), Some("Endret"));
}

/// A metric line's value from `/metrics`.
async fn metric(app: &TestApp, line: &str) -> u64 {
    let metrics = app.get("/metrics").await;
    let text = metrics.text();
    text.lines()
        .find_map(|l| l.strip_prefix(line)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {line} in {text}"))
        .parse()
        .unwrap()
}

/// Kept profiles and list rows stay within `RENDER_CACHE_MB` however many are read, answer like
/// fresh renderings when read again, and outlive writes to other entries.
async fn kept_renderings_stay_within_their_budget(engine: Engine) {
    let budget = 64 * 1024;
    let app = spawn_with(engine, |o| o.render_cache_bytes = budget).await;
    let catalogue = feide_registry::domain::generate::catalogue(300, 3);
    app.import(&catalogue).await;
    let read_all = || async {
        let mut seen = Vec::new();
        for s in &catalogue.services {
            let res = app.get(&format!("/api/v1/services/{}", s.id)).await;
            assert_eq!(res.status(), 200);
            seen.push((res.etag(), res.body));
        }
        seen
    };
    let first = read_all().await;
    let rendered: usize = first.iter().map(|(_, b)| b.len()).sum();
    assert!(
        rendered > 2 * budget,
        "the profiles ({rendered} bytes) exceed the budget"
    );
    let kept = metric(&app, "feide_registry_render_cache_bytes").await;
    assert!(kept > 0 && kept <= budget as u64, "kept {kept} of {budget}");
    // read again, some from the cache and some rendered anew: the same bytes and ETags
    assert_eq!(read_all().await, first);
    assert!(metric(&app, "feide_registry_render_cache_bytes").await <= budget as u64);

    // a write to one service leaves another's kept profile in place
    let kikora = "/api/v1/services/kikora";
    let before = app.get(kikora).await.body;
    let hits = metric(&app, "feide_registry_render_cache_total{result=\"hit\"}").await;
    let admin = app.admin().await;
    let patched = admin
        .patch(
            "/api/v1/services/sykkeldyktig",
            IfMatch::Any,
            json!({"description": "Ny beskrivelse"}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(app.get(kikora).await.body, before);
    let after = metric(&app, "feide_registry_render_cache_total{result=\"hit\"}").await;
    assert_eq!(
        after,
        hits + 1,
        "kikora's profile was kept across the write"
    );
    // and the written one shows the write
    let written: ServiceProfile = app.read("/api/v1/services/sykkeldyktig").await;
    assert_eq!(written.description.as_deref(), Some("Ny beskrivelse"));
}

/// Renderings of entries that were written over go with them: thirty writes to one service,
/// each followed by a read of its profile, leave about one rendering of it kept, not thirty.
async fn renderings_of_written_entries_are_dropped(app: TestApp) {
    let path = "/api/v1/services/sykkeldyktig";
    let size = app.get(path).await.body.len();
    let kept_before = metric(&app, "feide_registry_render_cache_bytes").await;
    let admin = app.admin().await;
    for n in 0..30 {
        let body = json!({"description": format!("Beskrivelse {n}")});
        let res = admin.patch(path, IfMatch::Any, body).await;
        assert_eq!(res.status(), 200);
        let read: ServiceProfile = app.read(path).await;
        assert_eq!(read.description, Some(format!("Beskrivelse {n}")));
    }
    let kept_after = metric(&app, "feide_registry_render_cache_bytes").await;
    assert!(
        kept_after < kept_before + 3 * size as u64,
        "kept {kept_before} bytes before and {kept_after} after thirty writes of a {size}-byte profile"
    );
}

on_both_engines!(
    caught_up_snapshots_answer_like_a_fresh_read,
    a_corrupt_stored_id_is_a_read_error_not_a_bad_answer,
    renderings_of_written_entries_are_dropped
);
per_engine!(kept_renderings_stay_within_their_budget);
