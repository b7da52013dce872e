//! The cached catalogue caught up from the change log answers exactly what a process reading the
//! whole catalogue anew answers. Three registry processes share one database: A takes the writes,
//! B has every answer cached before them and catches up entry by entry, and C starts afterwards
//! and reads everything once.

mod common;

use common::TestApp;
use serde_json::{json, Value};

/// Everything a reader sees: each list, and each profile with its ETag.
async fn everything(client: &reqwest::Client, base: &str) -> Vec<(String, String, Value)> {
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let res = client.get(&url).send().await.unwrap();
            assert_eq!(res.status(), 200, "GET {url}");
            let etag = res.headers()["etag"].to_str().unwrap().to_owned();
            (path, etag, res.json::<Value>().await.unwrap())
        }
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
    let ids: Vec<String> = seen[0].2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        seen.push(get(format!("/api/v1/services/{id}")).await);
    }
    let vendors: Vec<String> = seen[3].2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &vendors {
        seen.push(get(format!("/api/v1/vendors/{id}")).await);
    }
    seen
}

/// How a process built its snapshots so far: (whole catalogue read, caught up from the log).
async fn snapshot_reads(client: &reqwest::Client, base: &str) -> (u64, u64) {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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

async fn json_at(client: &reqwest::Client, url: &str) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

fn service_doc(id: &str, sub: &str) -> Value {
    json!({
        "id": id, "name": format!("Tjeneste {id}"), "vendor": "trygg-trafikk",
        "description": "Trafikkopplæring", "website": null, "status": "active",
        "purposes": ["Levere opplæring i trafikk"], "data_subjects": ["pupils"], "personal_data": [],
        "attributes": [{"name": "mail", "justification": "Sender kvittering til eleven"}],
        "oidc_scopes": [],
        "locations": [{"country": "NO", "role": "storage", "facility": null}],
        "sub_processors": [{"id": sub, "purpose": "Drift", "locations": [{"country": "SE", "role": "storage"}], "transfer_mechanism": "eea"}],
        "terms": {"deletion_days_after_end": 90},
        "sources": []
    })
}

async fn caught_up_snapshots_answer_like_a_fresh_read(app: TestApp) {
    let (b, b_handle) = app.another_process();
    let before = everything(&app.client, &b).await;
    let (whole_at_start, caught_up_at_start) = snapshot_reads(&app.client, &b).await;
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let admin = app.token("admin", None).await;

    // a vendor rename: B must show it in the profiles and rows of the vendor's services, which it
    // had rendered and kept before
    let etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    let res = app
        .write(
            "PATCH",
            "/api/v1/vendors/trygg-trafikk",
            Some(&admin),
            Some(&etag),
            Some(&json!({"name": "Trygg Trafikk (nytt navn)"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.caught_up(&b).await;
    let profile = json_at(&app.client, &format!("{b}/api/v1/services/sykkeldyktig")).await;
    assert_eq!(profile["vendor"]["name"], "Trygg Trafikk (nytt navn)");

    // a new service introducing a new shared sub-processor
    let mut doc = service_doc("ny-prove", "nordic-hosting");
    doc["new_sub_processors"] = json!([{"id": "nordic-hosting", "name": "Nordic Hosting AB", "legal_name": null,
        "org_number": "970 133 410", "registration_number": null, "country": "SE", "address": null, "website": null}]);
    let res = app
        .write("POST", "/api/v1/services", Some(&token), None, Some(&doc))
        .await;
    assert_eq!(res.status(), 201);
    app.caught_up(&b).await;
    let users = json_at(
        &app.client,
        &format!("{b}/api/v1/sub-processors/nordic-hosting"),
    )
    .await;
    assert_eq!(users["services"][0]["service"]["id"], "ny-prove");

    // a patch and a retirement
    let etag = app.etag("/api/v1/services/sykkeldyktig").await;
    let res = app
        .write(
            "PATCH",
            "/api/v1/services/sykkeldyktig",
            Some(&token),
            Some(&etag),
            Some(&json!({"description": "Ny beskrivelse", "terms": {"breach_notice_hours": 48}})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let etag = app.etag("/api/v1/services/ny-prove").await;
    let res = app
        .write(
            "DELETE",
            "/api/v1/services/ny-prove",
            Some(&token),
            Some(&etag),
            None,
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());

    // B caught up from the change log for each of those writes, and never read everything
    app.caught_up(&b).await;
    let (whole, caught_up) = snapshot_reads(&app.client, &b).await;
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
    let glupus = json_at(&app.client, &format!("{b}/api/v1/services/glupus")).await;
    assert_eq!(glupus["name"], "Endret for hånd");
    assert_eq!(snapshot_reads(&app.client, &b).await.0, whole + 1);

    // an import (the change log cannot name what it touched): B reads everything anew
    let generated = common::generated_catalogue(12, 5);
    app.import(&generated).await;
    app.caught_up(&b).await;

    let caught_up = everything(&app.client, &b).await;
    assert_eq!(
        snapshot_reads(&app.client, &b).await.0,
        whole + 2,
        "the import"
    );
    let (c, c_handle) = app.another_process();
    let fresh = everything(&app.client, &c).await;
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
    assert_eq!(profile.2["description"], "Ny beskrivelse");
    assert_eq!(profile.2["terms"]["breach_notice_hours"], 48);
    b_handle.stop(false).await;
    c_handle.stop(false).await;
}

/// A metric line's value from `/metrics`.
async fn metric(app: &TestApp, line: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(line)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {line} in {text}"))
        .parse()
        .unwrap()
}

/// Kept profiles and list rows stay within `RENDER_CACHE_MB` however many are read, answer like
/// fresh renderings when read again, and outlive writes to other entries.
async fn kept_renderings_stay_within_their_budget(engine: common::Engine) {
    let budget = 64 * 1024;
    let mut options = feide_registry::app::ServerOptions::with_key(vec![7; 32]);
    options.render_cache_bytes = budget;
    let app = common::spawn_configured(engine, Some(common::seed_file()), options).await;
    let catalogue = common::generated_catalogue(300, 3);
    app.import(&catalogue).await;
    let read_all = || async {
        let mut seen = Vec::new();
        for s in &catalogue.services {
            let res = app.get(&format!("/api/v1/services/{}", s.id)).await;
            assert_eq!(res.status(), 200);
            let etag = res.headers()["etag"].to_str().unwrap().to_owned();
            seen.push((etag, res.bytes().await.unwrap()));
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
    let before = app.get(kikora).await.bytes().await.unwrap();
    let hits = metric(&app, "feide_registry_render_cache_total{result=\"hit\"}").await;
    let token = app.token("admin", None).await;
    let patched = app
        .write(
            "PATCH",
            "/api/v1/services/sykkeldyktig",
            Some(&token),
            Some("*"),
            Some(&json!({"description": "Ny beskrivelse"})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(app.get(kikora).await.bytes().await.unwrap(), before);
    let after = metric(&app, "feide_registry_render_cache_total{result=\"hit\"}").await;
    assert_eq!(
        after,
        hits + 1,
        "kikora's profile was kept across the write"
    );
    // and the written one shows the write
    let written: Value = app.json("/api/v1/services/sykkeldyktig").await;
    assert_eq!(written["description"], "Ny beskrivelse");
}

/// Renderings of entries that were written over go with them: thirty writes to one service,
/// each followed by a read of its profile, leave about one rendering of it kept, not thirty.
async fn renderings_of_written_entries_are_dropped(app: TestApp) {
    let path = "/api/v1/services/sykkeldyktig";
    let size = app.get(path).await.bytes().await.unwrap().len();
    let kept_before = metric(&app, "feide_registry_render_cache_bytes").await;
    let token = app.token("admin", None).await;
    for n in 0..30 {
        let body = json!({"description": format!("Beskrivelse {n}")});
        let res = app
            .write("PATCH", path, Some(&token), Some("*"), Some(&body))
            .await;
        assert_eq!(res.status(), 200);
        let read: Value = app.json(path).await;
        assert_eq!(read["description"], format!("Beskrivelse {n}"));
    }
    let kept_after = metric(&app, "feide_registry_render_cache_bytes").await;
    assert!(
        kept_after < kept_before + 3 * size as u64,
        "kept {kept_before} bytes before and {kept_after} after thirty writes of a {size}-byte profile"
    );
}

on_both_engines!(
    caught_up_snapshots_answer_like_a_fresh_read,
    renderings_of_written_entries_are_dropped
);
per_engine!(kept_renderings_stay_within_their_budget);
