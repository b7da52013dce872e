//! Whole exports through HTTP: the catalogue in its import format, and CSV answers that hold
//! every row, in the standard dialect and in the one Excel opens in a Norwegian locale.

use std::time::Duration;

use feide_registry::app;
use feide_registry::domain::catalogue::raw::Catalogue;
use feide_registry::http::views::{ServiceSummary, VendorView};
use feide_registry::store::Store;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{fresh_database, spawn, Answer, Engine, TestApp};

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut rb = app.request(Method::GET, path);
    for (name, value) in headers {
        rb = rb.header(*name, *value);
    }
    Answer::of(rb).await
}

/// What a municipality does to keep a copy, or to start a registry of its own: download the
/// catalogue and import it elsewhere. Everything arrives, entry for entry.
async fn the_catalogue_export_imports_into_a_fresh_registry(engine: Engine) {
    let app = spawn(engine).await;
    // a service with a vendor-written description, so the export is more than the seed file
    let vendor = app.vendor("trygg-trafikk").await;
    let etag = app.etag("/api/v1/services/sykkeldyktig").await;
    vendor
        .patch(
            "/api/v1/services/sykkeldyktig",
            &etag,
            json!({"description": "Sykkelopplæring på nett; for 4.–7. trinn"}),
        )
        .await
        .ok::<serde_json::Value>();

    let res = app.get("/api/v1/catalogue").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let exported: Catalogue = res.json();
    assert_eq!(exported.format, "feide-registry-catalogue/1");
    // the same document the `export` command writes from the database
    assert_eq!(exported, app::export(&app.store).unwrap());
    assert!(exported
        .services
        .iter()
        .any(|s| s.description.as_deref() == Some("Sykkelopplæring på nett; for 4.–7. trinn")));

    let (url, _dir) = fresh_database(engine);
    let fresh = Store::open(&url, 2, Duration::from_secs(3)).unwrap();
    app::import(&fresh, &exported, "export").unwrap();
    let again = app::export(&fresh).unwrap();
    assert_eq!(again.vendors.len(), exported.vendors.len());
    for (a, b) in again.vendors.iter().zip(&exported.vendors) {
        assert_eq!(a, b, "vendor {}", b.id);
    }
    assert_eq!(again.sub_processors.len(), exported.sub_processors.len());
    for (a, b) in again.sub_processors.iter().zip(&exported.sub_processors) {
        assert_eq!(a, b, "sub-processor {}", b.id);
    }
    assert_eq!(again.services.len(), exported.services.len());
    for (a, b) in again.services.iter().zip(&exported.services) {
        assert_eq!(a, b, "service {}", b.id);
    }
}

/// A dashboard that mirrors the catalogue asks again with the ETag it holds: `304` until someone
/// writes, then the new catalogue with a new ETag.
async fn the_catalogue_export_is_conditional_on_its_etag(engine: Engine) {
    let app = spawn(engine).await;
    let first = app.get("/api/v1/catalogue").await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "strong: {etag}"
    );
    let again = get_with(&app, "/api/v1/catalogue", &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert!(again.text().is_empty());
    // HEAD tells the same without the body
    assert_eq!(
        app.head("/api/v1/catalogue").await.header("etag"),
        Some(etag.as_str())
    );

    let vendor = app.vendor("trygg-trafikk").await;
    let vendor_etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    vendor
        .patch(
            "/api/v1/vendors/trygg-trafikk",
            &vendor_etag,
            json!({"address": "Ny adresse 1, 0150 Oslo"}),
        )
        .await
        .ok::<serde_json::Value>();
    let after = get_with(&app, "/api/v1/catalogue", &[("If-None-Match", &etag)]).await;
    assert_eq!(after.status(), 200, "the catalogue changed");
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    let c: Catalogue = after.json();
    let trygg = c.vendors.iter().find(|v| v.id == "trygg-trafikk").unwrap();
    assert_eq!(trygg.address.as_deref(), Some("Ny adresse 1, 0150 Oslo"));

    let refused = get_with(&app, "/api/v1/catalogue", &[("Accept", "text/csv")]).await;
    assert_eq!(refused.status(), 406);
    app.problem("/api/v1/catalogue?limit=5", 400).await;
}

per_engine!(
    the_catalogue_export_imports_into_a_fresh_registry,
    the_catalogue_export_is_conditional_on_its_etag,
);

/// Rows of a CSV answer in the standard dialect, header first (the `csv` crate, as a
/// spreadsheet would read them).
fn standard_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A spreadsheet's reading of the Excel dialect, written out: the byte order mark dropped, cells
/// split at `;` outside quotes, `""` inside quotes is one `"`, rows end at a newline outside
/// quotes.
fn excel_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM"))
        .expect("UTF-8");
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ';') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(cell.is_empty() && row.is_empty(), "the last row ends");
    rows
}

