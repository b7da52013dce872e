//! The pages in a real browser: headless Chromium (Debian's) driven by Playwright, prepared by
//! `scripts/browser-python`. `tests/browser/tasks.py` does a user's tasks (search, open a profile,
//! compare and report through the pages' forms, switch language, print the report to PDF, reach a
//! profile by keyboard alone); `tests/browser/accessibility.py` loads every page type in every
//! language and requires no axe-core violation and no Nu Html Checker error. Both run against the
//! real server with the seeded catalogue and a municipality whose portfolio is public.
//!
//! `SCREENSHOTS=1` also writes the README's screenshots (home, a service, a report) to
//! `docs/screenshots/`; without it a test run changes no file.

use std::collections::BTreeSet;
use std::process::Command;

use feide_registry::http::views::ServiceSummary;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::helpers::{IfMatch, TestApp};
use crate::municipalities::municipality_client;

const LANGUAGES: [&str; 3] = ["nb", "nn", "en"];

/// What the scripts are told: where the registry is, which pages to visit, what to choose.
#[derive(Serialize)]
struct Plan {
    base: String,
    languages: [&'static str; 3],
    pages: Vec<PageType>,
    search: Searched,
    service_sections: [&'static str; 7],
    compare: Vec<Chosen>,
    report: Vec<Chosen>,
    screenshots: Option<String>,
}

#[derive(Serialize)]
struct PageType {
    name: &'static str,
    path: String,
    status: u16,
}

#[derive(Serialize)]
struct Searched {
    q: String,
    id: String,
    name: String,
}

#[derive(Serialize)]
struct Chosen {
    id: String,
    name: String,
}

/// What `tasks.py` did.
#[derive(Debug, Deserialize)]
struct Done {
    done: Vec<String>,
}

/// What `accessibility.py` checked: each page type in each language (with the number of axe rules
/// that passed there, which shows axe did run), and how many documents the Nu Html Checker read.
#[derive(Debug, Deserialize)]
struct Checked {
    checked: Vec<CheckedPage>,
    validated: usize,
}

#[derive(Debug, Deserialize)]
struct CheckedPage {
    page: String,
    lang: String,
    rules_passed: usize,
}

/// Bergen, with a public portfolio of Kikora (in use) and Glupus (approved).
async fn bergen_in_public(app: &TestApp) {
    let admin = app.admin().await;
    let res = admin
        .post(
            "/api/v1/municipalities",
            json!({"id": "bergen", "name": "Bergen kommune", "org_number": "964338531",
                   "municipality_number": "4601", "kind": "municipality", "portfolio": "public"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let client = municipality_client(app, "bergen").await;
    for (service, status) in [("kikora", "in_use"), ("glupus", "approved")] {
        let res = client
            .put(
                &format!("/api/v1/municipalities/bergen/portfolio/{service}"),
                IfMatch::Absent,
                json!({"local_status": status}),
            )
            .await;
        assert_eq!(res.status(), 201, "{service}: {}", res.text());
    }
}

/// The plan over the seeded catalogue, with the services' names as the API gives them.
async fn plan(app: &TestApp) -> Plan {
    bergen_in_public(app).await;
    let services: Vec<ServiceSummary> = app.every_page("/api/v1/services?limit=100").await;
    let chosen = |id: &str| {
        let s = services
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id} is seeded"));
        Chosen {
            id: s.id.clone(),
            name: s.name.clone(),
        }
    };
    let kikora = chosen("kikora");
    let vendor = &services
        .iter()
        .find(|s| s.id == "kikora")
        .unwrap()
        .vendor
        .id;
    let page = |name, path: &str| PageType {
        name,
        path: path.to_owned(),
        status: 200,
    };
    Plan {
        base: app.base().to_owned(),
        languages: LANGUAGES,
        pages: vec![
            page("home", "/"),
            page("home-filtered", "/?q=a&attribute=displayName&country=NO"),
            page("service", "/services/kikora"),
            page("vendor", &format!("/vendors/{vendor}")),
            page("sub-processor", "/sub-processors/blix-solutions"),
            page("attribute", "/attributes/displayName"),
            page("country", "/countries/NO"),
            page("compare-form", "/compare"),
            page("compare", "/compare?services=kikora&services=glupus"),
            page("report-form", "/report"),
            page(
                "report",
                "/report?services=kikora&services=glupus&services=alle-teller",
            ),
            page("report-municipality", "/report?municipality=bergen"),
            page("municipality", "/municipalities/bergen"),
            page("embed", "/municipalities/bergen/embed"),
            page("about", "/about"),
            PageType {
                name: "compare-too-few",
                path: "/compare?services=kikora".to_owned(),
                status: 400,
            },
            PageType {
                name: "not-found",
                path: "/services/no-such-service".to_owned(),
                status: 404,
            },
        ],
        search: Searched {
            q: kikora.name.clone(),
            id: kikora.id.clone(),
            name: kikora.name.clone(),
        },
        service_sections: [
            "attributes",
            "locations",
            "sub-processors",
            "terms",
            "flags",
            "announcements",
            "history",
        ],
        compare: vec![chosen("kikora"), chosen("sykkeldyktig")],
        report: vec![chosen("kikora"), chosen("glupus"), chosen("alle-teller")],
        screenshots: std::env::var("SCREENSHOTS")
            .is_ok_and(|v| v == "1")
            .then(|| concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots").to_owned()),
    }
}

/// The interpreter with Playwright: `BROWSER_PYTHON`, or the one `scripts/browser-python`
/// prepares (installing Chromium and the Python packages on first use).
fn python() -> String {
    if let Ok(p) = std::env::var("BROWSER_PYTHON") {
        return p;
    }
    let out = Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/browser-python"
    ))
    .output()
    .expect("run scripts/browser-python");
    assert!(
        out.status.success(),
        "scripts/browser-python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Runs `tests/browser/{script}` with the plan; fails with everything the script printed when it
/// fails, and answers what it reported.
async fn run<T: for<'de> Deserialize<'de>>(script: &'static str, plan: &Plan) -> T {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::write(&file, serde_json::to_vec(plan).unwrap()).unwrap();
    // the server answers on this runtime's threads while the browser waits for it
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python())
            .arg(script)
            .arg(&file)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser"))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("run the browser script")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "tests/browser/{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{script}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

async fn a_user_does_the_tasks_in_a_real_browser(app: TestApp) {
    let plan = plan(&app).await;
    let result: Done = run("tasks.py", &plan).await;
    assert_eq!(
        result.done,
        [
            "filter by a facet",
            "search",
            "open a profile",
            "compare two services",
            "build a report and print it",
            "switch language",
            "keyboard only to a profile",
            "keyboard only to a comparison",
        ]
    );
}

async fn every_page_is_accessible_and_valid_in_every_language(app: TestApp) {
    let plan = plan(&app).await;
    let result: Checked = run("accessibility.py", &plan).await;
    let wanted: BTreeSet<(&str, &str)> = LANGUAGES
        .iter()
        .flat_map(|lang| plan.pages.iter().map(move |p| (p.name, *lang)))
        .collect();
    let checked: BTreeSet<(&str, &str)> = result
        .checked
        .iter()
        .map(|c| (c.page.as_str(), c.lang.as_str()))
        .collect();
    assert_eq!(checked, wanted, "every page type in every language");
    for c in &result.checked {
        assert!(c.rules_passed >= 10, "axe ran on {c:?}");
    }
    assert_eq!(result.validated, wanted.len() + 1, "and the stylesheet");
}

on_both_engines!(
    a_user_does_the_tasks_in_a_real_browser,
    every_page_is_accessible_and_valid_in_every_language
);
