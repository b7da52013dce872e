//! The link to Feide's own service catalogue: a service's Feide ids, set through the write
//! course, validated, shown and filtered; on SQLite and PostgreSQL.

use feide_registry::http::views::ServiceProfile;
use serde_json::json;

use crate::helpers::TestApp;

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
);