/// A municipality exports a long list to a spreadsheet: every service arrives, not the first
/// page, whatever `limit` says, and no `Link` sends it looking for more.
async fn a_csv_answer_holds_every_matching_row(app: TestApp) {
    let generated = feide_registry::domain::generate::catalogue(130, 21);
    app.import(&generated).await;
    let all: Vec<ServiceSummary> = app.every_page("/api/v1/services?limit=500").await;
    assert!(all.len() > 130, "{}", all.len());
    for path in [
        "/api/v1/services",
        "/api/v1/services?limit=10",
        "/api/v1/services?sort=-name",
    ] {
        let res = get_with(&app, path, &[("Accept", "text/csv")]).await;
        assert_eq!(res.status(), 200);
        // nothing to follow: the answer is not cut
        assert!(
            !res.header("link")
                .unwrap_or_default()
                .contains("rel=\"next\""),
            "{path}"
        );
        let rows = standard_rows(res.text());
        assert_eq!(rows[0][0], "id");
        let mut ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        ids.sort_unstable();
        let mut expected: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{path}");
    }
    // a filter still narrows the CSV; a URL alone (no Accept) gets it with `csv=standard`
    let outside: Vec<ServiceSummary> = app
        .every_page("/api/v1/services?outside_eea=true&limit=7")
        .await;
    assert!(outside.len() > 7, "more than a page: {}", outside.len());
    let res = app
        .get("/api/v1/services?outside_eea=true&limit=7&csv=standard")
        .await;
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    let rows = standard_rows(res.text());
    assert_eq!(rows.len() - 1, outside.len());
    // the other lists read from the catalogue held in memory are whole as well
    let vendors: Vec<VendorView> = app.every_page("/api/v1/vendors?limit=5").await;
    assert!(vendors.len() > 25, "{}", vendors.len());
    let rows = standard_rows(app.get("/api/v1/vendors?limit=5&csv=standard").await.text());
    assert_eq!(rows.len() - 1, vendors.len());
    let countries = app.get("/api/v1/countries?csv=standard").await;
    assert!(standard_rows(countries.text()).len() > 200, "every country");
    // a dialect that does not exist is named, with every other problem
    let p = app.problem("/api/v1/services?csv=lotus&limit=0", 400).await;
    let named: Vec<&str> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
    assert!(
        named.contains(&"csv") && named.contains(&"limit"),
        "{named:?}"
    );
    // an endpoint that answers no CSV knows no `csv`
    app.problem("/api/v1/services/kikora?csv=excel", 400).await;
}

/// Opened with a double click in a spreadsheet set to Norwegian: `æøå` are letters, not
/// mojibake, and a cell holding `;` stays one cell.
async fn the_excel_dialect_keeps_norwegian_letters_and_semicolons(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let etag = app.etag("/api/v1/vendors/trygg-trafikk").await;
    let address = "Bjørnstjerne Bjørnsons gate 1; Ærøy, \"Blåbærhuset\"";
    vendor
        .patch(
            "/api/v1/vendors/trygg-trafikk",
            &etag,
            json!({"address": address}),
        )
        .await
        .ok::<serde_json::Value>();

    let res = app.get("/api/v1/vendors?csv=excel").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/csv; charset=utf-8; header=present")
    );
    assert_eq!(
        res.header("content-disposition"),
        Some("attachment; filename=\"vendors.csv\"")
    );
    let rows = excel_rows(res.text().as_bytes());
    let header = &rows[0];
    assert_eq!(header[0], "id");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert!(rows.iter().all(|r| r.len() == header.len()), "{rows:?}");
    let trygg = rows.iter().find(|r| r[0] == "trygg-trafikk").unwrap();
    assert_eq!(trygg[column("address")], address);
    // the same cells as the standard dialect, only written for the spreadsheet
    let standard = app.get("/api/v1/vendors?csv=standard").await;
    assert_eq!(
        standard.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(standard_rows(standard.text()), rows);
    // its own ETag, and 304 on it
    let etag = res.header("etag").unwrap().to_owned();
    assert_ne!(standard.header("etag"), Some(etag.as_str()));
    let again = get_with(
        &app,
        "/api/v1/vendors?csv=excel",
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(again.status(), 304);
    // `Accept: text/csv` with `csv=excel` is the same answer
    let accepted = get_with(&app, "/api/v1/vendors?csv=excel", &[("Accept", "text/csv")]).await;
    assert_eq!(accepted.text(), res.text());
}

on_both_engines!(
    a_csv_answer_holds_every_matching_row,
    the_excel_dialect_keeps_norwegian_letters_and_semicolons,
);
